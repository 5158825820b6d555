//! Cases (aggregates) for staff: the history of any case, a dossier's progress by its portal code,
//! and staff commands (`POST /api/v1/cases/{type}/{id}/commands`, by the signed-in caller, who is the
//! actor in the log).

use axum::extract::State;
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use domain::aggregates::{Aggregate, Station};
use ingest::staff::{Appended, StaffCommand};
use serde::Serialize;

use crate::auth::{Identity, Role};
use crate::extract::{JsonBody, PathParams};
use crate::{ApiError, AppState};

#[derive(Serialize)]
pub struct HistoryEntry {
    pub position: i64,
    pub aggregate_seq: i64,
    pub event_type: String,
    pub event_version: i32,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// The station that recorded it, or the member of staff who did it.
    pub by: Option<String>,
    pub payload: serde_json::Value,
}

#[derive(Serialize)]
pub struct CaseHistory {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub ward_code: Option<String>,
    pub events: Vec<HistoryEntry>,
}

pub(crate) fn known_type(aggregate_type: &str) -> Result<&'static str, ApiError> {
    domain::aggregates::aggregate_types()
        .iter()
        .copied()
        .find(|t| *t == aggregate_type)
        .ok_or_else(|| ApiError::NotFound(format!("there are no cases of type `{aggregate_type}`")))
}

pub async fn case_history(s: &AppState, aggregate_type: &str, id: &str) -> Result<CaseHistory, ApiError> {
    let t = known_type(aggregate_type)?;
    let events = s.store.load_aggregates(t, &[id.to_string()]).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("no {t} `{id}` in the log")));
    }
    let ward_code = events.iter().find_map(|e| e.event.ward_code.clone());
    let mut history = CaseHistory {
        aggregate_type: t.to_string(),
        aggregate_id: id.to_string(),
        ward_code,
        events: events
            .into_iter()
            .map(|e| HistoryEntry {
                position: e.position,
                aggregate_seq: e.event.aggregate_seq,
                event_type: e.event.event_type,
                event_version: e.event.event_version,
                at: e.event.occurred_at,
                recorded_at: e.recorded_at,
                by: e.event.station_id.or_else(|| e.event.metadata["actor"].as_str().map(str::to_string)),
                payload: e.event.payload,
            })
            .collect(),
    };
    let mut payloads: Vec<&mut serde_json::Value> = history.events.iter_mut().map(|e| &mut e.payload).collect();
    s.open_payloads(&mut payloads).await?;
    Ok(history)
}

pub async fn history(
    State(s): State<AppState>,
    Extension(who): Extension<Identity>,
    PathParams((t, id)): PathParams<(String, String)>,
) -> Result<Json<CaseHistory>, ApiError> {
    let history = case_history(&s, &t, &id).await?;
    if !who.covers(history.ward_code.as_deref()) {
        // A ward officer does not learn that a case of another ward exists.
        return Err(ApiError::NotFound(format!("no {t} `{id}` in the log")));
    }
    Ok(Json(history))
}

/// A dossier's progress, for the resident at the station: each status with its time.
#[derive(Serialize)]
pub struct DossierProgress {
    pub dossier_code: String,
    pub status: String,
    pub history: Vec<ProgressStep>,
}

#[derive(Serialize)]
pub struct ProgressStep {
    pub status: String,
    pub at: DateTime<Utc>,
}

pub async fn dossier_progress(
    State(s): State<AppState>,
    PathParams(code): PathParams<String>,
) -> Result<Json<DossierProgress>, ApiError> {
    let h = case_history(&s, "dossier", &code)
        .await
        .map_err(|_| ApiError::NotFound(format!("no dossier with code `{code}` was filed from a station")))?;
    let history: Vec<ProgressStep> =
        h.events.iter().map(|e| ProgressStep { status: e.event_type.clone(), at: e.at }).collect();
    let status = history.last().map(|s| s.status.clone()).unwrap_or_default();
    Ok(Json(DossierProgress { dossier_code: code, status, history }))
}

#[derive(Serialize)]
pub struct CommandResult {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub events: Vec<Appended>,
}

pub async fn command(
    State(s): State<AppState>,
    Extension(who): Extension<Identity>,
    PathParams((t, id)): PathParams<(String, String)>,
    JsonBody(mut body): JsonBody<serde_json::Value>,
) -> Result<Json<CommandResult>, ApiError> {
    let t = known_type(&t)?;
    let station = t == Station::TYPE;
    if station && matches!(body["command"].as_str(), Some("PlanStation" | "EnrollStation")) {
        let why = "a station is planned with POST /api/v1/stations and enrolls with its one-time code";
        return Err(ApiError::field("command", why));
    }
    // A station's lifecycle and keys are the administrators'; cases are staff's.
    let allowed =
        if station { who.has(Role::Administrator) } else { who.has(Role::Pc06Staff) || who.has(Role::WardOfficer) };
    if !allowed {
        let needed = if station { "administrator" } else { "pc06_staff or ward_officer" };
        return Err(ApiError::Forbidden(format!("commands on a {t} need the role {needed}")));
    }
    let actor = who.name.clone();
    let staff = s.staff.as_ref().ok_or_else(|| ApiError::internal("staff commands need a running hub"))?;
    // The ward of an existing case is the one in its log; a case staff open names its ward.
    let given_ward = body.as_object_mut().and_then(|o| o.remove("ward_code"));
    let logged_ward =
        s.store.load_aggregates(t, std::slice::from_ref(&id)).await?.iter().find_map(|e| e.event.ward_code.clone());
    if logged_ward.is_some() && !who.covers(logged_ward.as_deref()) {
        // A ward officer does not learn that a case of another ward exists.
        return Err(ApiError::NotFound(format!("no {t} `{id}` in the log")));
    }
    let ward_code = match (logged_ward, given_ward) {
        (Some(w), _) => Some(w),
        (None, Some(w)) => {
            let w = w.as_str().unwrap_or_default();
            Some(
                protocol::WardCode::parse(w).map_err(|e| protocol::FieldError::new("ward_code", e.reason))?.to_string(),
            )
        }
        (None, None) => None,
    };
    if !station && !who.covers(ward_code.as_deref()) {
        return Err(ApiError::Forbidden("a ward officer opens cases in their own wards".into()));
    }
    let at = Utc::now();
    pseudonymise(&s, &mut body, at).await?;
    let command = domain::aggregates::staff_command(t, &body, at)?;
    let appended = staff
        .execute(StaffCommand { aggregate_id: id.clone(), command, actor, ward_code, at, enrollment_code_hash: None })
        .await?;
    Ok(Json(CommandResult { aggregate_type: t.to_string(), aggregate_id: id, events: appended }))
}

/// A request staff record from another channel (a police station, the hotline, VNeID) names the
/// citizen by ID; like a station, the hub keeps only the keyed pseudonym, never the ID.
async fn pseudonymise(s: &AppState, body: &mut serde_json::Value, at: DateTime<Utc>) -> Result<(), ApiError> {
    if body.get("citizen_id").is_none() {
        return Ok(());
    }
    let (key_id, key) = s.store.pseudonym_key(rand::random()).await?;
    protocol::citizen::pseudonymise_form(body, Some((&key, &key_id)), protocol::time::local_day(at))?;
    Ok(())
}
