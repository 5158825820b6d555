//! The police's commands on a VNeID activation, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::VneidCommand;
use crate::aggregates::staff::{no_fields, not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["RecordVneidActivated", "RecordVneidActivationFailed"];

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<VneidCommand, FieldError> {
    use VneidCommand::*;
    Ok(match name {
        "RecordVneidActivated" => no_fields(fields).map(|()| RecordVneidActivated { at })?,
        "RecordVneidActivationFailed" => {
            RecordVneidActivationFailed { reason: text_field(fields, "reason", 500)?.into(), at }
        }
        other => return Err(not_here(other)),
    })
}
