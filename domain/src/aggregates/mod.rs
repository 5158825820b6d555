//! The aggregates (cqrs-es), one per service of a station, and the ways into them: a checked
//! station event becomes a command ([`route`]), a staff request becomes one ([`staff_command`]),
//! and stored events of any version load again ([`AnyAggregate::apply_stored`], [`upcast`]).

mod any;
mod lifecycle;
mod route;
mod staff;
#[cfg(test)]
mod testing;
mod upcast;

pub mod data_correction;
pub mod dossier;
pub mod feedback;
pub mod financial_service;
pub mod health_insurance;
pub mod lookup;
pub mod medical_exam;
pub mod payment;
pub mod security_report;
pub mod station;

use cqrs_es::Aggregate;

pub use any::{AnyAggregate, AnyCommand, LoadError, SerializedEvent};
pub use data_correction::{DataCorrection, DataCorrectionCommand, DataCorrectionEvent, DataCorrectionStatus};
pub use dossier::{Dossier, DossierCommand, DossierEvent, DossierStatus};
pub use feedback::{Feedback, FeedbackCommand, FeedbackEvent, FeedbackStatus};
pub use financial_service::{FinancialService, FinancialServiceCommand, FinancialServiceEvent, FinancialServiceStatus};
pub use health_insurance::{
    HealthInsuranceCommand, HealthInsuranceEvent, HealthInsuranceRegistration, HealthInsuranceStatus,
};
pub use lookup::{Lookup, LookupCommand, LookupEvent};
pub use medical_exam::{MedicalExamCommand, MedicalExamEvent, MedicalExamStatus, MedicalExamination};
pub use payment::{Payment, PaymentCommand, PaymentEvent, PaymentStatus};
pub use route::{route, Origin, Routed};
pub use security_report::{sla, ReportStatus, SecurityReport, SecurityReportCommand, SecurityReportEvent};
pub use staff::{staff_command, staff_commands};
pub use station::{Station, StationCommand, StationLifecycleEvent, StationStatus};
pub use upcast::upcast;

/// A command refused by an aggregate's invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Every aggregate type, as stored in the log's `aggregate_type`.
pub fn aggregate_types() -> &'static [&'static str] {
    const TYPES: &[&str] = &[
        Dossier::TYPE,
        Payment::TYPE,
        SecurityReport::TYPE,
        HealthInsuranceRegistration::TYPE,
        MedicalExamination::TYPE,
        FinancialService::TYPE,
        Feedback::TYPE,
        DataCorrection::TYPE,
        Station::TYPE,
        Lookup::TYPE,
    ];
    TYPES
}
