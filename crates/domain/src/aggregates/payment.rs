//! The Payment aggregate: a bill or fee paid at a station.

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::DomainError;
use crate::kinds::BillType;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentCommand {
    MakePayment {
        bill_type: BillType,
        provider: String,
        bill_reference: String,
        amount_vnd: i64,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentEvent {
    PaymentMade {
        bill_type: BillType,
        provider: String,
        bill_reference: String,
        amount_vnd: i64,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for PaymentEvent {
    fn event_type(&self) -> String {
        match self {
            Self::PaymentMade { .. } => "PaymentMade".into(),
        }
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub made: bool,
    pub amount_vnd: i64,
}

impl Aggregate for Payment {
    const TYPE: &'static str = "payment";
    type Command = PaymentCommand;
    type Event = PaymentEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        match command {
            PaymentCommand::MakePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } => {
                if self.made {
                    return Err(DomainError::new("this payment was already made"));
                }
                if amount_vnd <= 0 {
                    return Err(DomainError::new("a payment must be a positive amount of VND"));
                }
                let event =
                    PaymentEvent::PaymentMade { bill_type, provider, bill_reference, amount_vnd, station, ward, at };
                sink.write(event, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            PaymentEvent::PaymentMade { amount_vnd, .. } => {
                self.made = true;
                self.amount_vnd = amount_vnd;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn pay(amount_vnd: i64) -> PaymentCommand {
        PaymentCommand::MakePayment {
            bill_type: BillType::Electricity,
            provider: "EVNHCMC".into(),
            bill_reference: "PE04000123456".into(),
            amount_vnd,
            station: "st-27097-diamond-island".into(),
            ward: "27097".into(),
            at: "2025-10-10T02:15:00Z".parse().unwrap(),
        }
    }

    fn paid(amount_vnd: i64) -> PaymentEvent {
        let PaymentCommand::MakePayment { bill_type, provider, bill_reference, amount_vnd, station, ward, at } =
            pay(amount_vnd);
        PaymentEvent::PaymentMade { bill_type, provider, bill_reference, amount_vnd, station, ward, at }
    }

    #[test]
    fn a_payment_is_made() {
        TestFramework::<Payment>::with(())
            .given_no_previous_events()
            .when(pay(452_000))
            .then_expect_events(vec![paid(452_000)]);
    }

    #[test]
    fn a_payment_cannot_be_made_twice() {
        TestFramework::<Payment>::with(())
            .given(vec![paid(452_000)])
            .when(pay(452_000))
            .then_expect_error_message("this payment was already made");
    }

    #[test]
    fn a_payment_of_nothing_is_refused() {
        TestFramework::<Payment>::with(())
            .given_no_previous_events()
            .when(pay(0))
            .then_expect_error_message("a payment must be a positive amount of VND");
    }
}
