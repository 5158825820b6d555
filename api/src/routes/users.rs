//! People and their API tokens, for administrators: `POST /api/v1/users` adds a person with roles
//! and wards, `POST /api/v1/users/{name}/tokens` issues a token (shown once, kept as its hash),
//! `POST /api/v1/users/{name}/disable` stops every token of theirs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{new_token, token_hash};
use crate::extract::{JsonBody, PathParams};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    pub roles: Vec<String>,
    #[serde(default)]
    pub wards: Vec<String>,
}

#[derive(Serialize)]
pub struct AddedUser {
    pub name: String,
    pub roles: Vec<String>,
    pub wards: Vec<String>,
}

pub async fn add(
    State(s): State<AppState>,
    JsonBody(u): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<AddedUser>), ApiError> {
    let user = crate::auth::new_user(&u.name, &u.roles, &u.wards)?;
    s.store.add_user(&user).await?;
    let roles = user.roles.split(',').map(str::to_string).collect();
    Ok((StatusCode::CREATED, Json(AddedUser { name: user.name, roles, wards: u.wards })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Days until it expires (1 to 366; default 30).
    pub days: Option<i64>,
}

#[derive(Serialize)]
pub struct IssuedToken {
    /// Shown this once; the hub keeps only its hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn token(
    State(s): State<AppState>,
    PathParams(name): PathParams<String>,
    JsonBody(t): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let days = t.days.unwrap_or(30);
    if !(1..=366).contains(&days) {
        return Err(ApiError::field("days", "must be 1 to 366"));
    }
    let token = new_token();
    let expires_at = Utc::now() + Duration::days(days);
    s.store.add_token(&token_hash(&token), &name, expires_at).await?;
    Ok((StatusCode::CREATED, Json(IssuedToken { token, expires_at })))
}

pub async fn disable(State(s): State<AppState>, PathParams(name): PathParams<String>) -> Result<StatusCode, ApiError> {
    s.store.disable_user(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
