//! Every aggregate, declared once in [`aggregates!`](crate::aggregates): from that one table
//! follow any command ([`AnyCommand`]), any aggregate's state ([`AnyAggregate`]: a fresh one by
//! type name, stored events applied, commands executed), any event read back typed ([`AnyEvent`],
//! upcast first), any event type ([`AnyEventType`], with its label on dashboards), the list of
//! aggregate types and the staff commands on each. Code outside this crate reads events through
//! these types, never by event-type strings or JSON keys.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use strum::VariantArray;

use super::*;

/// An event as the store keeps it (type, version and JSON payload), with the typed event it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SerializedEvent {
    pub event_type: String,
    pub event_version: i32,
    pub payload: serde_json::Value,
    pub event: AnyEvent,
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

/// How dashboards name and count an event: a Vietnamese label, and whether it is a resident's
/// visit to a station (what a service's figure counts) or a later step of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventInfo {
    pub label: &'static str,
    pub visit: bool,
}

impl EventInfo {
    /// A resident's visit to a station: counted in its service's figure.
    pub const fn visit(label: &'static str) -> Self {
        Self { label, visit: true }
    }

    /// A step of a case: staff, the hub, or an outcome a station reports.
    pub const fn case(label: &'static str) -> Self {
        Self { label, visit: false }
    }
}

/// The citizen an event concerns, where it names one (only ever by pseudonym).
pub trait Concerns {
    fn citizen(&self) -> Option<&CitizenRef>;

    /// The free text staff wrote into it (notes, reasons, answers, resolutions): personal data
    /// the hub seals under a data key of the case before the event is logged, so that forgetting
    /// the case or its resident forgets it too.
    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        Vec::new()
    }
}

macro_rules! aggregates {
    ($($variant:ident($aggregate:ident, $module:ident, $event_type:ident, $service:literal)),+ $(,)?) => {
        /// A command on any aggregate.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyCommand {
            $($variant(<$aggregate as Aggregate>::Command)),+
        }

        /// The state of any aggregate, so that one cache can hold them all.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyAggregate {
            $($variant($aggregate)),+
        }

        /// An event of any aggregate, typed.
        #[derive(Debug, Clone, PartialEq)]
        pub enum AnyEvent {
            $($variant(<$aggregate as Aggregate>::Event)),+
        }

        /// The type of an event of any aggregate (`PaymentMade`, `SecurityReportClosed`, ...).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AnyEventType {
            $($variant($event_type)),+
        }

        /// Every aggregate type, as stored in the log's `aggregate_type`.
        pub fn aggregate_types() -> &'static [&'static str] {
            &[$($aggregate::TYPE),+]
        }

        /// The services residents use at a station, as dashboards name them: `(aggregate type,
        /// Vietnamese name)`, for the aggregates a station visit opens.
        pub fn services() -> Vec<(&'static str, &'static str)> {
            let mut all = Vec::new();
            $(
                if $event_type::VARIANTS.iter().any(|t| t.info().visit) {
                    all.push(($aggregate::TYPE, $service));
                }
            )+
            all
        }

        /// The staff commands accepted on an aggregate type (none for an unknown type).
        pub fn staff_commands(aggregate_type: &str) -> &'static [&'static str] {
            $(if aggregate_type == $aggregate::TYPE { return $module::STAFF_COMMANDS; })+
            &[]
        }

        /// Reads a staff command of a known aggregate type, its name checked against the list.
        pub(super) fn read_staff_command(
            aggregate_type: &str,
            name: &str,
            fields: &Value,
            at: DateTime<Utc>,
        ) -> Result<AnyCommand, FieldError> {
            $(
                if aggregate_type == $aggregate::TYPE {
                    return $module::staff_command(name, fields, at).map(AnyCommand::$variant);
                }
            )+
            Err(staff::not_here(name))
        }

        impl AnyCommand {
            /// The type of aggregate this command is for.
            pub fn aggregate_type(&self) -> &'static str {
                match self { $(Self::$variant(_) => $aggregate::TYPE),+ }
            }
        }

        impl AnyAggregate {
            /// A fresh instance of the named type.
            pub fn new(aggregate_type: &str) -> Result<Self, LoadError> {
                $(if aggregate_type == $aggregate::TYPE { return Ok(Self::$variant($aggregate::default())); })+
                Err(LoadError::UnknownType(aggregate_type.to_string()))
            }

            pub fn aggregate_type(&self) -> &'static str {
                match self { $(Self::$variant(_) => $aggregate::TYPE),+ }
            }

            /// The state as JSON (as an auditor reads a case's state at some point of the log).
            pub fn to_json(&self) -> Value {
                match self { $(Self::$variant(a) => serde_json::to_value(a).expect("aggregates serialise")),+ }
            }

            /// Applies one event while loading the aggregate from the log.
            pub fn apply_event(&mut self, event: AnyEvent) -> Result<(), LoadError> {
                match (self, event) {
                    $((Self::$variant(a), AnyEvent::$variant(e)) => a.apply(e),)+
                    (_, e) => return Err(LoadError::UnknownType(format!("{} on another aggregate", e.event_type()))),
                }
                Ok(())
            }

            /// Runs a command through the aggregate's `handle`; on success the aggregate has
            /// applied the new events and they are returned for the store.
            pub async fn execute(&mut self, command: AnyCommand) -> Result<Vec<SerializedEvent>, DomainError> {
                match (self, command) {
                    $((Self::$variant(a), AnyCommand::$variant(c)) => run(a, c, AnyEvent::$variant).await,)+
                    _ => Err(DomainError::new("command addressed to an aggregate of another type")),
                }
            }
        }

        impl AnyEvent {
            /// Reads a stored event of an aggregate type: upcast to the current version, then
            /// deserialised. One of a version this code does not know is refused, not misread.
            pub fn read(aggregate_type: &str, event_type: &str, event_version: i32, payload: &Value) -> Result<Self, LoadError> {
                let (version, payload) = upcast(event_type, event_version, payload.clone());
                let stored = Stored { event_type, event_version, version, payload };
                $(if aggregate_type == $aggregate::TYPE { return stored.read().map(Self::$variant); })+
                Err(LoadError::UnknownType(aggregate_type.to_string()))
            }

            pub fn event_type(&self) -> String {
                match self { $(Self::$variant(e) => e.event_type()),+ }
            }

            /// The event as the store keeps it: type, version and JSON payload.
            pub fn serialize(&self) -> (String, i32, Value) {
                match self {
                    $(Self::$variant(e) => {
                        (e.event_type(), version_of(e), serde_json::to_value(e).expect("events always serialise"))
                    })+
                }
            }

            /// Its type, as a value.
            pub fn kind(&self) -> AnyEventType {
                match self { $(Self::$variant(e) => AnyEventType::$variant(e.into())),+ }
            }

            /// The citizen it concerns, where it names one.
            pub fn citizen(&self) -> Option<&CitizenRef> {
                match self { $(Self::$variant(e) => e.citizen()),+ }
            }

            /// The staff's free text in it ([`Concerns::staff_texts`]).
            pub fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
                match self { $(Self::$variant(e) => e.staff_texts()),+ }
            }
        }

        $(
            impl From<<$aggregate as Aggregate>::Command> for AnyCommand {
                fn from(c: <$aggregate as Aggregate>::Command) -> Self {
                    Self::$variant(c)
                }
            }

            impl From<<$aggregate as Aggregate>::Event> for AnyEvent {
                fn from(e: <$aggregate as Aggregate>::Event) -> Self {
                    Self::$variant(e)
                }
            }

            impl From<$event_type> for AnyEventType {
                fn from(t: $event_type) -> Self {
                    Self::$variant(t)
                }
            }
        )+

        impl AnyEventType {
            /// Every event type of every aggregate.
            pub fn all() -> Vec<Self> {
                let mut all = Vec::new();
                $(all.extend($event_type::VARIANTS.iter().map(|t| Self::$variant(*t)));)+
                all
            }

            /// The type named as the log stores it.
            pub fn parse(event_type: &str) -> Option<Self> {
                $(if let Ok(t) = $event_type::from_str(event_type) { return Some(Self::$variant(t)); })+
                None
            }

            /// The name the log stores.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant(t) => t.into()),+ }
            }

            pub fn aggregate_type(self) -> &'static str {
                match self { $(Self::$variant(_) => $aggregate::TYPE),+ }
            }

            pub fn info(self) -> EventInfo {
                match self { $(Self::$variant(t) => t.info()),+ }
            }
        }
    };
}

