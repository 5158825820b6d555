//! People and their API tokens, for administrators: `POST /api/v1/users` adds a person with roles
//! and wards, `POST /api/v1/users/{name}/tokens` issues a token (shown once, kept as its hash),
//! `POST /api/v1/users/{name}/password` sets the password they sign in with on the pages,
//! `POST /api/v1/users/{name}/disable` stops every token and session of theirs.

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
    /// What they type to sign in on the pages (default: their name).
    pub login: Option<String>,
    /// For signing in on the pages (at least 12 characters); kept only as its Argon2id hash.
    pub password: Option<String>,
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
    let hash = match u.password {
        Some(p) => Some(hash_password(p).await?),
        None => None,
    };
    s.store.add_user(&user).await?;
    if let Some(hash) = hash {
        s.store.set_password(&user.name, &login_of(u.login.as_deref(), &user.name)?, &hash).await?;
    }
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

/// Hashes a password off the async threads (Argon2id takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    Ok(tokio::task::spawn_blocking(move || crate::password::hash(&password)).await.map_err(ApiError::internal)??)
}

/// A login: 1 to 100 characters without spaces at either end (default: the person's name).
pub fn login_of(login: Option<&str>, name: &str) -> Result<String, ApiError> {
    let login = login.unwrap_or(name);
    if login.trim() != login || login.is_empty() || login.chars().count() > 100 || login.chars().any(char::is_control) {
        return Err(ApiError::field("login", "must be 1 to 100 characters, without spaces at either end"));
    }
    Ok(login.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub login: Option<String>,
    pub password: String,
}

/// Sets a person's password (and lifts a lockout).
pub async fn password(
    State(s): State<AppState>,
    PathParams(name): PathParams<String>,
    JsonBody(p): JsonBody<NewPassword>,
) -> Result<StatusCode, ApiError> {
    let login = login_of(p.login.as_deref(), &name)?;
    let hash = hash_password(p.password).await?;
    s.store.set_password(&name, &login, &hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn disable(State(s): State<AppState>, PathParams(name): PathParams<String>) -> Result<StatusCode, ApiError> {
    s.store.disable_user(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
