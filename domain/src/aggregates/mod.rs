//! The aggregates (cqrs-es), one per service of a station, and the ways into them: a checked
//! station event becomes a command ([`route`]), a staff request becomes one ([`staff_command`]),
//! and stored events of any version load again ([`AnyAggregate::apply_stored`], [`upcast`]).

/// `DomainEvent` for an event enum whose events are all at version 1: an event's type is its
/// variant's name (`strum::IntoStaticStr`), as serde names it in the payload.
macro_rules! version_one {
    ($event:ty) => {
        impl cqrs_es::DomainEvent for $event {
            fn event_type(&self) -> String {
                <&'static str>::from(self).into()
            }
            fn event_version(&self) -> String {
                "1".into()
            }
        }
    };
}

mod any;
mod lifecycle;
mod route;
mod staff;
#[cfg(test)]
mod testing;
mod upcast;

pub mod data_correction;
pub mod dossier;
pub mod erasure;
pub mod feedback;
pub mod financial_service;
pub mod health_insurance;
pub mod lookup;
pub mod medical_exam;
pub mod payment;
pub mod retention;
pub mod security_report;
pub mod station;
pub mod vneid;

pub use any::{
    aggregate_types, services, staff_commands, AnyAggregate, AnyCommand, AnyEvent, AnyEventType, Concerns, EventInfo,
    LoadError, SerializedEvent,
};
pub use data_correction::{
    DataCorrection, DataCorrectionCommand, DataCorrectionEvent, DataCorrectionEventType, DataCorrectionStatus,
};
pub use dossier::{Dossier, DossierCommand, DossierEvent, DossierEventType, DossierStatus};
pub use erasure::{Erasure, ErasureCommand, ErasureEvent, ErasureEventType, ErasureScope};
pub use feedback::{Feedback, FeedbackCommand, FeedbackEvent, FeedbackEventType, FeedbackStatus};
pub use financial_service::{
    FinancialService, FinancialServiceCommand, FinancialServiceEvent, FinancialServiceEventType, FinancialServiceStatus,
};
pub use health_insurance::{
    HealthInsuranceCommand, HealthInsuranceEvent, HealthInsuranceEventType, HealthInsuranceRegistration,
    HealthInsuranceStatus,
};
pub use lookup::{Lookup, LookupCommand, LookupEvent, LookupEventType};
pub use medical_exam::{
    MedicalExamCommand, MedicalExamEvent, MedicalExamEventType, MedicalExamStatus, MedicalExamination,
};
pub use payment::{Payment, PaymentCommand, PaymentEvent, PaymentEventType, PaymentStatus};
pub use retention::{retention_rules, RetentionRule};
pub use route::{route, Origin, Routed};
pub use security_report::{
    sla, ReportStatus, SecurityReport, SecurityReportCommand, SecurityReportEvent, SecurityReportEventType,
};
pub use staff::staff_command;
pub use station::{Station, StationCommand, StationLifecycleEvent, StationLifecycleEventType, StationStatus};
pub use upcast::upcast;
pub use vneid::{VneidActivation, VneidCommand, VneidEvent, VneidEventType, VneidStatus};

/// The cqrs-es trait every aggregate implements (its `TYPE`, `handle`, `apply`).
pub use cqrs_es::Aggregate;

/// A command refused by an aggregate's invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
