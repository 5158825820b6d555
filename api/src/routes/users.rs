//! People and their API tokens, for administrators: `POST /api/v1/users` adds a person with roles
//! and wards, `POST /api/v1/users/{name}/tokens` issues a token (shown once, kept as its hash),
//! `POST /api/v1/users/{name}/disable` stops every token of theirs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{new_token, token_hash, Role};
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
    let name = u.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::field("name", "must be 1 to 100 characters"));
    }
    let mut roles = Vec::new();
    for r in &u.roles {
        let role = Role::parse(r).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            ApiError::field("roles", format!("`{r}` is not a role ({})", known.join(", ")))
        })?;
        roles.push(role.name().to_string());
    }
    if roles.is_empty() {
        return Err(ApiError::field("roles", "give at least one role"));
    }
    for w in &u.wards {
        protocol::WardCode::parse(w).map_err(|e| ApiError::field("wards", e.reason))?;
    }
    if roles.iter().any(|r| r == Role::WardOfficer.name()) && u.wards.is_empty() {
        return Err(ApiError::field("wards", "a ward officer serves at least one ward"));
    }
    let user = store::User { name: name.clone(), roles: roles.join(","), wards: u.wards.join(","), disabled: false };
    s.store.add_user(&user).await?;
    Ok((StatusCode::CREATED, Json(AddedUser { name, roles, wards: u.wards })))
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
