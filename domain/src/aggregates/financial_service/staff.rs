//! Staff commands on a financial service request, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::FinancialServiceCommand;
use crate::aggregates::staff::{no_fields, not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["ForwardToPartner", "ApproveFinancialService", "DeclineFinancialService"];

pub(crate) fn staff_command(
    name: &str,
    fields: &Value,
    at: DateTime<Utc>,
) -> Result<FinancialServiceCommand, FieldError> {
    use FinancialServiceCommand::*;
    Ok(match name {
        "ForwardToPartner" => no_fields(fields).map(|()| ForwardToPartner { at })?,
        "ApproveFinancialService" => no_fields(fields).map(|()| ApproveFinancialService { at })?,
        "DeclineFinancialService" => DeclineFinancialService { reason: text_field(fields, "reason", 500)?.into(), at },
        other => return Err(not_here(other)),
    })
}
