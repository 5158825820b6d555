//! A verification that begins after position 1: the tree is taken up from the bundle's frontier,
//! and aggregates and stations from its context entries, each proved included in that tree. The
//! context is checked for what it claims (each aggregate's history whole from sequence 1); what
//! it leaves out shows when the range reaches it.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use protocol::merkle::{leaf_hash, verify_inclusion, Hash};
use protocol::tlog::{AuditEntry, Frontier};

use super::read::StationPart;

use super::Verifier;
use crate::start::{End, Start};

fn hash(text: &str) -> Option<Hash> {
    B64.decode(text).ok()?.try_into().ok()
}

impl Verifier {
    /// Takes the log up to the bundle's first position, `start.tree_size + 1`.
    pub fn start_from(&mut self, start: &Start) {
        let size = start.tree_size;
        let hashes: Option<Vec<Hash>> = start.frontier.iter().map(|h| hash(h)).collect();
        let Some(frontier) = hashes.and_then(|h| Frontier::from_hashes(size, &h)) else {
            return self
                .fail(None, format!("the bundle's start: its frontier is not that of a tree of {size} entries"));
        };
        let root = frontier.root();
        let mut last = 0;
        for c in &start.context {
            let position = c.position;
            let at = Some(position);
            if position <= last || position as u64 > size {
                self.fail(at, format!("the bundle's start: a context entry out of order or beyond {size}"));
                continue;
            }
            last = position;
            let Ok(bytes) = B64.decode(&c.entry) else {
                self.fail(at, "the bundle's start: a context entry is not base64".into());
                continue;
            };
            let proof: Option<Vec<Hash>> = c.proof.iter().map(|h| hash(h)).collect();
            let included = proof
                .is_some_and(|p| verify_inclusion((position - 1) as u64, size, &leaf_hash(&bytes), &p, &root).is_ok());
            if !included {
                self.fail(at, format!("the bundle's start: a context entry is not proved in the tree of {size}"));
                continue;
            }
            let read = super::read::read(&bytes);
            match &read.entry {
                Ok(entry) if entry.position == position => self.take_up(entry, read.station.as_ref()),
                _ => self.fail(at, "the bundle's start: a context entry cannot be read".into()),
            }
        }
        self.frontier = frontier;
        self.next_position = size as i64 + 1;
        self.starts_after = size;
        // Checkpoints of the start's size check the frontier now; earlier ones cannot be checked.
        let before: Vec<u64> = self.expected.range(..=size).map(|(s, _)| *s).collect();
        for s in before {
            if s == size {
                for what in self.check_checkpoints() {
                    self.fail(Some(size as i64), what);
                }
                continue;
            }
            for e in self.expected.remove(&s).unwrap_or_default() {
                let kind = if e.pinned { "pinned" } else { "signed" };
                self.fail(
                    None,
                    format!("the {kind} checkpoint of {s} entries is before the bundle's first position {}", size + 1),
                );
            }
        }
    }

    /// Ties the entries read to the signed checkpoint after them by its consistency proof.
    pub fn end_at(&mut self, end: &End, log_key: &protocol::tlog::NoteVerifier) {
        let size = self.frontier.size();
        let checkpoint = match super::read_checkpoint(&end.checkpoint, log_key) {
            Ok(c) => c,
            Err(what) => return self.fail(None, format!("the bundle's end: its checkpoint is not the log's: {what}")),
        };
        let proof: Option<Vec<Hash>> = end.proof.iter().map(|h| hash(h)).collect();
        let consistent = proof.is_some_and(|p| {
            protocol::merkle::verify_consistency(size, checkpoint.size, &p, &self.frontier.root(), &checkpoint.root)
                .is_ok()
        });
        self.report.checkpoints_checked += 1;
        if !consistent {
            self.fail(
                None,
                format!(
                    "the bundle's end: the tree of {size} entries is not consistent with the signed checkpoint of {}",
                    checkpoint.size
                ),
            );
        }
    }

    /// Applies an earlier entry: its aggregate's history if whole so far, its station's key and
    /// chain.
    fn take_up(&mut self, entry: &AuditEntry, station: Option<&StationPart>) {
        let key = (entry.aggregate_type.clone(), entry.aggregate_id.clone());
        let seq = self.aggregates_seq.get(&key).copied().unwrap_or(0);
        if entry.aggregate_seq == seq + 1 && !self.partial.contains(&key) {
            self.aggregates_seq.insert(key, entry.aggregate_seq);
            if let Err(what) = self.derivation.apply_logged(entry) {
                self.fail(Some(entry.position), what);
            }
        } else {
            // Only this aggregate's later events are here: the range must not touch it.
            self.aggregates_seq.remove(&key);
            self.derivation.forget(&key);
            self.partial.insert(key);
        }
        self.stations.learn(entry);
        if let Some(part) = station {
            if let Err(what) = self.stations.resume(entry, part) {
                self.fail(Some(entry.position), what);
            }
        }
    }
}
