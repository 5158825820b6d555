//! The offline verifier: reads the log's entries in order (from a bundle or a live database) and
//! checks every one. What it checks, and in what order, is `docs/AUDIT.md` section 4: the entry's
//! position; its leaf in the tree and the root at every signed and pinned checkpoint; for a
//! station's event, its signature under the key the log itself gave the station at that point,
//! its sequence and hash chain, and that the domain events are what the domain code derives from
//! the signed bytes; every aggregate's sequence. A chunk of entries is read on every core, checked
//! in order, and then its signatures and each aggregate's derivations are checked on every core.

mod cores;
mod derive;
mod read;
mod signatures;
mod start;
mod stations;

use std::collections::{BTreeMap, HashMap, HashSet};

use protocol::merkle::Hash;
use protocol::tlog::{Checkpoint, Frontier, Note, NoteVerifier};

use derive::{Derivation, Item, Key};
pub use stations::Stations;

/// One thing found wrong, at a position when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub position: Option<i64>,
    pub what: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some(p) => write!(f, "position {p}: {}", self.what),
            None => write!(f, "{}", self.what),
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub entries: u64,
    pub station_events: u64,
    pub checkpoints_checked: u64,
    pub pins_checked: u64,
    pub stations: usize,
    pub root: Option<Hash>,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// At most this many failures are kept; the count goes on.
const MAX_FAILURES: usize = 1000;

/// A failure found in a chunk: the entry's index, the order of the check that found it, the
/// position it is reported at, what.
type Found = (usize, u8, i64, String);

/// A checkpoint to compare the tree with: signed by the log key, or pinned by the auditor.
struct Expected {
    checkpoint: Checkpoint,
    pinned: bool,
}

pub struct Verifier {
    frontier: Frontier,
    next_position: i64,
    expected: BTreeMap<u64, Vec<Expected>>,
    stations: Stations,
    derivation: Derivation,
    aggregates_seq: HashMap<(String, String), i64>,
    /// Aggregates of which a bundle's start holds only later events.
    partial: HashSet<(String, String)>,
    /// The tree size a bundle starts from (0 from the log's start).
    starts_after: u64,
    report: Report,
    failures_seen: usize,
}

impl Verifier {
    /// A verifier of the log whose checkpoints `log_key` signs, with the signed checkpoints
    /// (notes) to check and those the auditor pinned earlier.
    pub fn new(log_key: &NoteVerifier, checkpoints: &[String], pins: &[String]) -> Self {
        let mut v = Self {
            frontier: Frontier::new(),
            next_position: 1,
            expected: BTreeMap::new(),
            stations: Stations::default(),
            derivation: Derivation::default(),
            aggregates_seq: HashMap::new(),
            partial: HashSet::new(),
            starts_after: 0,
            report: Report::default(),
            failures_seen: 0,
        };
        for (notes, pinned) in [(checkpoints, false), (pins, true)] {
            for note in notes {
                match read_checkpoint(note, log_key) {
                    Ok(checkpoint) => {
                        v.expected.entry(checkpoint.size).or_default().push(Expected { checkpoint, pinned })
                    }
                    Err(what) => {
                        let kind = if pinned { "pinned" } else { "signed" };
                        v.fail(None, format!("a {kind} checkpoint is not the log's: {what}"))
                    }
                }
            }
        }
        v
    }

    fn fail(&mut self, position: Option<i64>, what: String) {
        self.failures_seen += 1;
        if self.report.failures.len() < MAX_FAILURES {
            self.report.failures.push(Failure { position, what });
        }
    }

