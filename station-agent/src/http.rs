//! The station's loopback HTTP API, for the kiosk software and the operator: record a dossier
//! submission, a payment, a security report; read the outbox status. An answer of 201 means the
//! event is durably in the outbox. Bad input is a JSON error naming the field (`body` for a body
//! that is not JSON or is over [`BODY_LIMIT`]); a payload's unknown members are refused.

use std::sync::Arc;

use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use protocol::kinds::{self, Kind, StationEvent};
use serde_json::json;

use crate::{Agent, AgentError};

pub fn router(agent: Arc<Agent>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/status", get(status))
        .route("/api/v1/dossiers", post(|s, b| record(s, kinds::DossierSubmission::NAME, b)))
        .route("/api/v1/payments", post(|s, b| record(s, kinds::PaymentMade::NAME, b)))
        .route("/api/v1/security-reports", post(|s, b| record(s, kinds::SecurityReport::NAME, b)))
        .route("/api/v1/dossiers/{code}", get(dossier_progress))
        .route("/api/v1/events/{kind}", post(record_kind))
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, json!({"error": "no such endpoint"})) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(agent)
}

/// The largest form the agent reads, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A body as received, or the JSON refusal of one too large or unreadable.
fn body_of(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        let error = match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => format!("the body may be at most {BODY_LIMIT} bytes"),
            _ => e.body_text(),
        };
        ApiError(e.status(), json!({"error": error, "field": "body"}))
    })
}

pub struct ApiError(StatusCode, serde_json::Value);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<AgentError> for ApiError {
    fn from(e: AgentError) -> Self {
        match e {
            AgentError::Invalid(f) => {
                let field = f.field.strip_prefix("payload.").unwrap_or(&f.field).to_string();
                ApiError(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"error": format!("{field}: {}", f.reason), "field": field}),
                )
            }
            other => {
                tracing::error!(error = %other, "cannot record");
                ApiError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({"error": "the station cannot record right now; try again"}),
                )
            }
        }
    }
}

/// Any kind the station records: `POST /api/v1/events/payment.initiated` and so on.
async fn record_kind(
    State(agent): State<Arc<Agent>>,
    Path(kind): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Some(kind) = StationEvent::kind_names().into_iter().find(|k| *k == kind) else {
        let known = StationEvent::kind_names().join(", ");
        return Err(ApiError(StatusCode::NOT_FOUND, json!({"error": format!("no kind `{kind}`; known: {known}")})));
    };
    record(State(agent), kind, body).await
}

/// The schema a station writes for a kind: the newest, except that a dossier without a citizen
/// is still written as schema 1.
fn schema_for(kind: &str, body: &serde_json::Value) -> u16 {
    let newest = StationEvent::newest_schema(kind).unwrap_or(1);
    if kind == kinds::DossierSubmission::NAME && body.get("citizen").is_none() {
        1
    } else {
        newest
    }
}

async fn record(
    State(agent): State<Arc<Agent>>,
    kind: &'static str,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_of(body)?;
    let mut value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError(StatusCode::BAD_REQUEST, json!({"error": format!("the body is not JSON: {e}"), "field": "body"}))
    })?;
    let draft = agent.draft();
    agent.seal_citizen(&draft, &mut value)?;
    let event = StationEvent::parse(kind, schema_for(kind, &value), &value).map_err(AgentError::Invalid)?;
    let recorded = agent.record_draft(draft, &event).await?;
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}

async fn status(State(agent): State<Arc<Agent>>) -> Result<Response, ApiError> {
    let s = agent.status().await?;
    Ok(Json(json!({
        "station_id": agent.config.station_id,
        "ward_code": agent.config.ward_code,
        "building": agent.config.building,
        "pending": s.pending,
        "confirmed": s.confirmed(),
        "accepted": s.accepted,
        "rejected": s.rejected,
        "refused": s.refused,
        "last_seq": s.last_seq,
        "last_receipt": s.last_receipt,
        "audit_log": {
            "checkpoint_size": agent.witness.kept().map(|c| c.size),
            "alarm": agent.witness.alarm(),
        },
    }))
    .into_response())
}

/// A resident looks up a dossier's progress: the agent asks the hub by dossier code and passes the
/// status history on. The lookup itself is counted as usage, without what was looked up.
async fn dossier_progress(State(agent): State<Arc<Agent>>, Path(code): Path<String>) -> Result<Response, ApiError> {
    kinds::check_dossier_code(&code).map_err(AgentError::Invalid)?;
    let url = format!("{}/api/v1/dossiers/{code}", agent.config.hub_url.trim_end_matches('/'));
    let answer =
        reqwest::Client::new().get(&url).timeout(std::time::Duration::from_secs(10)).send().await.map_err(|e| {
            tracing::warn!(error = %e, "dossier lookup: hub unreachable");
            ApiError(StatusCode::BAD_GATEWAY, json!({"error": "the hub cannot be reached; try again later"}))
        })?;
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let body: serde_json::Value = answer.json().await.unwrap_or(json!({"error": "the hub gave no readable answer"}));
    agent.count_lookup(kinds::LookupTopic::DossierProgress).await;
    Ok((status, Json(body)).into_response())
}
