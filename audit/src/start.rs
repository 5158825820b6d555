//! Where a bundle that begins after position 1 takes the log up (`docs/AUDIT.md` section 3.4):
//! the right edge of the tree before its first position, and the earlier entries its range
//! depends on (the whole history of every aggregate it touches, and each of its stations' last
//! event before it), each with its inclusion proof in that tree. And where a bundle that ends
//! between checkpoints is tied to the next one (section 3.5): that checkpoint with a consistency
//! proof from the bundle's tree. Gathered here from the store.

use std::collections::{BTreeMap, BTreeSet};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use protocol::tlog::AuditEntry;
use serde::{Deserialize, Serialize};
use store::Store;

/// The file of a bundle that holds its start.
pub const FILE: &str = "start.json";
/// The file of a bundle that holds its end.
pub const END_FILE: &str = "end.json";

/// The signed checkpoint after a bundle's last position, and the consistency proof from the tree
/// of the bundle's `to` entries to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct End {
    /// The checkpoint, a signed note as the hub stored it.
    pub checkpoint: String,
    /// Base64 hashes.
    pub proof: Vec<String>,
}

/// The end of a bundle whose last position is `to`, if it does not end on a checkpoint and a
/// later one exists.
pub async fn end(store: &Store, to: i64) -> Result<Option<End>, store::StoreError> {
    let Some(next) = store.checkpoints_between(to, i64::MAX).await?.into_iter().next() else { return Ok(None) };
    if next.tree_size == to {
        return Ok(None);
    }
    let proof = store.consistency_proof(to as u64, next.tree_size as u64).await?;
    Ok(Some(End { checkpoint: next.note, proof: proof.iter().map(|h| B64.encode(h)).collect() }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// The tree the bundle starts from: its first position is `tree_size + 1`.
    pub tree_size: u64,
    /// The roots of that tree's perfect subtrees, largest first, base64.
    pub frontier: Vec<String>,
    /// Earlier entries the range depends on, in position order.
    pub context: Vec<ContextEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextEntry {
    pub position: i64,
    /// The entry's bytes, base64.
    pub entry: String,
    /// Its inclusion proof in the tree of `tree_size` entries, base64 hashes.
    pub proof: Vec<String>,
}

/// What a range touches: its aggregates (type, id) and the stations that signed in it.
#[derive(Debug, Default)]
pub struct Touched {
    aggregates: BTreeMap<String, BTreeSet<String>>,
    stations: BTreeSet<String>,
}

impl Touched {
    pub fn add(&mut self, entry: &AuditEntry) {
        self.aggregates.entry(entry.aggregate_type.clone()).or_default().insert(entry.aggregate_id.clone());
        if let (Some(station), Some(_)) = (&entry.station, &entry.signed) {
            self.stations.insert(station.clone());
        }
    }
}

/// Positions this close are read in one query.
const RUN_GAP: i64 = 64;

/// The start of a bundle whose first position is `from` and whose range touches `touched`.
pub async fn gather(store: &Store, from: i64, mut touched: Touched) -> Result<Start, store::StoreError> {
    let size = (from - 1) as u64;
    let station_type = <domain::aggregates::Station as domain::aggregates::Aggregate>::TYPE;
    for s in &touched.stations {
        // A station's keys come from its own aggregate.
        touched.aggregates.entry(station_type.to_string()).or_default().insert(s.clone());
    }
    let mut positions = BTreeSet::new();
    for (aggregate_type, ids) in &touched.aggregates {
        let ids: Vec<String> = ids.iter().cloned().collect();
        // A thousand aggregates at a time, so that a large range is not held in memory at once.
        for chunk in ids.chunks(1000) {
            for e in store.load_aggregates(aggregate_type, chunk).await? {
                if e.position < from {
                    positions.insert(e.position);
                }
            }
        }
    }
    for s in &touched.stations {
        if let Some(p) = store.station_position_before(s, from).await? {
            positions.insert(p);
        }
    }
    let mut context = Vec::with_capacity(positions.len());
    let wanted: Vec<i64> = positions.into_iter().collect();
    let mut i = 0;
    while i < wanted.len() {
        let mut j = i;
        while j + 1 < wanted.len() && wanted[j + 1] - wanted[j] <= RUN_GAP {
            j += 1;
        }
        let run = store.entries(wanted[i], wanted[j] - wanted[i] + 1).await?;
        for (position, entry) in run.into_iter().filter(|(p, _)| wanted[i..=j].binary_search(p).is_ok()) {
            let proof = store.inclusion_proof((position - 1) as u64, size).await?;
            context.push(ContextEntry {
                position,
                entry: B64.encode(&entry),
                proof: proof.iter().map(|h| B64.encode(h)).collect(),
            });
        }
        i = j + 1;
    }
    let frontier = store.frontier(size).await?.hashes().iter().map(|h| B64.encode(h)).collect();
    Ok(Start { tree_size: size, frontier, context })
}
