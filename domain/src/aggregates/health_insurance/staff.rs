//! Staff commands on a health insurance registration, read from a staff request body.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::HealthInsuranceCommand;
use crate::aggregates::staff::{fields_of, no_fields, not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["ScheduleAppointment", "CompleteHealthInsurance", "CancelHealthInsurance"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Schedule {
    when: DateTime<Utc>,
}

pub(crate) fn staff_command(
    name: &str,
    fields: &Value,
    at: DateTime<Utc>,
) -> Result<HealthInsuranceCommand, FieldError> {
    use HealthInsuranceCommand::*;
    Ok(match name {
        "ScheduleAppointment" => ScheduleAppointment { when: fields_of::<Schedule>(fields)?.when, at },
        "CompleteHealthInsurance" => no_fields(fields).map(|()| CompleteHealthInsurance { at })?,
        "CancelHealthInsurance" => CancelHealthInsurance { reason: text_field(fields, "reason", 500)?.into(), at },
        other => return Err(not_here(other)),
    })
}
