//! The security-report work queue as JSON: city-wide or for one ward, open or all, overdue only.

use axum::extract::State;
use axum::{Extension, Json};
use projections::{QueueFilter, QueuedReport};
use serde::Deserialize;

use super::ward_from_path;
use crate::auth::Identity;
use crate::extract::{PathParams, QueryParams};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// `open` (default) or `all`.
    pub status: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    pub ward: Option<String>,
    pub limit: Option<i64>,
}

fn filter(q: QueueQuery, ward: Option<String>) -> Result<QueueFilter, ApiError> {
    let open = match q.status.as_deref() {
        None | Some("open") => true,
        Some("all") => false,
        Some(other) => return Err(ApiError::field("status", format!("must be `open` or `all`, not `{other}`"))),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
    let ward = match ward.or(q.ward) {
        Some(code) => Some(ward_from_path(&code)?.as_str().to_string()),
        None => None,
    };
    Ok(QueueFilter { ward, open, overdue: q.overdue, limit })
}

/// `GET /api/v1/security-reports?status=open|all&overdue=true&ward=27097`
pub async fn city(
    State(s): State<AppState>,
    QueryParams(q): QueryParams<QueueQuery>,
) -> Result<Json<Vec<QueuedReport>>, ApiError> {
    Ok(Json(s.open_reports(&filter(q, None)?).await?))
}

/// `GET /api/v1/wards/{code}/security-reports?status=open|all&overdue=true`
pub async fn ward(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    PathParams(code): PathParams<String>,
    QueryParams(q): QueryParams<QueueQuery>,
) -> Result<Json<Vec<QueuedReport>>, ApiError> {
    identity.serves(&ward_from_path(&code)?)?;
    Ok(Json(s.open_reports(&filter(q, Some(code))?).await?))
}
