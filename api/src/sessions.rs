//! Browser sessions (`tower-sessions`) kept in the hub's database: the cookie `dcs_session` is
//! `HttpOnly`, `SameSite=Strict`, `Secure` when the hub is served over HTTPS, and lasts 8 hours
//! of inactivity. The database holds the SHA-256 of each session id, never the id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name.
pub const COOKIE: &str = "dcs_session";
/// The session's key for the signed-in person's name.
pub const USER: &str = "user";
/// The session's key for its CSRF token.
pub const CSRF: &str = "csrf";

#[derive(Clone, Debug)]
pub struct HubSessions(pub store::Store);

fn key(id: &Id) -> String {
    crate::auth::token_hash(&id.to_string())
}

fn expiry(record: &Record) -> DateTime<Utc> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for HubSessions {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        while !self.0.create_session(&key(&record.id), &data, expiry(record)).await.map_err(backend)? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
        self.0.save_session(&key(&record.id), &data, expiry(record)).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(data) = self.0.load_session(&key(id), Utc::now()).await.map_err(backend)? else {
            return Ok(None);
        };
        serde_json::from_slice(&data).map(Some).map_err(|e| Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.0.delete_session(&key(id)).await.map_err(backend)
    }
}

/// The session layer: `secure` marks the cookie `Secure` (set it when the hub is reached over
/// HTTPS).
pub fn layer(store: store::Store, secure: bool) -> SessionManagerLayer<HubSessions> {
    SessionManagerLayer::new(HubSessions(store))
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)))
}

/// A fresh CSRF token (random, 32 bytes, hex).
pub fn new_csrf() -> String {
    crate::auth::new_token()
}

/// The session's CSRF token, made on first use.
pub async fn csrf_of(session: &tower_sessions::Session) -> std::result::Result<String, crate::ApiError> {
    if let Some(token) = session.get::<String>(CSRF).await.map_err(crate::ApiError::internal)? {
        return Ok(token);
    }
    let token = new_csrf();
    session.insert(CSRF, &token).await.map_err(crate::ApiError::internal)?;
    Ok(token)
}

/// Whether a presented CSRF token is the session's (compared in constant time).
pub fn csrf_matches(expected: &str, presented: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
}
