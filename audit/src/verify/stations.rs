//! Stations as the log itself describes them: each one's key at every point (from its
//! `StationEnrolled`, `StationKeyRotated`, `StationDecommissioned` and `StationEquivocated`
//! entries), its sequence and its hash chain; and the in-order checks of a station's signed entry.
//! Signatures are checked afterwards, together (`super::signatures`), under the key found here.

use std::collections::HashMap;

use domain::aggregates::{Aggregate, AnyEvent, Station, StationLifecycleEvent};
use protocol::signing::DecodedKey;
use protocol::tlog::AuditEntry;
use protocol::{ChainHash, GENESIS};

use super::read::StationPart;

struct StationState {
    key: Option<([u8; 32], DecodedKey)>,
    seq: u64,
    chain: ChainHash,
}

#[derive(Default)]
pub struct Stations {
    map: HashMap<String, StationState>,
}

impl Stations {
    pub fn count(&self) -> usize {
        self.map.len()
    }

    /// The key the log last gave a station (`None` if none, or revoked).
    pub fn key_of(&self, station: &str) -> Option<[u8; 32]> {
        self.map.get(station).and_then(|s| s.key.map(|(k, _)| k))
    }

    /// Checks a station's signed entry in order: key, envelope, sequence, chain; moves the
    /// station's chain on. Gives the key its signature is to be checked under, if it has one.
    pub(super) fn check(
        &mut self,
        entry: &AuditEntry,
        part: &StationPart,
        rejected: Option<(u64, uuid::Uuid)>,
        failures: &mut Vec<String>,
    ) -> Option<DecodedKey> {
        let Some(station) = entry.station.as_deref() else {
            failures.push("signed bytes without a station".into());
            return None;
        };
        let Some(state) = self.map.get_mut(station) else {
            failures.push(format!("station {station} has no key in the log before this entry"));
            return None;
        };
        let key = state.key.map(|(_, k)| k);
        if key.is_none() {
            failures.push(format!("station {station} has no valid key at this point (revoked)"));
        }
        let env = match &part.envelope {
            Ok(env) => env,
            Err(e) => {
                failures.push(format!("the signed bytes are not a protocol v1 event: {e}"));
                return key;
            }
        };
        if env.station.as_str() != station {
            failures
                .push(format!("the signed bytes are station {}'s, the entry names {station}", env.station.as_str()));
        }
        match rejected {
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
        state.chain = part.chain;
        key
    }

    /// Takes a station's sequence and chain from its signed entry (a bundle's earlier entries).
    pub(super) fn resume(&mut self, entry: &AuditEntry, part: &StationPart) -> Result<(), String> {
        let Some(station) = &entry.station else { return Ok(()) };
        let env = part.envelope.as_ref().map_err(|e| format!("the signed bytes are not a protocol v1 event: {e}"))?;
        let state = self
            .map
            .get_mut(station)
            .ok_or_else(|| format!("station {station} has no key in the log before this entry"))?;
        state.seq = env.seq;
        state.chain = part.chain;
        Ok(())
    }

    /// Learns what a station entry says of its key.
    pub fn learn(&mut self, entry: &AuditEntry) {
        if entry.aggregate_type != Station::TYPE {
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
                state.key = hex::decode_to_slice(&public_key, &mut key).is_ok().then(|| (key, DecodedKey::new(&key)));
            }
            StationLifecycleEvent::StationDecommissioned { .. } | StationLifecycleEvent::StationEquivocated { .. } => {
                state.key = None
            }
            _ => {}
        }
    }
}
