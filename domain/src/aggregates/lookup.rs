//! The Lookup aggregate: one lookup made at a station, counted by topic for usage statistics.
//! What was looked up is never recorded. The aggregate id is the station event's id.

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::LookupKinds;
use protocol::{FieldError, StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::kinds::LookupTopic;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupCommand {
    /// From a station (`lookup.performed`).
    RecordLookup { topic: LookupTopic, station: StationId, ward: WardCode, at: DateTime<Utc> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(LookupEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum LookupEvent {
    LookupPerformed { topic: LookupTopic, station: StationId, ward: WardCode, at: DateTime<Utc> },
}

version_one!(LookupEvent);

impl Concerns for LookupEvent {
    /// A lookup never names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::LookupPerformed { .. } => None,
        }
    }
}

impl LookupEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::LookupPerformed => EventInfo::visit("Tra cứu tại trạm"),
        }
    }
}

/// Lookups are usage counts; staff have nothing to do with them.
pub(crate) const STAFF_COMMANDS: &[&str] = &[];

pub(crate) fn staff_command(name: &str, _: &serde_json::Value, _: DateTime<Utc>) -> Result<LookupCommand, FieldError> {
    Err(super::staff::not_here(name))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    pub topic: Option<LookupTopic>,
}

impl Aggregate for Lookup {
    const TYPE: &'static str = "lookup";
    type Command = LookupCommand;
    type Event = LookupEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        match command {
            LookupCommand::RecordLookup { topic, station, ward, at } => {
                if self.topic.is_some() {
                    return Err(DomainError::new("this lookup was already recorded"));
                }
                sink.write(LookupEvent::LookupPerformed { topic, station, ward, at }, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            LookupEvent::LookupPerformed { topic, .. } => self.topic = Some(topic),
        }
    }
}

/// Where a lookup goes: one aggregate per lookup, named by its event.
pub(crate) fn route(kind: LookupKinds, o: &Origin) -> (String, LookupCommand) {
    match kind {
        LookupKinds::Performed(l) => (
            o.event_id.to_string(),
            LookupCommand::RecordLookup { topic: l.topic, station: o.station.clone(), ward: o.ward.clone(), at: o.at },
        ),
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;
    use crate::aggregates::testing::{station, ward};

    fn record() -> LookupCommand {
        LookupCommand::RecordLookup {
            topic: LookupTopic::DossierProgress,
            station: station(),
            ward: ward(),
            at: "2025-10-10T03:00:00Z".parse().unwrap(),
        }
    }

    fn performed() -> LookupEvent {
        let LookupCommand::RecordLookup { topic, station, ward, at } = record();
        LookupEvent::LookupPerformed { topic, station, ward, at }
    }

    #[test]
    fn a_lookup_is_counted_once() {
        TestFramework::<Lookup>::with(())
            .given_no_previous_events()
            .when(record())
            .then_expect_events(vec![performed()]);
        TestFramework::<Lookup>::with(())
            .given(vec![performed()])
            .when(record())
            .then_expect_error_message("this lookup was already recorded");
    }
}
