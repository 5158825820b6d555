//! The MedicalExamination aggregate: a resident books a remote consultation at a station; the
//! clinic gives it a slot (and a doctor), then it takes place or is cancelled.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::MedicalExamKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::lifecycle::{require, Lifecycle};
use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::Specialty;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MedicalExamCommand {
    /// From a station (`medical_exam.booked`).
    BookMedicalExam {
        specialty: Specialty,
        doctor: Option<String>,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    /// Staff: the consultation's slot, and the doctor if now known; may be moved.
    ScheduleMedicalExam {
        slot: DateTime<Utc>,
        doctor: Option<String>,
        at: DateTime<Utc>,
    },
    CompleteMedicalExam {
        at: DateTime<Utc>,
    },
    CancelMedicalExam {
        reason: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(MedicalExamEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum MedicalExamEvent {
    MedicalExamBooked {
        specialty: Specialty,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        doctor: Option<String>,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    MedicalExamScheduled {
        slot: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        doctor: Option<String>,
        at: DateTime<Utc>,
    },
    MedicalExamCompleted {
        at: DateTime<Utc>,
    },
    MedicalExamCancelled {
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(MedicalExamEvent);

impl Concerns for MedicalExamEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::MedicalExamBooked { citizen, .. } => Some(citizen),
            Self::MedicalExamScheduled { .. }
            | Self::MedicalExamCompleted { .. }
            | Self::MedicalExamCancelled { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::MedicalExamCancelled { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl MedicalExamEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::MedicalExamBooked => EventInfo::visit("Khám từ xa: đặt khám tại trạm"),
            Self::MedicalExamScheduled => EventInfo::case("Khám từ xa: xếp lịch"),
            Self::MedicalExamCompleted => EventInfo::case("Khám từ xa: đã khám"),
            Self::MedicalExamCancelled => EventInfo::case("Khám từ xa: hủy"),
        }
    }
}

/// `Completed` and `Cancelled` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicalExamStatus {
    #[default]
    New,
    Requested,
    Scheduled,
    Completed,
    Cancelled,
}

impl Lifecycle for MedicalExamStatus {
    const NOUN: &'static str = "this medical exam";
    const NEVER: &'static str = "was never booked";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not booked",
            Self::Requested => "waiting for a slot",
            Self::Scheduled => "scheduled",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalExamination {
    pub status: MedicalExamStatus,
    pub specialty: Option<Specialty>,
    pub doctor: Option<String>,
    pub ward: Option<WardCode>,
    pub slot: Option<DateTime<Utc>>,
}

impl Aggregate for MedicalExamination {
    const TYPE: &'static str = "medical_exam";
    type Command = MedicalExamCommand;
    type Event = MedicalExamEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use MedicalExamStatus::*;
        let event = match command {
            MedicalExamCommand::BookMedicalExam { specialty, doctor, citizen, station, ward, at } => {
                if self.status != New {
                    return Err(DomainError::new("this medical exam was already booked"));
                }
                MedicalExamEvent::MedicalExamBooked { specialty, doctor, citizen, station, ward, at }
            }
            MedicalExamCommand::ScheduleMedicalExam { slot, doctor, at } => {
                require(self.status, &[Requested, Scheduled], "be scheduled")?;
                if slot <= at {
                    return Err(DomainError::new("a slot must be later than the moment it is given"));
                }
                if self.slot == Some(slot) && (doctor.is_none() || doctor == self.doctor) {
                    return Err(DomainError::new("the medical exam is already scheduled so"));
                }
                MedicalExamEvent::MedicalExamScheduled { slot, doctor, at }
            }
            MedicalExamCommand::CompleteMedicalExam { at } => {
                require(self.status, &[Scheduled], "be completed")?;
                MedicalExamEvent::MedicalExamCompleted { at }
            }
            MedicalExamCommand::CancelMedicalExam { reason, at } => {
                require(self.status, &[Requested, Scheduled], "be cancelled")?;
                MedicalExamEvent::MedicalExamCancelled { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use MedicalExamStatus::*;
        match event {
            MedicalExamEvent::MedicalExamBooked { specialty, doctor, ward, .. } => {
                self.status = Requested;
                self.specialty = Some(specialty);
                self.doctor = doctor;
                self.ward = Some(ward);
            }
            MedicalExamEvent::MedicalExamScheduled { slot, doctor, .. } => {
                self.status = Scheduled;
                self.slot = Some(slot);
                if doctor.is_some() {
                    self.doctor = doctor;
                }
            }
            MedicalExamEvent::MedicalExamCompleted { .. } => self.status = Completed,
            MedicalExamEvent::MedicalExamCancelled { .. } => self.status = Cancelled,
        }
    }
}

/// Where a booking goes: a new examination named by the booking event.
pub(crate) fn route(kind: MedicalExamKinds, o: &Origin) -> (String, MedicalExamCommand) {
    match kind {
        MedicalExamKinds::Booked(m) => (
            o.event_id.to_string(),
            MedicalExamCommand::BookMedicalExam {
                specialty: m.specialty,
                doctor: m.doctor,
                citizen: o.resident(m.citizen),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
