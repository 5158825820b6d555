//! The clinic's commands on a medical exam, read from a staff request body.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::MedicalExamCommand;
use crate::aggregates::staff::{fields_of, no_fields, not_here, text_field};
use protocol::check::text;
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &["ScheduleMedicalExam", "CompleteMedicalExam", "CancelMedicalExam"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Schedule {
    slot: DateTime<Utc>,
    #[serde(default)]
    doctor: Option<String>,
}

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<MedicalExamCommand, FieldError> {
    use MedicalExamCommand::*;
    Ok(match name {
        "ScheduleMedicalExam" => {
            let Schedule { slot, doctor } = fields_of(fields)?;
            if let Some(d) = &doctor {
                text("doctor", d, 100)?;
            }
            ScheduleMedicalExam { slot, doctor, at }
        }
        "CompleteMedicalExam" => no_fields(fields).map(|()| CompleteMedicalExam { at })?,
        "CancelMedicalExam" => CancelMedicalExam { reason: text_field(fields, "reason", 500)?.into(), at },
        other => return Err(not_here(other)),
    })
}
