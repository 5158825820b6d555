//! `GET /api/v1/access-log`: who read or did what, when and from where, newest first; for
//! auditors; paged (`before` = the last id of the previous page) and capped (`limit` at most 500).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::extract::QueryParams;
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    limit: Option<i64>,
    before: Option<i64>,
}

pub async fn list(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<Params>,
) -> Result<Json<Vec<store::Access>>, ApiError> {
    Ok(Json(s.store.access_log(p.before, p.limit.unwrap_or(100).clamp(1, 500)).await?))
}
