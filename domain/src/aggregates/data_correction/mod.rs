//! The DataCorrection aggregate: a resident asks to correct their record in the national
//! population database, at a station or through another channel (commune police, the police
//! hotline, VNeID) that staff record; the police verify the request, then correct or reject.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::DataCorrectionKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::lifecycle::{require, Lifecycle};
use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::{check_fields, CitizenField, CorrectionChannel};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataCorrectionCommand {
    /// From a station (`data_correction.requested`, channel `station`), or recorded by staff for
    /// the other channels.
    RequestDataCorrection {
        fields: Vec<CitizenField>,
        channel: CorrectionChannel,
        citizen: CitizenRef,
        station: Option<StationId>,
        ward: Option<WardCode>,
        at: DateTime<Utc>,
    },
    VerifyDataCorrection {
        at: DateTime<Utc>,
    },
    CorrectData {
        at: DateTime<Utc>,
    },
    RejectDataCorrection {
        reason: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(DataCorrectionEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum DataCorrectionEvent {
    DataCorrectionRequested {
        fields: Vec<CitizenField>,
        channel: CorrectionChannel,
        citizen: CitizenRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        station: Option<StationId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ward: Option<WardCode>,
        at: DateTime<Utc>,
    },
    DataCorrectionVerified {
        at: DateTime<Utc>,
    },
    DataCorrected {
        at: DateTime<Utc>,
    },
    DataCorrectionRejected {
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(DataCorrectionEvent);

impl Concerns for DataCorrectionEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::DataCorrectionRequested { citizen, .. } => Some(citizen),
            Self::DataCorrectionVerified { .. } | Self::DataCorrected { .. } | Self::DataCorrectionRejected { .. } => {
                None
            }
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::DataCorrectionRejected { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl DataCorrectionEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::DataCorrectionRequested => EventInfo::visit("Điều chỉnh dữ liệu: tiếp nhận"),
            Self::DataCorrectionVerified => EventInfo::case("Điều chỉnh dữ liệu: đã xác minh"),
            Self::DataCorrected => EventInfo::case("Điều chỉnh dữ liệu: đã điều chỉnh"),
            Self::DataCorrectionRejected => EventInfo::case("Điều chỉnh dữ liệu: từ chối"),
        }
    }
}

/// `Corrected` and `Rejected` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataCorrectionStatus {
    #[default]
    New,
    Requested,
    Verified,
    Corrected,
    Rejected,
}

impl Lifecycle for DataCorrectionStatus {
    const NOUN: &'static str = "this data correction";
    const NEVER: &'static str = "was never requested";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not requested",
            Self::Requested => "waiting for verification",
            Self::Verified => "verified",
            Self::Corrected => "done",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCorrection {
    pub status: DataCorrectionStatus,
    pub fields: Vec<CitizenField>,
    pub channel: Option<CorrectionChannel>,
    pub ward: Option<WardCode>,
}

impl Aggregate for DataCorrection {
    const TYPE: &'static str = "data_correction";
    type Command = DataCorrectionCommand;
    type Event = DataCorrectionEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use DataCorrectionStatus::*;
        let event = match command {
            DataCorrectionCommand::RequestDataCorrection { fields, channel, citizen, station, ward, at } => {
                if self.status != New {
                    return Err(DomainError::new("this data correction was already requested"));
                }
                check_fields(&fields).map_err(|e| DomainError::new(e.to_string()))?;
                if (channel == CorrectionChannel::Station) != station.is_some() {
                    return Err(DomainError::new("a request names its station if and only if it came through one"));
                }
                DataCorrectionEvent::DataCorrectionRequested { fields, channel, citizen, station, ward, at }
            }
            DataCorrectionCommand::VerifyDataCorrection { at } => {
                require(self.status, &[Requested], "be verified")?;
                DataCorrectionEvent::DataCorrectionVerified { at }
            }
            DataCorrectionCommand::CorrectData { at } => {
                require(self.status, &[Verified], "be carried out")?;
                DataCorrectionEvent::DataCorrected { at }
            }
            DataCorrectionCommand::RejectDataCorrection { reason, at } => {
                require(self.status, &[Requested, Verified], "be rejected")?;
                DataCorrectionEvent::DataCorrectionRejected { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use DataCorrectionStatus::*;
        match event {
            DataCorrectionEvent::DataCorrectionRequested { fields, channel, ward, .. } => {
                self.status = Requested;
                self.fields = fields;
                self.channel = Some(channel);
                self.ward = ward;
            }
            DataCorrectionEvent::DataCorrectionVerified { .. } => self.status = Verified,
            DataCorrectionEvent::DataCorrected { .. } => self.status = Corrected,
            DataCorrectionEvent::DataCorrectionRejected { .. } => self.status = Rejected,
        }
    }
}

/// Where a request from a station goes: a new correction named by the requesting event.
pub(crate) fn route(kind: DataCorrectionKinds, o: &Origin) -> (String, DataCorrectionCommand) {
    match kind {
        DataCorrectionKinds::Requested(d) => (
            o.event_id.to_string(),
            DataCorrectionCommand::RequestDataCorrection {
                fields: d.fields,
                channel: CorrectionChannel::Station,
                citizen: o.resident(d.citizen),
                station: Some(o.station.clone()),
                ward: Some(o.ward.clone()),
                at: o.at,
            },
        ),
    }
}
