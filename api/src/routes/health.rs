//! `GET /healthz`: `ok`, or `degraded` (503) with the reasons: ingest failed lately and has not
//! committed since (the bus unreachable, a batch that cannot commit), or the dashboards lag far
//! behind the log. Also how far the log and the dashboards are.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::{ApiError, AppState};

/// Dashboards further behind the log than this many entries make the hub degraded.
pub const LAG_LIMIT: i64 = 10_000;

pub async fn healthz(State(s): State<AppState>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let head = s.store.head().await?;
    let projected = s.dashboard.checkpoint().await?;
    let lag = head - projected;
    let mut trouble: Vec<String> = s.ingest_health.as_ref().and_then(|h| h.trouble()).into_iter().collect();
    if lag > LAG_LIMIT {
        trouble.push(format!("dashboards: {lag} log entries behind"));
    }
    let (code, status) =
        if trouble.is_empty() { (StatusCode::OK, "ok") } else { (StatusCode::SERVICE_UNAVAILABLE, "degraded") };
    let body = json!({ "status": status, "reasons": trouble, "log_head": head, "dashboard_position": projected, "dashboard_lag": lag });
    Ok((code, Json(body)))
}
