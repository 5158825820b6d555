//! What a hub answers while it stands by (another hub is the log's writer): `/healthz` says so
//! with a 503 and the reason, so that a load balancer sends no one here, and every other path
//! answers 503 too, until this hub leads and its full server takes over the same socket.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Json, Router};
use serde_json::json;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Why a standby answers 503.
pub const REASON: &str = "standby: another hub is the log's writer; this one takes over when it stops";

pub struct Standby {
    stop: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

async fn standing_by() -> impl IntoResponse {
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "standby", "reasons": [REASON] })))
}

/// Answers on (a handle to) the hub's socket until [`Standby::end`].
pub fn serve(listener: std::net::TcpListener) -> std::io::Result<Standby> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let router = crate::app::with_security_headers(Router::new().fallback(standing_by));
    let stop = CancellationToken::new();
    let task = tokio::spawn({
        let stop = stop.clone();
        async move { axum::serve(listener, router).with_graceful_shutdown(async move { stop.cancelled().await }).await }
    });
    Ok(Standby { stop, task })
}

impl Standby {
    /// Stops answering; connections already accepted finish first.
    pub async fn end(self) {
        self.stop.cancel();
        if let Ok(Err(e)) = self.task.await {
            tracing::warn!(error = %e, "the standby's server stopped with an error");
        }
    }
}
