//! The API's one error type: maps to a status code and a JSON body `{"error", "field"?}`, and
//! never leaks internals (those go to the log).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// Bad input in one named field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<protocol::FieldError> for ApiError {
    fn from(e: protocol::FieldError) -> Self {
        Self::Invalid { field: e.field, message: e.reason }
    }
}

/// A staff command the case refused is a conflict with where the case stands; a hub that cannot
/// run it is an internal error.
impl From<ingest::staff::StaffError> for ApiError {
    fn from(e: ingest::staff::StaffError) -> Self {
        match e {
            ingest::staff::StaffError::Refused(m) => Self::Conflict(m),
            ingest::staff::StaffError::Unavailable(m) => Self::internal(m),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> Self {
        match e {
            store::StoreError::Conflict(m) => Self::Conflict(m),
            store::StoreError::NotFound(m) => Self::NotFound(m),
            store::StoreError::EntryTooLarge(m) => Self::TooLarge(m),
            other => Self::internal(other),
        }
    }
}

impl From<projections::ProjectionError> for ApiError {
    fn from(e: projections::ProjectionError) -> Self {
        Self::internal(e)
    }
}

impl ApiError {
    /// What a page may show of the error (an internal one is logged, never shown).
    pub fn public_message(self) -> String {
        match self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "internal error; the hub's log has the details".into()
            }
            Self::Invalid { field, message } => format!("{field}: {message}"),
            Self::NotFound(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::Conflict(m)
            | Self::TooLarge(m)
            | Self::TooManyRequests(m)
            | Self::UnsupportedMediaType(m) => m,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            Self::NotFound(m) => (StatusCode::NOT_FOUND, json!({ "error": m })),
            Self::Invalid { field, message } => {
                (StatusCode::UNPROCESSABLE_ENTITY, json!({ "error": format!("{field}: {message}"), "field": field }))
            }
            Self::Unauthorized(m) => (StatusCode::UNAUTHORIZED, json!({ "error": m })),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, json!({ "error": m })),
            Self::Conflict(m) => (StatusCode::CONFLICT, json!({ "error": m })),
            Self::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, json!({ "error": m, "field": "body" })),
            Self::TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, json!({ "error": m })),
            Self::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({ "error": m, "field": "content-type" }))
            }
            Self::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, json!({ "error": "internal error; the hub's log has the details" }))
            }
        };
        (status, Json(body)).into_response()
    }
}
