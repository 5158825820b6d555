//! The HTTP application: `Application::build` binds (port 0 picks a free port, as tests do) and
//! `run_until_stopped` serves until the shutdown token fires, finishing requests in flight.

use std::net::SocketAddr;

use axum::Router;
use projections::{SecurityReports, WardDashboard};
use store::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub dashboard: WardDashboard,
    pub reports: SecurityReports,
    /// Where staff commands go (absent in offline commands such as `dcs station plan`).
    pub staff: Option<ingest::staff::StaffHandle>,
}

impl AppState {
    pub fn new(store: Store, staff: Option<ingest::staff::StaffHandle>) -> Self {
        Self {
            dashboard: WardDashboard::new(store.clone()),
            reports: SecurityReports::new(store.clone()),
            store,
            staff,
        }
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    port: u16,
}

impl Application {
    pub async fn build(state: AppState, listen: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let port = listener.local_addr()?.port();
        let router = crate::routes::router(state).layer(TraceLayer::new_for_http());
        Ok(Self { listener, router, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(async move { shutdown.cancelled().await }).await
    }
}