    /// Checks the next entries, in order: `(position the source gives, entry bytes)`.
    pub async fn entries(&mut self, batch: Vec<(i64, Vec<u8>)>) {
        let reads = read::read_all(&batch);
        let mut found: Vec<Found> = Vec::new();
        let mut positions = Vec::with_capacity(batch.len());
        let mut jobs: Vec<signatures::Job<'_>> = Vec::new();
        let mut groups: Vec<(Key, Vec<Item>)> = Vec::new();
        let mut group_of: HashMap<Key, usize> = HashMap::new();
        let mut add = |key: Key, item: Item| {
            let g = *group_of.entry(key.clone()).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(item);
        };
        for (i, ((claimed, _), r)) in batch.iter().zip(&reads).enumerate() {
            let position = self.position(*claimed, &mut found, i);
            positions.push(position);
            self.report.entries += 1;
            self.frontier.push(r.leaf);
            for what in self.check_checkpoints() {
                found.push((i, 0, position, what));
            }
            let entry = match &r.entry {
                Ok(e) => e,
                Err(e) => {
                    found.push((i, 0, position, format!("the entry cannot be read: {e}")));
                    continue;
                }
            };
            if entry.position != position {
                found.push((i, 0, position, format!("the entry says it is position {}", entry.position)));
            }
            let key = (entry.aggregate_type.clone(), entry.aggregate_id.clone());
            if let Some(what) = self.aggregate_seq(&key, entry.aggregate_seq) {
                found.push((i, 0, position, what));
            }
            match (&entry.signed, &r.station) {
                (Some(signed), Some(part)) => {
                    self.report.station_events += 1;
                    let mut failures = Vec::new();
                    if let Some(k) = self.stations.check(entry, part, r.rejected, &mut failures) {
                        jobs.push((i, k, &signed.bytes, &signed.signature));
                    }
                    found.extend(failures.into_iter().map(|f| (i, 0, position, f)));
                    match (&part.envelope, &part.routed, r.rejected) {
                        (Ok(_), routed, Some(_)) => {
                            if let Some(Ok(to)) = routed {
                                add((to.aggregate_type.to_string(), to.aggregate_id.clone()), Item::Refuse(i));
                            }
                            add(key, Item::Rejected(i));
                        }
                        (Ok(_), _, None) => add(key, Item::Derive(i)),
                        (Err(_), ..) => add(key, Item::Logged(i)),
                    }
                }
                _ => add(key, Item::Logged(i)),
            }
            self.stations.learn(entry);
        }
        for i in signatures::invalid(&jobs) {
            let station = reads[i].entry.as_ref().ok().and_then(|e| e.station.clone()).unwrap_or_default();
            let what = format!("the signature does not verify under station {station}'s key at this point");
            found.push((i, 1, positions[i], what));
        }
        for (i, what) in self.derivation.run(groups, &reads) {
            found.push((i, 2, positions[i], what));
        }
        found.sort_by_key(|(i, order, ..)| (*i, *order));
        for (_, _, position, what) in found {
            self.fail(Some(position), what);
        }
    }

    /// The position of the next entry, given the one its source claims.
    fn position(&mut self, claimed: i64, found: &mut Vec<Found>, i: usize) -> i64 {
        let mut position = self.next_position;
        if claimed > position {
            let what = match claimed - position {
                1 => format!("missing: the next entry found is at position {claimed}"),
                n => format!(
                    "missing, with the {} entries after it: the next entry found is at position {claimed}",
                    n - 1
                ),
            };
            // Reported at the missing position; read on from the entry found, so one gap is one
            // failure.
            found.push((i, 0, position, what));
            position = claimed;
        } else if claimed < position {
            found.push((i, 0, position, format!("out of order: position {claimed} comes after {}", position - 1)));
        }
        self.next_position = position + 1;
        position
    }

    /// Checks an entry's aggregate sequence; moves it on.
    fn aggregate_seq(&mut self, key: &Key, seq: i64) -> Option<String> {
        if self.partial.remove(key) {
            self.aggregates_seq.insert(key.clone(), seq);
            return Some(format!("the bundle's start lacks the earlier events of {} {}", key.0, key.1));
        }
        let want = self.aggregates_seq.entry(key.clone()).or_insert(0);
        *want += 1;
        (seq != *want).then(|| format!("aggregate sequence {seq} where {want} was due"))
    }

