//! The agency's commands on a dossier, read from a staff request body.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::DossierCommand;
use crate::aggregates::staff::{no_fields, not_here, text_field};
use protocol::FieldError;

pub(crate) const STAFF_COMMANDS: &[&str] = &[
    "ReceiveDossier",
    "RequestMoreDocuments",
    "StartProcessing",
    "MarkResultReady",
    "CompleteDossier",
    "ReturnDossier",
    "RejectDossier",
];

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<DossierCommand, FieldError> {
    Ok(match name {
        "ReceiveDossier" => no_fields(fields).map(|()| DossierCommand::ReceiveDossier { at })?,
        "RequestMoreDocuments" => {
            DossierCommand::RequestMoreDocuments { note: text_field(fields, "note", 500)?.into(), at }
        }
        "StartProcessing" => no_fields(fields).map(|()| DossierCommand::StartProcessing { at })?,
        "MarkResultReady" => no_fields(fields).map(|()| DossierCommand::MarkResultReady { at })?,
        "CompleteDossier" => no_fields(fields).map(|()| DossierCommand::CompleteDossier { at })?,
        "ReturnDossier" => DossierCommand::ReturnDossier { reason: text_field(fields, "reason", 500)?.into(), at },
        "RejectDossier" => DossierCommand::RejectDossier { reason: text_field(fields, "reason", 500)?.into(), at },
        other => return Err(not_here(other)),
    })
}
