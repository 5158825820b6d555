//! The hub's routes: JSON under `/api/v1`, pages at `/` and `/wards/{code}`.

mod cases;
pub(crate) mod dashboard;
mod dead_letters;
mod health;
mod pages;
mod security_reports;
pub(crate) mod stations;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/v1/wards", get(dashboard::wards))
        .route("/api/v1/city/dashboard", get(dashboard::city))
        .route("/api/v1/wards/{code}/dashboard", get(dashboard::ward))
        .route("/api/v1/stations", get(stations::list).post(stations::plan))
        .route("/api/v1/stations/{id}/enrollment", post(stations::enroll))
        .route("/api/v1/wards/{code}/security-reports", get(security_reports::ward))
        .route("/api/v1/security-reports", get(security_reports::city))
        .route("/api/v1/dead-letters", get(dead_letters::list))
        .route("/api/v1/cases/{aggregate_type}/{id}", get(cases::history))
        .route("/api/v1/cases/{aggregate_type}/{id}/commands", post(cases::command))
        .route("/api/v1/dossiers/{code}", get(cases::dossier_progress))
        .route("/", get(pages::city))
        .route("/wards/{code}", get(pages::ward))
        .route("/security-reports", get(pages::security_reports))
        .route("/assets/app.css", get(pages::style))
        .route("/assets/app.js", get(pages::script))
        .fallback(|| async { crate::ApiError::NotFound("no such page".into()) })
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
