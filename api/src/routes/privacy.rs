//! Residents' rights over their personal data. `POST /api/v1/privacy/erasures`: forget a resident
//! (by their 12-digit ID, pseudonymised here at once under every pseudonym key, or by pseudonym)
//! or one case. The hub destroys the data keys of their sealed fields and records, in the same
//! transaction, that an erasure happened (never what, nor whose); from then on those fields read
//! as erased on every page, answer and export. `POST /api/v1/privacy/exports`: everything the hub
//! holds about one resident (the right of access): every case an event of theirs opened or
//! joined, with its whole history and its sealed fields opened.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::Utc;
use domain::aggregates::{AnyCommand, ErasureCommand, ErasureScope};
use ingest::staff::StaffCommand;
use protocol::FieldError;
use serde::{Deserialize, Serialize};

use crate::auth::Identity;
use crate::extract::JsonBody;
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// The resident's 12-digit personal ID number (never stored, never logged).
    #[serde(default)]
    citizen_id: Option<String>,
    /// Or their pseudonym (64 hex digits).
    #[serde(default)]
    pseudonym: Option<String>,
    /// Or one case.
    #[serde(default)]
    case: Option<CaseRef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseRef {
    aggregate_type: String,
    aggregate_id: String,
}

#[derive(Serialize)]
pub struct Erased {
    /// The erasure's own id in the log (aggregate `erasure`).
    erasure_id: String,
    scope: &'static str,
    position: i64,
}

/// A resident's pseudonyms: their ID's under every pseudonym key the hub issued, or the one given.
async fn pseudonyms(
    s: &AppState,
    citizen_id: Option<String>,
    pseudonym: Option<String>,
) -> Result<Vec<String>, ApiError> {
    match (citizen_id, pseudonym) {
        (Some(id), None) => {
            let id = protocol::CitizenId::parse(&id, protocol::time::local_day(Utc::now()))
                .map_err(|e| FieldError::new("citizen_id", e.reason))?;
            let keys = s.store.pseudonym_keys().await?;
            Ok(keys.iter().map(|(key_id, key)| id.pseudonym(key, key_id).pseudonym).collect())
        }
        (None, Some(p)) => {
            if p.len() != 64 || !p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(FieldError::new("pseudonym", "must be 64 lowercase hex digits").into());
            }
            Ok(vec![p])
        }
        _ => Err(FieldError::new("body", "name exactly one of citizen_id and pseudonym").into()),
    }
}

/// What to forget: the scope the log records and the pseudonyms whose keys go.
async fn scope(s: &AppState, req: ErasureRequest) -> Result<(ErasureScope, Vec<String>), ApiError> {
    match (req.citizen_id, req.pseudonym, req.case) {
        (id, p, None) if id.is_some() != p.is_some() => Ok((ErasureScope::Citizen, pseudonyms(s, id, p).await?)),
        (None, None, Some(c)) => {
            if !domain::aggregates::aggregate_types().contains(&c.aggregate_type.as_str()) {
                return Err(FieldError::new("case.aggregate_type", "is not a kind of case").into());
            }
            let logged = s.store.load_aggregates(&c.aggregate_type, std::slice::from_ref(&c.aggregate_id)).await?;
            if logged.is_empty() {
                return Err(ApiError::NotFound(format!("no {} `{}` in the log", c.aggregate_type, c.aggregate_id)));
            }
            Ok((ErasureScope::Case { aggregate_type: c.aggregate_type, aggregate_id: c.aggregate_id }, vec![]))
        }
        _ => Err(FieldError::new("body", "name exactly one of citizen_id, pseudonym and case").into()),
    }
}

/// `POST /api/v1/privacy/erasures`
pub async fn erase(
    State(s): State<AppState>,
    Extension(who): Extension<Identity>,
    JsonBody(req): JsonBody<ErasureRequest>,
) -> Result<(StatusCode, Json<Erased>), ApiError> {
    let (scope, pseudonyms) = scope(&s, req).await?;
    let staff = s.staff.as_ref().ok_or_else(|| ApiError::internal("erasures need a running hub"))?;
    let label = match scope {
        ErasureScope::Citizen => "citizen",
        ErasureScope::Case { .. } => "case",
    };
    let at = Utc::now();
    let erasure_id = uuid::Uuid::now_v7().to_string();
    let command = AnyCommand::Erasure(ErasureCommand::RecordErasure { scope, pseudonyms, at });
    let appended = staff
        .execute(StaffCommand {
            aggregate_id: erasure_id.clone(),
            command,
            actor: who.name.clone(),
            ward_code: None,
            at,
            enrollment_code_hash: None,
        })
        .await?;
    let position = appended.first().map_or(0, |a| a.position);
    Ok((StatusCode::CREATED, Json(Erased { erasure_id, scope: label, position })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    #[serde(default)]
    citizen_id: Option<String>,
    #[serde(default)]
    pseudonym: Option<String>,
}

#[derive(Serialize)]
pub struct CitizenExport {
    generated_at: chrono::DateTime<Utc>,
    /// Every case with an event naming the resident, whole, sealed fields opened (`null`: erased).
    cases: Vec<super::cases::CaseHistory>,
}

/// `POST /api/v1/privacy/exports`
pub async fn export(
    State(s): State<AppState>,
    JsonBody(req): JsonBody<ExportRequest>,
) -> Result<Json<CitizenExport>, ApiError> {
    let pseudonyms = pseudonyms(&s, req.citizen_id, req.pseudonym).await?;
    let mut cases = Vec::new();
    for (t, id) in s.store.cases_naming(&pseudonyms).await? {
        cases.push(super::cases::case_history(&s, &t, &id).await?);
    }
    Ok(Json(CitizenExport { generated_at: Utc::now(), cases }))
}
