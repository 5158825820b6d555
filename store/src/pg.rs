//! The store's SQL for PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::copy::{CopyEncoder, EVENT_COLUMNS};
use crate::writer::AppendBatch;
use crate::*;

/// Every tile a batch changed, in one statement, inside the append's transaction.
async fn write_tiles(tx: &mut sqlx::PgConnection, tiles: &[crate::tlog::TileRow]) -> Result<()> {
    if tiles.is_empty() {
        return Ok(());
    }
    let levels: Vec<i16> = tiles.iter().map(|t| t.0).collect();
    let idxs: Vec<i64> = tiles.iter().map(|t| t.1).collect();
    let hashes: Vec<&[u8]> = tiles.iter().map(|t| t.2.as_slice()).collect();
    sqlx::query(
        "INSERT INTO tlog_tiles (level, idx, hashes) \
         SELECT * FROM UNNEST($1::smallint[], $2::bigint[], $3::bytea[]) \
         ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes",
    )
    .bind(&levels)
    .bind(&idxs)
    .bind(&hashes)
    .execute(tx)
    .await?;
    Ok(())
}

/// The batch's changes to the key table: new data keys in one statement, and those an erasure
/// destroys.
async fn write_key_table(tx: &mut sqlx::PgConnection, batch: &AppendBatch, recorded_at: DateTime<Utc>) -> Result<()> {
    for f in &batch.forget {
        let (q, args) = f.statement();
        args.iter().fold(sqlx::query(q), |query, a| query.bind(*a)).execute(&mut *tx).await?;
    }
    let keys = &batch.data_keys;
    if keys.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = keys.iter().map(|k| k.event_id.hyphenated().to_string()).collect();
    let citizens: Vec<Option<&str>> = keys.iter().map(|k| k.citizen.as_deref()).collect();
    let types: Vec<&str> = keys.iter().map(|k| k.aggregate_type.as_str()).collect();
    let cases: Vec<&str> = keys.iter().map(|k| k.aggregate_id.as_str()).collect();
    let sealed: Vec<&[u8]> = keys.iter().map(|k| k.sealed_key.as_slice()).collect();
    sqlx::query(
        "INSERT INTO data_keys (event_id, citizen, aggregate_type, aggregate_id, sealed_key, created_at) \
         SELECT u.*, $6 FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[]) AS u",
    )
    .bind(&ids)
    .bind(&citizens)
    .bind(&types)
    .bind(&cases)
    .bind(&sealed)
    .bind(recorded_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Each station's chain cursor as the batch leaves it, in one statement.
async fn update_cursors(tx: &mut sqlx::PgConnection, cursors: &[StationCursor]) -> Result<()> {
    if cursors.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = cursors.iter().map(|c| c.station_id.as_str()).collect();
    let seqs: Vec<i64> = cursors.iter().map(|c| c.last_seq).collect();
    let hashes: Vec<&str> = cursors.iter().map(|c| c.last_hash.as_str()).collect();
    let seen: Vec<DateTime<Utc>> = cursors.iter().map(|c| c.last_seen_at).collect();
    sqlx::query(
        "UPDATE stations s SET last_seq = u.seq, last_hash = u.hash, last_seen_at = u.seen \
         FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::timestamptz[]) AS u(id, seq, hash, seen) \
         WHERE s.station_id = u.id",
    )
    .bind(&ids)
    .bind(&seqs)
    .bind(&hashes)
    .bind(&seen)
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn append(
    pool: &PgPool,
    epoch: i64,
    first: i64,
    batch: &AppendBatch,
    entries: &[Vec<u8>],
    tiles: &[crate::tlog::TileRow],
    recorded_at: DateTime<Utc>,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    // The fence: this writer's epoch must still be the lease's, checked under the row's lock, which
    // a new writer's raise of the epoch waits for.
    let fenced = sqlx::query("UPDATE writer_lease SET epoch = epoch WHERE id = 1 AND epoch = $1")
        .bind(epoch)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        != 1;
    if fenced {
        return Err(StoreError::Fenced);
    }
    if !batch.events.is_empty() {
        let mut enc = CopyEncoder::with_capacity(batch.events.len() * 1024);
        for (i, (e, entry)) in batch.events.iter().zip(entries).enumerate() {
            enc.event(first + i as i64, e, &recorded_at, entry);
        }
        let mut copy = tx.copy_in_raw(&format!("COPY events ({EVENT_COLUMNS}) FROM STDIN")).await?;
        copy.send(enc.buf).await?;
        copy.finish().await?;
    }
    write_tiles(&mut tx, tiles).await?;
    update_cursors(&mut tx, &batch.cursors).await?;
    for change in &batch.registry {
        common::apply_registry_change!(tx, true, change, recorded_at);
    }
    for d in &batch.dead_letters {
        let d = d.storable();
        sqlx::query(
            "INSERT INTO dead_letters (received_at, subject, event_id, station_id, station_seq, reason, detail, raw, \
             signature, chain_advanced, receipt_status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(recorded_at)
        .bind(&d.subject)
        .bind(d.event_id)
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
        sqlx::query("INSERT INTO dead_letter_tally (day, reason, count) VALUES ($1, $2, $3) ON CONFLICT (day, reason) DO UPDATE SET count = dead_letter_tally.count + excluded.count")
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

fn stored_event(r: &PgRow) -> Result<StoredEvent> {
    Ok(StoredEvent {
        position: r.try_get(0)?,
        recorded_at: r.try_get(1)?,
        event: NewEvent {
            event_id: r.try_get(2)?,
            aggregate_type: r.try_get(3)?,
            aggregate_id: r.try_get(4)?,
            aggregate_seq: r.try_get(5)?,
            event_type: r.try_get(6)?,
            event_version: r.try_get(7)?,
            payload: r.try_get(8)?,
            metadata: r.try_get(9)?,
            station_id: r.try_get(10)?,
            ward_code: r.try_get(11)?,
            occurred_at: r.try_get(12)?,
            raw: r.try_get(13)?,
            signature: r.try_get(14)?,
        },
    })
}

pub async fn read_events(pool: &PgPool, after: i64, limit: i64) -> Result<Vec<StoredEvent>> {
    let rows = sqlx::query(&format!("{EVENT_SELECT} WHERE position > $1 ORDER BY position LIMIT $2"))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(stored_event).collect()
}

pub async fn load_aggregates(pool: &PgPool, aggregate_type: &str, ids: &[String]) -> Result<Vec<StoredEvent>> {
    let rows = sqlx::query(&format!(
        "{EVENT_SELECT} WHERE aggregate_type = $1 AND aggregate_id = ANY($2) ORDER BY aggregate_id, aggregate_seq"
    ))
    .bind(aggregate_type)
    .bind(ids)
    .fetch_all(pool)
    .await?;
    rows.iter().map(stored_event).collect()
}

pub async fn find_outcomes(pool: &PgPool, ids: &[Uuid]) -> Result<Vec<Outcome>> {
    let mut out = Vec::new();
    let rows = sqlx::query(
        "SELECT event_id, raw, recorded_at, position FROM events WHERE event_id = ANY($1) AND raw IS NOT NULL",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    for r in rows {
        out.push(Outcome {
            event_id: r.try_get(0)?,
            raw: r.try_get(1)?,
            at: r.try_get(2)?,
            kind: OutcomeKind::Accepted { position: r.try_get(3)? },
        });
    }
    let rows = sqlx::query(
        "SELECT DISTINCT ON (event_id) event_id, raw, received_at, receipt_status, reason, detail FROM dead_letters \
         WHERE event_id = ANY($1) AND receipt_status IS NOT NULL ORDER BY event_id, id",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    for r in rows {
        out.push(Outcome {
            event_id: r.try_get(0)?,
            raw: r.try_get(1)?,
            at: r.try_get(2)?,
            kind: OutcomeKind::DeadLettered { status: r.try_get(3)?, reason: r.try_get(4)?, detail: r.try_get(5)? },
        });
    }
    Ok(out)
}
