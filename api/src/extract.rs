//! The hub's request extractors: a JSON body, a query string and path parameters read into typed
//! values, where every refusal is the API's JSON error naming the field (`body`, `query`, `path`,
//! or the member at fault), never the framework's plain text. Bodies are capped in size
//! ([`BODY_LIMIT`]) and must be `application/json`; unknown members are refused by the types.

use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// The largest request body the hub reads, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body read as a `T`.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json =
            req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json {
            return Err(ApiError::UnsupportedMediaType("send the body as application/json".into()));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge(format!("the body may be at most {BODY_LIMIT} bytes"))
            }
            other => ApiError::field("body", other.body_text()),
        })?;
        read_json(&bytes).map(Self)
    }
}

/// Reads `bytes` as JSON, then as a `T`; the error names the member at fault, or `body` when the
/// bytes are not JSON at all (malformed, not UTF-8, nested too deep, trailing data).
pub fn read_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::field("body", format!("is not JSON: {e}")))?;
    protocol::check::nul_free(&value, "")?;
    Ok(protocol::check::read(&value, None)?)
}

/// Whether a percent-encoded path or query holds U+0000 (`%00`), which no database stores.
fn has_nul(encoded: &str) -> bool {
    encoded.as_bytes().windows(3).any(|w| w == b"%00")
}

/// A query string read as a `T` (give `T` `#[serde(deny_unknown_fields)]`).
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if parts.uri.query().is_some_and(has_nul) {
            return Err(ApiError::field("query", "must not contain U+0000"));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| ApiError::field("query", e.body_text()))
    }
}

/// Path parameters read as a `T`.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if has_nul(parts.uri.path()) {
            return Err(ApiError::field("path", "must not contain U+0000"));
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|e| ApiError::field("path", e.body_text()))
    }
}

/// A form body (`application/x-www-form-urlencoded`) read as a `T`; refusals are the API's JSON
/// errors, as for [`JsonBody`].
pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Form::<T>::from_request(req, state).await.map(|f| Self(f.0)).map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge(format!("the body may be at most {BODY_LIMIT} bytes"))
            }
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ApiError::UnsupportedMediaType("send the form as application/x-www-form-urlencoded".into())
            }
            _ => ApiError::field("body", e.body_text()),
        })
    }
}
