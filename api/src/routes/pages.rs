//! The HTML pages: the city table at `/`, one ward at `/wards/{code}`, the security-report queue
//! at `/security-reports`.

use axum::extract::State;
use axum::response::Html;
use projections::QueueFilter;

use super::dashboard::ward_page;
use super::today;
use crate::extract::{PathParams, QueryParams};
use crate::{web, ApiError, AppState};

pub async fn city(State(s): State<AppState>) -> Result<Html<String>, ApiError> {
    let overdue = s.reports.list(&QueueFilter { open: true, overdue: true, limit: 1000, ..Default::default() }).await?;
    Ok(Html(web::city::render(&s.dashboard.city(today()).await?, overdue.len())))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsQuery {
    #[serde(default)]
    overdue: bool,
}

pub async fn security_reports(
    State(s): State<AppState>,
    QueryParams(q): QueryParams<ReportsQuery>,
) -> Result<Html<String>, ApiError> {
    let filter = QueueFilter { open: true, overdue: q.overdue, limit: 1000, ..Default::default() };
    Ok(Html(web::reports::render(&s.reports.list(&filter).await?, q.overdue)))
}

pub async fn ward(State(s): State<AppState>, PathParams(code): PathParams<String>) -> Result<Html<String>, ApiError> {
    Ok(Html(web::ward::render(&ward_page(&s, &code).await?)))
}

pub async fn style() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")], web::STYLE)
}

pub async fn script() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], web::SCRIPT)
}
