//! Any aggregate and any command, so that one cache holds them all and one loop runs them: a fresh
//! state by type name, stored events applied (upcast first), commands executed into events for
//! the store.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::de::DeserializeOwned;

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub enum AnyCommand {
    Dossier(DossierCommand),
    Payment(PaymentCommand),
    SecurityReport(SecurityReportCommand),
    HealthInsurance(HealthInsuranceCommand),
    MedicalExam(MedicalExamCommand),
    FinancialService(FinancialServiceCommand),
    Feedback(FeedbackCommand),
    DataCorrection(DataCorrectionCommand),
    Station(StationCommand),
    Lookup(LookupCommand),
}

/// An event as the store keeps it: type, version and JSON payload.
#[derive(Debug, Clone, PartialEq)]
pub struct SerializedEvent {
    pub event_type: String,
    pub event_version: i32,
    pub payload: serde_json::Value,
}

/// The state of any aggregate, so that one cache can hold them all.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyAggregate {
    Dossier(Dossier),
    Payment(Payment),
    SecurityReport(SecurityReport),
    HealthInsurance(HealthInsuranceRegistration),
    MedicalExam(MedicalExamination),
    FinancialService(FinancialService),
    Feedback(Feedback),
    DataCorrection(DataCorrection),
    Station(Station),
    Lookup(Lookup),
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("unknown aggregate type `{0}`")]
    UnknownType(String),
    #[error("stored {event_type} event does not read back: {source}")]
    Payload { event_type: String, source: serde_json::Error },
    #[error("stored {event_type} event has version {version}; this code reads version {current} and has no upcaster")]
    Version { event_type: String, version: i32, current: i32 },
}

impl AnyCommand {
    /// The type of aggregate this command is for.
    pub fn aggregate_type(&self) -> &'static str {
        match self {
            Self::Dossier(_) => Dossier::TYPE,
            Self::Payment(_) => Payment::TYPE,
            Self::SecurityReport(_) => SecurityReport::TYPE,
            Self::HealthInsurance(_) => HealthInsuranceRegistration::TYPE,
            Self::MedicalExam(_) => MedicalExamination::TYPE,
            Self::FinancialService(_) => FinancialService::TYPE,
            Self::Feedback(_) => Feedback::TYPE,
            Self::DataCorrection(_) => DataCorrection::TYPE,
            Self::Station(_) => Station::TYPE,
            Self::Lookup(_) => Lookup::TYPE,
        }
    }
}

impl AnyAggregate {
    /// A fresh instance of the named type.
    pub fn new(aggregate_type: &str) -> Result<Self, LoadError> {
        Ok(match aggregate_type {
            Dossier::TYPE => Self::Dossier(Dossier::default()),
            Payment::TYPE => Self::Payment(Payment::default()),
            SecurityReport::TYPE => Self::SecurityReport(SecurityReport::default()),
            HealthInsuranceRegistration::TYPE => Self::HealthInsurance(HealthInsuranceRegistration::default()),
            MedicalExamination::TYPE => Self::MedicalExam(MedicalExamination::default()),
            FinancialService::TYPE => Self::FinancialService(FinancialService::default()),
            Feedback::TYPE => Self::Feedback(Feedback::default()),
            DataCorrection::TYPE => Self::DataCorrection(DataCorrection::default()),
            Station::TYPE => Self::Station(Station::default()),
            Lookup::TYPE => Self::Lookup(Lookup::default()),
            other => return Err(LoadError::UnknownType(other.to_string())),
        })
    }

    /// Applies one stored event while loading the aggregate from the log. An event stored in an
    /// older version is upcast to the current one first; one of a version this code does not know
    /// is refused rather than misread.
    pub fn apply_stored(
        &mut self,
        event_type: &str,
        event_version: i32,
        payload: &serde_json::Value,
    ) -> Result<(), LoadError> {
        let (version, payload) = upcast(event_type, event_version, payload.clone());
        let stored = Stored { event_type, event_version, version, payload };
        match self {
            Self::Dossier(a) => a.apply(stored.read()?),
            Self::Payment(a) => a.apply(stored.read()?),
            Self::SecurityReport(a) => a.apply(stored.read()?),
            Self::HealthInsurance(a) => a.apply(stored.read()?),
            Self::MedicalExam(a) => a.apply(stored.read()?),
            Self::FinancialService(a) => a.apply(stored.read()?),
            Self::Feedback(a) => a.apply(stored.read()?),
            Self::DataCorrection(a) => a.apply(stored.read()?),
            Self::Station(a) => a.apply(stored.read()?),
            Self::Lookup(a) => a.apply(stored.read()?),
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
            (Self::HealthInsurance(a), AnyCommand::HealthInsurance(c)) => run(a, c).await,
            (Self::MedicalExam(a), AnyCommand::MedicalExam(c)) => run(a, c).await,
            (Self::FinancialService(a), AnyCommand::FinancialService(c)) => run(a, c).await,
            (Self::Feedback(a), AnyCommand::Feedback(c)) => run(a, c).await,
            (Self::DataCorrection(a), AnyCommand::DataCorrection(c)) => run(a, c).await,
            (Self::Station(a), AnyCommand::Station(c)) => run(a, c).await,
            (Self::Lookup(a), AnyCommand::Lookup(c)) => run(a, c).await,
            _ => Err(DomainError::new("command addressed to an aggregate of another type")),
        }
    }
}

/// A stored event after upcasting.
struct Stored<'a> {
    event_type: &'a str,
    /// As stored.
    event_version: i32,
    /// After upcasting.
    version: i32,
    payload: serde_json::Value,
}

impl Stored<'_> {
    fn read<E: DomainEvent + DeserializeOwned>(self) -> Result<E, LoadError> {
        let event: E = serde_json::from_value(self.payload)
            .map_err(|source| LoadError::Payload { event_type: self.event_type.to_string(), source })?;
        let current = version_of(&event);
        if current != self.version {
            return Err(LoadError::Version {
                event_type: self.event_type.to_string(),
                version: self.event_version,
                current,
            });
        }
        Ok(event)
    }
}

fn version_of(event: &impl DomainEvent) -> i32 {
    event.event_version().parse().expect("event versions are integers")
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
            event_version: version_of(&e),
            payload: serde_json::to_value(&e).expect("events always serialise"),
        })
        .collect())
}