aggregates! {
    Dossier(Dossier, dossier, DossierEventType, "Hồ sơ TTHC"),
    Payment(Payment, payment, PaymentEventType, "Thanh toán"),
    SecurityReport(SecurityReport, security_report, SecurityReportEventType, "Phản ánh ANTT"),
    HealthInsurance(HealthInsuranceRegistration, health_insurance, HealthInsuranceEventType, "Bảo hiểm y tế"),
    MedicalExam(MedicalExamination, medical_exam, MedicalExamEventType, "Khám bệnh từ xa"),
    FinancialService(FinancialService, financial_service, FinancialServiceEventType, "Ngân hàng, viễn thông"),
    Feedback(Feedback, feedback, FeedbackEventType, "Góp ý, kiến nghị"),
    DataCorrection(DataCorrection, data_correction, DataCorrectionEventType, "Điều chỉnh dữ liệu"),
    Station(Station, station, StationLifecycleEventType, "Trạm công dân số"),
    Lookup(Lookup, lookup, LookupEventType, "Tra cứu"),
    Vneid(VneidActivation, vneid, VneidEventType, "Định danh điện tử VNeID"),
    Erasure(Erasure, erasure, ErasureEventType, "Xoá dữ liệu cá nhân"),
}

impl AnyAggregate {
    /// Applies one stored event while loading the aggregate from the log (see [`AnyEvent::read`]).
    pub fn apply_stored(&mut self, event_type: &str, event_version: i32, payload: &Value) -> Result<(), LoadError> {
        self.apply_event(AnyEvent::read(self.aggregate_type(), event_type, event_version, payload)?)
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

async fn run<A>(
    aggregate: &mut A,
    command: A::Command,
    any: impl Fn(A::Event) -> AnyEvent,
) -> Result<Vec<SerializedEvent>, DomainError>
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
            event: any(e),
        })
        .collect())
}
