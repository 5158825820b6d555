//! The HealthInsuranceRegistration aggregate: a resident asks at a station to buy or renew health
//! insurance (BHYT); staff give them an appointment to finish the registration, which then is
//! completed or cancelled.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::HealthInsuranceKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::lifecycle::{require, Lifecycle};
use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::{check_household, HealthInsurancePlan};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HealthInsuranceCommand {
    /// From a station (`health_insurance.requested`).
    RequestHealthInsurance {
        plan: HealthInsurancePlan,
        household_size: u8,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    /// Staff: when the resident should come (again) to finish; may be moved.
    ScheduleAppointment {
        when: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    CompleteHealthInsurance {
        at: DateTime<Utc>,
    },
    CancelHealthInsurance {
        reason: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(HealthInsuranceEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum HealthInsuranceEvent {
    HealthInsuranceRequested {
        plan: HealthInsurancePlan,
        household_size: u8,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    HealthInsuranceAppointmentScheduled {
        when: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    HealthInsuranceCompleted {
        at: DateTime<Utc>,
    },
    HealthInsuranceCancelled {
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(HealthInsuranceEvent);

impl Concerns for HealthInsuranceEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::HealthInsuranceRequested { citizen, .. } => Some(citizen),
            Self::HealthInsuranceAppointmentScheduled { .. }
            | Self::HealthInsuranceCompleted { .. }
            | Self::HealthInsuranceCancelled { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::HealthInsuranceCancelled { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl HealthInsuranceEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::HealthInsuranceRequested => EventInfo::visit("BHYT: đăng ký tại trạm"),
            Self::HealthInsuranceAppointmentScheduled => EventInfo::case("BHYT: đặt lịch"),
            Self::HealthInsuranceCompleted => EventInfo::case("BHYT: hoàn tất"),
            Self::HealthInsuranceCancelled => EventInfo::case("BHYT: hủy"),
        }
    }
}

/// `Completed` and `Cancelled` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthInsuranceStatus {
    #[default]
    New,
    Requested,
    Scheduled,
    Completed,
    Cancelled,
}

impl Lifecycle for HealthInsuranceStatus {
    const NOUN: &'static str = "this health insurance registration";
    const NEVER: &'static str = "was never requested";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not requested",
            Self::Requested => "waiting for an appointment",
            Self::Scheduled => "scheduled",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthInsuranceRegistration {
    pub status: HealthInsuranceStatus,
    pub plan: Option<HealthInsurancePlan>,
    pub household_size: u8,
    pub ward: Option<WardCode>,
    pub appointment: Option<DateTime<Utc>>,
}

impl Aggregate for HealthInsuranceRegistration {
    const TYPE: &'static str = "health_insurance";
    type Command = HealthInsuranceCommand;
    type Event = HealthInsuranceEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use HealthInsuranceStatus::*;
        let event = match command {
            HealthInsuranceCommand::RequestHealthInsurance { plan, household_size, citizen, station, ward, at } => {
                if self.status != New {
                    return Err(DomainError::new("this health insurance registration was already requested"));
                }
                check_household(plan, household_size).map_err(|e| DomainError::new(e.to_string()))?;
                HealthInsuranceEvent::HealthInsuranceRequested { plan, household_size, citizen, station, ward, at }
            }
            HealthInsuranceCommand::ScheduleAppointment { when, at } => {
                require(self.status, &[Requested, Scheduled], "be scheduled")?;
                if when <= at {
                    return Err(DomainError::new("an appointment must be later than the moment it is given"));
                }
                if self.appointment == Some(when) {
                    return Err(DomainError::new("the appointment is already at that time"));
                }
                HealthInsuranceEvent::HealthInsuranceAppointmentScheduled { when, at }
            }
            HealthInsuranceCommand::CompleteHealthInsurance { at } => {
                require(self.status, &[Scheduled], "be completed")?;
                HealthInsuranceEvent::HealthInsuranceCompleted { at }
            }
            HealthInsuranceCommand::CancelHealthInsurance { reason, at } => {
                require(self.status, &[Requested, Scheduled], "be cancelled")?;
                HealthInsuranceEvent::HealthInsuranceCancelled { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use HealthInsuranceStatus::*;
        match event {
            HealthInsuranceEvent::HealthInsuranceRequested { plan, household_size, ward, .. } => {
                self.status = Requested;
                self.plan = Some(plan);
                self.household_size = household_size;
                self.ward = Some(ward);
            }
            HealthInsuranceEvent::HealthInsuranceAppointmentScheduled { when, .. } => {
                self.status = Scheduled;
                self.appointment = Some(when);
            }
            HealthInsuranceEvent::HealthInsuranceCompleted { .. } => self.status = Completed,
            HealthInsuranceEvent::HealthInsuranceCancelled { .. } => self.status = Cancelled,
        }
    }
}

/// Where a request goes: a new registration named by the requesting event.
pub(crate) fn route(kind: HealthInsuranceKinds, o: &Origin) -> (String, HealthInsuranceCommand) {
    match kind {
        HealthInsuranceKinds::Requested(h) => (
            o.event_id.to_string(),
            HealthInsuranceCommand::RequestHealthInsurance {
                plan: h.plan,
                household_size: h.household_size,
                citizen: o.resident(h.citizen),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
