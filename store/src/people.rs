//! The people who use the hub and their API tokens (kept only as hashes). Roles and wards are
//! stored as the API names them; what they allow is the API's business.

use chrono::{DateTime, Utc};

use crate::dialect::sql;
use crate::{on_db, Result, Store, StoreError};

/// A person as the hub knows them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub name: String,
    /// Comma-separated role names.
    pub roles: String,
    /// Comma-separated ward codes (for ward officers).
    pub wards: String,
    pub disabled: bool,
}

impl Store {
    /// Adds a person; a name already taken is a conflict.
    pub async fn add_user(&self, user: &User) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO users (name, roles, wards, disabled, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO NOTHING",
            );
            let done = sqlx::query(&q)
                .bind(&user.name)
                .bind(&user.roles)
                .bind(&user.wards)
                .bind(user.disabled)
                .bind(Utc::now())
                .execute(pool)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!("there is already a user named {}", user.name)));
            }
            Ok(())
        })
    }

    /// Disables a person: their tokens stop working.
    pub async fn disable_user(&self, name: &str) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(pg, "UPDATE users SET disabled = $1 WHERE name = $2");
            let done = sqlx::query(&q).bind(true).bind(name).execute(pool).await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound(format!("no user named {name}")));
            }
            Ok(())
        })
    }

    /// Keeps the hash of a new token of `user`, valid until `expires_at`.
    pub async fn add_token(&self, token_hash: &str, user: &str, expires_at: DateTime<Utc>) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let known: Option<String> = sqlx::query_scalar(&sql(pg, "SELECT name FROM users WHERE name = $1"))
                .bind(user)
                .fetch_optional(pool)
                .await?;
            if known.is_none() {
                return Err(StoreError::NotFound(format!("no user named {user}")));
            }
            let q = sql(
                pg,
                "INSERT INTO api_tokens (token_hash, user_name, expires_at, created_at) VALUES ($1, $2, $3, $4)",
            );
            sqlx::query(&q).bind(token_hash).bind(user).bind(expires_at).bind(Utc::now()).execute(pool).await?;
            Ok(())
        })
    }

    /// The enabled person a token (by its hash) belongs to, if it has not expired at `now`.
    pub async fn user_by_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "SELECT u.name, u.roles, u.wards, u.disabled FROM api_tokens t JOIN users u ON u.name = t.user_name \
                 WHERE t.token_hash = $1 AND t.expires_at > $2 AND NOT u.disabled",
            );
            Ok(sqlx::query_as(&q).bind(token_hash).bind(now).fetch_optional(pool).await?)
        })
    }
}
