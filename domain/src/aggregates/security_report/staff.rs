//! The police's commands on a security report, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::SecurityReportCommand;
use crate::aggregates::staff::{no_fields, not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &[
    "AcknowledgeSecurityReport",
    "AssignSecurityReport",
    "ResolveSecurityReport",
    "CloseSecurityReport",
    "ReopenSecurityReport",
    "CheckSecurityReportDeadlines",
];

pub(crate) fn staff_command(
    name: &str,
    fields: &Value,
    at: DateTime<Utc>,
) -> Result<SecurityReportCommand, FieldError> {
    use SecurityReportCommand::*;
    Ok(match name {
        "AcknowledgeSecurityReport" => no_fields(fields).map(|()| AcknowledgeSecurityReport { at })?,
        "AssignSecurityReport" => AssignSecurityReport { officer: text_field(fields, "officer", 100)?, at },
        "ResolveSecurityReport" => {
            ResolveSecurityReport { resolution: text_field(fields, "resolution", 2000)?.into(), at }
        }
        "CloseSecurityReport" => CloseSecurityReport { note: text_field(fields, "note", 500)?.into(), at },
        "ReopenSecurityReport" => ReopenSecurityReport { reason: text_field(fields, "reason", 500)?.into(), at },
        "CheckSecurityReportDeadlines" => no_fields(fields).map(|()| CheckSecurityReportDeadlines { at })?,
        other => return Err(not_here(other)),
    })
}
