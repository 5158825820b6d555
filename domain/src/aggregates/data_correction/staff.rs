//! The police's commands on a data correction, read from a staff request body; including the
//! recording of a request that came through a police station, the hotline or VNeID.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::DataCorrectionCommand;
use crate::aggregates::staff::{fields_of, no_fields, not_here, text_field};
use protocol::citizen::CitizenRef;
use protocol::kinds::{check_fields, CitizenField, CorrectionChannel};
use protocol::{FieldError, WardCode};

pub(crate) const STAFF_COMMANDS: &[&str] =
    &["RequestDataCorrection", "VerifyDataCorrection", "CorrectData", "RejectDataCorrection"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    fields: Vec<CitizenField>,
    channel: CorrectionChannel,
    citizen: CitizenRef,
    /// The resident's ward, where known.
    #[serde(default)]
    ward: Option<String>,
}

pub(crate) fn staff_command(
    name: &str,
    fields: &Value,
    at: DateTime<Utc>,
) -> Result<DataCorrectionCommand, FieldError> {
    use DataCorrectionCommand::*;
    Ok(match name {
        "RequestDataCorrection" => {
            let r: Request = fields_of(fields)?;
            check_fields(&r.fields)?;
            if r.channel == CorrectionChannel::Station {
                return Err(FieldError::new("channel", "requests made at a station come from the station itself"));
            }
            r.citizen.validate().map_err(|e| e.under("citizen"))?;
            let ward = match r.ward {
                Some(w) => Some(WardCode::parse(&w).map_err(|e| FieldError::new("ward", e.reason))?),
                None => None,
            };
            RequestDataCorrection { fields: r.fields, channel: r.channel, citizen: r.citizen, station: None, ward, at }
        }
        "VerifyDataCorrection" => no_fields(fields).map(|()| VerifyDataCorrection { at })?,
        "CorrectData" => no_fields(fields).map(|()| CorrectData { at })?,
        "RejectDataCorrection" => RejectDataCorrection { reason: text_field(fields, "reason", 500)?.into(), at },
        other => return Err(not_here(other)),
    })
}
