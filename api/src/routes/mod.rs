//! The hub's routes: JSON under `/api/v1`, pages at `/` and `/wards/{code}`.

mod access_log;
mod audit;
mod audit_bundle;
mod audit_case;
mod cases;
pub(crate) mod dashboard;
mod dead_letters;
mod health;
mod login;
mod pages;
mod privacy;
mod security_reports;
pub(crate) mod stations;
mod users;

use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::auth::{Access, Role};
use crate::AppState;

/// A route of the hub: its method and path, its one access rule, whether each call is written to
/// the access log, and its handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// Reads of case histories, raw bytes and citizen-linked records, and every change by staff.
    pub audited: bool,
    pub handler: MethodRouter<AppState>,
}

fn route(method: Method, path: &'static str, access: Access, audited: bool, handler: MethodRouter<AppState>) -> Route {
    Route { method, path, access, audited, handler }
}

/// Every route of the hub with its one access rule: the router is built from this table and the
/// access test walks it, so a route cannot exist without a rule.
pub fn table() -> Vec<Route> {
    use Role::*;
    const STAFF: &[Role] = &[WardOfficer, Pc06Staff, Administrator];
    const READERS: &[Role] = &[WardOfficer, Pc06Staff, Auditor, Administrator];
    const CITY: &[Role] = &[Pc06Staff, Auditor, Administrator];
    const AUDITORS: &[Role] = &[Auditor];
    vec![
        route(Method::GET, "/healthz", Access::Public, false, get(health::healthz)),
        route(Method::GET, "/tlog/checkpoint", Access::Public, false, get(audit::checkpoint)),
        route(Method::GET, "/tlog/tile/{*path}", Access::Public, false, get(audit::hash_tile)),
        route(Method::GET, "/tlog/tile/entries/{*path}", Access::Roles(AUDITORS), true, get(audit::entry_bundle)),
        route(Method::GET, "/api/v1/audit/checkpoints", Access::Roles(AUDITORS), false, get(audit::checkpoints)),
        route(
            Method::POST,
            "/api/v1/audit/checkpoints",
            Access::Roles(&[Auditor, Administrator]),
            true,
            post(audit::sign),
        ),
        route(Method::GET, "/api/v1/audit/proofs/inclusion", Access::Roles(AUDITORS), false, get(audit::inclusion)),
        route(Method::GET, "/api/v1/audit/proofs/consistency", Access::Roles(AUDITORS), false, get(audit::consistency)),
        route(Method::GET, "/api/v1/audit/entries/{position}", Access::Roles(AUDITORS), true, get(audit::entry)),
        route(Method::GET, "/api/v1/audit/bundle", Access::Roles(AUDITORS), true, get(audit_bundle::bundle)),
        route(
            Method::GET,
            "/api/v1/audit/cases/{aggregate_type}/{id}",
            Access::Roles(AUDITORS),
            true,
            get(audit_case::case),
        ),
        route(Method::GET, "/api/v1/wards", Access::Public, false, get(dashboard::wards)),
        route(Method::GET, "/api/v1/city/dashboard", Access::Roles(CITY), false, get(dashboard::city)),
        route(Method::GET, "/api/v1/wards/{code}/dashboard", Access::Roles(READERS), false, get(dashboard::ward)),
        route(Method::GET, "/api/v1/stations", Access::Roles(CITY), false, get(stations::list)),
        route(Method::POST, "/api/v1/stations", Access::Roles(&[Administrator]), true, post(stations::plan)),
        route(
            Method::POST,
            "/api/v1/stations/{id}/enrollment-code",
            Access::Roles(&[Administrator]),
            true,
            post(stations::reissue_code),
        ),
        route(
            Method::POST,
            "/api/v1/stations/{id}/enrollment",
            Access::Public,
            false,
            post(stations::enroll).layer(crate::limits::enrollment()),
        ),
        route(
            Method::GET,
            "/api/v1/wards/{code}/security-reports",
            Access::Roles(READERS),
            false,
            get(security_reports::ward),
        ),
        route(Method::GET, "/api/v1/security-reports", Access::Roles(CITY), false, get(security_reports::city)),
        route(Method::GET, "/api/v1/dead-letters", Access::Roles(&[Administrator]), true, get(dead_letters::list)),
        route(
            Method::GET,
            "/api/v1/dead-letters/tally",
            Access::Roles(&[Administrator]),
            false,
            get(dead_letters::tally),
        ),
        route(Method::GET, "/api/v1/cases/{aggregate_type}/{id}", Access::Roles(READERS), true, get(cases::history)),
        route(
            Method::POST,
            "/api/v1/cases/{aggregate_type}/{id}/commands",
            Access::Roles(STAFF),
            true,
            post(cases::command),
        ),
        route(Method::GET, "/api/v1/dossiers/{code}", Access::Public, true, get(cases::dossier_progress)),
        route(
            Method::POST,
            "/api/v1/privacy/erasures",
            Access::Roles(&[Pc06Staff, Administrator]),
            true,
            post(privacy::erase),
        ),
        route(
            Method::POST,
            "/api/v1/privacy/exports",
            Access::Roles(&[Pc06Staff, Administrator]),
            true,
            post(privacy::export),
        ),
        route(Method::GET, "/login", Access::Public, false, get(login::form)),
        route(Method::POST, "/login", Access::Public, false, post(login::sign_in).layer(crate::limits::sign_in())),
        route(Method::POST, "/logout", Access::Public, false, post(login::sign_out)),
        route(Method::GET, "/", Access::Roles(READERS), false, get(pages::city)),
        route(Method::GET, "/wards/{code}", Access::Roles(READERS), false, get(pages::ward)),
        route(Method::GET, "/security-reports", Access::Roles(CITY), false, get(pages::security_reports)),
        route(Method::GET, "/audit", Access::Roles(AUDITORS), true, get(pages::audit)),
        route(Method::GET, "/assets/app.css", Access::Public, false, get(pages::style)),
        route(Method::GET, "/assets/app.js", Access::Public, false, get(pages::script)),
        route(Method::GET, "/api/v1/access-log", Access::Roles(&[Auditor]), true, get(access_log::list)),
        route(Method::POST, "/api/v1/users", Access::Roles(&[Administrator]), true, post(users::add)),
        route(Method::POST, "/api/v1/users/{name}/tokens", Access::Roles(&[Administrator]), true, post(users::token)),
        route(
            Method::POST,
            "/api/v1/users/{name}/password",
            Access::Roles(&[Administrator]),
            true,
            post(users::password),
        ),
        route(
            Method::POST,
            "/api/v1/users/{name}/disable",
            Access::Roles(&[Administrator]),
            true,
            post(users::disable),
        ),
    ]
}