    /// Compares the tree with the checkpoints of its size; the failures found.
    fn check_checkpoints(&mut self) -> Vec<String> {
        let size = self.frontier.size();
        let Some(expected) = self.expected.remove(&size) else { return Vec::new() };
        let root = self.frontier.root();
        let mut failures = Vec::new();
        for e in expected {
            if e.pinned {
                self.report.pins_checked += 1;
            } else {
                self.report.checkpoints_checked += 1;
            }
            if e.checkpoint.root != root {
                let kind = if e.pinned { "pinned" } else { "signed" };
                failures.push(format!(
                    "the tree of {size} entries does not have the root of the {kind} checkpoint of that size"
                ));
            }
        }
        failures
    }

    /// Ends the verification: checkpoints beyond the entries read are failures too.
    pub fn finish(self) -> Report {
        self.finish_with(|_| {})
    }

    /// Ends the verification after `more` has looked at the stations as the log left them.
    pub fn finish_with(mut self, more: impl FnOnce(&Stations)) -> Report {
        more(&self.stations);
        if self.starts_after > 0 && self.report.checkpoints_checked + self.report.pins_checked == 0 {
            self.fail(
                None,
                format!(
                    "no checkpoint of {} entries or more is in the bundle, so nothing proves the tree it starts from",
                    self.starts_after
                ),
            );
        }
        let unmatched = self.derivation.unmatched();
        if unmatched > 0 {
            let last = self.next_position - 1;
            self.fail(
                Some(last),
                format!("the log ends before {unmatched} events derived from its last station event"),
            );
        }
        let left: Vec<u64> = self.expected.keys().copied().collect();
        for size in left {
            let pinned = self.expected[&size].iter().any(|e| e.pinned);
            let kind = if pinned { "pinned" } else { "signed" };
            self.fail(
                None,
                format!("the {kind} checkpoint of {size} entries is beyond the {} entries read", self.frontier.size()),
            );
        }
        self.report.stations = self.stations.count();
        self.report.root = (self.frontier.size() > 0).then(|| self.frontier.root());
        if self.failures_seen > self.report.failures.len() {
            let more = self.failures_seen - self.report.failures.len();
            self.report.failures.push(Failure { position: None, what: format!("and {more} more failures") });
        }
        self.report
    }
}

/// A note's checkpoint, if the log key signed it.
pub fn read_checkpoint(note: &str, log_key: &NoteVerifier) -> Result<Checkpoint, String> {
    let note = Note::parse(note).map_err(|e| e.to_string())?;
    note.verify(log_key).map_err(|e| e.to_string())?;
    let c = Checkpoint::parse(&note.text).map_err(|e| e.to_string())?;
    if c.origin != log_key.name {
        return Err(format!("its origin is `{}`, not `{}`", c.origin, log_key.name));
    }
    Ok(c)
}

/// How an event's row differs from its entry, if it does (a live database's rows are what the
/// dashboards and ingest read).
pub fn row_differs(row: &store::StoredEvent, entry: &[u8]) -> Option<String> {
    let Ok(e) = protocol::tlog::AuditEntry::decode(entry) else { return None };
    let r = &row.event;
    let differs = [
        ("position", e.position == row.position),
        ("commit time", e.committed_at == row.recorded_at),
        ("event id", e.event_id == r.event_id),
        (
            "aggregate",
            (&e.aggregate_type, &e.aggregate_id, e.aggregate_seq)
                == (&r.aggregate_type, &r.aggregate_id, r.aggregate_seq),
        ),
        ("event type", (&e.event_type, e.event_version) == (&r.event_type, r.event_version)),
        ("domain event", e.payload == r.payload),
        ("metadata", e.metadata == r.metadata),
        ("station or ward", (&e.station, &e.ward) == (&r.station_id, &r.ward_code)),
        ("time", e.occurred_at == r.occurred_at),
        (
            "signed bytes",
            e.signed.as_ref().map(|s| (&s.bytes, &s.signature)) == r.raw.as_ref().zip(r.signature.as_ref()),
        ),
    ];
    let what: Vec<&str> = differs.iter().filter(|(_, same)| !same).map(|(w, _)| *w).collect();
    (!what.is_empty()).then(|| format!("the event's row differs from its entry: {}", what.join(", ")))
}
