//! The kinds of event a station records, with their payload schemas. The station checks a payload
//! before it records it; the hub checks it again before it turns it into a command. A kind's
//! schema never changes once published: a change is a new schema number (`docs/EVENTS.md`).

mod data_correction;
mod dossier;
mod feedback;
mod financial_service;
mod health_insurance;
mod heartbeat;
mod lookup;
mod medical_exam;
mod payment;
mod security_report;

pub use data_correction::check_fields;
pub use data_correction::{CitizenField, CorrectionChannel, DataCorrectionRequest};
pub use dossier::{
    check_dossier_code, check_procedure_code, DocumentsProvision, DossierSubmission, DossierSubmissionV2,
};
pub use feedback::{FeedbackSubmission, FeedbackTopic};
pub use financial_service::{FinancialServiceKind, FinancialServiceRequest};
pub use health_insurance::check_household;
pub use health_insurance::{HealthInsurancePlan, HealthInsuranceRequest, MAX_HOUSEHOLD};
pub use heartbeat::Heartbeat;
pub use lookup::{Lookup, LookupTopic};
pub use medical_exam::{MedicalExamBooking, Specialty};
pub use payment::{BillType, PaymentFailure, PaymentInitiation, PaymentMade, PaymentSuccess};
pub use security_report::{category_name, SecurityReport, Severity, REPORT_CATEGORIES};

use crate::check::read;
use crate::FieldError;

pub const DOSSIER_SUBMITTED: &str = "dossier.submitted";
pub const DOSSIER_DOCUMENTS_PROVIDED: &str = "dossier.documents_provided";
pub const PAYMENT_MADE: &str = "payment.made";
pub const PAYMENT_INITIATED: &str = "payment.initiated";
pub const PAYMENT_SUCCEEDED: &str = "payment.succeeded";
pub const PAYMENT_FAILED: &str = "payment.failed";
pub const SECURITY_REPORT_FILED: &str = "security_report.filed";
pub const HEALTH_INSURANCE_REQUESTED: &str = "health_insurance.requested";
pub const MEDICAL_EXAM_BOOKED: &str = "medical_exam.booked";
pub const FINANCIAL_SERVICE_REQUESTED: &str = "financial_service.requested";
pub const FEEDBACK_SUBMITTED: &str = "feedback.submitted";
pub const DATA_CORRECTION_REQUESTED: &str = "data_correction.requested";
pub const LOOKUP_PERFORMED: &str = "lookup.performed";
pub const STATION_HEARTBEAT: &str = "station.heartbeat";

/// Every kind this hub understands, with the schema versions it accepts.
pub const KINDS: &[(&str, &[u16])] = &[
    (DOSSIER_SUBMITTED, &[1, 2]),
    (PAYMENT_MADE, &[1]),
    (SECURITY_REPORT_FILED, &[1]),
    (DOSSIER_DOCUMENTS_PROVIDED, &[1]),
    (PAYMENT_INITIATED, &[1]),
    (PAYMENT_SUCCEEDED, &[1]),
    (PAYMENT_FAILED, &[1]),
    (HEALTH_INSURANCE_REQUESTED, &[1]),
    (MEDICAL_EXAM_BOOKED, &[1]),
    (FINANCIAL_SERVICE_REQUESTED, &[1]),
    (FEEDBACK_SUBMITTED, &[1]),
    (DATA_CORRECTION_REQUESTED, &[1]),
    (LOOKUP_PERFORMED, &[1]),
    (STATION_HEARTBEAT, &[1]),
];

/// A station event's payload, read and checked according to its kind and schema version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StationEvent {
    /// `dossier.submitted` schema 1.
    DossierSubmitted(DossierSubmission),
    PaymentMade(PaymentMade),
    SecurityReportFiled(SecurityReport),
    /// `dossier.submitted` schema 2 (with the applicant's pseudonym).
    DossierSubmittedV2(DossierSubmissionV2),
    DossierDocumentsProvided(DocumentsProvision),
    PaymentInitiated(PaymentInitiation),
    PaymentSucceeded(PaymentSuccess),
    PaymentFailed(PaymentFailure),
    HealthInsuranceRequested(HealthInsuranceRequest),
    MedicalExamBooked(MedicalExamBooking),
    FinancialServiceRequested(FinancialServiceRequest),
    FeedbackSubmitted(FeedbackSubmission),
    DataCorrectionRequested(DataCorrectionRequest),
    LookupPerformed(Lookup),
    StationHeartbeat(Heartbeat),
}

