//! Stations on the rollout plan: plan one (which gives its one-time enrollment code), list them,
//! and enroll one (the station registers its public key with that code).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use domain::aggregates::{Aggregate, AnyAggregate, AnyCommand, Station, StationCommand, StationStatus};
use protocol::enrollment::{EnrollmentAnswer, EnrollmentRequest};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::extract::{JsonBody, PathParams};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
}

#[derive(Serialize)]
pub struct Planned {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
    /// Give this to the installer; the hub keeps only its hash.
    pub enrollment_code: String,
}

/// What the registry keeps of a one-time code: its SHA-256, as of an API token.
pub fn code_hash(code: &str) -> String {
    crate::auth::token_hash(code.trim())
}

/// A one-time code an installer can type: four groups of four letters and digits.
pub fn new_enrollment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| (0..4).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Puts a station on its ward's plan.
pub async fn plan_station(s: &AppState, req: PlanRequest) -> Result<Planned, ApiError> {
    let station =
        protocol::StationId::parse(&req.station_id).map_err(|e| protocol::FieldError::new("station_id", e.reason))?;
    let ward =
        protocol::WardCode::parse(&req.ward_code).map_err(|e| protocol::FieldError::new("ward_code", e.reason))?;
    let building = req.building.trim();
    if building.is_empty() || building.chars().count() > 200 {
        return Err(protocol::FieldError::new("building", "must be 1 to 200 characters").into());
    }
    let code = new_enrollment_code();
    let plan = StationCommand::PlanStation { ward: ward.clone(), building: building.to_string(), at: Utc::now() };
    station_command(s, &station, plan, &ward, Some(code_hash(&code))).await?;
    Ok(Planned {
        station_id: station.to_string(),
        ward_code: ward.to_string(),
        building: building.to_string(),
        enrollment_code: code,
    })
}

pub async fn plan(
    State(s): State<AppState>,
    JsonBody(req): JsonBody<PlanRequest>,
) -> Result<(StatusCode, Json<Planned>), ApiError> {
    Ok((StatusCode::CREATED, Json(plan_station(&s, req).await?)))
}

