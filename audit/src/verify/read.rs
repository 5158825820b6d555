//! The first pass over a chunk of entries, on every core: what each entry says, read without any
//! state (its leaf hash, the entry decoded, a station's envelope and chain hash, and the command
//! its signed payload routes to), so that the in-order pass only compares.

use domain::aggregates::{route, Aggregate, AnyEvent, Origin, Routed, Station, StationLifecycleEvent};
use protocol::citizen::CitizenRef;
use protocol::kinds::StationEvent;
use protocol::merkle::{leaf_hash, Hash};
use protocol::tlog::AuditEntry;
use protocol::{chain_hash, ChainHash, Envelope};

pub(super) struct Read {
    pub leaf: Hash,
    pub entry: Result<AuditEntry, String>,
    /// A station's entry: its signed bytes read as an envelope, their chain hash, and the command
    /// the payload routes to (or why the domain refuses the payload).
    pub station: Option<StationPart>,
    /// For a `StationEventRejected` entry: the refused event's sequence and id.
    pub rejected: Option<(u64, uuid::Uuid)>,
}

pub(super) struct StationPart {
    pub envelope: Result<Envelope, String>,
    pub chain: ChainHash,
    pub routed: Option<Result<Routed, String>>,
}

/// Reads a chunk on every core, in order.
pub(super) fn read_all(batch: &[(i64, Vec<u8>)]) -> Vec<Read> {
    super::cores::on_every_core(batch, |part| part.iter().map(|(_, bytes)| read(bytes)).collect())
}

pub(super) fn read(bytes: &[u8]) -> Read {
    let leaf = leaf_hash(bytes);
    let entry = AuditEntry::decode(bytes).map_err(|e| e.to_string());
    let (station, rejected) = match &entry {
        Ok(e) => (e.signed.as_ref().map(|s| station_part(&s.bytes, hub_name(e))), rejected_event(e)),
        Err(_) => (None, None),
    };
    Read { leaf, entry, station, rejected }
}

/// The hub's name for the resident of the entry's event (`docs/PROTOCOL.md` section 11): when the
/// station sealed their ID, the pseudonym is the hub's word, the one thing of a station's event
/// an auditor cannot derive; its age band and sex must still be the signed ones.
fn hub_name(entry: &AuditEntry) -> Option<CitizenRef> {
    let event = AnyEvent::read(&entry.aggregate_type, &entry.event_type, entry.event_version, &entry.payload).ok()?;
    event.citizen().cloned()
}

fn station_part(signed: &[u8], hub_name: Option<CitizenRef>) -> StationPart {
    let envelope = Envelope::parse(signed).map_err(|e| e.to_string());
    let routed = envelope.as_ref().ok().map(|env| {
        StationEvent::parse(&env.kind, env.schema, &env.payload)
            .and_then(|event| route(event, &Origin::of(env).naming(hub_name)))
            .map_err(|e| format!("the signed payload is refused: {e}"))
    });
    StationPart { envelope, chain: chain_hash(signed), routed }
}

/// The station event a `StationEventRejected` entry keeps (its sequence and id), if it is one: the
/// entry carries that event's signed bytes, which the hub refused after they moved the chain.
fn rejected_event(entry: &AuditEntry) -> Option<(u64, uuid::Uuid)> {
    if entry.aggregate_type != Station::TYPE {
        return None;
    }
    match AnyEvent::read(&entry.aggregate_type, &entry.event_type, entry.event_version, &entry.payload) {
        Ok(AnyEvent::Station(StationLifecycleEvent::StationEventRejected { seq, event, .. })) => Some((seq, event)),
        _ => None,
    }
}
