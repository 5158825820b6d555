//! The single writer of the log: it assigns global positions in commit order and appends a batch
//! (events of many aggregates, station chain cursors, dead letters) in one transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};

use crate::{common, pg, sqlite, Db, NewDeadLetter, NewEvent, RegistryChange, Result, StationCursor};

/// Key of the PostgreSQL advisory lock that makes a writer the only one.
const WRITER_LOCK: i64 = 0x0044_4353_5f4c_4f47; // "DCS_LOG"

/// Everything one ingest batch (or one staff command) changes, committed together.
#[derive(Debug, Default, Clone)]
pub struct AppendBatch {
    pub events: Vec<NewEvent>,
    pub cursors: Vec<StationCursor>,
    pub dead_letters: Vec<NewDeadLetter>,
    /// What the batch's station lifecycle events change in the registry.
    pub registry: Vec<RegistryChange>,
}

impl AppendBatch {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.cursors.is_empty() && self.dead_letters.is_empty() && self.registry.is_empty()
    }
}

/// What an append did: the position of each event, in order, and the time it was recorded.
#[derive(Debug, Clone)]
pub struct Appended {
    pub positions: Vec<i64>,
    pub recorded_at: DateTime<Utc>,
}

pub struct Writer {
    db: Db,
    next: i64,
    /// Holds the advisory lock on PostgreSQL for as long as the writer lives.
    _lock: Option<PgConnection>,
}

impl Writer {
    pub(crate) async fn open(db: Db) -> Result<Self> {
        let lock = match &db {
            Db::Postgres(pool) => {
                let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
                let mut warned = false;
                loop {
                    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                        .bind(WRITER_LOCK)
                        .fetch_one(&mut conn)
                        .await?;
                    if got {
                        break;
                    }
                    if !warned {
                        tracing::warn!("another hub holds the log's writer lock; waiting for it to stop");
                        warned = true;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Some(conn)
            }
            Db::Sqlite(_) => None,
        };
        let mut writer = Self { db, next: 0, _lock: lock };
        writer.reload().await?;
        Ok(writer)
    }

    async fn reload(&mut self) -> Result<()> {
        self.next = common::head(&self.db).await? + 1;
        Ok(())
    }

    /// The position the next appended event will get.
    pub fn next_position(&self) -> i64 {
        self.next
    }

    /// Appends the batch in one transaction. Events get consecutive positions in batch order.
    /// On error nothing is written and the writer can be used again.
    pub async fn append(&mut self, batch: &AppendBatch) -> Result<Appended> {
        // Microseconds: what PostgreSQL keeps, so a receipt rebuilt from the store equals the first.
        let recorded_at = DateTime::from_timestamp_micros(Utc::now().timestamp_micros()).expect("now is in range");
        let first = self.next;
        let result = match &self.db {
            Db::Postgres(p) => pg::append(p, first, batch, recorded_at).await,
            Db::Sqlite(p) => sqlite::append(p, first, batch, recorded_at).await,
        };
        match result {
            Ok(()) => {
                let n = batch.events.len() as i64;
                self.next += n;
                Ok(Appended { positions: (first..first + n).collect(), recorded_at })
            }
            Err(e) => {
                // The transaction rolled back; re-read the head in case the error came after commit.
                let _ = self.reload().await;
                Err(e)
            }
        }
    }
}
