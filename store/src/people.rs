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

/// What signing in needs to know of a person: their password hash and lockout.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Login {
    pub name: String,
    pub roles: String,
    pub wards: String,
    pub disabled: bool,
    /// A PHC string (Argon2id); none until a password is set.
    pub password_hash: Option<String>,
    /// Failed sign-ins in a row.
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Login {
    pub fn user(&self) -> User {
        User { name: self.name.clone(), roles: self.roles.clone(), wards: self.wards.clone(), disabled: self.disabled }
    }
}

impl Store {
    /// Sets the login a person signs in with and their password hash (a PHC string), and lifts
    /// any lockout. A login another person has is a conflict.
    pub async fn set_password(&self, name: &str, login: &str, password_hash: &str) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let taken: Option<String> =
                sqlx::query_scalar(&sql(pg, "SELECT name FROM users WHERE login = $1 AND name <> $2"))
                    .bind(login)
                    .bind(name)
                    .fetch_optional(pool)
                    .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(format!("the login {login} is someone else's")));
            }
            let q = sql(
                pg,
                "UPDATE users SET login = $1, password_hash = $2, failed_logins = 0, locked_until = NULL \
                 WHERE name = $3",
            );
            let done = sqlx::query(&q).bind(login).bind(password_hash).bind(name).execute(pool).await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::NotFound(format!("no user named {name}")));
            }
            Ok(())
        })
    }

    /// The person who signs in as `login`, if there is one.
    pub async fn login(&self, login: &str) -> Result<Option<Login>> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "SELECT name, roles, wards, disabled, password_hash, failed_logins, locked_until FROM users \
                 WHERE login = $1",
            );
            Ok(sqlx::query_as(&q).bind(login).fetch_optional(pool).await?)
        })
    }

    /// Records the outcome of a sign-in: the failures in a row and the lockout they caused (both
    /// reset by a success).
    pub async fn record_login(
        &self,
        name: &str,
        failed_logins: i32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(pg, "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE name = $3");
            sqlx::query(&q).bind(failed_logins).bind(locked_until).bind(name).execute(pool).await?;
            Ok(())
        })
    }

    /// A new enrollment code (its hash) for a planned station not yet enrolled.
    pub async fn reissue_enrollment_code(&self, station_id: &str, code_hash: &str, at: DateTime<Utc>) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "UPDATE stations SET enrollment_code_hash = $1, code_issued_at = $2 \
                 WHERE station_id = $3 AND status = 'planned' AND public_key IS NULL",
            );
            let done = sqlx::query(&q).bind(code_hash).bind(at).bind(station_id).execute(pool).await?;
            if done.rows_affected() != 1 {
                let known: Option<String> =
                    sqlx::query_scalar(&sql(pg, "SELECT status FROM stations WHERE station_id = $1"))
                        .bind(station_id)
                        .fetch_optional(pool)
                        .await?;
                return Err(match known {
                    None => StoreError::NotFound(format!("station {station_id} is not on any ward's rollout plan")),
                    Some(_) => StoreError::Conflict(format!("station {station_id} is already enrolled")),
                });
            }
            Ok(())
        })
    }

    /// The enabled person of that name, if any (a session names them).
    pub async fn active_user(&self, name: &str) -> Result<Option<User>> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(pg, "SELECT name, roles, wards, disabled FROM users WHERE name = $1 AND NOT disabled");
            Ok(sqlx::query_as(&q).bind(name).fetch_optional(pool).await?)
        })
    }
}
