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

/// The batch's changes to the key table: new data keys, and those an erasure destroys.
async fn write_key_table(
    tx: &mut sqlx::SqliteConnection,
    batch: &AppendBatch,
    recorded_at: DateTime<Utc>,
) -> Result<()> {
    for k in &batch.data_keys {
        sqlx::query(
            "INSERT INTO data_keys (event_id, citizen, aggregate_type, aggregate_id, sealed_key, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(k.event_id.hyphenated().to_string())
        .bind(&k.citizen)
        .bind(&k.aggregate_type)
        .bind(&k.aggregate_id)
        .bind(&k.sealed_key)
        .bind(recorded_at)
        .execute(&mut *tx)
        .await?;
    }
    for f in &batch.forget {
        let (q, args) = f.statement();
        let q = crate::dialect::sql(false, q);
        args.iter().fold(sqlx::query(&q), |query, a| query.bind(*a)).execute(&mut *tx).await?;
    }
    Ok(())
}

pub async fn append(
    pool: &SqlitePool,
    first: i64,
    batch: &AppendBatch,
    entries: &[Vec<u8>],
    tiles: &[crate::tlog::TileRow],
    recorded_at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    for (i, (e, entry)) in batch.events.iter().zip(entries).enumerate() {
        sqlx::query(
            "INSERT INTO events (position, event_id, aggregate_type, aggregate_id, aggregate_seq, event_type, \
             event_version, payload, metadata, station_id, ward_code, occurred_at, recorded_at, raw, signature, entry) \
             VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
        .bind(crate::tlog::micros(e.occurred_at))
        .bind(recorded_at)
        .bind(&e.raw)
        .bind(&e.signature)
        .bind(entry)
        .execute(&mut *tx)
        .await?;
    }
    crate::tlog::write_tiles!(tx, false, tiles);
    for c in &batch.cursors {
        sqlx::query("UPDATE stations SET last_seq = ?, last_hash = ?, last_seen_at = ? WHERE station_id = ?")
            .bind(c.last_seq)
            .bind(&c.last_hash)
            .bind(c.last_seen_at)
            .bind(&c.station_id)
            .execute(&mut *tx)
            .await?;
    }
    for change in &batch.registry {
        common::apply_registry_change!(tx, false, change, recorded_at);
    }
    for d in &batch.dead_letters {
        let d = d.storable();
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
    write_key_table(&mut tx, batch, recorded_at).await?;
    for (reason, n) in &batch.tally {
        sqlx::query("INSERT INTO dead_letter_tally (day, reason, count) VALUES (?, ?, ?) ON CONFLICT (day, reason) DO UPDATE SET count = dead_letter_tally.count + excluded.count")
            .bind(protocol::time::local_day(recorded_at))
            .bind(reason)
            .bind(n)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
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
