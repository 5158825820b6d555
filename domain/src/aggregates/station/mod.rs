//! The Station aggregate: a station's life in the log, from its place on a ward's rollout plan to
//! its decommissioning: enrolled with an Ed25519 key, activated, suspended and resumed, its key
//! rotated, and its heartbeats recorded. The aggregate id is the station id. (Its events are
//! `StationLifecycleEvent`s, not to be confused with `kinds::StationEvent`, what a station sends.)

mod staff;
#[cfg(test)]
mod tests;

pub use staff::check_public_key;
pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::StationKinds;
use protocol::WardCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lifecycle::{require, Lifecycle};
use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StationCommand {
    PlanStation {
        ward: WardCode,
        building: String,
        at: DateTime<Utc>,
    },
    /// `public_key`: the station's Ed25519 public key, 64 hex digits.
    EnrollStation {
        public_key: String,
        at: DateTime<Utc>,
    },
    ActivateStation {
        at: DateTime<Utc>,
    },
    SuspendStation {
        reason: String,
        at: DateTime<Utc>,
    },
    ResumeStation {
        at: DateTime<Utc>,
    },
    DecommissionStation {
        reason: String,
        at: DateTime<Utc>,
    },
    /// From the station (`station.heartbeat`).
    RecordHeartbeat {
        agent_version: String,
        outbox_depth: u64,
        clock_skew_ms: i64,
        log_alarm: Option<String>,
        at: DateTime<Utc>,
    },
    RotateStationKey {
        public_key: String,
        at: DateTime<Utc>,
    },
    /// The hub: the station's key signed two different events under one sequence number. The
    /// key is revoked until an administrator rotates it.
    RecordEquivocation {
        seq: u64,
        /// The event that came second, dead-lettered with its bytes and signature.
        conflicting_event: Uuid,
        /// The chain hash of its bytes.
        conflicting_chain: String,
        at: DateTime<Utc>,
    },
    /// The hub: an authentic, in-chain event of the station whose payload or command was refused.
    /// It moved the station's chain, so the log keeps it (with its signed bytes) for auditors.
    RecordRejectedEvent {
        seq: u64,
        /// The station's event.
        event: Uuid,
        kind: String,
        /// The dead letter's reason (`invalid_payload`, `command_rejected`); never its detail,
        /// which may quote what a resident typed.
        reason: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(StationLifecycleEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum StationLifecycleEvent {
    StationPlanned {
        ward: WardCode,
        building: String,
        at: DateTime<Utc>,
    },
    StationEnrolled {
        public_key: String,
        at: DateTime<Utc>,
    },
    StationActivated {
        at: DateTime<Utc>,
    },
    StationSuspended {
        reason: String,
        at: DateTime<Utc>,
    },
    StationResumed {
        at: DateTime<Utc>,
    },
    StationDecommissioned {
        reason: String,
        at: DateTime<Utc>,
    },
    StationHeartbeatRecorded {
        agent_version: String,
        outbox_depth: u64,
        clock_skew_ms: i64,
        /// The station found the hub's log forked (absent in heartbeats before witnesses).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        log_alarm: Option<String>,
        at: DateTime<Utc>,
    },
    StationKeyRotated {
        public_key: String,
        previous_key: String,
        at: DateTime<Utc>,
    },
    /// Two events signed with the station's key under sequence number `seq`: the one in the log
    /// and `conflicting_event` (its bytes in the dead letters). Proof that the key signed two
    /// histories; the key is revoked.
    StationEquivocated {
        seq: u64,
        conflicting_event: Uuid,
        conflicting_chain: String,
        at: DateTime<Utc>,
    },
    /// Station event `seq` (`event`, of `kind`) was authentic and in its chain but refused for
    /// `reason`; its signed bytes are in this entry of the log and in the dead letters.
    StationEventRejected {
        seq: u64,
        event: Uuid,
        kind: String,
        reason: String,
        at: DateTime<Utc>,
    },
}

version_one!(StationLifecycleEvent);

impl Concerns for StationLifecycleEvent {
    /// None of its events names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::StationPlanned { .. }
            | Self::StationEnrolled { .. }
            | Self::StationActivated { .. }
            | Self::StationSuspended { .. }
            | Self::StationResumed { .. }
            | Self::StationDecommissioned { .. }
            | Self::StationHeartbeatRecorded { .. }
            | Self::StationKeyRotated { .. }
            | Self::StationEquivocated { .. }
            | Self::StationEventRejected { .. } => None,
        }
    }
}

impl StationLifecycleEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::StationPlanned => EventInfo::case("Trạm: đưa vào kế hoạch"),
            Self::StationEnrolled => EventInfo::case("Trạm: đăng ký khóa"),
            Self::StationActivated => EventInfo::case("Trạm: đưa vào hoạt động"),
            Self::StationSuspended => EventInfo::case("Trạm: tạm dừng"),
            Self::StationResumed => EventInfo::case("Trạm: hoạt động lại"),
            Self::StationDecommissioned => EventInfo::case("Trạm: ngừng sử dụng"),
            Self::StationHeartbeatRecorded => EventInfo::case("Trạm: báo trạng thái"),
            Self::StationKeyRotated => EventInfo::case("Trạm: đổi khóa"),
            Self::StationEquivocated => EventInfo::case("Trạm: ký hai lịch sử, khóa bị thu hồi"),
            Self::StationEventRejected => EventInfo::case("Trạm: sự kiện bị từ chối"),
        }
    }
}

