//! That each domain event is what the domain code derives from the station's signed bytes: every
//! aggregate is rebuilt from the log as it is read; a station's event is run on its aggregate as
//! ingest ran it, and the events it gives must be that aggregate's next entries, one for one.
//! Aggregates are independent, so each chunk's are worked on every core, each in log order.

use std::collections::{HashMap, VecDeque};

use domain::aggregates::{AnyAggregate, AnyEvent, SerializedEvent};
use protocol::tlog::AuditEntry;

use super::read::Read;

pub(super) type Key = (String, String);

/// What to do with one entry of an aggregate, in log order.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item {
    /// A station's event: run its command; the result must be this entry and the next ones.
    Derive(usize),
    /// A logged event: the next derived one, or (a staff or hub event) applied as logged.
    Logged(usize),
    /// A station's event the hub rejected, on the station's aggregate: applied as logged.
    Rejected(usize),
    /// The same rejected event, on the aggregate it routes to: the domain must refuse it there.
    Refuse(usize),
}

#[derive(Default)]
struct State {
    aggregate: Option<AnyAggregate>,
    /// Events derived from the last station event not yet matched with entries.
    pending: VecDeque<SerializedEvent>,
}

#[derive(Default)]
pub(super) struct Derivation {
    states: HashMap<Key, State>,
}

/// Whether the derived event is the entry's. An entry logged at an older version of its event's
/// shape is upcast first (as the domain reads it), so a log stays verifiable after a change.
fn same(derived: &SerializedEvent, entry: &AuditEntry) -> bool {
    if derived.event_version == entry.event_version {
        return derived.event_type == entry.event_type && derived.payload == entry.payload;
    }
    let read = |event_type: &str, version: i32, payload: &serde_json::Value| {
        AnyEvent::read(&entry.aggregate_type, event_type, version, payload).ok()
    };
    let logged = read(&entry.event_type, entry.event_version, &entry.payload);
    logged.is_some() && logged == read(&derived.event_type, derived.event_version, &derived.payload)
}

fn entry(reads: &[Read], i: usize) -> &AuditEntry {
    reads[i].entry.as_ref().expect("only readable entries are worked")
}

impl State {
    fn apply_logged(&mut self, e: &AuditEntry) -> Result<(), String> {
        if self.aggregate.is_none() {
            self.aggregate =
                Some(AnyAggregate::new(&e.aggregate_type).map_err(|err| format!("unknown aggregate: {err}"))?);
        }
        let agg = self.aggregate.as_mut().expect("made above");
        agg.apply_stored(&e.event_type, e.event_version, &e.payload)
            .map_err(|err| format!("the domain event cannot be applied to its aggregate: {err}"))
    }

    /// Runs the station event's command on a copy of the aggregate: the events and the aggregate
    /// holding them.
    fn derive(&self, reads: &[Read], i: usize) -> Result<(Vec<SerializedEvent>, AnyAggregate), String> {
        let part = reads[i].station.as_ref().expect("a station's entry");
        let routed = part.routed.as_ref().expect("its envelope was read").as_ref().map_err(Clone::clone)?;
        let mut next = match &self.aggregate {
            Some(a) => a.clone(),
            None => AnyAggregate::new(routed.aggregate_type).map_err(|e| e.to_string())?,
        };
        let derived = futures::executor::block_on(next.execute(routed.command.clone()))
            .map_err(|e| format!("the domain refuses the signed event: {e}"))?;
        if derived.is_empty() {
            return Err("the signed event gives no domain event".into());
        }
        Ok((derived, next))
    }

    fn missing(&mut self, failures: &mut Vec<String>) {
        if !self.pending.is_empty() {
            failures.push(format!("{} events derived from the previous station event are missing", self.pending.len()));
            self.pending.clear();
        }
    }

    /// Works one item; its failures go to `failures`.
    fn work(&mut self, reads: &[Read], item: Item, failures: &mut Vec<String>) {
        let i = match item {
            Item::Refuse(i) => {
                if self.derive(reads, i).is_ok() {
                    failures.push("the hub rejected a station event that the domain accepts".into());
                }
                return;
            }
            Item::Derive(i) => {
                self.missing(failures);
                let e = entry(reads, i);
                let routed = reads[i].station.as_ref().and_then(|p| p.routed.as_ref());
                match routed {
                    Some(Ok(r))
                        if (r.aggregate_type, r.aggregate_id.as_str())
                            != (e.aggregate_type.as_str(), e.aggregate_id.as_str()) =>
                    {
                        failures.push(format!(
                            "the signed bytes go to {}/{}, the entry is on {}/{}",
                            r.aggregate_type, r.aggregate_id, e.aggregate_type, e.aggregate_id
                        ))
                    }
                    _ => match self.derive(reads, i) {
                        Ok((mut derived, next)) => {
                            let first = derived.remove(0);
                            if same(&first, e) {
                                self.aggregate = Some(next);
                                self.pending.extend(derived);
                                return;
                            }
                            failures.push(format!(
                                "the domain event is not what the signed bytes give (derived {} {})",
                                first.event_type, first.payload
                            ));
                        }
                        Err(what) => failures.push(what),
                    },
                }
                i
            }
            Item::Rejected(i) => {
                self.missing(failures);
                i
            }
            Item::Logged(i) => {
                if let Some(derived) = self.pending.pop_front() {
                    if same(&derived, entry(reads, i)) {
                        return;
                    }
                    failures.push(format!(
                        "the domain event is not what the signed bytes give (derived {})",
                        derived.event_type
                    ));
                    self.pending.clear();
                }
                i
            }
        };
        // Not derived here (a staff or hub event), or derived otherwise: the logged event is applied.
        if let Err(what) = self.apply_logged(entry(reads, i)) {
            failures.push(what);
        }
    }
}

