//! The in-memory aggregate cache of the ingest: state and version of recently used aggregates,
//! loaded from the log on a miss (many at once per batch).

use std::collections::HashMap;

use domain::aggregates::{AnyAggregate, LoadError};
use store::{Store, StoreError};

pub struct Cached {
    pub state: AnyAggregate,
    /// The aggregate sequence of its last event (0 for a new aggregate).
    pub version: i64,
    /// The ward its events belong to (from the first event that named one), so that staff
    /// commands on the case are counted in the same ward.
    pub ward: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Evicts everything past this many aggregates; they reload from the log when next used.
const CAPACITY: usize = 200_000;

#[derive(Default)]
pub struct AggregateCache {
    entries: HashMap<(&'static str, String), Cached>,
}

impl AggregateCache {
    /// Makes sure every key is in the cache, loading missing ones from the log in one query a type.
    pub async fn ensure(&mut self, store: &Store, keys: &[(&'static str, String)]) -> Result<(), CacheError> {
        if self.entries.len() > CAPACITY {
            self.entries.clear();
        }
        let mut missing: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (t, id) in keys {
            if !self.entries.contains_key(&(*t, id.clone())) {
                missing.entry(t).or_default().push(id.clone());
            }
        }
        for (t, ids) in missing {
            for id in &ids {
                self.entries.insert((t, id.clone()), Cached { state: AnyAggregate::new(t)?, version: 0, ward: None });
            }
            for e in store.load_aggregates(t, &ids).await? {
                let entry = self.entries.get_mut(&(t, e.event.aggregate_id.clone())).expect("inserted above");
                entry.state.apply_stored(&e.event.event_type, e.event.event_version, &e.event.payload)?;
                entry.version = e.event.aggregate_seq;
                if entry.ward.is_none() {
                    entry.ward = e.event.ward_code.clone();
                }
            }
        }
        Ok(())
    }

    pub fn get_mut(&mut self, aggregate_type: &'static str, id: &str) -> Option<&mut Cached> {
        self.entries.get_mut(&(aggregate_type, id.to_string()))
    }

    /// Forgets everything: after a failed commit the cached states may be ahead of the log.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