/// `Decommissioned` is final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StationStatus {
    #[default]
    New,
    Planned,
    Enrolled,
    Active,
    Suspended,
    Decommissioned,
}

impl Lifecycle for StationStatus {
    const NOUN: &'static str = "this station";
    const NEVER: &'static str = "was never planned";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not planned",
            Self::Planned => "planned but not enrolled",
            Self::Enrolled => "enrolled but not active",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Decommissioned => "decommissioned",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    pub status: StationStatus,
    pub ward: Option<WardCode>,
    pub building: String,
    pub public_key: Option<String>,
    pub last_heartbeat: Option<DateTime<Utc>>,
    pub agent_version: Option<String>,
    pub outbox_depth: u64,
    /// Its key signed two histories and is revoked, until a key rotation.
    pub equivocated: bool,
}

impl Aggregate for Station {
    const TYPE: &'static str = "station";
    type Command = StationCommand;
    type Event = StationLifecycleEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use StationStatus::*;
        let event = match command {
            StationCommand::PlanStation { ward, building, at } => {
                if self.status != New {
                    return Err(DomainError::new("this station was already planned"));
                }
                StationLifecycleEvent::StationPlanned { ward, building, at }
            }
            StationCommand::EnrollStation { public_key, at } => {
                if matches!(self.status, Enrolled | Active | Suspended) {
                    return Err(DomainError::new("this station is already enrolled; rotate its key instead"));
                }
                require(self.status, &[Planned], "be enrolled")?;
                StationLifecycleEvent::StationEnrolled { public_key, at }
            }
            StationCommand::ActivateStation { at } => {
                require(self.status, &[Enrolled], "be activated")?;
                StationLifecycleEvent::StationActivated { at }
            }
            StationCommand::SuspendStation { reason, at } => {
                require(self.status, &[Active], "be suspended")?;
                StationLifecycleEvent::StationSuspended { reason, at }
            }
            StationCommand::ResumeStation { at } => {
                require(self.status, &[Suspended], "resume")?;
                StationLifecycleEvent::StationResumed { at }
            }
            StationCommand::DecommissionStation { reason, at } => {
                require(self.status, &[Planned, Enrolled, Active, Suspended], "be decommissioned")?;
                StationLifecycleEvent::StationDecommissioned { reason, at }
            }
            StationCommand::RecordHeartbeat { agent_version, outbox_depth, clock_skew_ms, log_alarm, at } => {
                require(self.status, &[Enrolled, Active], "record a heartbeat")?;
                StationLifecycleEvent::StationHeartbeatRecorded {
                    agent_version,
                    outbox_depth,
                    clock_skew_ms,
                    log_alarm,
                    at,
                }
            }
            StationCommand::RotateStationKey { public_key, at } => {
                require(self.status, &[Enrolled, Active, Suspended], "have its key rotated")?;
                let previous_key = self.public_key.clone().unwrap_or_default();
                if previous_key == public_key {
                    return Err(DomainError::new("this is already the station's key"));
                }
                StationLifecycleEvent::StationKeyRotated { public_key, previous_key, at }
            }
            StationCommand::RecordEquivocation { seq, conflicting_event, conflicting_chain, at } => {
                require(self.status, &[Enrolled, Active, Suspended], "have its key revoked")?;
                if self.equivocated {
                    return Err(DomainError::new("this station's key is already revoked for signing two histories"));
                }
                StationLifecycleEvent::StationEquivocated { seq, conflicting_event, conflicting_chain, at }
            }
            StationCommand::RecordRejectedEvent { seq, event, kind, reason, at } => {
                require(self.status, &[Enrolled, Active, Suspended], "have an event rejected")?;
                StationLifecycleEvent::StationEventRejected { seq, event, kind, reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use StationStatus::*;
        match event {
            StationLifecycleEvent::StationPlanned { ward, building, .. } => {
                self.status = Planned;
                self.ward = Some(ward);
                self.building = building;
            }
            StationLifecycleEvent::StationEnrolled { public_key, .. } => {
                self.status = Enrolled;
                self.public_key = Some(public_key);
            }
            StationLifecycleEvent::StationActivated { .. } | StationLifecycleEvent::StationResumed { .. } => {
                self.status = Active
            }
            StationLifecycleEvent::StationSuspended { .. } => self.status = Suspended,
            StationLifecycleEvent::StationDecommissioned { .. } => self.status = Decommissioned,
            StationLifecycleEvent::StationHeartbeatRecorded { agent_version, outbox_depth, at, .. } => {
                self.last_heartbeat = Some(at);
                self.agent_version = Some(agent_version);
                self.outbox_depth = outbox_depth;
            }
            StationLifecycleEvent::StationKeyRotated { public_key, .. } => {
                self.public_key = Some(public_key);
                self.equivocated = false;
            }
            StationLifecycleEvent::StationEquivocated { .. } => self.equivocated = true,
            StationLifecycleEvent::StationEventRejected { .. } => {}
        }
    }
}

/// Where a station's word about itself goes: the station, named by its id.
pub(crate) fn route(kind: StationKinds, o: &Origin) -> (String, StationCommand) {
    match kind {
        StationKinds::Heartbeat(h) => (
            o.station.to_string(),
            StationCommand::RecordHeartbeat {
                agent_version: h.agent_version,
                outbox_depth: h.outbox_depth,
                clock_skew_ms: h.clock_skew_ms,
                log_alarm: h.log_alarm,
                at: o.at,
            },
        ),
    }
}