impl Derivation {
    /// Events derived from station events that no entry has matched yet.
    pub fn unmatched(&self) -> usize {
        self.states.values().map(|s| s.pending.len()).sum()
    }

    /// Applies the logged event to its aggregate (a bundle's earlier entries).
    pub fn apply_logged(&mut self, e: &AuditEntry) -> Result<(), String> {
        self.states.entry((e.aggregate_type.clone(), e.aggregate_id.clone())).or_default().apply_logged(e)
    }

    /// Drops what is known of an aggregate.
    pub fn forget(&mut self, key: &Key) {
        self.states.remove(key);
    }

    /// Works each aggregate's items of a chunk, aggregates spread over every core; gives the
    /// failures with the index of the entry each is about.
    pub fn run(&mut self, groups: Vec<(Key, Vec<Item>)>, reads: &[Read]) -> Vec<(usize, String)> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let total: usize = groups.iter().map(|(_, items)| items.len()).sum();
        let per = total.div_ceil(threads).max(1);
        let mut parts: Vec<Vec<(Key, State, Vec<Item>)>> = vec![Vec::new()];
        let mut in_part = 0;
        for (key, items) in groups {
            if in_part >= per {
                parts.push(Vec::new());
                in_part = 0;
            }
            in_part += items.len();
            let state = self.states.remove(&key).unwrap_or_default();
            parts.last_mut().expect("one at least").push((key, state, items));
        }
        let done: Vec<Worked> = std::thread::scope(|s| {
            let handles: Vec<_> = parts.into_iter().map(|part| s.spawn(move || work_part(part, reads))).collect();
            handles.into_iter().map(|h| h.join().expect("the domain code does not panic")).collect()
        });
        let mut failures = Vec::new();
        for (states, mut f) in done {
            self.states.extend(states);
            failures.append(&mut f);
        }
        failures
    }
}

/// The aggregates worked by one thread, and the failures found (with the entry's index).
type Worked = (Vec<(Key, State)>, Vec<(usize, String)>);

fn work_part(part: Vec<(Key, State, Vec<Item>)>, reads: &[Read]) -> Worked {
    let mut failures = Vec::new();
    let mut states = Vec::with_capacity(part.len());
    for (key, mut state, items) in part {
        for item in items {
            let mut found = Vec::new();
            state.work(reads, item, &mut found);
            let (Item::Derive(i) | Item::Logged(i) | Item::Rejected(i) | Item::Refuse(i)) = item;
            failures.extend(found.into_iter().map(|f| (i, f)));
        }
        states.push((key, state));
    }
    (states, failures)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn filed(version: i32, payload: serde_json::Value) -> AuditEntry {
        AuditEntry {
            dcs_entry: protocol::tlog::entry::ENTRY_VERSION,
            position: 1,
            committed_at: "2025-10-10T15:30:01Z".parse().unwrap(),
            event_id: uuid::Uuid::nil(),
            aggregate_type: "security_report".into(),
            aggregate_id: "r-1".into(),
            aggregate_seq: 1,
            event_type: "SecurityReportFiled".into(),
            event_version: version,
            payload,
            metadata: json!({}),
            station: None,
            ward: None,
            occurred_at: "2025-10-10T15:30:00Z".parse().unwrap(),
            signed: None,
        }
    }

    fn v1() -> serde_json::Value {
        json!({"SecurityReportFiled": {
            "category": "noise", "severity": "low", "location": "Tháp A, tầng 12",
            "description": "Karaoke sau 22 giờ", "station": "st-27097-diamond-island", "ward": "27097",
            "at": "2025-10-10T15:30:00Z"
        }})
    }

    /// The event as the current code derives it: version 2, with the deadlines.
    fn derived() -> SerializedEvent {
        let mut v2 = v1();
        v2["SecurityReportFiled"]["acknowledge_by"] = json!("2025-10-11T15:30:00Z");
        v2["SecurityReportFiled"]["resolve_by"] = json!("2025-10-17T15:30:00Z");
        let event = AnyEvent::read("security_report", "SecurityReportFiled", 2, &v2).unwrap();
        SerializedEvent { event_type: "SecurityReportFiled".into(), event_version: 2, payload: v2, event }
    }

    #[test]
    fn an_entry_logged_at_an_older_version_matches_what_the_current_code_derives_once_upcast() {
        assert!(same(&derived(), &filed(1, v1())));
        assert!(same(&derived(), &filed(2, derived().payload)));
        let mut other = v1();
        other["SecurityReportFiled"]["severity"] = json!("critical");
        assert!(!same(&derived(), &filed(1, other)), "a different report is not the same once upcast");
        let mut v2_changed = derived().payload;
        v2_changed["SecurityReportFiled"]["location"] = json!("Tháp B");
        assert!(!same(&derived(), &filed(2, v2_changed)));
    }
}
