//! The catch-up projector every read model shares. A [`Projection`] turns a chunk of the log into
//! SQL statements (a pure function); the [`Projector`] runs them and moves the projection's
//! checkpoint in one transaction, only if the checkpoint is still where the chunk started, so two
//! projectors never apply an event twice and a rebuilt model equals the live one.

use std::time::Duration;

use store::{LogEntry, Store};
pub use store::{Statement, Value};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::Result;

/// Log entries read per transaction.
const CHUNK: i64 = 5_000;

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
        Ok(self.store.checkpoint(P::NAME).await?)
    }

    /// Applies everything in the log after the checkpoint. Returns the new checkpoint.
    pub async fn catch_up(&self) -> Result<i64> {
        self.catch_up_to(i64::MAX).await
    }

    /// Applies the log after the checkpoint up to position `until`. Returns the new checkpoint.
    pub async fn catch_up_to(&self, until: i64) -> Result<i64> {
        loop {
            let from = self.checkpoint().await?;
            if from >= until {
                return Ok(from);
            }
            let entries = self.store.read_log(from, CHUNK.min(until - from)).await?;
            let Some(last) = entries.last().map(|e| e.position) else { return Ok(from) };
            let statements = self.projection.project(&entries);
            if !self.store.apply_chunk(P::NAME, from, last, &statements).await? {
                // Another projector moved the checkpoint first; read again from where it is.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    /// Drops the model and rebuilds it from position 0. Returns the new checkpoint.
    pub async fn rebuild(&self) -> Result<i64> {
        self.store.reset_read_model(P::NAME, P::TABLES).await?;
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
