//! The single writer of the log: it assigns global positions in commit order and appends a batch
//! (events of many aggregates, station chain cursors, dead letters) in one transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};

use crate::tlog::{self, TreeWriter};
use crate::{common, pg, sqlite, Db, NewDeadLetter, NewEvent, RegistryChange, Result, StationCursor, StoreError};

/// Key of the PostgreSQL advisory lock that makes a writer the only one.
const WRITER_LOCK: i64 = 0x0044_4353_5f4c_4f47; // "DCS_LOG"

/// A session holding the writer's advisory lock, if no other session holds it.
async fn try_lock(pool: &sqlx::PgPool) -> Result<Option<PgConnection>> {
    let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
    let got: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(WRITER_LOCK).fetch_one(&mut conn).await?;
    Ok(got.then_some(conn))
}

/// Everything one ingest batch (or one staff command) changes, committed together.
#[derive(Debug, Default, Clone)]
pub struct AppendBatch {
    pub events: Vec<NewEvent>,
    pub cursors: Vec<StationCursor>,
    pub dead_letters: Vec<NewDeadLetter>,
    /// What the batch's station lifecycle events change in the registry.
    pub registry: Vec<RegistryChange>,
    /// Dead letters counted by reason (today's tally), whether or not they are kept in full.
    pub tally: Vec<(String, i64)>,
    /// The data keys of the batch's events that have sealed fields (the key table).
    pub data_keys: Vec<crate::NewDataKey>,
    /// Data keys an erasure destroys.
    pub forget: Vec<crate::ForgetKeys>,
}

impl AppendBatch {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
            && self.cursors.is_empty()
            && self.dead_letters.is_empty()
            && self.registry.is_empty()
            && self.tally.is_empty()
            && self.data_keys.is_empty()
            && self.forget.is_empty()
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
    lock: Option<PgConnection>,
    /// This writer's epoch of the lease (PostgreSQL): every append checks it is still current.
    epoch: i64,
    /// When the lock's session was last seen alive.
    lock_seen: std::time::Instant,
    /// The audit log's tree as committed.
    tree: TreeWriter,
    /// False only in the append benchmark's comparison run.
    tree_on: bool,
}

impl Writer {
    pub(crate) async fn open(db: Db) -> Result<Self> {
        let (lock, epoch) = match &db {
            Db::Postgres(pool) => {
                let mut warned = false;
                let conn = loop {
                    if let Some(conn) = try_lock(pool).await? {
                        break conn;
                    }
                    if !warned {
                        tracing::warn!("another hub holds the log's writer lock; standing by until it stops");
                        warned = true;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                };
                // Raising the epoch fences any writer before this one, even one still running.
                let epoch: i64 =
                    sqlx::query_scalar("UPDATE writer_lease SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch")
                        .fetch_one(pool)
                        .await?;
                tracing::info!(epoch, "this hub is the log's writer");
                (Some(conn), epoch)
            }
            Db::Sqlite(_) => (None, 0),
        };
        let mut writer = Self {
            db,
            next: 0,
            lock,
            epoch,
            lock_seen: std::time::Instant::now(),
            tree: TreeWriter::default(),
            tree_on: true,
        };
        writer.reload().await?;
        Ok(writer)
    }

    /// Whether this writer still holds the advisory lock; if its session was cut, it takes the
    /// lock again on a new session when no other hub has (the epoch is what keeps two writers
    /// apart; the lock keeps standbys waiting).
    async fn keep_lock(&mut self) -> Result<()> {
        let Db::Postgres(pool) = &self.db else { return Ok(()) };
        if self.lock_seen.elapsed() < Duration::from_secs(1) {
            return Ok(()); // looked at most once a second: the epoch is checked in every append anyway
        }
        self.lock_seen = std::time::Instant::now();
        let alive = match self.lock.as_mut() {
            Some(conn) => sqlx::query("SELECT 1").execute(conn).await.is_ok(),
            None => false,
        };
        if alive {
            return Ok(());
        }
        tracing::warn!("the writer's lock session was cut; taking the lock again");
        self.lock = try_lock(pool).await?;
        if self.lock.is_none() {
            return Err(StoreError::Fenced);
        }
        Ok(())
    }

    /// Reads the head and the tree; on a log begun before the audit log, first gives its earlier
    /// events their entries.
    async fn reload(&mut self) -> Result<()> {
        let head = common::head(&self.db).await?;
        let done = match tlog::first_without_entry(&self.db).await? {
            Some(first) => first - 1,
            None => head,
        };
        self.tree = TreeWriter::load(&self.db, done as u64).await?;
        if done < head {
            tlog::fill_in(&self.db, &mut self.tree, done + 1).await?;
        }
        self.next = head + 1;
        Ok(())
    }

    /// A writer that keeps no Merkle tree (no tree hashes, no tiles; entries are still written):
    /// only for measuring what the tree costs beside an append without it. A log written so has
    /// no tree and does not verify.
    #[doc(hidden)]
    pub fn without_tree_for_benchmark(mut self) -> Self {
        self.tree_on = false;
        self
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
        self.keep_lock().await?;
        let mut tree = self.tree.clone();
        let mut entries = Vec::with_capacity(batch.events.len());
        for (i, e) in batch.events.iter().enumerate() {
            let entry = tlog::entry_bytes(first + i as i64, e, recorded_at)?;
            if self.tree_on {
                tree.push(&entry);
            }
            entries.push(entry);
        }
        let tiles = tree.take_tiles();
        let result = match &self.db {
            Db::Postgres(p) => pg::append(p, self.epoch, first, batch, &entries, &tiles, recorded_at).await,
            Db::Sqlite(p) => sqlite::append(p, first, batch, &entries, &tiles, recorded_at).await,
        };
        match result {
            Ok(()) => {
                self.tree = tree;
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
