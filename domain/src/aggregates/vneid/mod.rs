//! The VneidActivation aggregate: a resident asks a station to help activate their VNeID
//! electronic-identification account (level 1 or 2); the police record it activated, or failed
//! with the reason (the resident then comes back, as a new request).

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::VneidKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::lifecycle::{require, Lifecycle};
use super::route::Origin;
use super::{Concerns, DomainError, EventInfo};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VneidCommand {
    /// From a station (`vneid.activation_requested`).
    RequestVneidActivation { level: u8, citizen: CitizenRef, station: StationId, ward: WardCode, at: DateTime<Utc> },
    /// Staff: the account is active at the level asked for.
    RecordVneidActivated { at: DateTime<Utc> },
    /// Staff: it could not be activated, and why (the resident is told).
    RecordVneidActivationFailed { reason: Text, at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(VneidEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum VneidEvent {
    VneidActivationRequested { level: u8, citizen: CitizenRef, station: StationId, ward: WardCode, at: DateTime<Utc> },
    VneidActivated { level: u8, at: DateTime<Utc> },
    VneidActivationFailed { reason: Text, at: DateTime<Utc> },
}

version_one!(VneidEvent);

impl Concerns for VneidEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::VneidActivationRequested { citizen, .. } => Some(citizen),
            Self::VneidActivated { .. } | Self::VneidActivationFailed { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::VneidActivationFailed { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl VneidEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::VneidActivationRequested => EventInfo::visit("VNeID: yêu cầu kích hoạt tại trạm"),
            Self::VneidActivated => EventInfo::case("VNeID: đã kích hoạt"),
            Self::VneidActivationFailed => EventInfo::case("VNeID: kích hoạt không thành công"),
        }
    }
}

/// `Activated` and `Failed` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VneidStatus {
    #[default]
    New,
    Requested,
    Activated,
    Failed,
}

impl Lifecycle for VneidStatus {
    const NOUN: &'static str = "this VNeID activation";
    const NEVER: &'static str = "was never requested";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not requested",
            Self::Requested => "waiting for the police",
            Self::Activated => "activated",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VneidActivation {
    pub status: VneidStatus,
    pub level: Option<u8>,
    pub ward: Option<WardCode>,
}

impl Aggregate for VneidActivation {
    const TYPE: &'static str = "vneid_activation";
    type Command = VneidCommand;
    type Event = VneidEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use VneidStatus::*;
        let event = match command {
            VneidCommand::RequestVneidActivation { level, citizen, station, ward, at } => {
                if self.status != New {
                    return Err(DomainError::new("this VNeID activation was already requested"));
                }
                if !matches!(level, 1 | 2) {
                    return Err(DomainError::new("a VNeID account is of level 1 or 2"));
                }
                VneidEvent::VneidActivationRequested { level, citizen, station, ward, at }
            }
            VneidCommand::RecordVneidActivated { at } => {
                require(self.status, &[Requested], "be activated")?;
                VneidEvent::VneidActivated { level: self.level.unwrap_or(1), at }
            }
            VneidCommand::RecordVneidActivationFailed { reason, at } => {
                require(self.status, &[Requested], "fail")?;
                VneidEvent::VneidActivationFailed { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            VneidEvent::VneidActivationRequested { level, ward, .. } => {
                self.status = VneidStatus::Requested;
                self.level = Some(level);
                self.ward = Some(ward);
            }
            VneidEvent::VneidActivated { .. } => self.status = VneidStatus::Activated,
            VneidEvent::VneidActivationFailed { .. } => self.status = VneidStatus::Failed,
        }
    }
}

/// Where a request goes: a new activation named by the requesting event.
pub(crate) fn route(kind: VneidKinds, o: &Origin) -> (String, VneidCommand) {
    match kind {
        VneidKinds::ActivationRequested(r) => (
            o.event_id.to_string(),
            VneidCommand::RequestVneidActivation {
                level: r.level,
                citizen: o.resident(r.citizen),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
