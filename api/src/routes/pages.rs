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
    // Counted, not listed: the figure is exact whatever the number of reports.
    let overdue = s.reports.count(&QueueFilter { open: true, overdue: true, ..Default::default() }).await?;
    let viewer = viewer(&identity, &session).await?;
    Ok(Html(web::city::render(&s.dashboard.city(today()).await?, overdue, &viewer)).into_response())
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
    Ok(Html(web::reports::render(&s.open_reports(&filter).await?, q.overdue, &viewer)))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(rename = "type")]
    aggregate_type: Option<String>,
    id: Option<String>,
    at_position: Option<i64>,
}

/// The auditor's page: checkpoints with cosignatures, and a case's proofs when one is asked for.
pub async fn audit(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
    QueryParams(q): QueryParams<AuditQuery>,
) -> Result<Html<String>, ApiError> {
    let mut checkpoints = Vec::new();
    for c in s.store.checkpoints(i64::MAX, 10).await? {
        let witnesses = s.store.cosignatures(c.tree_size).await?.into_iter().map(|w| w.witness).collect();
        checkpoints.push((c, witnesses));
    }
    let asked = match (q.aggregate_type, q.id.filter(|i| !i.trim().is_empty())) {
        (Some(t), Some(id)) => Some((t, id.trim().to_string(), q.at_position)),
        _ => None,
    };
    let case = match &asked {
        Some((t, id, at)) => {
            let as_of = super::AsOf { at_position: *at, at_time: None };
            Some(super::audited_case(&s, t, id.clone(), &as_of).await.map_err(|e| e.public_message()))
        }
        None => None,
    };
    let page = web::audit::AuditPage {
        log_key: s.checkpoints.as_ref().map(|c| c.verifier_key()).unwrap_or_default(),
        tree_size: s.store.tree_size().await?,
        checkpoints,
        asked,
        case,
    };
    Ok(Html(web::audit::render(&page, &viewer(&identity, &session).await?)))
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
