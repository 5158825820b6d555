//! The HTML pages, for people signed in: the city table at `/` (a ward officer is taken to their
//! ward), one ward at `/wards/{code}`, the security-report queue at `/security-reports`; and the
//! sign-in page's assets.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;
use projections::QueueFilter;
use tower_sessions::Session;

use super::dashboard::ward_page;
use super::today;
use crate::auth::{Identity, Role};
use crate::extract::{PathParams, QueryParams};
use crate::web::Viewer;
use crate::{sessions, web, ApiError, AppState};

/// The signed-in person as the page header shows them.
async fn viewer(identity: &Identity, session: &Session) -> Result<Viewer, ApiError> {
    let csrf = sessions::csrf_of(session).await?;
    Ok(Viewer { name: identity.name.clone(), roles: identity.roles.clone(), csrf })
}

pub async fn city(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
) -> Result<Response, ApiError> {
    let city_wide = [Role::Pc06Staff, Role::Auditor, Role::Administrator].iter().any(|r| identity.has(*r));
    if !city_wide {
        let ward = identity.wards.first().cloned().unwrap_or_default();
        return Ok(Redirect::to(&format!("/wards/{ward}")).into_response());
    }
    let overdue = s.reports.list(&QueueFilter { open: true, overdue: true, limit: 1000, ..Default::default() }).await?;
    let viewer = viewer(&identity, &session).await?;
    Ok(Html(web::city::render(&s.dashboard.city(today()).await?, overdue.len(), &viewer)).into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsQuery {
    #[serde(default)]
    overdue: bool,
}

pub async fn security_reports(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
    QueryParams(q): QueryParams<ReportsQuery>,
) -> Result<Html<String>, ApiError> {
    let filter = QueueFilter { open: true, overdue: q.overdue, limit: 1000, ..Default::default() };
    let viewer = viewer(&identity, &session).await?;
    Ok(Html(web::reports::render(&s.reports.list(&filter).await?, q.overdue, &viewer)))
}

pub async fn ward(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
    PathParams(code): PathParams<String>,
) -> Result<Html<String>, ApiError> {
    let page = ward_page(&s, &code, &identity).await?;
    Ok(Html(web::ward::render(&page, &viewer(&identity, &session).await?)))
}

pub async fn style() -> impl IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")], web::STYLE)
}

pub async fn script() -> impl IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8")], web::SCRIPT)
}
