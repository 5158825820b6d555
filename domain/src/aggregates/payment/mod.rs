//! The Payment aggregate: a bill or fee paid at a station. Either in one step (`PaymentMade`, the
//! first protocol's form) or initiated, then succeeded or failed; a payment that succeeded may be
//! refunded once.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::PaymentKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::BillType;
use protocol::Vnd;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentCommand {
    /// From a station (`payment.made`): initiated and confirmed at once.
    MakePayment {
        bill_type: BillType,
        provider: String,
        bill_reference: Text,
        amount_vnd: i64,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    /// From a station (`payment.initiated`).
    InitiatePayment {
        bill_type: BillType,
        provider: String,
        bill_reference: Text,
        amount_vnd: i64,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    /// From a station (`payment.succeeded`).
    RecordPaymentSuccess { transaction_ref: Text, at: DateTime<Utc> },
    /// From a station (`payment.failed`).
    RecordPaymentFailure { reason: Text, at: DateTime<Utc> },
    /// Staff: the whole amount goes back to the payer.
    RefundPayment { reason: Text, at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(PaymentEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum PaymentEvent {
    PaymentMade {
        bill_type: BillType,
        provider: String,
        bill_reference: Text,
        amount_vnd: i64,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    PaymentInitiated {
        bill_type: BillType,
        provider: String,
        bill_reference: Text,
        amount_vnd: i64,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    PaymentSucceeded {
        transaction_ref: Text,
        at: DateTime<Utc>,
    },
    PaymentFailed {
        reason: Text,
        at: DateTime<Utc>,
    },
    PaymentRefunded {
        /// The whole amount of the payment.
        amount_vnd: i64,
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(PaymentEvent);

impl Concerns for PaymentEvent {
    /// None of its events names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::PaymentMade { .. }
            | Self::PaymentInitiated { .. }
            | Self::PaymentSucceeded { .. }
            | Self::PaymentFailed { .. }
            | Self::PaymentRefunded { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::PaymentRefunded { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl PaymentEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::PaymentMade => EventInfo::visit("Thanh toán tại trạm"),
            Self::PaymentInitiated => EventInfo::visit("Thanh toán: khởi tạo tại trạm"),
            Self::PaymentSucceeded => EventInfo::case("Thanh toán: thành công"),
            Self::PaymentFailed => EventInfo::case("Thanh toán: không thành công"),
            Self::PaymentRefunded => EventInfo::case("Thanh toán: hoàn tiền"),
        }
    }
}

/// Where a payment stands. `Failed` and `Refunded` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    #[default]
    New,
    Initiated,
    Succeeded,
    Failed,
    Refunded,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub status: PaymentStatus,
    pub bill_type: Option<BillType>,
    pub amount_vnd: i64,
    pub transaction_ref: Option<Text>,
}

fn check_amount(amount_vnd: i64) -> Result<(), DomainError> {
    if amount_vnd <= 0 {
        return Err(DomainError::new("a payment must be a positive amount of VND"));
    }
    if amount_vnd > Vnd::MAX {
        return Err(DomainError::new(format!("a payment cannot be more than {}", Vnd(Vnd::MAX))));
    }
    Ok(())
}

impl Payment {
    /// The refusal of an outcome (`succeed` or `fail`) for a payment not awaiting one.
    fn no_outcome(&self, outcome: &str) -> DomainError {
        DomainError::new(match self.status {
            PaymentStatus::New => "no payment was initiated under this id".to_string(),
            PaymentStatus::Succeeded if outcome == "succeed" => "this payment already succeeded".to_string(),
            PaymentStatus::Failed if outcome == "fail" => "this payment already failed".to_string(),
            PaymentStatus::Succeeded => format!("this payment succeeded; it cannot {outcome}"),
            PaymentStatus::Failed => format!("this payment failed; it cannot {outcome}"),
            PaymentStatus::Refunded => format!("this payment was refunded; it cannot {outcome}"),
            PaymentStatus::Initiated => unreachable!("an initiated payment awaits its outcome"),
        })
    }
}

impl Aggregate for Payment {
    const TYPE: &'static str = "payment";
    type Command = PaymentCommand;
    type Event = PaymentEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        let event = match command {
            PaymentCommand::MakePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } => {
                if self.status != PaymentStatus::New {
                    return Err(DomainError::new("this payment was already made"));
                }
                check_amount(amount_vnd)?;
                PaymentEvent::PaymentMade { bill_type, provider, bill_reference, amount_vnd, station, ward, at }
            }
            PaymentCommand::InitiatePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } => {
                if self.status != PaymentStatus::New {
                    return Err(DomainError::new("this payment was already initiated"));
                }
                check_amount(amount_vnd)?;
                PaymentEvent::PaymentInitiated { bill_type, provider, bill_reference, amount_vnd, station, ward, at }
            }
            PaymentCommand::RecordPaymentSuccess { transaction_ref, at } => {
                if self.status != PaymentStatus::Initiated {
                    return Err(self.no_outcome("succeed"));
                }
                PaymentEvent::PaymentSucceeded { transaction_ref, at }
            }
            PaymentCommand::RecordPaymentFailure { reason, at } => {
                if self.status != PaymentStatus::Initiated {
                    return Err(self.no_outcome("fail"));
                }
                PaymentEvent::PaymentFailed { reason, at }
            }
            PaymentCommand::RefundPayment { reason, at } => {
                match self.status {
                    PaymentStatus::Succeeded => {}
                    PaymentStatus::New => return Err(DomainError::new("no payment was initiated under this id")),
                    PaymentStatus::Refunded => return Err(DomainError::new("this payment was already refunded")),
                    PaymentStatus::Initiated | PaymentStatus::Failed => {
                        return Err(DomainError::new("only a payment that succeeded can be refunded"))
                    }
                }
                PaymentEvent::PaymentRefunded { amount_vnd: self.amount_vnd, reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PaymentEvent::PaymentMade { bill_type, amount_vnd, .. } => {
                self.status = PaymentStatus::Succeeded;
                self.bill_type = Some(bill_type);
                self.amount_vnd = amount_vnd;
            }
            PaymentEvent::PaymentInitiated { bill_type, amount_vnd, .. } => {
                self.status = PaymentStatus::Initiated;
                self.bill_type = Some(bill_type);
                self.amount_vnd = amount_vnd;
            }
            PaymentEvent::PaymentSucceeded { transaction_ref, .. } => {
                self.status = PaymentStatus::Succeeded;
                self.transaction_ref = Some(transaction_ref);
            }
            PaymentEvent::PaymentFailed { .. } => self.status = PaymentStatus::Failed,
            PaymentEvent::PaymentRefunded { .. } => self.status = PaymentStatus::Refunded,
        }
    }
}

/// Where the payment's station kinds go: a payment is named by the event that made or initiated
/// it; an outcome names that event by `payment_id`.
pub(crate) fn route(kind: PaymentKinds, o: &Origin) -> (String, PaymentCommand) {
    let (station, ward, at) = (o.station.clone(), o.ward.clone(), o.at);
    match kind {
        PaymentKinds::Made(p) => (
            o.event_id.to_string(),
            PaymentCommand::MakePayment {
                bill_type: p.bill_type,
                provider: p.provider,
                bill_reference: p.bill_reference.into_text(o.event_id, "bill_reference"),
                amount_vnd: p.amount_vnd,
                station,
                ward,
                at,
            },
        ),
        PaymentKinds::Initiated(p) => (
            o.event_id.to_string(),
            PaymentCommand::InitiatePayment {
                bill_type: p.bill_type,
                provider: p.provider,
                bill_reference: p.bill_reference.into_text(o.event_id, "bill_reference"),
                amount_vnd: p.amount_vnd,
                station,
                ward,
                at,
            },
        ),
        PaymentKinds::Succeeded(p) => (
            p.payment_id,
            PaymentCommand::RecordPaymentSuccess {
                transaction_ref: p.transaction_ref.into_text(o.event_id, "transaction_ref"),
                at,
            },
        ),
        PaymentKinds::Failed(p) => (
            p.payment_id,
            PaymentCommand::RecordPaymentFailure { reason: p.reason.into_text(o.event_id, "reason"), at },
        ),
    }
}
