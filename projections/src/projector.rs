//! The catch-up projector every read model shares. A [`Projection`] turns a chunk of the log into
//! SQL statements (a pure function); the [`Projector`] runs them and moves the projection's
//! checkpoint in one transaction, only if the checkpoint is still where the chunk started, so two
//! projectors never apply an event twice and a rebuilt model equals the live one.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use store::dialect::sql;
use store::{on_db, LogEntry, Store};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::Result;

/// Log entries read per transaction.
const CHUNK: i64 = 5_000;

/// A value bound to a statement's placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
    MaybeInt(Option<i64>),
    Bool(bool),
    Time(DateTime<Utc>),
    MaybeTime(Option<DateTime<Utc>>),
    Day(NaiveDate),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Self::MaybeText(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::MaybeInt(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Self::Time(v)
    }
}
impl From<Option<DateTime<Utc>>> for Value {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Self::MaybeTime(v)
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Self::Day(v)
    }
}

/// One SQL statement with PostgreSQL-style placeholders (`$1`, rewritten for SQLite).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: &'static str,
    pub args: Vec<Value>,
}

impl Statement {
    pub fn new(sql: &'static str, args: Vec<Value>) -> Self {
        Self { sql, args }
    }
}

/// A read model: its name (its checkpoint's key), the tables a rebuild empties, and how a chunk
/// of the log changes its rows.
pub trait Projection: Clone + Send + Sync + 'static {
    const NAME: &'static str;
    const TABLES: &'static [&'static str];
    /// The statements that apply `entries` (in log order), run in order in one transaction.
    fn project(&self, entries: &[LogEntry]) -> Vec<Statement>;
}

/// Keeps one projection caught up with the log.
#[derive(Clone)]
pub struct Projector<P> {
    store: Store,
    projection: P,
}

impl<P: Projection> Projector<P> {
    pub fn new(store: Store, projection: P) -> Self {
        Self { store, projection }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The position up to which the model is built.
    pub async fn checkpoint(&self) -> Result<i64> {
        on_db!(self.store.db(), |pool, pg| {
            let q = sql(pg, "SELECT position FROM projection_checkpoints WHERE name = $1");
            let p: Option<i64> = sqlx::query_scalar(&q).bind(P::NAME).fetch_optional(pool).await?;
            Ok(p.unwrap_or(0))
        })
    }

    async fn ensure_checkpoint(&self) -> Result<()> {
        on_db!(self.store.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            );
            sqlx::query(&q).bind(P::NAME).execute(pool).await?;
            Ok(())
        })
    }

    /// Applies everything in the log after the checkpoint. Returns the new checkpoint.
    pub async fn catch_up(&self) -> Result<i64> {
        self.ensure_checkpoint().await?;
        loop {
            let from = self.checkpoint().await?;
            let entries = self.store.read_log(from, CHUNK).await?;
            let Some(last) = entries.last().map(|e| e.position) else { return Ok(from) };
            let statements = self.projection.project(&entries);
            if !self.apply(from, last, &statements).await? {
                // Another projector moved the checkpoint first; read again from where it is.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    async fn apply(&self, from: i64, to: i64, statements: &[Statement]) -> Result<bool> {
        on_db!(self.store.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql(
                pg,
                "UPDATE projection_checkpoints SET position = $1 WHERE name = $2 AND position = $3",
            ))
            .bind(to)
            .bind(P::NAME)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            for s in statements {
                let text = sql(pg, s.sql);
                let mut q = sqlx::query(&text);
                for a in &s.args {
                    q = match a {
                        Value::Text(v) => q.bind(v.as_str()),
                        Value::MaybeText(v) => q.bind(v.as_deref()),
                        Value::Int(v) => q.bind(*v),
                        Value::MaybeInt(v) => q.bind(*v),
                        Value::Bool(v) => q.bind(*v),
                        Value::Time(v) => q.bind(*v),
                        Value::MaybeTime(v) => q.bind(*v),
                        Value::Day(v) => q.bind(*v),
                    };
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Drops the model and rebuilds it from position 0. Returns the new checkpoint.
    pub async fn rebuild(&self) -> Result<i64> {
        self.ensure_checkpoint().await?;
        on_db!(self.store.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            for table in P::TABLES {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
            }
            sqlx::query(&sql(pg, "UPDATE projection_checkpoints SET position = 0 WHERE name = $1"))
                .bind(P::NAME)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<(), crate::ProjectionError>(())
        })?;
        self.catch_up().await
    }

    /// Keeps the model caught up: after each commit announced on `head`, and every second in case
    /// another process writes the log. Catches up once more when `shutdown` fires.
    pub async fn run(self, mut head: watch::Receiver<i64>, shutdown: CancellationToken) {
        loop {
            if let Err(e) = self.catch_up().await {
                tracing::warn!(projection = P::NAME, error = %e, "projector failed; retrying");
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = head.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
        if let Err(e) = self.catch_up().await {
            tracing::warn!(projection = P::NAME, error = %e, "final catch-up failed");
        }
    }
}
