//! Staff commands (acknowledge a report, record a dossier's progress, verify a correction, ...):
//! commands on the same aggregates as station events, appended by the same single writer, with
//! who did it in the event metadata. The API sends them here through a [`StaffHandle`].

use chrono::{DateTime, Utc};
use domain::aggregates::{AnyCommand, AnyEvent, SerializedEvent, StationLifecycleEvent};
use protocol::forgettable::Text;
use protocol::sealed::DataKey;
use serde::Serialize;
use serde_json::json;
use store::{AppendBatch, ForgetKeys, NewDataKey, NewEvent, NewStation, RegistryChange};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::Ingest;

/// A command from a member of staff, addressed to one aggregate.
#[derive(Debug)]
pub struct StaffCommand {
    /// The aggregate it is addressed to (of the command's type).
    pub aggregate_id: String,
    pub command: AnyCommand,
    /// Who issued it (recorded in each resulting event's metadata).
    pub actor: String,
    /// The ward the case belongs to, where known (for ward dashboards and queues).
    pub ward_code: Option<String>,
    pub at: DateTime<Utc>,
    /// For `PlanStation`: the hash of the station's one-time enrollment code, which the registry
    /// keeps (never the log).
    pub enrollment_code_hash: Option<String>,
}

/// One event a staff command appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appended {
    pub event_id: Uuid,
    pub event_type: String,
    pub aggregate_seq: i64,
    pub position: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// The aggregate refused the command; nothing was written.
    #[error("{0}")]
    Refused(String),
    #[error("the log cannot be written right now: {0}")]
    Unavailable(String),
}

pub(crate) type Request = (StaffCommand, oneshot::Sender<Result<Vec<Appended>, StaffError>>);

/// Sends staff commands to the ingest, which owns the log's writer.
#[derive(Clone)]
pub struct StaffHandle {
    tx: mpsc::Sender<Request>,
}

impl StaffHandle {
    pub(crate) fn channel() -> (Self, mpsc::Receiver<Request>) {
        let (tx, rx) = mpsc::channel(256);
        (Self { tx }, rx)
    }

    /// Executes the command and returns once its events are committed.
    pub async fn execute(&self, command: StaffCommand) -> Result<Vec<Appended>, StaffError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send((command, reply)).await.map_err(|_| StaffError::Unavailable("the hub is stopping".into()))?;
        answer.await.map_err(|_| StaffError::Unavailable("the hub is stopping".into()))?
    }
}

/// What a station's lifecycle events change in the registry ingest verifies against: planned,
/// enrolled with its first key, a key rotated, a key revoked at decommissioning or for signing two
/// histories. Committed with the events, so the registry and the log never disagree.
pub(crate) fn registry_changes(
    station_id: &str,
    events: &[SerializedEvent],
    enrollment_code_hash: Option<&str>,
) -> Result<Vec<RegistryChange>, StaffError> {
    let id = || station_id.to_string();
    let key = |hex_key: &str| hex::decode(hex_key).map_err(|e| StaffError::Refused(format!("public_key: {e}")));
    let mut changes = Vec::new();
    for e in events {
        let AnyEvent::Station(event) = &e.event else { continue };
        changes.push(match event {
            StationLifecycleEvent::StationPlanned { ward, building, .. } => RegistryChange::Plan(NewStation {
                station_id: id(),
                ward_code: ward.to_string(),
                building: building.clone(),
                enrollment_code_hash: enrollment_code_hash
                    .ok_or_else(|| StaffError::Refused("a station is planned with its enrollment code".into()))?
                    .to_string(),
            }),
            StationLifecycleEvent::StationEnrolled { public_key, .. } => {
                RegistryChange::Enroll { station_id: id(), public_key: key(public_key)? }
            }
            StationLifecycleEvent::StationKeyRotated { public_key, .. } => {
                RegistryChange::Key { station_id: id(), public_key: Some(key(public_key)?) }
            }
            StationLifecycleEvent::StationDecommissioned { .. } | StationLifecycleEvent::StationEquivocated { .. } => {
                RegistryChange::Key { station_id: id(), public_key: None }
            }
            StationLifecycleEvent::StationActivated { .. }
            | StationLifecycleEvent::StationSuspended { .. }
            | StationLifecycleEvent::StationResumed { .. }
            | StationLifecycleEvent::StationHeartbeatRecorded { .. }
            | StationLifecycleEvent::StationEventRejected { .. } => continue,
        });
    }
    Ok(changes)
}

/// The log entries of events that staff or the hub itself caused on one aggregate, the first at
/// aggregate sequence `first_seq`: no station, no signed bytes, who in `metadata`.
pub(crate) fn authored(
    aggregate_type: &str,
    aggregate_id: &str,
    first_seq: i64,
    events: Vec<SerializedEvent>,
    metadata: &serde_json::Value,
    ward_code: Option<String>,
    at: DateTime<Utc>,
) -> Vec<NewEvent> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, e)| NewEvent {
            event_id: Uuid::now_v7(),
            aggregate_type: aggregate_type.to_string(),
            aggregate_id: aggregate_id.to_string(),
            aggregate_seq: first_seq + i as i64,
            event_type: e.event_type,
            event_version: e.event_version,
            payload: e.payload,
            metadata: metadata.clone(),
            station_id: None,
            ward_code: ward_code.clone(),
            occurred_at: at,
            raw: None,
            signature: None,
        })
        .collect()
}

