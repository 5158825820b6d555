//! The Erasure aggregate: that a resident's personal data, or one case's, was erased on request
//! (crypto-shredding: the hub destroyed the data keys that opened its sealed fields). It records
//! that an erasure happened and its scope, never what was erased nor whose: a citizen's erasure
//! names no pseudonym. The hub issues it (actor: the officer who asked); the aggregate id is a
//! fresh UUID.

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::FieldError;
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;

/// What was erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ErasureScope {
    /// Every sealed field of one resident, wherever it is.
    Citizen,
    /// Every sealed field of one case.
    Case { aggregate_type: String, aggregate_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErasureCommand {
    /// From the hub, when an officer asks it to forget. For a citizen, `pseudonyms` are theirs
    /// under every pseudonym key (the keys filed under them are destroyed with the event); the
    /// event does not keep them.
    RecordErasure { scope: ErasureScope, pseudonyms: Vec<String>, at: DateTime<Utc> },
    /// From the hub's retention sweep: these cases of one kind closed before `closed_before`,
    /// and their data keys go with the event (which keeps only how many).
    RecordExpiry { aggregate_type: String, case_ids: Vec<String>, closed_before: DateTime<Utc>, at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ErasureEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum ErasureEvent {
    PersonalDataErased {
        scope: ErasureScope,
        at: DateTime<Utc>,
    },
    /// The forgettable fields of `cases` cases of one kind, closed before `closed_before`, reached
    /// the end of their keeping time.
    PersonalDataExpired {
        aggregate_type: String,
        cases: u64,
        closed_before: DateTime<Utc>,
        at: DateTime<Utc>,
    },
}

version_one!(ErasureEvent);

impl Concerns for ErasureEvent {
    /// An erasure never says whose data it was.
    fn citizen(&self) -> Option<&CitizenRef> {
        None
    }
}

impl ErasureEventType {
    /// How dashboards name this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::PersonalDataErased => EventInfo::case("Xoá dữ liệu cá nhân theo yêu cầu"),
            Self::PersonalDataExpired => EventInfo::case("Xoá dữ liệu cá nhân hết thời hạn lưu"),
        }
    }
}

/// Only the hub records erasures (through `POST /api/v1/privacy/erasures`), never the case API.
pub(crate) const STAFF_COMMANDS: &[&str] = &[];

pub(crate) fn staff_command(name: &str, _: &serde_json::Value, _: DateTime<Utc>) -> Result<ErasureCommand, FieldError> {
    Err(super::staff::not_here(name))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    pub recorded: bool,
}

impl Aggregate for Erasure {
    const TYPE: &'static str = "erasure";
    type Command = ErasureCommand;
    type Event = ErasureEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        match command {
            _ if self.recorded => return Err(DomainError::new("this erasure was already recorded")),
            ErasureCommand::RecordErasure { scope, at, .. } => {
                sink.write(ErasureEvent::PersonalDataErased { scope, at }, self).await;
            }
            ErasureCommand::RecordExpiry { aggregate_type, case_ids, closed_before, at } => {
                if case_ids.is_empty() {
                    return Err(DomainError::new("an expiry names the cases whose data expired"));
                }
                let cases = case_ids.len() as u64;
                sink.write(ErasureEvent::PersonalDataExpired { aggregate_type, cases, closed_before, at }, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ErasureEvent::PersonalDataErased { .. } | ErasureEvent::PersonalDataExpired { .. } => self.recorded = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn at() -> DateTime<Utc> {
        "2026-12-01T03:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_erasure_is_recorded_once_with_its_scope_and_no_one_named() {
        let scope = ErasureScope::Case { aggregate_type: "security_report".into(), aggregate_id: "x".into() };
        let erased = ErasureEvent::PersonalDataErased { scope: scope.clone(), at: at() };
        TestFramework::<Erasure>::with(())
            .given_no_previous_events()
            .when(ErasureCommand::RecordErasure { scope: scope.clone(), pseudonyms: vec![], at: at() })
            .then_expect_events(vec![erased.clone()]);
        TestFramework::<Erasure>::with(())
            .given(vec![erased.clone()])
            .when(ErasureCommand::RecordErasure { scope, pseudonyms: vec![], at: at() })
            .then_expect_error_message("this erasure was already recorded");
        let citizen = ErasureEvent::PersonalDataErased { scope: ErasureScope::Citizen, at: at() };
        assert_eq!(citizen.citizen(), None);
        assert_eq!(serde_json::to_value(&citizen).unwrap()["PersonalDataErased"]["scope"]["scope"], "citizen");
    }
}
