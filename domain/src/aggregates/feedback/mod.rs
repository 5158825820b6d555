//! The Feedback aggregate: feedback or a recommendation sent from a station, answered once.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::FeedbackKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::FeedbackTopic;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedbackCommand {
    /// From a station (`feedback.submitted`).
    SubmitFeedback {
        topic: FeedbackTopic,
        text: Text,
        citizen: Option<CitizenRef>,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    AnswerFeedback {
        answer: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(FeedbackEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum FeedbackEvent {
    FeedbackSubmitted {
        topic: FeedbackTopic,
        text: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        citizen: Option<CitizenRef>,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    FeedbackAnswered {
        answer: Text,
        at: DateTime<Utc>,
    },
}

version_one!(FeedbackEvent);

impl Concerns for FeedbackEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::FeedbackSubmitted { citizen, .. } => citizen.as_ref(),
            Self::FeedbackAnswered { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::FeedbackAnswered { answer, .. } => vec![("answer", answer)],
            _ => Vec::new(),
        }
    }
}

impl FeedbackEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::FeedbackSubmitted => EventInfo::visit("Góp ý: gửi tại trạm"),
            Self::FeedbackAnswered => EventInfo::case("Góp ý: đã trả lời"),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    #[default]
    New,
    Submitted,
    Answered,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub status: FeedbackStatus,
    pub topic: Option<FeedbackTopic>,
    pub ward: Option<WardCode>,
}

impl Aggregate for Feedback {
    const TYPE: &'static str = "feedback";
    type Command = FeedbackCommand;
    type Event = FeedbackEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        let event = match command {
            FeedbackCommand::SubmitFeedback { topic, text, citizen, station, ward, at } => {
                if self.status != FeedbackStatus::New {
                    return Err(DomainError::new("this feedback was already submitted"));
                }
                FeedbackEvent::FeedbackSubmitted { topic, text, citizen, station, ward, at }
            }
            FeedbackCommand::AnswerFeedback { answer, at } => {
                match self.status {
                    FeedbackStatus::Submitted => {}
                    FeedbackStatus::New => return Err(DomainError::new("this feedback was never submitted")),
                    FeedbackStatus::Answered => return Err(DomainError::new("this feedback was already answered")),
                }
                FeedbackEvent::FeedbackAnswered { answer, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            FeedbackEvent::FeedbackSubmitted { topic, ward, .. } => {
                self.status = FeedbackStatus::Submitted;
                self.topic = Some(topic);
                self.ward = Some(ward);
            }
            FeedbackEvent::FeedbackAnswered { .. } => self.status = FeedbackStatus::Answered,
        }
    }
}

/// Where feedback goes: a new case named by the submitting event.
pub(crate) fn route(kind: FeedbackKinds, o: &Origin) -> (String, FeedbackCommand) {
    match kind {
        FeedbackKinds::Submitted(f) => (
            o.event_id.to_string(),
            FeedbackCommand::SubmitFeedback {
                topic: f.topic,
                text: f.text.into_text(o.event_id, "text"),
                citizen: f.citizen.map(|c| o.resident(c)),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
