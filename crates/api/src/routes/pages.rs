//! The HTML pages: the city table at `/`, one ward at `/wards/{code}`.

use axum::extract::{Path, State};
use axum::response::Html;
use projections::QueueFilter;

use super::dashboard::ward_page;
use super::today;
use crate::{web, ApiError, AppState};

pub async fn city(State(s): State<AppState>) -> Result<Html<String>, ApiError> {
    let overdue = s.reports.list(&QueueFilter { open: true, overdue: true, limit: 1000, ..Default::default() }).await?;
    Ok(Html(web::city::render(&s.dashboard.city(today()).await?, overdue.len())))
}

pub async fn ward(State(s): State<AppState>, Path(code): Path<String>) -> Result<Html<String>, ApiError> {
    Ok(Html(web::ward::render(&ward_page(&s, &code).await?)))
}
