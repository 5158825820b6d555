//! The hub's routes: JSON under `/api/v1`, pages at `/` and `/wards/{code}`.

mod cases;
pub(crate) mod dashboard;
mod dead_letters;
mod health;
mod pages;
mod security_reports;
pub(crate) mod stations;

use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::auth::{Access, Role};
use crate::AppState;

/// Every route of the hub with its one access rule: the router is built from this table and the
/// access test walks it, so a route cannot exist without a rule.
pub fn table() -> Vec<(Method, &'static str, Access, MethodRouter<AppState>)> {
    use Role::*;
    const STAFF: &[Role] = &[WardOfficer, Pc06Staff, Administrator];
    const READERS: &[Role] = &[WardOfficer, Pc06Staff, Auditor, Administrator];
    const CITY: &[Role] = &[Pc06Staff, Auditor, Administrator];
    vec![
        (Method::GET, "/healthz", Access::Public, get(health::healthz)),
        (Method::GET, "/api/v1/wards", Access::Public, get(dashboard::wards)),
        (Method::GET, "/api/v1/city/dashboard", Access::Public, get(dashboard::city)),
        (Method::GET, "/api/v1/wards/{code}/dashboard", Access::Public, get(dashboard::ward)),
        (Method::GET, "/api/v1/stations", Access::Roles(CITY), get(stations::list)),
        (Method::POST, "/api/v1/stations", Access::Roles(&[Administrator]), post(stations::plan)),
        (Method::POST, "/api/v1/stations/{id}/enrollment", Access::Public, post(stations::enroll)),
        (Method::GET, "/api/v1/wards/{code}/security-reports", Access::Public, get(security_reports::ward)),
        (Method::GET, "/api/v1/security-reports", Access::Public, get(security_reports::city)),
        (Method::GET, "/api/v1/dead-letters", Access::Roles(&[Administrator]), get(dead_letters::list)),
        (Method::GET, "/api/v1/cases/{aggregate_type}/{id}", Access::Roles(READERS), get(cases::history)),
        (Method::POST, "/api/v1/cases/{aggregate_type}/{id}/commands", Access::Roles(STAFF), post(cases::command)),
        (Method::GET, "/api/v1/dossiers/{code}", Access::Public, get(cases::dossier_progress)),
        (Method::GET, "/", Access::Public, get(pages::city)),
        (Method::GET, "/wards/{code}", Access::Public, get(pages::ward)),
        (Method::GET, "/security-reports", Access::Public, get(pages::security_reports)),
        (Method::GET, "/assets/app.css", Access::Public, get(pages::style)),
        (Method::GET, "/assets/app.js", Access::Public, get(pages::script)),
    ]
}

/// The role × route matrix as a Markdown table (printed in `docs/SECURITY.md`).
pub fn access_matrix() -> String {
    let mut out = String::from("| route | anyone | ward officer | PC06 staff | auditor | administrator |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for (method, path, access, _) in table() {
        let cell = |role: Option<Role>| match (access, role) {
            (Access::Public, _) => "yes",
            (Access::Roles(_), None) => "401",
            // Commands: a station's are the administrators', other cases' are staff's.
            (Access::Roles(roles), Some(r)) if roles.contains(&r) => match (r, path.ends_with("/commands")) {
                (Role::WardOfficer, true) => "own wards' cases",
                (Role::WardOfficer, false) if path.contains("/cases/") => "own wards",
                (Role::Pc06Staff, true) => "cases, not stations",
                (Role::Administrator, true) => "stations only",
                _ => "yes",
            },
            (Access::Roles(_), Some(_)) => "403",
        };
        let row: Vec<&str> = std::iter::once(None).chain(Role::ALL.map(Some)).map(cell).collect();
        out.push_str(&format!("| `{method} {path}` | {} |\n", row.join(" | ")));
    }
    out
}

/// The rule of a route, by method and path pattern.
pub fn access(method: &Method, path: &str) -> Option<Access> {
    table().into_iter().find(|(m, p, _, _)| m == method && *p == path).map(|(_, _, a, _)| a)
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (_, path, _, handler) in table() {
        router = router.route(path, handler);
    }
    router
        .fallback(|| async { crate::ApiError::NotFound("no such page".into()) })
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::enforce))
        .with_state(state)
}

/// "Today" on a dashboard: the current local day in Ho Chi Minh City.
pub fn today() -> chrono::NaiveDate {
    protocol::time::local_day(chrono::Utc::now())
}

/// A ward code from a path, or a 404 that says why.
pub fn ward_from_path(code: &str) -> Result<protocol::WardCode, crate::ApiError> {
    protocol::WardCode::parse(code).map_err(|_| {
        crate::ApiError::NotFound(format!("ward `{code}` is not one of the 168 wards of Ho Chi Minh City"))
    })
}
pub(crate) use dashboard::WardPage;
pub use stations::{code_hash, enroll_station, plan_station, station_command, PlanRequest, Planned};
