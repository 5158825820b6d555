//! Staff commands on feedback, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::FeedbackCommand;
use crate::aggregates::staff::{not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["AnswerFeedback"];

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<FeedbackCommand, FieldError> {
    match name {
        "AnswerFeedback" => {
            Ok(FeedbackCommand::AnswerFeedback { answer: text_field(fields, "answer", 2000)?.into(), at })
        }
        other => Err(not_here(other)),
    }
}
