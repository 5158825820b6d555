//! The FinancialService aggregate: a resident asks at a station for a bank account, a card, a loan
//! or a SIM identification; staff forward the request to the partner, which approves or declines.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::FinancialServiceKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::lifecycle::{require, Lifecycle};
use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::FinancialServiceKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FinancialServiceCommand {
    /// From a station (`financial_service.requested`).
    RequestFinancialService {
        service: FinancialServiceKind,
        partner: String,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    ForwardToPartner {
        at: DateTime<Utc>,
    },
    /// The partner's answer, recorded by staff.
    ApproveFinancialService {
        at: DateTime<Utc>,
    },
    DeclineFinancialService {
        reason: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(FinancialServiceEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum FinancialServiceEvent {
    FinancialServiceRequested {
        service: FinancialServiceKind,
        partner: String,
        citizen: CitizenRef,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    FinancialServiceForwarded {
        at: DateTime<Utc>,
    },
    FinancialServiceApproved {
        at: DateTime<Utc>,
    },
    FinancialServiceDeclined {
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(FinancialServiceEvent);

impl Concerns for FinancialServiceEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::FinancialServiceRequested { citizen, .. } => Some(citizen),
            Self::FinancialServiceForwarded { .. }
            | Self::FinancialServiceApproved { .. }
            | Self::FinancialServiceDeclined { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::FinancialServiceDeclined { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl FinancialServiceEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::FinancialServiceRequested => EventInfo::visit("Ngân hàng, viễn thông: yêu cầu tại trạm"),
            Self::FinancialServiceForwarded => EventInfo::case("Ngân hàng, viễn thông: chuyển đối tác"),
            Self::FinancialServiceApproved => EventInfo::case("Ngân hàng, viễn thông: chấp thuận"),
            Self::FinancialServiceDeclined => EventInfo::case("Ngân hàng, viễn thông: từ chối"),
        }
    }
}

/// `Approved` and `Declined` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinancialServiceStatus {
    #[default]
    New,
    Requested,
    Forwarded,
    Approved,
    Declined,
}

impl Lifecycle for FinancialServiceStatus {
    const NOUN: &'static str = "this financial service request";
    const NEVER: &'static str = "was never made";
    fn is_new(self) -> bool {
        self == Self::New
    }
    fn describe(self) -> &'static str {
        match self {
            Self::New => "not made",
            Self::Requested => "not forwarded yet",
            Self::Forwarded => "with the partner",
            Self::Approved => "approved",
            Self::Declined => "declined",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinancialService {
    pub status: FinancialServiceStatus,
    pub service: Option<FinancialServiceKind>,
    pub partner: String,
    pub ward: Option<WardCode>,
}

impl Aggregate for FinancialService {
    const TYPE: &'static str = "financial_service";
    type Command = FinancialServiceCommand;
    type Event = FinancialServiceEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use FinancialServiceStatus::*;
        let event = match command {
            FinancialServiceCommand::RequestFinancialService { service, partner, citizen, station, ward, at } => {
                if self.status != New {
                    return Err(DomainError::new("this financial service request was already made"));
                }
                FinancialServiceEvent::FinancialServiceRequested { service, partner, citizen, station, ward, at }
            }
            FinancialServiceCommand::ForwardToPartner { at } => {
                require(self.status, &[Requested], "be forwarded")?;
                FinancialServiceEvent::FinancialServiceForwarded { at }
            }
            FinancialServiceCommand::ApproveFinancialService { at } => {
                require(self.status, &[Forwarded], "be approved")?;
                FinancialServiceEvent::FinancialServiceApproved { at }
            }
            FinancialServiceCommand::DeclineFinancialService { reason, at } => {
                require(self.status, &[Requested, Forwarded], "be declined")?;
                FinancialServiceEvent::FinancialServiceDeclined { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use FinancialServiceStatus::*;
        match event {
            FinancialServiceEvent::FinancialServiceRequested { service, partner, ward, .. } => {
                self.status = Requested;
                self.service = Some(service);
                self.partner = partner;
                self.ward = Some(ward);
            }
            FinancialServiceEvent::FinancialServiceForwarded { .. } => self.status = Forwarded,
            FinancialServiceEvent::FinancialServiceApproved { .. } => self.status = Approved,
            FinancialServiceEvent::FinancialServiceDeclined { .. } => self.status = Declined,
        }
    }
}

/// Where a request goes: a new request named by the requesting event.
pub(crate) fn route(kind: FinancialServiceKinds, o: &Origin) -> (String, FinancialServiceCommand) {
    match kind {
        FinancialServiceKinds::Requested(f) => (
            o.event_id.to_string(),
            FinancialServiceCommand::RequestFinancialService {
                service: f.service,
                partner: f.partner,
                citizen: o.resident(f.citizen),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
