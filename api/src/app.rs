//! The HTTP application: `Application::build` binds (port 0 picks a free port, as tests do) and
//! `run_until_stopped` serves until the shutdown token fires, finishing requests in flight.

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::Router;
use projections::{SecurityReports, WardDashboard};
use store::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub dashboard: WardDashboard,
    pub reports: SecurityReports,
    /// Where staff commands go (absent in offline commands such as `dcs station plan`).
    pub staff: Option<ingest::staff::StaffHandle>,
    /// Failed enrollments per station.
    pub enrollment_attempts: crate::attempts::Attempts,
    /// Session cookies are `Secure` (the hub is reached over HTTPS).
    pub secure_cookies: bool,
    /// The hub's public key, which signs receipts; stations receive it at enrollment.
    pub hub_key: ed25519_dalek::VerifyingKey,
    /// How ingest is doing (absent in offline commands), for `/healthz`.
    pub ingest_health: Option<ingest::health::IngestHealth>,
    /// Issues stations' NATS users at enrollment (absent when NATS runs without authentication).
    pub nats: Option<std::sync::Arc<bus::credentials::Authority>>,
    /// Signs the audit log's checkpoints (absent in offline commands).
    pub checkpoints: Option<audit::Checkpointer>,
    /// Epoch keys and the key table: stations get the current epoch key at enrollment, and
    /// sealed texts are opened through it (absent in offline commands: they stay sealed).
    pub keyring: Option<std::sync::Arc<ingest::keyring::Keyring>>,
}

impl AppState {
    pub fn new(store: Store, staff: Option<ingest::staff::StaffHandle>) -> Self {
        Self {
            dashboard: WardDashboard::new(store.clone()),
            reports: SecurityReports::new(store.clone()),
            store,
            staff,
            enrollment_attempts: Default::default(),
            secure_cookies: false,
            hub_key: ingest::IngestConfig::default().hub_key.verifying_key(),
            nats: None,
            ingest_health: None,
            checkpoints: None,
            keyring: None,
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
        Self::build_on(state, bind(listen)?)
    }

    /// On a socket bound already (the one a standby answered on, say).
    pub fn build_on(state: AppState, listener: std::net::TcpListener) -> std::io::Result<Self> {
        let listener = TcpListener::from_std(listener)?;
        let port = listener.local_addr()?.port();
        let router = crate::routes::router(state).layer(DefaultBodyLimit::max(crate::extract::BODY_LIMIT));
        let router = with_security_headers(router).layer(TraceLayer::new_for_http());
        Ok(Self { listener, router, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
    }
}

/// A listening socket for the hub's HTTP server (non-blocking, as tokio wants it).
pub fn bind(listen: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(listen)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// The headers every response carries: no inline script or style, no framing, no sniffing, no
/// referrer leaving the hub.
pub(crate) fn with_security_headers(router: Router) -> Router {
    const HEADERS: [(header::HeaderName, &str); 4] = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    HEADERS.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)))
    })
}
