//! Browser sessions: opaque bytes under the SHA-256 of the session id, with an expiry. What a
//! session holds is the API's business; the id itself is never stored.

use chrono::{DateTime, Utc};

use crate::dialect::sql;
use crate::{on_db, Result, Store};

impl Store {
    /// Stores a new session; false if that id is taken (the caller draws another).
    pub async fn create_session(&self, id_hash: &str, data: &[u8], expires_at: DateTime<Utc>) -> Result<bool> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO sessions (id_hash, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id_hash) DO NOTHING",
            );
            let done = sqlx::query(&q).bind(id_hash).bind(data).bind(expires_at).execute(pool).await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Stores a session, replacing what it held.
    pub async fn save_session(&self, id_hash: &str, data: &[u8], expires_at: DateTime<Utc>) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO sessions (id_hash, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id_hash) \
                 DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
            );
            sqlx::query(&q).bind(id_hash).bind(data).bind(expires_at).execute(pool).await?;
            Ok(())
        })
    }

    /// A session that has not expired at `now`.
    pub async fn load_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Option<Vec<u8>>> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(pg, "SELECT data FROM sessions WHERE id_hash = $1 AND expires_at > $2");
            Ok(sqlx::query_scalar(&q).bind(id_hash).bind(now).fetch_optional(pool).await?)
        })
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            sqlx::query(&sql(pg, "DELETE FROM sessions WHERE id_hash = $1")).bind(id_hash).execute(pool).await?;
            Ok(())
        })
    }

    /// Forgets sessions that expired before `now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        on_db!(self.db(), |pool, pg| {
            let done =
                sqlx::query(&sql(pg, "DELETE FROM sessions WHERE expires_at <= $1")).bind(now).execute(pool).await?;
            Ok(done.rows_affected())
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use crate::Store;

    #[tokio::test]
    async fn a_session_is_kept_until_it_expires_and_an_id_is_taken_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("hub.db").display())).await.unwrap();
        let now = chrono::Utc::now();
        assert!(store.create_session("h1", b"{}", now + Duration::hours(1)).await.unwrap());
        assert!(!store.create_session("h1", b"{}", now + Duration::hours(1)).await.unwrap());
        store.save_session("h1", b"{\"a\":1}", now + Duration::hours(1)).await.unwrap();
        assert_eq!(store.load_session("h1", now).await.unwrap().as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(store.load_session("h1", now + Duration::hours(2)).await.unwrap(), None);
        assert_eq!(store.delete_expired_sessions(now + Duration::hours(2)).await.unwrap(), 1);
        store.delete_session("h1").await.unwrap();
    }
}