#[derive(Serialize)]
pub struct StationView {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
    pub status: String,
    pub public_key: Option<String>,
    pub last_seq: i64,
    pub last_seen_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn list(State(s): State<AppState>) -> Result<Json<Vec<StationView>>, ApiError> {
    let stations = s.store.stations().await?;
    Ok(Json(
        stations
            .into_iter()
            .map(|st| StationView {
                station_id: st.station_id,
                ward_code: st.ward_code,
                building: st.building,
                status: st.status,
                public_key: st.public_key.map(hex::encode),
                last_seq: st.last_seq,
                last_seen_at: st.last_seen_at,
            })
            .collect(),
    ))
}

/// How long a one-time enrollment code is valid after the station is planned.
pub const ENROLLMENT_CODE_DAYS: i64 = 7;

fn code_expired(issued: chrono::DateTime<Utc>, now: chrono::DateTime<Utc>) -> bool {
    now > issued + chrono::Duration::days(ENROLLMENT_CODE_DAYS)
}

/// Registers a planned station's key. Repeating an enrollment with the same key is harmless;
/// another key for an enrolled station is refused (that is a key rotation, a procedure of its own).
pub async fn enroll_station(s: &AppState, id: &str, req: &EnrollmentRequest) -> Result<(), ApiError> {
    let Some(station) = s.store.station(id).await? else {
        return Err(ApiError::NotFound(format!("station {id} is not on any ward's rollout plan; plan it first")));
    };
    if station.ward_code != req.ward_code {
        return Err(protocol::FieldError::new(
            "ward_code",
            format!("station {id} is planned in ward {}", station.ward_code),
        )
        .into());
    }
    let mut key = [0u8; 32];
    hex::decode_to_slice(&req.public_key, &mut key)
        .map_err(|_| protocol::FieldError::new("public_key", "must be 64 hex digits"))?;
    ed25519_key_ok(&key)?;
    let now = std::time::Instant::now();
    if !s.enrollment_attempts.allowed(id, now) {
        return Err(ApiError::TooManyRequests(format!(
            "too many wrong enrollment codes for station {id}; try again in {} minutes",
            crate::attempts::WINDOW.as_secs() / 60
        )));
    }
    if code_hash(&req.enrollment_code) != station.enrollment_code_hash {
        s.enrollment_attempts.failed(id, now);
        return Err(ApiError::Forbidden(format!("the enrollment code for station {id} is wrong")));
    }
    let issued = station.code_issued_at.unwrap_or(station.planned_at);
    if station.public_key.is_none() && code_expired(issued, Utc::now()) {
        return Err(ApiError::Forbidden(format!(
            "the enrollment code for station {id} expired {ENROLLMENT_CODE_DAYS} days after it was issued; \
             an administrator can issue a new one"
        )));
    }
    let ward = protocol::WardCode::parse(&station.ward_code)?;
    let sid = protocol::StationId::parse(id)?;
    let status = station_status(s, id).await?;
    if status == StationStatus::New {
        // Planned before its plan was in the log: the plan goes in first, matching the registry.
        let plan = StationCommand::PlanStation { ward: ward.clone(), building: station.building, at: Utc::now() };
        station_command(s, &sid, plan, &ward, Some(station.enrollment_code_hash)).await?;
    }
    match station.public_key {
        // A repeat of this enrollment: harmless, and it finishes one cut short before activation.
        Some(existing) if existing == key => {}
        Some(_) => return Err(ApiError::Conflict(format!("station {id} is already enrolled with another key"))),
        None => {
            let enroll = StationCommand::EnrollStation { public_key: req.public_key.clone(), at: Utc::now() };
            station_command(s, &sid, enroll, &ward, None).await?;
        }
    }
    if matches!(status, StationStatus::New | StationStatus::Planned | StationStatus::Enrolled) {
        station_command(s, &sid, StationCommand::ActivateStation { at: Utc::now() }, &ward, None).await?;
    }
    Ok(())
}

#[derive(Serialize)]
pub struct ReissuedCode {
    pub station_id: String,
    /// Give this to the installer; the earlier code no longer works.
    pub enrollment_code: String,
    pub expires_at: chrono::DateTime<Utc>,
}

/// `POST /api/v1/stations/{id}/enrollment-code`: a new one-time code for a planned station not yet
/// enrolled (its earlier code expired or was lost); the earlier code stops working.
pub async fn reissue_code(
    State(s): State<AppState>,
    PathParams(id): PathParams<String>,
) -> Result<(StatusCode, Json<ReissuedCode>), ApiError> {
    let code = new_enrollment_code();
    let now = Utc::now();
    s.store.reissue_enrollment_code(&id, &code_hash(&code), now).await?;
    s.enrollment_attempts.forget(&id);
    let expires_at = now + chrono::Duration::days(ENROLLMENT_CODE_DAYS);
    Ok((StatusCode::CREATED, Json(ReissuedCode { station_id: id, enrollment_code: code, expires_at })))
}

/// Where the station stands in the log (`New` if the log has none of its events).
async fn station_status(s: &AppState, id: &str) -> Result<StationStatus, ApiError> {
    let mut station = AnyAggregate::new(Station::TYPE).map_err(|e| ApiError::internal(e.to_string()))?;
    for e in s.store.load_aggregates(Station::TYPE, &[id.to_string()]).await? {
        let e = e.event;
        station
            .apply_stored(&e.event_type, e.event_version, &e.payload)
            .map_err(|e| ApiError::internal(e.to_string()))?;
    }
    match station {
        AnyAggregate::Station(st) => Ok(st.status),
        _ => Err(ApiError::internal("a station loaded as another aggregate")),
    }
}

fn ed25519_key_ok(key: &[u8; 32]) -> Result<(), ApiError> {
    match ed25519_dalek::VerifyingKey::from_bytes(key) {
        Ok(k) if !k.is_weak() => Ok(()),
        _ => Err(protocol::FieldError::new("public_key", "is not a usable Ed25519 public key").into()),
    }
}

pub async fn enroll(
    State(s): State<AppState>,
    PathParams(id): PathParams<String>,
    JsonBody(req): JsonBody<EnrollmentRequest>,
) -> Result<Json<EnrollmentAnswer>, ApiError> {
    let nats_jwt = nats_user(&s, &id, &req).await?;
    enroll_station(&s, &id, &req).await?;
    if let Some(key) = &req.nats_user_key {
        s.store.set_station_nats_key(&id, key).await?;
    }
    let hub_key = hex::encode(s.hub_key.to_bytes());
    let epoch_key = s.keyring.as_ref().map(|k| protocol::enrollment::EpochPublicKey::of(&k.current()));
    Ok(Json(EnrollmentAnswer { station_id: id, status: "enrolled".into(), hub_key, nats_jwt, epoch_key }))
}

/// The station's NATS user JWT, when this hub's NATS authenticates clients (which needs the
/// station's public nkey); checked before anything is enrolled.
async fn nats_user(s: &AppState, id: &str, req: &EnrollmentRequest) -> Result<Option<String>, ApiError> {
    let Some(authority) = &s.nats else { return Ok(None) };
    let Some(key) = &req.nats_user_key else {
        return Err(ApiError::field("nats_user_key", "this hub's NATS admits stations by their own nkey; send it"));
    };
    let station = protocol::StationId::parse(id)?;
    let ward =
        protocol::WardCode::parse(&req.ward_code).map_err(|e| protocol::FieldError::new("ward_code", e.reason))?;
    let jwt = authority
        .station_jwt(ward.as_str(), station.as_str(), key)
        .map_err(|e| ApiError::field("nats_user_key", e.to_string().trim_start_matches("nats_user_key: ")))?;
    Ok(Some(jwt))
}

/// Runs a command on the station's aggregate through the log's single writer: its events and
/// the registry change they record (planned, enrolled) commit in one transaction.
pub async fn station_command(
    s: &AppState,
    id: &protocol::StationId,
    command: StationCommand,
    ward: &protocol::WardCode,
    enrollment_code_hash: Option<String>,
) -> Result<(), ApiError> {
    let staff =
        s.staff.as_ref().ok_or_else(|| ApiError::internal("stations are planned and enrolled by a running hub"))?;
    staff
        .execute(ingest::staff::StaffCommand {
            aggregate_id: id.to_string(),
            command: AnyCommand::Station(command),
            actor: "hub".into(),
            ward_code: Some(ward.to_string()),
            at: Utc::now(),
            enrollment_code_hash,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_code_lasts_seven_days() {
        let issued: chrono::DateTime<Utc> = "2025-10-01T02:00:00Z".parse().unwrap();
        assert!(!code_expired(issued, issued + chrono::Duration::days(7)));
        assert!(code_expired(issued, issued + chrono::Duration::days(7) + chrono::Duration::seconds(1)));
    }
}
