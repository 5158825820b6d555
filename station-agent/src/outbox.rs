//! The station's outbox: every event it recorded, durably (SQLite, WAL, synchronous writes),
//! with its fate according to the hub's receipts.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use protocol::{ChainHash, Receipt, ReceiptStatus, GENESIS};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    signature    TEXT NOT NULL,
    chain_hash   TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending',
    position     INTEGER,
    receipt      TEXT,
    confirmed_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, seq);
";

/// An event as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub seq: u64,
    pub event_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
    pub signature: String,
    pub chain_hash: String,
}

/// What `station-agent status` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    pub pending: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub refused: i64,
    pub last_seq: u64,
    pub last_receipt: Option<Receipt>,
}

impl OutboxStatus {
    /// Everything the hub has answered for.
    pub fn confirmed(&self) -> i64 {
        self.accepted + self.rejected + self.refused
    }
}

#[derive(Clone)]
pub struct Outbox {
    pool: SqlitePool,
}

impl Outbox {
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // What is purged is overwritten, not left in free pages (the disk is in a lobby).
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(opts).await?;
        sqlx::raw_sql(SCHEMA).execute(&pool).await?;
        Ok(Self { pool })
    }

    /// Where the station's chain stands: the last sequence number and its chain hash.
    pub async fn head(&self) -> Result<(u64, ChainHash), sqlx::Error> {
        let row = sqlx::query("SELECT seq, chain_hash FROM outbox ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => {
                let seq: i64 = r.try_get(0)?;
                let hash: String = r.try_get(1)?;
                (seq as u64, ChainHash::from_hex(&hash).unwrap_or(GENESIS))
            }
            None => (0, GENESIS),
        })
    }

    /// Stores one event durably (the transaction is synced before this returns).
    pub async fn insert(&self, e: &OutboxEvent, recorded_at: DateTime<Utc>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO outbox (seq, event_id, kind, bytes, signature, chain_hash, recorded_at) VALUES (?,?,?,?,?,?,?)",
        )
        .bind(e.seq as i64)
        .bind(&e.event_id)
        .bind(&e.kind)
        .bind(&e.bytes)
        .bind(&e.signature)
        .bind(&e.chain_hash)
        .bind(recorded_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Unconfirmed events from `from_seq` on, in sequence order.
    pub async fn pending(&self, from_seq: u64, limit: i64) -> Result<Vec<OutboxEvent>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT seq, event_id, kind, bytes, signature, chain_hash FROM outbox \
             WHERE status = 'pending' AND seq >= ? ORDER BY seq LIMIT ?",
        )
        .bind(from_seq as i64)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxEvent {
                    seq: r.try_get::<i64, _>(0)? as u64,
                    event_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    bytes: r.try_get(3)?,
                    signature: r.try_get(4)?,
                    chain_hash: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Records the hub's receipt. Returns false when it names no pending event of ours or does
    /// not match the bytes we sent (its chain hash differs).
    pub async fn confirm(&self, r: &Receipt) -> Result<bool, sqlx::Error> {
        let status = match r.status {
            ReceiptStatus::Accepted => "accepted",
            ReceiptStatus::Rejected => "rejected",
            ReceiptStatus::Refused => "refused",
        };
        let done = sqlx::query(
            "UPDATE outbox SET status = ?, position = ?, receipt = ?, confirmed_at = ? \
             WHERE event_id = ? AND status = 'pending' AND chain_hash = ?",
        )
        .bind(status)
        .bind(r.position)
        .bind(serde_json::to_string(r).expect("receipt serialises"))
        .bind(Utc::now())
        .bind(r.event.to_string())
        .bind(&r.chain)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    /// Accepted events after log position `position`, oldest first: `(position, signed bytes)`.
    pub async fn accepted_after(&self, position: i64, limit: i64) -> Result<Vec<(i64, Vec<u8>)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT position, bytes FROM outbox WHERE status = 'accepted' AND position > ? ORDER BY position LIMIT ?",
        )
        .bind(position)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Deletes events the hub answered before `before`, but the last one (the chain's head);
    /// returns how many. The outbox keeps personal data only as long as it must.
    pub async fn purge_confirmed(&self, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM outbox WHERE status != 'pending' AND confirmed_at < ? \
             AND seq < (SELECT MAX(seq) FROM outbox)",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn status(&self) -> Result<OutboxStatus, sqlx::Error> {
        let rows = sqlx::query("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetch_all(&self.pool).await?;
        let mut s = OutboxStatus { pending: 0, accepted: 0, rejected: 0, refused: 0, last_seq: 0, last_receipt: None };
        for r in rows {
            let n: i64 = r.try_get(1)?;
            match r.try_get::<String, _>(0)?.as_str() {
                "pending" => s.pending = n,
                "accepted" => s.accepted = n,
                "rejected" => s.rejected = n,
                _ => s.refused = n,
            }
        }
        s.last_seq = self.head().await?.0;
        let last: Option<String> = sqlx::query_scalar(
            "SELECT receipt FROM outbox WHERE receipt IS NOT NULL ORDER BY confirmed_at DESC, seq DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        s.last_receipt = last.and_then(|t| serde_json::from_str(&t).ok());
        Ok(s)
    }
}
