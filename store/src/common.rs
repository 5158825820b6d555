//! The store's SQL that reads and writes the same on PostgreSQL and SQLite (event ids read as
//! text, placeholders rewritten by `dialect::sql`). What differs stays in `pg` and `sqlite`.

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

pub async fn plan_station(db: &Db, s: &NewStation) -> Result<()> {
    on_db!(db, |pool, pg| {
        let q = sql(
            pg,
            "INSERT INTO stations (station_id, ward_code, building, status, enrollment_code_hash, planned_at) \
             VALUES ($1, $2, $3, 'planned', $4, $5)",
        );
        sqlx::query(&q)
            .bind(&s.station_id)
            .bind(&s.ward_code)
            .bind(&s.building)
            .bind(&s.enrollment_code_hash)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        Ok(())
    })
}

pub async fn enroll_station(db: &Db, station_id: &str, public_key: &[u8]) -> Result<()> {
    on_db!(db, |pool, pg| {
        let q =
            sql(pg, "UPDATE stations SET status = 'enrolled', public_key = $1, enrolled_at = $2 WHERE station_id = $3");
        sqlx::query(&q).bind(public_key).bind(Utc::now()).bind(station_id).execute(pool).await?;
        Ok(())
    })
}

pub async fn stations(db: &Db) -> Result<Vec<StationRecord>> {
    on_db!(db, |pool, pg| {
        let rows = sqlx::query(
            "SELECT station_id, ward_code, building, status, enrollment_code_hash, public_key, planned_at, enrolled_at, \
             last_seq, last_hash, last_seen_at FROM stations ORDER BY station_id",
        )
        .fetch_all(pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StationRecord {
                    station_id: r.try_get(0)?,
                    ward_code: r.try_get(1)?,
                    building: r.try_get(2)?,
                    status: r.try_get(3)?,
                    enrollment_code_hash: r.try_get(4)?,
                    public_key: r.try_get(5)?,
                    planned_at: r.try_get(6)?,
                    enrolled_at: r.try_get(7)?,
                    last_seq: r.try_get(8)?,
                    last_hash: r.try_get(9)?,
                    last_seen_at: r.try_get(10)?,
                })
            })
            .collect()
    })
}

pub async fn dead_letters(db: &Db, limit: i64) -> Result<Vec<DeadLetter>> {
    on_db!(db, |pool, pg| {
        let q = sql(
            pg,
            "SELECT id, received_at, subject, CAST(event_id AS TEXT), station_id, station_seq, reason, detail, raw, \
             signature, chain_advanced, receipt_status FROM dead_letters ORDER BY id DESC LIMIT $1",
        );
        let rows = sqlx::query(&q).bind(limit).fetch_all(pool).await?;
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

/// The active citizen-pseudonym key, created (32 random bytes) on first use.
pub async fn pseudonym_key(db: &Db, fresh: [u8; 32]) -> Result<(String, Vec<u8>)> {
    on_db!(db, |pool, pg| {
        let q = "SELECT key_id, key FROM pseudonym_keys WHERE active = TRUE ORDER BY created_at DESC LIMIT 1";
        if let Some(r) = sqlx::query(q).fetch_optional(pool).await? {
            return Ok((r.try_get(0)?, r.try_get(1)?));
        }
        let now = Utc::now();
        let key_id = format!("pk-{}", now.format("%Y%m%d"));
        let q = sql(
            pg,
            "INSERT INTO pseudonym_keys (key_id, key, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
        );
        sqlx::query(&q).bind(&key_id).bind(fresh.as_slice()).bind(now).execute(pool).await?;
        let q = sql(pg, "SELECT key_id, key FROM pseudonym_keys WHERE key_id = $1");
        let r = sqlx::query(&q).bind(&key_id).fetch_one(pool).await?;
        Ok((r.try_get(0)?, r.try_get(1)?))
    })
}
