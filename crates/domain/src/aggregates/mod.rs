//! The aggregates (cqrs-es), and how a checked station event becomes a command on one of them.

pub mod dossier;
pub mod payment;
pub mod security_report;

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};

pub use dossier::{Dossier, DossierCommand, DossierEvent};
pub use payment::{Payment, PaymentCommand, PaymentEvent};
pub use security_report::{SecurityReport, SecurityReportCommand, SecurityReportEvent};

use crate::kinds::StationEvent;
use crate::protocol::Envelope;

/// A command refused by an aggregate's invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// A command addressed to one aggregate instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub command: AnyCommand,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AnyCommand {
    Dossier(DossierCommand),
    Payment(PaymentCommand),
    SecurityReport(SecurityReportCommand),
}

/// An event as the store keeps it: type, version and JSON payload.
#[derive(Debug, Clone, PartialEq)]
pub struct SerializedEvent {
    pub event_type: String,
    pub event_version: i32,
    pub payload: serde_json::Value,
}

/// Turns a checked station event into the command it carries. A dossier is addressed by its
/// portal code; a payment and a report by the id of the station event that created them.
pub fn route(event: StationEvent, envelope: &Envelope) -> Routed {
    let station = envelope.station.to_string();
    let ward = envelope.ward.to_string();
    let at = envelope.time;
    match event {
        StationEvent::DossierSubmitted(d) => Routed {
            aggregate_type: Dossier::TYPE,
            aggregate_id: d.dossier_code.clone(),
            command: AnyCommand::Dossier(DossierCommand::SubmitDossier {
                dossier_code: d.dossier_code,
                procedure_code: d.procedure_code,
                fee_vnd: d.fee_vnd,
                station,
                ward,
                at,
            }),
        },
        StationEvent::PaymentMade(p) => Routed {
            aggregate_type: Payment::TYPE,
            aggregate_id: envelope.id.to_string(),
            command: AnyCommand::Payment(PaymentCommand::MakePayment {
                bill_type: p.bill_type,
                provider: p.provider,
                bill_reference: p.bill_reference,
                amount_vnd: p.amount_vnd,
                station,
                ward,
                at,
            }),
        },
        StationEvent::SecurityReportFiled(r) => Routed {
            aggregate_type: SecurityReport::TYPE,
            aggregate_id: envelope.id.to_string(),
            command: AnyCommand::SecurityReport(SecurityReportCommand::FileSecurityReport {
                category: r.category,
                severity: r.severity,
                location: r.location,
                description: r.description,
                station,
                ward,
                at,
            }),
        },
    }
}

/// The state of any aggregate, so that one cache can hold them all.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyAggregate {
    Dossier(Dossier),
    Payment(Payment),
    SecurityReport(SecurityReport),
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("unknown aggregate type `{0}`")]
    UnknownType(String),
    #[error("stored {event_type} event does not read back: {source}")]
    Payload { event_type: String, source: serde_json::Error },
}

impl AnyAggregate {
    /// A fresh instance of the named type.
    pub fn new(aggregate_type: &str) -> Result<Self, LoadError> {
        Ok(match aggregate_type {
            Dossier::TYPE => Self::Dossier(Dossier::default()),
            Payment::TYPE => Self::Payment(Payment::default()),
            SecurityReport::TYPE => Self::SecurityReport(SecurityReport::default()),
            other => return Err(LoadError::UnknownType(other.to_string())),
        })
    }

    /// Applies one stored event while loading the aggregate from the log.
    pub fn apply_stored(&mut self, event_type: &str, payload: &serde_json::Value) -> Result<(), LoadError> {
        fn read<E: serde::de::DeserializeOwned>(t: &str, p: &serde_json::Value) -> Result<E, LoadError> {
            serde_json::from_value(p.clone()).map_err(|source| LoadError::Payload { event_type: t.to_string(), source })
        }
        match self {
            Self::Dossier(a) => a.apply(read(event_type, payload)?),
            Self::Payment(a) => a.apply(read(event_type, payload)?),
            Self::SecurityReport(a) => a.apply(read(event_type, payload)?),
        }
        Ok(())
    }

    /// Runs a command through the aggregate's `handle`; on success the aggregate has applied the
    /// new events and they are returned for the store.
    pub async fn execute(&mut self, command: AnyCommand) -> Result<Vec<SerializedEvent>, DomainError> {
        match (self, command) {
            (Self::Dossier(a), AnyCommand::Dossier(c)) => run(a, c).await,
            (Self::Payment(a), AnyCommand::Payment(c)) => run(a, c).await,
            (Self::SecurityReport(a), AnyCommand::SecurityReport(c)) => run(a, c).await,
            _ => Err(DomainError::new("command addressed to an aggregate of another type")),
        }
    }
}

async fn run<A>(aggregate: &mut A, command: A::Command) -> Result<Vec<SerializedEvent>, DomainError>
where
    A: Aggregate<Services = (), Error = DomainError>,
{
    let sink = EventSink::default();
    aggregate.handle(command, &(), &sink).await?;
    Ok(sink
        .collect()
        .await
        .into_iter()
        .map(|e| SerializedEvent {
            event_type: e.event_type(),
            event_version: e.event_version().parse().unwrap_or(1),
            payload: serde_json::to_value(&e).expect("events always serialise"),
        })
        .collect())
}