impl StationEvent {
    /// Reads and checks a payload. Errors name the field as `payload.<field>`.
    pub fn parse(kind: &str, schema: u16, payload: &serde_json::Value) -> Result<Self, FieldError> {
        let Some((_, versions)) = KINDS.iter().find(|(k, _)| *k == kind) else {
            let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            return Err(FieldError::new("kind", format!("`{kind}` is not a known kind ({})", known.join(", "))));
        };
        if !versions.contains(&schema) {
            return Err(FieldError::new("schema", format!("{kind} has no schema version {schema}")));
        }
        let p = Some("payload");
        let event = match (kind, schema) {
            (DOSSIER_SUBMITTED, 1) => Self::DossierSubmitted(read(payload, p)?),
            (DOSSIER_SUBMITTED, _) => Self::DossierSubmittedV2(read(payload, p)?),
            (PAYMENT_MADE, _) => Self::PaymentMade(read(payload, p)?),
            (SECURITY_REPORT_FILED, _) => Self::SecurityReportFiled(read(payload, p)?),
            (DOSSIER_DOCUMENTS_PROVIDED, _) => Self::DossierDocumentsProvided(read(payload, p)?),
            (PAYMENT_INITIATED, _) => Self::PaymentInitiated(read(payload, p)?),
            (PAYMENT_SUCCEEDED, _) => Self::PaymentSucceeded(read(payload, p)?),
            (PAYMENT_FAILED, _) => Self::PaymentFailed(read(payload, p)?),
            (HEALTH_INSURANCE_REQUESTED, _) => Self::HealthInsuranceRequested(read(payload, p)?),
            (MEDICAL_EXAM_BOOKED, _) => Self::MedicalExamBooked(read(payload, p)?),
            (FINANCIAL_SERVICE_REQUESTED, _) => Self::FinancialServiceRequested(read(payload, p)?),
            (FEEDBACK_SUBMITTED, _) => Self::FeedbackSubmitted(read(payload, p)?),
            (DATA_CORRECTION_REQUESTED, _) => Self::DataCorrectionRequested(read(payload, p)?),
            (LOOKUP_PERFORMED, _) => Self::LookupPerformed(read(payload, p)?),
            (STATION_HEARTBEAT, _) => Self::StationHeartbeat(read(payload, p)?),
            _ => unreachable!("every kind of KINDS is read above"),
        };
        event.validate().map_err(|e| e.under("payload"))?;
        Ok(event)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::DossierSubmitted(_) | Self::DossierSubmittedV2(_) => DOSSIER_SUBMITTED,
            Self::PaymentMade(_) => PAYMENT_MADE,
            Self::SecurityReportFiled(_) => SECURITY_REPORT_FILED,
            Self::DossierDocumentsProvided(_) => DOSSIER_DOCUMENTS_PROVIDED,
            Self::PaymentInitiated(_) => PAYMENT_INITIATED,
            Self::PaymentSucceeded(_) => PAYMENT_SUCCEEDED,
            Self::PaymentFailed(_) => PAYMENT_FAILED,
            Self::HealthInsuranceRequested(_) => HEALTH_INSURANCE_REQUESTED,
            Self::MedicalExamBooked(_) => MEDICAL_EXAM_BOOKED,
            Self::FinancialServiceRequested(_) => FINANCIAL_SERVICE_REQUESTED,
            Self::FeedbackSubmitted(_) => FEEDBACK_SUBMITTED,
            Self::DataCorrectionRequested(_) => DATA_CORRECTION_REQUESTED,
            Self::LookupPerformed(_) => LOOKUP_PERFORMED,
            Self::StationHeartbeat(_) => STATION_HEARTBEAT,
        }
    }

    pub fn schema(&self) -> u16 {
        match self {
            Self::DossierSubmittedV2(_) => 2,
            _ => 1,
        }
    }

    pub fn payload(&self) -> serde_json::Value {
        match self {
            Self::DossierSubmitted(p) => serde_json::to_value(p),
            Self::PaymentMade(p) => serde_json::to_value(p),
            Self::SecurityReportFiled(p) => serde_json::to_value(p),
            Self::DossierSubmittedV2(p) => serde_json::to_value(p),
            Self::DossierDocumentsProvided(p) => serde_json::to_value(p),
            Self::PaymentInitiated(p) => serde_json::to_value(p),
            Self::PaymentSucceeded(p) => serde_json::to_value(p),
            Self::PaymentFailed(p) => serde_json::to_value(p),
            Self::HealthInsuranceRequested(p) => serde_json::to_value(p),
            Self::MedicalExamBooked(p) => serde_json::to_value(p),
            Self::FinancialServiceRequested(p) => serde_json::to_value(p),
            Self::FeedbackSubmitted(p) => serde_json::to_value(p),
            Self::DataCorrectionRequested(p) => serde_json::to_value(p),
            Self::LookupPerformed(p) => serde_json::to_value(p),
            Self::StationHeartbeat(p) => serde_json::to_value(p),
        }
        .expect("payloads always serialise")
    }

    /// The checks beyond the JSON shape; field names are relative to the payload.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Self::DossierSubmitted(p) => p.validate(),
            Self::PaymentMade(p) => p.validate(),
            Self::SecurityReportFiled(p) => p.validate(),
            Self::DossierSubmittedV2(p) => p.validate(),
            Self::DossierDocumentsProvided(p) => p.validate(),
            Self::PaymentInitiated(p) => p.validate(),
            Self::PaymentSucceeded(p) => p.validate(),
            Self::PaymentFailed(p) => p.validate(),
            Self::HealthInsuranceRequested(p) => p.validate(),
            Self::MedicalExamBooked(p) => p.validate(),
            Self::FinancialServiceRequested(p) => p.validate(),
            Self::FeedbackSubmitted(p) => p.validate(),
            Self::DataCorrectionRequested(p) => p.validate(),
            Self::LookupPerformed(_) => Ok(()),
            Self::StationHeartbeat(p) => p.validate(),
        }
    }
}

pub mod examples;
#[cfg(test)]
mod tests;
