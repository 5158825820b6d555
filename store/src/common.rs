//! The store's SQL that reads and writes the same on PostgreSQL and SQLite (event ids read as
//! text, placeholders rewritten by `dialect::sql`). What differs stays in `pg` and `sqlite`.

use crate::on_db;
use chrono::Utc;
use sqlx::types::Json;
use sqlx::Row;
use uuid::Uuid;

use crate::dialect::sql;
use crate::*;

pub async fn head(db: &Db) -> Result<i64> {
    on_db!(db, |pool, pg| {
        Ok(sqlx::query_scalar("SELECT CAST(COALESCE(MAX(position), 0) AS BIGINT) FROM events").fetch_one(pool).await?)
    })
}

pub async fn read_log(db: &Db, after: i64, limit: i64) -> Result<Vec<LogEntry>> {
    on_db!(db, |pool, pg| {
        let q = sql(
            pg,
            "SELECT position, aggregate_type, aggregate_id, event_type, event_version, payload, metadata, station_id, ward_code, \
             occurred_at, recorded_at FROM events \
             WHERE position > $1 ORDER BY position LIMIT $2",
        );
        let rows = sqlx::query(&q).bind(after).bind(limit).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                Ok(LogEntry {
                    position: r.try_get(0)?,
                    aggregate_type: r.try_get(1)?,
                    aggregate_id: r.try_get(2)?,
                    event_type: r.try_get(3)?,
                    event_version: r.try_get(4)?,
                    payload: r.try_get::<Json<serde_json::Value>, _>(5)?.0,
                    metadata: r.try_get::<Json<serde_json::Value>, _>(6)?.0,
                    station_id: r.try_get(7)?,
                    ward_code: r.try_get(8)?,
                    occurred_at: r.try_get(9)?,
                    recorded_at: r.try_get(10)?,
                })
            })
            .collect()
    })
}

/// Applies one registry change inside an append's transaction `$tx` (`$pg`: PostgreSQL placeholders);
/// a change that does not apply to exactly one station is a conflict, and the append fails whole.
macro_rules! apply_registry_change {
    ($tx:expr, $pg:expr, $change:expr, $at:expr) => {{
        use $crate::dialect::sql;
        use $crate::RegistryChange;
        let (done, conflict) = match $change {
            // A row that is already exactly this plan (a station planned before its plan was in the
            // log) is taken as it is; any other row under that id is a conflict.
            RegistryChange::Plan(s) => {
                let q = sql(
                    $pg,
                    "INSERT INTO stations (station_id, ward_code, building, status, enrollment_code_hash, planned_at, code_issued_at) \
                     VALUES ($1, $2, $3, 'planned', $4, $5, $5) ON CONFLICT (station_id) DO UPDATE \
                     SET planned_at = stations.planned_at WHERE stations.status = 'planned' \
                     AND stations.ward_code = excluded.ward_code AND stations.building = excluded.building \
                     AND stations.enrollment_code_hash = excluded.enrollment_code_hash",
                );
                let done = sqlx::query(&q)
                    .bind(&s.station_id)
                    .bind(&s.ward_code)
                    .bind(&s.building)
                    .bind(&s.enrollment_code_hash)
                    .bind($at)
                    .execute(&mut *$tx)
                    .await?;
                (done.rows_affected(), format!("station {} is already planned", s.station_id))
            }
            RegistryChange::Enroll { station_id, public_key } => {
                let q = sql(
                    $pg,
                    "UPDATE stations SET status = 'enrolled', public_key = $1, enrolled_at = $2 \
                     WHERE station_id = $3 AND status = 'planned'",
                );
                let done = sqlx::query(&q).bind(public_key).bind($at).bind(station_id).execute(&mut *$tx).await?;
                (done.rows_affected(), format!("station {station_id} is not planned and waiting for its key"))
            }
            RegistryChange::Key { station_id, public_key } => {
                // A new key needs an enrolled station; a revocation (decommissioning) also fits a
                // station that was planned but never enrolled.
                let q = sql(
                    $pg,
                    "UPDATE stations SET public_key = $1 WHERE station_id = $2 \
                     AND (status = 'enrolled' OR $3)",
                );
                let revoked = public_key.is_none();
                let done = sqlx::query(&q).bind(public_key).bind(station_id).bind(revoked).execute(&mut *$tx).await?;
                (done.rows_affected(), format!("station {station_id} is not enrolled"))
            }
        };
        if done != 1 {
            return Err($crate::StoreError::Conflict(conflict));
        }
    }};
}
pub(crate) use apply_registry_change;

