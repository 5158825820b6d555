//! One helper that starts the whole hub in this process on a free port.

use std::net::SocketAddr;

use api::{Hub, HubOptions};
use bus::memory::MemoryBus;
use testkit::TestDb;
use tokio_util::sync::CancellationToken;

pub struct TestHub {
    pub url: String,
    pub hub: Hub,
    pub shutdown: CancellationToken,
    pub client: reqwest::Client,
    _db: TestDb,
}

impl TestHub {
    pub async fn start(db: TestDb) -> Self {
        let store = db.store().await;
        let shutdown = CancellationToken::new();
        let options = HubOptions { listen: SocketAddr::from(([127, 0, 0, 1], 0)), ..Default::default() };
        let hub = Hub::start(store, Box::new(MemoryBus::new()), options, shutdown.clone()).await.unwrap();
        let url = format!("http://127.0.0.1:{}", hub.port());
        Self { url, hub, shutdown, client: reqwest::Client::new(), _db: db }
    }

    /// Status and JSON body (`Null` when the body is not JSON).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        self.hub.wait().await.unwrap();
    }
}
