//! Stations' NATS users: the public nkey each made at enrollment, and the revocation list the hub
//! pushes to the NATS servers (stations whose key was revoked, and when the hub first saw it).

use chrono::{DateTime, Utc};

use crate::dialect::sql;
use crate::{on_db, Result, Store, StoreError};

impl Store {
    /// Records the station's NATS user key; it is fixed at first enrollment (the same key again
    /// is fine, another is a conflict).
    pub async fn set_station_nats_key(&self, station_id: &str, user_key: &str) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "UPDATE stations SET nats_user_key = $1 WHERE station_id = $2 \
                 AND (nats_user_key IS NULL OR nats_user_key = $1) AND nats_revoked_at IS NULL",
            );
            let done = sqlx::query(&q).bind(user_key).bind(station_id).execute(pool).await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(format!(
                    "station {station_id} already has another NATS user key, or it was revoked"
                )));
            }
            Ok(())
        })
    }

    /// The NATS users to refuse: every station whose key is revoked (decommissioned, revoked, or
    /// caught signing two histories), with when the hub first saw it (stamped now if new), by key.
    pub async fn nats_revocations(&self, now: DateTime<Utc>) -> Result<Vec<(String, DateTime<Utc>)>> {
        on_db!(self.db(), |pool, pg| {
            let stamp = sql(
                pg,
                "UPDATE stations SET nats_revoked_at = $1 WHERE nats_user_key IS NOT NULL \
                 AND public_key IS NULL AND status = 'enrolled' AND nats_revoked_at IS NULL",
            );
            sqlx::query(&stamp).bind(now).execute(pool).await?;
            let q = "SELECT nats_user_key, nats_revoked_at FROM stations WHERE nats_revoked_at IS NOT NULL \
                     ORDER BY nats_user_key";
            Ok(sqlx::query_as(q).fetch_all(pool).await?)
        })
    }
}
