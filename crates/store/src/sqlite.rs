//! The store's SQL for SQLite (the embedded mode): the same tables as PostgreSQL, with UUIDs and
//! JSON as text and timestamps as RFC 3339 text.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use uuid::Uuid;

use crate::writer::AppendBatch;
use crate::*;

/// SQLite's limit on bound parameters is far above this; chunks keep statements small.
const CHUNK: usize = 400;

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

fn uuid(r: &SqliteRow, i: usize) -> Result<Uuid> {
    let s: String = r.try_get(i)?;
    Uuid::parse_str(&s).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

fn json(r: &SqliteRow, i: usize) -> Result<serde_json::Value> {
    let s: String = r.try_get(i)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

pub async fn head(pool: &SqlitePool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(pool).await?)
}

pub async fn append(pool: &SqlitePool, first: i64, batch: &AppendBatch, recorded_at: DateTime<Utc>) -> Result<()> {
    let mut tx = pool.begin().await?;
    for (i, e) in batch.events.iter().enumerate() {
        sqlx::query(
            "INSERT INTO events (position, event_id, aggregate_type, aggregate_id, aggregate_seq, event_type, \
             event_version, payload, metadata, station_id, ward_code, occurred_at, recorded_at, raw, signature) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(first + i as i64)
        .bind(e.event_id.hyphenated().to_string())
        .bind(&e.aggregate_type)
        .bind(&e.aggregate_id)
        .bind(e.aggregate_seq)
        .bind(&e.event_type)
        .bind(e.event_version)
        .bind(e.payload.to_string())
        .bind(e.metadata.to_string())
        .bind(&e.station_id)
        .bind(&e.ward_code)
        .bind(e.occurred_at)
        .bind(recorded_at)
        .bind(&e.raw)
        .bind(&e.signature)
        .execute(&mut *tx)
        .await?;
    }
    for c in &batch.cursors {
        sqlx::query("UPDATE stations SET last_seq = ?, last_hash = ?, last_seen_at = ? WHERE station_id = ?")
            .bind(c.last_seq)
            .bind(&c.last_hash)
            .bind(c.last_seen_at)
            .bind(&c.station_id)
            .execute(&mut *tx)
            .await?;
    }
    for d in &batch.dead_letters {
        sqlx::query(
            "INSERT INTO dead_letters (received_at, subject, event_id, station_id, station_seq, reason, detail, raw, \
             signature, chain_advanced, receipt_status) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(recorded_at)
        .bind(&d.subject)
        .bind(d.event_id.map(|u| u.hyphenated().to_string()))
        .bind(&d.station_id)
        .bind(d.station_seq)
        .bind(&d.reason)
        .bind(&d.detail)
        .bind(&d.raw)
        .bind(&d.signature)
        .bind(d.chain_advanced)
        .bind(&d.receipt_status)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const LOG_COLUMNS: &str = "position, event_type, station_id, ward_code, occurred_at, recorded_at";

pub async fn read_log(pool: &SqlitePool, after: i64, limit: i64) -> Result<Vec<LogEntry>> {
    let rows = sqlx::query(&format!("SELECT {LOG_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?"))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LogEntry {
                position: r.try_get(0)?,
                event_type: r.try_get(1)?,
                station_id: r.try_get(2)?,
                ward_code: r.try_get(3)?,
                occurred_at: r.try_get(4)?,
                recorded_at: r.try_get(5)?,
            })
        })
        .collect()
}

const EVENT_SELECT: &str = "SELECT position, recorded_at, event_id, aggregate_type, aggregate_id, aggregate_seq, \
     event_type, event_version, payload, metadata, station_id, ward_code, occurred_at, raw, signature FROM events";

fn stored_event(r: &SqliteRow) -> Result<StoredEvent> {
    Ok(StoredEvent {
        position: r.try_get(0)?,
        recorded_at: r.try_get(1)?,
        event: NewEvent {
            event_id: uuid(r, 2)?,
            aggregate_type: r.try_get(3)?,
            aggregate_id: r.try_get(4)?,
            aggregate_seq: r.try_get(5)?,
            event_type: r.try_get(6)?,
            event_version: r.try_get(7)?,
            payload: json(r, 8)?,
            metadata: json(r, 9)?,
            station_id: r.try_get(10)?,
            ward_code: r.try_get(11)?,
            occurred_at: r.try_get(12)?,
            raw: r.try_get(13)?,
            signature: r.try_get(14)?,
        },
    })
}

pub async fn read_events(pool: &SqlitePool, after: i64, limit: i64) -> Result<Vec<StoredEvent>> {
    let rows = sqlx::query(&format!("{EVENT_SELECT} WHERE position > ? ORDER BY position LIMIT ?"))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(stored_event).collect()
}

pub async fn load_aggregates(pool: &SqlitePool, aggregate_type: &str, ids: &[String]) -> Result<Vec<StoredEvent>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "{EVENT_SELECT} WHERE aggregate_type = ? AND aggregate_id IN ({}) ORDER BY aggregate_id, aggregate_seq",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(aggregate_type);
        for id in chunk {
            q = q.bind(id);
        }
        for r in q.fetch_all(pool).await? {
            out.push(stored_event(&r)?);
        }
    }
    Ok(out)
}

