//! The kinds of event a station records, with their payload schemas. The station checks a payload
//! before it records it; the hub checks it again before it turns it into a command. A kind's
//! schema never changes once published: a change is a new schema number (`docs/EVENTS.md`).
//!
//! A kind is declared once: its payload type implements [`Kind`] (name, schema, checks, example)
//! and is listed in its service's `kinds!` group, next to the payload. Parsing, names, schema
//! versions, the payload, the checks and the examples of [`StationEvent`] all follow from that.

/// Declares a service's kinds: an enum with one variant per kind (payload type), and everything
/// [`Group`] needs, read off the payloads' [`Kind`] implementations.
macro_rules! kinds {
    ($(#[$meta:meta])* pub enum $group:ident { $($(#[$vmeta:meta])* $variant:ident($payload:ty)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $group {
            $($(#[$vmeta])* $variant($payload)),+
        }

        impl $crate::kinds::Group for $group {
            const KINDS: &'static [(&'static str, u16)] =
                &[$((<$payload as $crate::kinds::Kind>::NAME, <$payload as $crate::kinds::Kind>::SCHEMA)),+];
            const FORGETTABLE: &'static [(&'static str, u16, &'static [&'static str])] = &[$((
                <$payload as $crate::kinds::Kind>::NAME,
                <$payload as $crate::kinds::Kind>::SCHEMA,
                <$payload as $crate::kinds::Kind>::FORGETTABLE,
            )),+];

            fn read(
                kind: &str,
                schema: u16,
                payload: &serde_json::Value,
            ) -> Option<Result<Self, $crate::FieldError>> {
                $(
                    if kind == <$payload as $crate::kinds::Kind>::NAME
                        && schema == <$payload as $crate::kinds::Kind>::SCHEMA
                    {
                        return Some($crate::check::read::<$payload>(payload, Some("payload")).map(Self::$variant));
                    }
                )+
                None
            }

            fn kind(&self) -> &'static str {
                match self { $(Self::$variant(_) => <$payload as $crate::kinds::Kind>::NAME),+ }
            }

            fn schema(&self) -> u16 {
                match self { $(Self::$variant(_) => <$payload as $crate::kinds::Kind>::SCHEMA),+ }
            }

            fn payload(&self) -> serde_json::Value {
                match self { $(Self::$variant(p) => serde_json::to_value(p)),+ }.expect("payloads always serialise")
            }

            fn validate(&self) -> Result<(), $crate::FieldError> {
                match self { $(Self::$variant(p) => $crate::kinds::Kind::validate(p)),+ }
            }

            fn citizen(&self) -> Option<&$crate::citizen::StationCitizen> {
                match self { $(Self::$variant(p) => $crate::kinds::Kind::citizen(p)),+ }
            }

            fn examples() -> Vec<Self> {
                vec![$(Self::$variant(<$payload as $crate::kinds::Kind>::example())),+]
            }
        }

        $(
            impl From<$payload> for $crate::kinds::StationEvent {
                fn from(p: $payload) -> Self {
                    $group::$variant(p).into()
                }
            }
        )+
    };
}

/// Declares [`StationEvent`]: one variant per service, each a [`Group`] of kinds.
macro_rules! services {
    ($(#[$meta:meta])* pub enum StationEvent { $($(#[$vmeta:meta])* $service:ident($group:ty)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum StationEvent {
            $($(#[$vmeta])* $service($group)),+
        }

        impl StationEvent {
            /// Every kind this code understands, with each schema version it accepts.
            pub fn kinds() -> impl Iterator<Item = (&'static str, u16)> {
                [$(<$group as Group>::KINDS),+].into_iter().flatten().copied()
            }

            /// The payload fields of a kind and schema that are sealed when the station can seal
            /// (`docs/PROTOCOL.md` section 10); none for a kind this code does not know.
            pub fn forgettable(kind: &str, schema: u16) -> &'static [&'static str] {
                [$(<$group as Group>::FORGETTABLE),+]
                    .into_iter()
                    .flatten()
                    .find(|(k, s, _)| *k == kind && *s == schema)
                    .map_or(&[], |(_, _, fields)| fields)
            }

            fn read(kind: &str, schema: u16, payload: &serde_json::Value) -> Option<Result<Self, FieldError>> {
                $(
                    if let Some(read) = <$group as Group>::read(kind, schema, payload) {
                        return Some(read.map(Self::$service));
                    }
                )+
                None
            }

            pub fn kind(&self) -> &'static str {
                match self { $(Self::$service(k) => k.kind()),+ }
            }

            pub fn schema(&self) -> u16 {
                match self { $(Self::$service(k) => k.schema()),+ }
            }

            pub fn payload(&self) -> serde_json::Value {
                match self { $(Self::$service(k) => k.payload()),+ }
            }

            /// The checks beyond the JSON shape; field names are relative to the payload.
            pub fn validate(&self) -> Result<(), FieldError> {
                match self { $(Self::$service(k) => k.validate()),+ }
            }

            /// The resident the payload names, if any.
            pub fn citizen(&self) -> Option<&crate::citizen::StationCitizen> {
                match self { $(Self::$service(k) => k.citizen()),+ }
            }

            /// One valid event of every kind and schema, for tests, documents and demos.
            pub fn examples() -> Vec<Self> {
                let mut all = Vec::new();
                $(all.extend(<$group as Group>::examples().into_iter().map(Self::$service));)+
                all
            }
        }

        $(
            impl From<$group> for StationEvent {
                fn from(k: $group) -> Self {
                    Self::$service(k)
                }
            }
        )+
    };
}

