//! A station as a witness of the hub's log (`docs/AUDIT.md` section 5): with its lookups it tells
//! the hub the size of the last checkpoint it verified and the positions of its own accepted
//! events; the hub answers with its latest checkpoint, a consistency proof from that size, and
//! each of those events' entries with an inclusion proof. [`examine`] decides what the station
//! makes of the answer: a checkpoint to keep and cosign, nothing new, or a fork to raise an alarm
//! about. No IO.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde::{Deserialize, Serialize};

use super::{AuditEntry, Checkpoint, Note, NoteVerifier};
use crate::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash};

/// At most this many events' inclusions are asked for (and answered) at once: at 24 KiB an
/// event, the answer stays well inside NATS's 1 MiB message.
pub const MAX_POSITIONS: usize = 16;

/// What a station adds to a lookup to witness the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WitnessRequest {
    /// The tree size of the last checkpoint it verified (0: none yet).
    pub seen: u64,
    /// Positions of its own accepted events to prove included (at most [`MAX_POSITIONS`]).
    #[serde(default)]
    pub positions: Vec<i64>,
    /// Its cosignature of the checkpoint of size `seen` (a note signature line), once verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cosignature: Option<String>,
}

/// The hub's answer, inside the sealed lookup reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessReply {
    /// The latest checkpoint, a signed note.
    pub checkpoint: String,
    /// The consistency proof from `seen` to the checkpoint's size (base64 hashes).
    pub consistency: Vec<String>,
    /// The entries asked for that the checkpoint covers, with their inclusion proofs.
    pub entries: Vec<Included>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Included {
    pub position: i64,
    /// The entry's bytes, base64.
    pub entry: String,
    /// Its inclusion proof in the checkpoint's tree (base64 hashes).
    pub proof: Vec<String>,
}

/// What the station makes of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The checkpoint extends the one it kept (or is its first) and holds its events as it signed
    /// them: keep it, and cosign it.
    Consistent(Checkpoint),
    /// The checkpoint is the one it kept.
    Unchanged,
    /// The hub shows a history that contradicts what the station saw before, or its own events
    /// altered or missing: raise the alarm and keep both checkpoints as evidence.
    Fork(String),
}

/// Why an answer cannot be judged at all (not signed by the log key, malformed): it proves
/// nothing either way, so it raises no alarm and is not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the hub's answer cannot be checked: {0}")]
pub struct Unreadable(pub String);

fn hashes(list: &[String]) -> Result<Vec<Hash>, Unreadable> {
    list.iter()
        .map(|h| {
            B64.decode(h)
                .ok()
                .and_then(|b| <Hash>::try_from(b.as_slice()).ok())
                .ok_or_else(|| Unreadable(format!("hash {h}")))
        })
        .collect()
}

/// Reads a checkpoint note signed by the log key.
pub fn read_checkpoint(note: &str, log_key: &NoteVerifier) -> Result<Checkpoint, Unreadable> {
    let n = Note::parse(note).map_err(|e| Unreadable(e.to_string()))?;
    n.verify(log_key).map_err(|e| Unreadable(e.to_string()))?;
    let c = Checkpoint::parse(&n.text).map_err(|e| Unreadable(e.to_string()))?;
    if c.origin != log_key.name {
        return Err(Unreadable(format!("origin `{}` is not `{}`", c.origin, log_key.name)));
    }
    Ok(c)
}

/// Judges the hub's answer against the checkpoint the station kept (`seen`), the positions it
/// asked about, and its own signed bytes at each position (`own`).
pub fn examine(
    log_key: &NoteVerifier,
    seen: Option<&Checkpoint>,
    asked: &[i64],
    reply: &WitnessReply,
    own: &dyn Fn(i64) -> Option<Vec<u8>>,
) -> Result<Finding, Unreadable> {
    let shown = read_checkpoint(&reply.checkpoint, log_key)?;
    let consistency = hashes(&reply.consistency)?;
    if let Some(seen) = seen {
        if shown.size < seen.size {
            return Ok(Finding::Fork(format!(
                "the hub shows a log of {} entries after one of {}: entries were dropped",
                shown.size, seen.size
            )));
        }
        if shown.size == seen.size && shown.root != seen.root {
            return Ok(Finding::Fork(format!("two different logs of {} entries", shown.size)));
        }
        if shown.size > seen.size
            && verify_consistency(seen.size, shown.size, &consistency, &seen.root, &shown.root).is_err()
        {
            return Ok(Finding::Fork(format!(
                "the log of {} entries does not extend the one of {} this station verified",
                shown.size, seen.size
            )));
        }
    }
    for &position in asked.iter().filter(|&&p| p >= 1 && p as u64 <= shown.size) {
        let Some(inc) = reply.entries.iter().find(|i| i.position == position) else {
            return Ok(Finding::Fork(format!("the hub does not prove this station's event at position {position}")));
        };
        let bytes = B64.decode(&inc.entry).map_err(|e| Unreadable(format!("entry {position}: {e}")))?;
        let proof = hashes(&inc.proof)?;
        let index = position as u64 - 1;
        if verify_inclusion(index, shown.size, &leaf_hash(&bytes), &proof, &shown.root).is_err() {
            return Ok(Finding::Fork(format!("this station's event at position {position} is not in the log")));
        }
        let signed = AuditEntry::decode(&bytes).ok().filter(|e| e.position == position).and_then(|e| e.signed);
        if own(position).is_none_or(|mine| signed.is_none_or(|s| s.bytes != mine)) {
            return Ok(Finding::Fork(format!(
                "the log's entry at position {position} is not the event this station signed"
            )));
        }
    }
    Ok(match seen {
        Some(seen) if seen.size == shown.size => Finding::Unchanged,
        _ => Finding::Consistent(shown),
    })
}

#[cfg(test)]
mod tests;
