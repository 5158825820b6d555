//! The station's loopback HTTP API, for the kiosk software and the operator: record a dossier
//! submission, a payment, a security report; read the outbox status. An answer of 201 means the
//! event is durably in the outbox. Bad input is a 422 naming the field.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use domain::kinds::{self, StationEvent};
use serde_json::json;

use crate::{Agent, AgentError};

pub fn router(agent: Arc<Agent>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/status", get(status))
        .route("/api/v1/dossiers", post(|s, b| record(s, kinds::DOSSIER_SUBMITTED, b)))
        .route("/api/v1/payments", post(|s, b| record(s, kinds::PAYMENT_MADE, b)))
        .route("/api/v1/security-reports", post(|s, b| record(s, kinds::SECURITY_REPORT_FILED, b)))
        .with_state(agent)
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

async fn record(State(agent): State<Arc<Agent>>, kind: &'static str, body: Bytes) -> Result<Response, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError(StatusCode::BAD_REQUEST, json!({"error": format!("the body is not JSON: {e}"), "field": null}))
    })?;
    let event = StationEvent::parse(kind, 1, &value).map_err(AgentError::Invalid)?;
    let recorded = agent.record(&event).await?;
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
    }))
    .into_response())
}
