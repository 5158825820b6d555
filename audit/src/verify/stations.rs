//! Stations as the log itself describes them: each one's key at every point (from its
//! `StationEnrolled`, `StationKeyRotated`, `StationDecommissioned` and `StationEquivocated`
//! entries), its sequence and its hash chain; and the checks of a station's signed entry. The
//! costly part (reading entries, Ed25519) runs on every core before the checks in order.

use std::collections::HashMap;

use domain::aggregates::{AnyEvent, StationLifecycleEvent};
use protocol::tlog::AuditEntry;
use protocol::{chain_hash, ChainHash, Envelope, GENESIS};

struct StationState {
    key: Option<[u8; 32]>,
    seq: u64,
    chain: ChainHash,
}

#[derive(Default)]
pub struct Stations {
    map: HashMap<String, StationState>,
}

/// An entry read ahead of the checks: the entry, its station envelope, and whether its signature
/// verifies under the key its station had when the chunk began.
pub(super) struct Predecoded {
    pub entry: Result<AuditEntry, String>,
    pub envelope: Option<Result<Envelope, String>>,
    pub signature: Option<([u8; 32], bool)>,
}

/// Reads a chunk of entries on every core.
pub(super) fn predecode(batch: &[(i64, Vec<u8>)], stations: &Stations) -> Vec<Predecoded> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = batch.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = batch
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(|(_, bytes)| stations.read(bytes)).collect::<Vec<_>>()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().expect("no panic")).collect()
    })
}

impl Stations {
    pub fn count(&self) -> usize {
        self.map.len()
    }

    /// The key the log last gave a station (`None` if none, or revoked).
    pub fn key_of(&self, station: &str) -> Option<[u8; 32]> {
        self.map.get(station).and_then(|s| s.key)
    }

    fn read(&self, bytes: &[u8]) -> Predecoded {
        let entry = AuditEntry::decode(bytes).map_err(|e| e.to_string());
        let Ok(Some(signed)) = entry.as_ref().map(|e| e.signed.as_ref()) else {
            return Predecoded { entry, envelope: None, signature: None };
        };
        let envelope = Some(Envelope::parse(&signed.bytes).map_err(|e| e.to_string()));
        let key =
            entry.as_ref().ok().and_then(|e| e.station.as_ref()).and_then(|s| self.map.get(s)).and_then(|s| s.key);
        let signature = key.map(|k| (k, protocol::signing::verify(&k, &signed.bytes, &signed.signature).is_ok()));
        Predecoded { entry, envelope, signature }
    }

    /// Checks a station's signed entry: key, signature, envelope, sequence, chain. Moves the
    /// station's chain on.
    pub fn check(
        &mut self,
        entry: &AuditEntry,
        envelope: &Option<Result<Envelope, String>>,
        pre_signature: Option<([u8; 32], bool)>,
    ) -> Vec<String> {
        let signed = entry.signed.as_ref().expect("a station's entry");
        let mut failures = Vec::new();
        let Some(station) = entry.station.as_deref() else {
            return vec!["signed bytes without a station".into()];
        };
        let Some(state) = self.map.get_mut(station) else {
            return vec![format!("station {station} has no key in the log before this entry")];
        };
        match state.key {
            None => failures.push(format!("station {station} has no valid key at this point (revoked)")),
            Some(key) => {
                let valid = match pre_signature {
                    Some((k, valid)) if k == key => valid,
                    _ => protocol::signing::verify(&key, &signed.bytes, &signed.signature).is_ok(),
                };
                if !valid {
                    failures.push(format!("the signature does not verify under station {station}'s key at this point"));
                }
            }
        }
        let env = match envelope {
            Some(Ok(env)) => env,
            Some(Err(e)) => {
                failures.push(format!("the signed bytes are not a protocol v1 event: {e}"));
                return failures;
            }
            None => unreachable!("read with the entry"),
        };
        if env.station.as_str() != station {
            failures
                .push(format!("the signed bytes are station {}'s, the entry names {station}", env.station.as_str()));
        }
        match super::rejected_event(entry) {
            Some((seq, id)) if (seq, id) != (env.seq, env.id) => failures.push(format!(
                "the signed event is {} at sequence {}, the rejection names {id} at {seq}",
                env.id, env.seq
            )),
            Some(_) => {}
            None if env.id != entry.event_id => {
                failures.push(format!("the signed event is {}, the entry names {}", env.id, entry.event_id))
            }
            None => {}
        }
        if env.seq != state.seq + 1 {
            failures.push(format!("station {station}'s sequence jumps from {} to {}", state.seq, env.seq));
        }
        if env.prev != state.chain {
            failures.push(format!("station {station}'s hash chain is broken before sequence {}", env.seq));
        }
        state.seq = env.seq;
        state.chain = chain_hash(&signed.bytes);
        failures
    }

    /// Learns what a station entry says of its key.
    pub fn learn(&mut self, entry: &AuditEntry) {
        if entry.aggregate_type != <domain::aggregates::Station as domain::aggregates::Aggregate>::TYPE {
            return;
        }
        let Ok(AnyEvent::Station(event)) =
            AnyEvent::read(&entry.aggregate_type, &entry.event_type, entry.event_version, &entry.payload)
        else {
            return;
        };
        let state =
            self.map.entry(entry.aggregate_id.clone()).or_insert(StationState { key: None, seq: 0, chain: GENESIS });
        match event {
            StationLifecycleEvent::StationEnrolled { public_key, .. }
            | StationLifecycleEvent::StationKeyRotated { public_key, .. } => {
                let mut key = [0u8; 32];
                state.key = hex::decode_to_slice(&public_key, &mut key).is_ok().then_some(key);
            }
            StationLifecycleEvent::StationDecommissioned { .. } | StationLifecycleEvent::StationEquivocated { .. } => {
                state.key = None
            }
            _ => {}
        }
    }
}