pub async fn find_outcomes(pool: &SqlitePool, ids: &[Uuid]) -> Result<Vec<Outcome>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let texts: Vec<String> = chunk.iter().map(|u| u.hyphenated().to_string()).collect();
        let sql = format!(
            "SELECT event_id, raw, recorded_at, position FROM events WHERE event_id IN ({}) AND raw IS NOT NULL",
            placeholders(texts.len())
        );
        let mut q = sqlx::query(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        for r in q.fetch_all(pool).await? {
            out.push(Outcome {
                event_id: uuid(&r, 0)?,
                raw: r.try_get(1)?,
                at: r.try_get(2)?,
                kind: OutcomeKind::Accepted { position: r.try_get(3)? },
            });
        }
        let sql = format!(
            "SELECT event_id, raw, received_at, receipt_status, reason, detail FROM dead_letters \
             WHERE id IN (SELECT MIN(id) FROM dead_letters WHERE event_id IN ({}) AND receipt_status IS NOT NULL \
             GROUP BY event_id)",
            placeholders(texts.len())
        );
        let mut q = sqlx::query(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        for r in q.fetch_all(pool).await? {
            out.push(Outcome {
                event_id: uuid(&r, 0)?,
                raw: r.try_get(1)?,
                at: r.try_get(2)?,
                kind: OutcomeKind::DeadLettered { status: r.try_get(3)?, reason: r.try_get(4)?, detail: r.try_get(5)? },
            });
        }
    }
    Ok(out)
}

pub async fn plan_station(pool: &SqlitePool, s: &NewStation) -> Result<()> {
    sqlx::query(
        "INSERT INTO stations (station_id, ward_code, building, status, enrollment_code_hash, planned_at) \
         VALUES (?, ?, ?, 'planned', ?, ?)",
    )
    .bind(&s.station_id)
    .bind(&s.ward_code)
    .bind(&s.building)
    .bind(&s.enrollment_code_hash)
    .bind(Utc::now())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn enroll_station(pool: &SqlitePool, station_id: &str, public_key: &[u8]) -> Result<()> {
    sqlx::query("UPDATE stations SET status = 'enrolled', public_key = ?, enrolled_at = ? WHERE station_id = ?")
        .bind(public_key)
        .bind(Utc::now())
        .bind(station_id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn stations(pool: &SqlitePool) -> Result<Vec<StationRecord>> {
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
}

pub async fn dead_letters(pool: &SqlitePool, limit: i64) -> Result<Vec<DeadLetter>> {
    let rows = sqlx::query(
        "SELECT id, received_at, subject, event_id, station_id, station_seq, reason, detail, raw, signature, \
         chain_advanced, receipt_status FROM dead_letters ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
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
}
