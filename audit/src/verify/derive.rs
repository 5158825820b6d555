//! That each domain event is what the domain code derives from the station's signed bytes: every
//! aggregate is rebuilt from the log as it is read; a station's event is routed and run on its
//! aggregate as ingest did, and the events it gives must be the entries that follow, one for one.

use std::collections::{HashMap, VecDeque};

use domain::aggregates::{route, AnyAggregate, Origin, SerializedEvent};
use protocol::kinds::StationEvent;
use protocol::tlog::AuditEntry;
use protocol::Envelope;

#[derive(Default)]
pub(super) struct Derivation {
    aggregates: HashMap<(String, String), AnyAggregate>,
    /// Events derived from the last station event not yet matched with entries.
    pending: VecDeque<SerializedEvent>,
}

fn same(derived: &SerializedEvent, entry: &AuditEntry) -> bool {
    derived.event_type == entry.event_type
        && derived.event_version == entry.event_version
        && derived.payload == entry.payload
}

impl Derivation {
    /// Events derived from the last station event that no entry has matched yet.
    pub fn unmatched(&self) -> usize {
        self.pending.len()
    }

    pub async fn check(&mut self, entry: &AuditEntry, envelope: Option<&Envelope>) -> Vec<String> {
        let mut failures = Vec::new();
        let key = (entry.aggregate_type.clone(), entry.aggregate_id.clone());
        if let Some(env) = envelope {
            if !self.pending.is_empty() {
                failures
                    .push(format!("{} events derived from the previous station event are missing", self.pending.len()));
                self.pending.clear();
            }
            if super::rejected_event(entry).is_some() {
                // The hub refused these bytes: the domain must refuse them too.
                if self.derive(env, None).await.is_ok() {
                    failures.push("the hub rejected a station event that the domain accepts".into());
                }
            } else {
                match self.derive(env, Some(entry)).await {
                    Ok((mut derived, state)) => {
                        let first = derived.remove(0);
                        if same(&first, entry) {
                            self.aggregates.insert(key, state);
                            self.pending.extend(derived);
                            return failures;
                        }
                        failures.push(format!(
                            "the domain event is not what the signed bytes give (derived {} {})",
                            first.event_type, first.payload
                        ));
                    }
                    Err(e) => failures.push(e),
                }
            }
        } else if let Some(derived) = self.pending.pop_front() {
            if same(&derived, entry) {
                return failures;
            }
            failures
                .push(format!("the domain event is not what the signed bytes give (derived {})", derived.event_type));
            self.pending.clear();
        }
        // Not derived here (a staff or hub event), or derived otherwise: the logged event is applied.
        let agg = match self.aggregates.get_mut(&key) {
            Some(a) => a,
            None => match AnyAggregate::new(&entry.aggregate_type) {
                Ok(a) => self.aggregates.entry(key).or_insert(a),
                Err(e) => {
                    failures.push(format!("unknown aggregate: {e}"));
                    return failures;
                }
            },
        };
        if let Err(e) = agg.apply_stored(&entry.event_type, entry.event_version, &entry.payload) {
            failures.push(format!("the domain event cannot be applied to its aggregate: {e}"));
        }
        failures
    }

    /// Runs the station event's command on a copy of its aggregate: the derived events and the
    /// aggregate holding them. With `entry`, the event must go to the entry's aggregate.
    async fn derive(
        &self,
        env: &Envelope,
        entry: Option<&AuditEntry>,
    ) -> Result<(Vec<SerializedEvent>, AnyAggregate), String> {
        let event = StationEvent::parse(&env.kind, env.schema, &env.payload)
            .map_err(|e| format!("the signed payload is refused: {e}"))?;
        let routed = route(event, &Origin::of(env));
        if let Some(entry) = entry {
            if (routed.aggregate_type, routed.aggregate_id.as_str())
                != (entry.aggregate_type.as_str(), entry.aggregate_id.as_str())
            {
                return Err(format!(
                    "the signed bytes go to {}/{}, the entry is on {}/{}",
                    routed.aggregate_type, routed.aggregate_id, entry.aggregate_type, entry.aggregate_id
                ));
            }
        }
        let key = (routed.aggregate_type.to_string(), routed.aggregate_id.clone());
        let agg = match self.aggregates.get(&key) {
            Some(a) => a.clone(),
            None => AnyAggregate::new(routed.aggregate_type).map_err(|e| e.to_string())?,
        };
        let mut next = agg;
        let derived =
            next.execute(routed.command).await.map_err(|e| format!("the domain refuses the signed event: {e}"))?;
        if derived.is_empty() {
            return Err("the signed event gives no domain event".into());
        }
        Ok((derived, next))
    }
}