mod data_correction;
mod dossier;
pub mod examples;
mod feedback;
mod financial_service;
mod health_insurance;
mod heartbeat;
mod lookup;
mod medical_exam;
mod payment;
mod security_report;
mod vneid;

pub use data_correction::{check_fields, CitizenField, CorrectionChannel, DataCorrectionKinds, DataCorrectionRequest};
pub use dossier::{
    check_dossier_code, check_procedure_code, DocumentsProvision, DossierKinds, DossierSubmission, DossierSubmissionV2,
};
pub use feedback::{FeedbackKinds, FeedbackSubmission, FeedbackTopic};
pub use financial_service::{FinancialServiceKind, FinancialServiceKinds, FinancialServiceRequest};
pub use health_insurance::{
    check_household, HealthInsuranceKinds, HealthInsurancePlan, HealthInsuranceRequest, MAX_HOUSEHOLD,
};
pub use heartbeat::{Heartbeat, StationKinds};
pub use lookup::{Lookup, LookupKinds, LookupTopic};
pub use medical_exam::{MedicalExamBooking, MedicalExamKinds, Specialty};
pub use payment::{BillType, PaymentFailure, PaymentInitiation, PaymentKinds, PaymentMade, PaymentSuccess};
pub use security_report::{category_name, SecurityReport, SecurityReportKinds, Severity, REPORT_CATEGORIES};
pub use vneid::{VneidActivationRequest, VneidKinds};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::citizen::StationCitizen;
use crate::FieldError;

/// One kind of station event at one schema version, declared by its payload type.
pub trait Kind: Serialize + DeserializeOwned + Sized {
    /// The kind's name on the wire, `service.past_tense` (`payment.made`).
    const NAME: &'static str;
    /// The schema version of this payload; a changed schema is a new payload type.
    const SCHEMA: u16 = 1;
    /// The fields that hold personal data a resident may ask to forget: each is a [`Sealable`]
    /// and the payload has a `sealed_key` (`docs/EVENTS.md` marks them).
    ///
    /// [`Sealable`]: crate::forgettable::Sealable
    const FORGETTABLE: &'static [&'static str] = &[];

    /// The checks beyond the JSON shape; field names are relative to the payload.
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }

    /// The resident the payload names, if its kind names one.
    fn citizen(&self) -> Option<&StationCitizen> {
        None
    }

    /// A valid payload of this kind, for tests, documents and demos.
    fn example() -> Self;
}

/// The kinds of one service, as declared by `kinds!`.
pub trait Group: Sized {
    const KINDS: &'static [(&'static str, u16)];
    /// Each kind and schema with its forgettable fields.
    const FORGETTABLE: &'static [(&'static str, u16, &'static [&'static str])];
    /// `None` when the kind and schema are not of this group.
    fn read(kind: &str, schema: u16, payload: &serde_json::Value) -> Option<Result<Self, FieldError>>;
    fn kind(&self) -> &'static str;
    fn schema(&self) -> u16;
    fn payload(&self) -> serde_json::Value;
    fn validate(&self) -> Result<(), FieldError>;
    fn citizen(&self) -> Option<&StationCitizen>;
    fn examples() -> Vec<Self>;
}

/// A declared example read into its payload type.
fn example<T: DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a kind's example fits its payload type")
}

services! {
    /// A station event's payload, read and checked according to its kind and schema version.
    pub enum StationEvent {
        Dossier(DossierKinds),
        Payment(PaymentKinds),
        SecurityReport(SecurityReportKinds),
        HealthInsurance(HealthInsuranceKinds),
        MedicalExam(MedicalExamKinds),
        FinancialService(FinancialServiceKinds),
        Feedback(FeedbackKinds),
        DataCorrection(DataCorrectionKinds),
        Lookup(LookupKinds),
        Station(StationKinds),
        Vneid(VneidKinds),
    }
}

impl StationEvent {
    /// Reads and checks a payload. Errors name the field as `payload.<field>`.
    pub fn parse(kind: &str, schema: u16, payload: &serde_json::Value) -> Result<Self, FieldError> {
        let Some(read) = Self::read(kind, schema, payload) else {
            if Self::kinds().any(|(k, _)| k == kind) {
                return Err(FieldError::new("schema", format!("{kind} has no schema version {schema}")));
            }
            return Err(FieldError::new(
                "kind",
                format!("`{kind}` is not a known kind ({})", Self::kind_names().join(", ")),
            ));
        };
        let event = read?;
        event.validate().map_err(|e| e.under("payload"))?;
        Ok(event)
    }

    /// The names of the kinds, each once, in declaration order.
    pub fn kind_names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for (k, _) in Self::kinds() {
            if !names.contains(&k) {
                names.push(k);
            }
        }
        names
    }

    /// The newest schema version of a kind, if the kind is known.
    pub fn newest_schema(kind: &str) -> Option<u16> {
        Self::kinds().filter(|(k, _)| *k == kind).map(|(_, s)| s).max()
    }
}

#[cfg(test)]
mod tests;
