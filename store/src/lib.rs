//! The event store on sqlx, for PostgreSQL (production) and SQLite (embedded mode), with the same
//! behaviour and the same tests: a global position assigned by one writer in commit order, batch
//! appends of many aggregates in one transaction, unique event ids, unique (aggregate, sequence),
//! and the raw signed bytes kept beside each station event. Also the station registry and the
//! dead-letter table, which the writer updates in the same transaction as the events.

mod access_log;
mod common;
mod copy;
mod dialect;
mod keys;
use dialect::on_db;
mod nats_users;
mod people;
mod pg;
mod read_model;
mod sessions;
mod shadow;
mod sqlite;
mod tally;
mod tlog;
mod types;
mod writer;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use uuid::Uuid;

pub use access_log::Access;
pub use copy::{CopyEncoder, EVENT_COLUMNS};
pub use keys::{EpochRow, ForgetKeys, NewDataKey};
pub use people::{Login, User};
pub use read_model::{ReadRow, Statement, Value};
pub use shadow::{Shadow, TableDifference};
pub use tally::TallyRow;
pub use tlog::{entry_bytes, StoredCheckpoint, StoredCosignature};
pub use types::*;
pub use writer::{AppendBatch, Writer};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("unsupported database url `{0}`: use postgres://... or sqlite://...")]
    UnsupportedUrl(String),
    /// Another hub became the log's writer: this one may not commit again.
    #[error("another hub has become the log's writer; this one stops writing")]
    Fenced,
    /// An entry too large for the audit log's tiles: the one event at fault must be isolated.
    #[error("{0}")]
    EntryTooLarge(String),
    /// A shadow rebuild of the read models could not be made or compared.
    #[error("shadow read models: {0}")]
    Shadow(String),
    /// The stored tree lacks hashes it should have.
    #[error("the audit log's tree is damaged: {0}")]
    Tree(String),
}

impl StoreError {
    /// Whether the database refused the data itself (PostgreSQL's classes 22, data exception, and
    /// 54, program limit exceeded; SQLite's "too big"), not its connection or a conflict: the same
    /// rows would fail again, so the batch must be split until the message at fault is found.
    pub fn refuses_the_data(&self) -> bool {
        if matches!(self, Self::EntryTooLarge(_)) {
            return true;
        }
        let Self::Database(sqlx::Error::Database(e)) = self else { return false };
        let code = e.code().unwrap_or_default();
        code.starts_with("22") || code.starts_with("54") || code == "18"
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database behind the store (only the store sees it).
#[derive(Clone, Debug)]
pub(crate) enum Db {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// A handle on the hub's database. Cheap to clone. Reads go through it; appends go through the
/// one [`Writer`].
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
}

impl Store {
    /// Connects to `postgres://...` or `sqlite://path` (created if missing) and applies migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            migrations::POSTGRES.run(&pool).await?;
            Db::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
            migrations::SQLITE.run(&pool).await?;
            Db::Sqlite(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        Ok(Self { db })
    }

    pub(crate) fn db(&self) -> &Db {
        &self.db
    }

    /// The one writer of this log. On PostgreSQL it holds an advisory lock for its lifetime, so a
    /// second hub on the same database waits instead of interleaving positions.
    pub async fn writer(&self) -> Result<Writer> {
        Writer::open(self.db.clone()).await
    }

    /// The highest position in the log (0 when empty).
    pub async fn head(&self) -> Result<i64> {
        common::head(&self.db).await
    }

    /// Up to `limit` log entries after `position`, in order: what projections read.
    pub async fn read_log(&self, after: i64, limit: i64) -> Result<Vec<LogEntry>> {
        common::read_log(&self.db, after, limit).await
    }

    /// Up to `limit` whole events after `position`, in order.
    pub async fn read_events(&self, after: i64, limit: i64) -> Result<Vec<StoredEvent>> {
        match &self.db {
            Db::Postgres(p) => pg::read_events(p, after, limit).await,
            Db::Sqlite(p) => sqlite::read_events(p, after, limit).await,
        }
    }

    /// The signed bytes of the station's last event in the log before `position` (its chain's
    /// previous link, for an auditor's case view).
    pub async fn station_bytes_before(&self, station_id: &str, position: i64) -> Result<Option<Vec<u8>>> {
        common::station_bytes_before(&self.db, station_id, position).await
    }

    /// The position of the station's last event in the log before `position`.
    pub async fn station_position_before(&self, station_id: &str, position: i64) -> Result<Option<i64>> {
        common::station_position_before(&self.db, station_id, position).await
    }

    /// Every event of these aggregates of one type, in log order: what an aggregate loads from.
    pub async fn load_aggregates(&self, aggregate_type: &str, ids: &[String]) -> Result<Vec<StoredEvent>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        match &self.db {
            Db::Postgres(p) => pg::load_aggregates(p, aggregate_type, ids).await,
            Db::Sqlite(p) => sqlite::load_aggregates(p, aggregate_type, ids).await,
        }
    }

    /// Station events the hub already has an outcome for, among `ids`: accepted ones from the log,
    /// rejected or refused ones from the dead-letter table.
    pub async fn find_outcomes(&self, ids: &[Uuid]) -> Result<Vec<Outcome>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        match &self.db {
            Db::Postgres(p) => pg::find_outcomes(p, ids).await,
            Db::Sqlite(p) => sqlite::find_outcomes(p, ids).await,
        }
    }

    pub async fn station(&self, station_id: &str) -> Result<Option<StationRecord>> {
        common::station(&self.db, station_id).await
    }

    pub async fn stations(&self) -> Result<Vec<StationRecord>> {
        common::stations(&self.db).await
    }

    /// The active citizen-pseudonym key `(key_id, key)`; `fresh` becomes it if there is none yet.
    pub async fn pseudonym_key(&self, fresh: [u8; 32]) -> Result<(String, Vec<u8>)> {
        common::pseudonym_key(&self.db, fresh).await
    }

    /// The most recent dead letters, newest first: up to `limit` with an id below `before`.
    pub async fn dead_letters(&self, before: Option<i64>, limit: i64) -> Result<Vec<DeadLetter>> {
        common::dead_letters(&self.db, before, limit).await
    }
}