/// The data keys an erasure destroys, in the transaction that records it.
fn keys_to_forget(command: &AnyCommand) -> Vec<ForgetKeys> {
    use domain::aggregates::{ErasureCommand, ErasureScope};
    match command {
        AnyCommand::Erasure(ErasureCommand::RecordErasure { scope: ErasureScope::Citizen, pseudonyms, .. }) => {
            pseudonyms.iter().map(|p| ForgetKeys::Citizen(p.clone())).collect()
        }
        AnyCommand::Erasure(ErasureCommand::RecordErasure {
            scope: ErasureScope::Case { aggregate_type, aggregate_id },
            ..
        }) => vec![ForgetKeys::Case { aggregate_type: aggregate_type.clone(), aggregate_id: aggregate_id.clone() }],
        AnyCommand::Erasure(ErasureCommand::RecordExpiry { aggregate_type, case_ids, .. }) => case_ids
            .iter()
            .map(|id| ForgetKeys::Case { aggregate_type: aggregate_type.clone(), aggregate_id: id.clone() })
            .collect(),
        _ => Vec::new(),
    }
}

impl Ingest {
    /// Seals the free text staff wrote into `events` under a fresh data key per event (the
    /// event's id, given here, is in the text's associated data), filed in the key table with
    /// the case: forgetting the case or its resident (`ForgetKeys::Citizen` takes the resident's
    /// cases whole) forgets the text. Returns the events' ids and the keys to file. Without a
    /// keyring the text stays in clear.
    fn seal_staff_texts(
        &self,
        events: &mut [SerializedEvent],
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> (Vec<Uuid>, Vec<NewDataKey>) {
        let mut rng = rand::thread_rng();
        let mut keys = Vec::new();
        let ids = events
            .iter_mut()
            .map(|e| {
                let id = Uuid::now_v7();
                let Some(keyring) = &self.config.keyring else { return id };
                let key = DataKey::generate(&mut rng);
                let mut sealed_any = false;
                for (field, text) in e.event.staff_texts() {
                    if let Text::Clear(clear) = text {
                        let sealed = protocol::sealed::seal_field(&key, id, field, clear, &mut rng);
                        *text = Text::Sealed { event: id, field: field.to_string(), sealed };
                        sealed_any = true;
                    }
                }
                if sealed_any {
                    (e.event_type, e.event_version, e.payload) = e.event.serialize();
                    keys.push(NewDataKey {
                        event_id: id,
                        citizen: None,
                        aggregate_type: aggregate_type.to_string(),
                        aggregate_id: aggregate_id.to_string(),
                        sealed_key: keyring.seal_data_key(&key, id),
                    });
                }
                id
            })
            .collect();
        (ids, keys)
    }

    pub(crate) async fn handle_staff(&mut self, c: StaffCommand) -> Result<Vec<Appended>, StaffError> {
        let aggregate_type = c.command.aggregate_type();
        let key = (aggregate_type, c.aggregate_id.clone());
        self.cache
            .ensure(&self.store, std::slice::from_ref(&key))
            .await
            .map_err(|e| StaffError::Unavailable(e.to_string()))?;
        let cached = self.cache.get_mut(aggregate_type, &c.aggregate_id).expect("ensured");
        let before = cached.version;
        // A case keeps the ward it was opened in; a new one (a hotline correction, a planned
        // station) takes the ward the command names.
        let ward_code = cached.ward.clone().or(c.ward_code);
        let forget = keys_to_forget(&c.command);
        let mut events = cached.state.execute(c.command).await.map_err(|e| StaffError::Refused(e.to_string()))?;
        let (ids, data_keys) = self.seal_staff_texts(&mut events, aggregate_type, &c.aggregate_id);
        let metadata = json!({ "actor": c.actor, "source": "staff", "ward": ward_code });
        let registry = match registry_changes(&c.aggregate_id, &events, c.enrollment_code_hash.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                self.cache.clear();
                return Err(e);
            }
        };
        let mut entries =
            authored(aggregate_type, &c.aggregate_id, before + 1, events, &metadata, ward_code.clone(), c.at);
        for (entry, id) in entries.iter_mut().zip(ids) {
            entry.event_id = id;
        }
        let batch = AppendBatch { registry, events: entries, forget, data_keys, ..AppendBatch::default() };
        if batch.events.is_empty() {
            return Ok(Vec::new());
        }
        match self.writer.append(&batch).await {
            Ok(a) => {
                let cached = self.cache.get_mut(aggregate_type, &c.aggregate_id).expect("ensured");
                cached.version = before + batch.events.len() as i64;
                cached.ward = ward_code;
                for change in &batch.registry {
                    self.stations.apply(change);
                }
                if let Some(&last) = a.positions.last() {
                    self.head.send_replace(last);
                }
                Ok(batch
                    .events
                    .iter()
                    .zip(a.positions)
                    .map(|(e, position)| Appended {
                        event_id: e.event_id,
                        event_type: e.event_type.clone(),
                        aggregate_seq: e.aggregate_seq,
                        position,
                    })
                    .collect())
            }
            Err(e) => {
                self.cache.clear();
                Err(match e {
                    // The registry refused what the events record (a station planned twice, ...).
                    store::StoreError::Conflict(why) => StaffError::Refused(why),
                    other => StaffError::Unavailable(other.to_string()),
                })
            }
        }
    }
}
