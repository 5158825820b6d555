//! `GET /healthz`: the database answers; how far the log and the dashboard are.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::{ApiError, AppState};

pub async fn healthz(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let head = s.store.head().await?;
    let projected = s.dashboard.checkpoint().await?;
    Ok(Json(
        json!({ "status": "ok", "log_head": head, "dashboard_position": projected, "dashboard_lag": head - projected }),
    ))
}