const STATION_COLUMNS: &str = "station_id, ward_code, building, status, enrollment_code_hash, public_key, \
     planned_at, enrolled_at, last_seq, last_hash, last_seen_at, code_issued_at";

pub async fn stations(db: &Db) -> Result<Vec<StationRecord>> {
    on_db!(db, |pool, pg| {
        let q = format!("SELECT {STATION_COLUMNS} FROM stations ORDER BY station_id");
        Ok(sqlx::query_as(&q).fetch_all(pool).await?)
    })
}

pub async fn station(db: &Db, station_id: &str) -> Result<Option<StationRecord>> {
    on_db!(db, |pool, pg| {
        let q = sql(pg, &format!("SELECT {STATION_COLUMNS} FROM stations WHERE station_id = $1")).into_owned();
        Ok(sqlx::query_as(&q).bind(station_id).fetch_optional(pool).await?)
    })
}

pub async fn station_bytes_before(db: &Db, station_id: &str, position: i64) -> Result<Option<Vec<u8>>> {
    on_db!(db, |pool, pg| {
        let q = sql(
            pg,
            "SELECT raw FROM events WHERE station_id = $1 AND raw IS NOT NULL AND position < $2 \
             ORDER BY position DESC LIMIT 1",
        )
        .into_owned();
        Ok(sqlx::query_scalar(&q).bind(station_id).bind(position).fetch_optional(pool).await?)
    })
}

pub async fn station_position_before(db: &Db, station_id: &str, position: i64) -> Result<Option<i64>> {
    on_db!(db, |pool, pg| {
        let q = sql(pg, "SELECT MAX(position) FROM events WHERE station_id = $1 AND raw IS NOT NULL AND position < $2")
            .into_owned();
        Ok(sqlx::query_scalar(&q).bind(station_id).bind(position).fetch_one(pool).await?)
    })
}

pub async fn dead_letters(db: &Db, before: Option<i64>, limit: i64) -> Result<Vec<DeadLetter>> {
    on_db!(db, |pool, pg| {
        let q = sql(
            pg,
            "SELECT id, received_at, subject, CAST(event_id AS TEXT), station_id, station_seq, reason, detail, raw, \
             signature, chain_advanced, receipt_status FROM dead_letters WHERE id < $1 ORDER BY id DESC LIMIT $2",
        );
        let rows = sqlx::query(&q).bind(before.unwrap_or(i64::MAX)).bind(limit).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                let event_id: Option<String> = r.try_get(3)?;
                Ok(DeadLetter {
                    id: r.try_get(0)?,
                    received_at: r.try_get(1)?,
                    letter: NewDeadLetter {
                        subject: r.try_get(2)?,
                        event_id: event_id.and_then(|s| Uuid::parse_str(&s).ok()),
                        station_id: r.try_get(4)?,
                        station_seq: r.try_get(5)?,
                        reason: r.try_get(6)?,
                        detail: r.try_get(7)?,
                        raw: r.try_get(8)?,
                        signature: r.try_get(9)?,
                        chain_advanced: r.try_get(10)?,
                        receipt_status: r.try_get(11)?,
                    },
                })
            })
            .collect()
    })
}

/// The active citizen-pseudonym key, which no station holds: made from `fresh` on first use,
/// and in place of an active key that stations were given at enrollment (by an earlier version, migration 0015),
/// which is retired (`docs/PROTOCOL.md` section 11).
pub async fn pseudonym_key(db: &Db, fresh: [u8; 32]) -> Result<(String, Vec<u8>)> {
    on_db!(db, |pool, pg| {
        let q = "SELECT key_id, key FROM pseudonym_keys WHERE active = TRUE AND held_by_stations = FALSE \
                 ORDER BY created_at DESC LIMIT 1";
        if let Some(r) = sqlx::query(q).fetch_optional(pool).await? {
            return Ok((r.try_get(0)?, r.try_get(1)?));
        }
        let now = Utc::now();
        let key_id = format!("pk-{}", now.format("%Y%m%d-%H%M%S-%3f"));
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE pseudonym_keys SET active = FALSE WHERE active = TRUE AND held_by_stations = TRUE")
            .execute(&mut *tx)
            .await?;
        let q = sql(
            pg,
            "INSERT INTO pseudonym_keys (key_id, key, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
        );
        sqlx::query(&q).bind(&key_id).bind(fresh.as_slice()).bind(now).execute(&mut *tx).await?;
        tx.commit().await?;
        let r = sqlx::query(
            "SELECT key_id, key FROM pseudonym_keys WHERE active = TRUE AND held_by_stations = FALSE \
             ORDER BY created_at DESC LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    })
}
