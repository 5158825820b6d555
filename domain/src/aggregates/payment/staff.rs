//! Staff commands on a payment, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::PaymentCommand;
use crate::aggregates::staff::{not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["RefundPayment"];

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<PaymentCommand, FieldError> {
    match name {
        "RefundPayment" => Ok(PaymentCommand::RefundPayment { reason: text_field(fields, "reason", 500)?.into(), at }),
        other => Err(not_here(other)),
    }
}