/// The role × route matrix as a Markdown table (printed in `docs/SECURITY.md`).
pub fn access_matrix() -> String {
    let mut out =
        String::from("| route | anyone | ward officer | PC06 staff | auditor | administrator | access log |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for Route { method, path, access, audited, .. } in table() {
        let cell = |role: Option<Role>| match (access, role) {
            (Access::Public, _) => "yes",
            (Access::Roles(_), None) if crate::auth::is_page(path) => "→ sign-in",
            (Access::Roles(_), None) => "401",
            (Access::Roles(roles), Some(Role::WardOfficer)) if roles.contains(&Role::WardOfficer) && path == "/" => {
                "→ own ward"
            }
            (Access::Roles(roles), Some(Role::WardOfficer))
                if roles.contains(&Role::WardOfficer) && path.contains("{code}") =>
            {
                "own wards"
            }
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
        let logged = if audited { "logged" } else { "—" };
        out.push_str(&format!("| `{method} {path}` | {} | {logged} |\n", row.join(" | ")));
    }
    out
}

/// The rule of a route and whether it is audited, by method and path pattern.
/// Read from the table once, not for every request.
pub fn rule(method: &Method, path: &str) -> Option<(Access, bool)> {
    static RULES: std::sync::LazyLock<Vec<(Method, &'static str, Access, bool)>> =
        std::sync::LazyLock::new(|| table().into_iter().map(|r| (r.method, r.path, r.access, r.audited)).collect());
    RULES.iter().find(|(m, p, _, _)| m == method && *p == path).map(|(_, _, access, audited)| (*access, *audited))
}

pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for r in table() {
        router = router.route(r.path, r.handler);
    }
    router
        .fallback(|| async { crate::ApiError::NotFound("no such page".into()) })
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::enforce))
        .layer(crate::sessions::layer(state.store.clone(), state.secure_cookies))
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
pub use audit_bundle::MAX_ENTRIES as MAX_BUNDLE_ENTRIES;
pub use audit_case::{audited_case, AsOf, AuditedCase};
pub(crate) use dashboard::WardPage;
pub use stations::{
    code_hash, enroll_station, new_enrollment_code, plan_station, station_command, PlanRequest, Planned,
};
pub use users::{hash_password, login_of};
