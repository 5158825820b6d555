//! Dashboards as JSON: the city (all 168 wards) and one ward.

use axum::extract::State;
use axum::{Extension, Json};
use projections::{CityDashboard, QueueFilter, QueuedReport, WardDashboardView};
use serde::Serialize;

use super::{today, ward_from_path};
use crate::auth::Identity;
use crate::extract::PathParams;
use crate::{ApiError, AppState};

pub async fn wards() -> Json<&'static [protocol::Ward]> {
    Json(protocol::ward::all())
}

pub async fn city(State(s): State<AppState>) -> Result<Json<CityDashboard>, ApiError> {
    Ok(Json(s.dashboard.city(today()).await?))
}

/// A ward's dashboard, with the stations on its rollout plan.
#[derive(Serialize)]
pub struct WardPage {
    #[serde(flatten)]
    pub view: WardDashboardView,
    pub planned_stations: Vec<PlannedStation>,
    /// The ward's open security reports, most urgent first.
    pub open_security_reports: Vec<QueuedReport>,
}

#[derive(Serialize)]
pub struct PlannedStation {
    pub station_id: String,
    pub building: String,
    pub status: String,
    pub enrolled_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A ward's page data, for someone who serves it (403 for a ward officer of another ward).
pub async fn ward_page(s: &AppState, code: &str, identity: &Identity) -> Result<WardPage, ApiError> {
    let ward = ward_from_path(code)?;
    identity.serves(&ward)?;
    let view = s.dashboard.ward(&ward, today()).await?;
    let planned_stations = s
        .store
        .stations()
        .await?
        .into_iter()
        .filter(|st| st.ward_code == ward.as_str())
        .map(|st| PlannedStation {
            station_id: st.station_id,
            building: st.building,
            status: st.status,
            enrolled_at: st.enrolled_at,
        })
        .collect();
    let queue = QueueFilter { ward: Some(ward.as_str().to_string()), open: true, overdue: false, limit: 200 };
    let open_security_reports = s.open_reports(&queue).await?;
    Ok(WardPage { view, planned_stations, open_security_reports })
}

pub async fn ward(
    State(s): State<AppState>,
    Extension(identity): Extension<Identity>,
    PathParams(code): PathParams<String>,
) -> Result<Json<WardPage>, ApiError> {
    Ok(Json(ward_page(&s, &code, &identity).await?))
}
