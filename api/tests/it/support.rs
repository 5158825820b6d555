//! One helper that starts the whole hub in this process on a free port.

use std::net::SocketAddr;

use api::auth::{new_token, token_hash, Role};
use api::{Hub, HubOptions};
use bus::memory::MemoryBus;
use store::{Store, User};
use testkit::TestDb;
use tokio_util::sync::CancellationToken;

pub struct TestHub {
    pub url: String,
    pub hub: Hub,
    pub shutdown: CancellationToken,
    /// Signed in as an administrator who is also PC06 staff and an auditor.
    pub client: reqwest::Client,
    pub store: Store,
    _db: TestDb,
}

/// Adds a person with these roles and wards and returns a fresh API token of theirs.
pub async fn person(store: &Store, name: &str, roles: &[Role], wards: &[&str]) -> String {
    let roles: Vec<&str> = roles.iter().map(|r| r.name()).collect();
    let user = User { name: name.into(), roles: roles.join(","), wards: wards.join(","), disabled: false };
    store.add_user(&user).await.unwrap();
    let token = new_token();
    store.add_token(&token_hash(&token), name, chrono::Utc::now() + chrono::Duration::days(1)).await.unwrap();
    token
}

/// A client that sends this token.
pub fn signed_in(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A client without credentials that does not follow redirects (so a page's way to the sign-in
/// page is seen).
pub fn anonymous() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A client that presents this session cookie.
pub fn with_cookie(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestHub {
    pub async fn start(db: TestDb) -> Self {
        let store = db.store().await;
        let shutdown = CancellationToken::new();
        let options = HubOptions { listen: SocketAddr::from(([127, 0, 0, 1], 0)), ..Default::default() };
        let hub = Hub::start(store.clone(), Box::new(MemoryBus::new()), options, shutdown.clone()).await.unwrap();
        let url = format!("http://127.0.0.1:{}", hub.port());
        let token = person(&store, "Quản trị viên", &[Role::Administrator, Role::Pc06Staff, Role::Auditor], &[]).await;
        Self { url, hub, shutdown, client: signed_in(&token), store, _db: db }
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
