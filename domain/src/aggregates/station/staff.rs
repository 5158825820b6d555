//! Staff commands on a station, read from a staff request body.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::StationCommand;
use crate::aggregates::staff::{fields_of, no_fields, not_here, text_field};
use protocol::check::text;
use protocol::{FieldError, WardCode};

pub(crate) const STAFF_COMMANDS: &[&str] = &[
    "PlanStation",
    "EnrollStation",
    "ActivateStation",
    "SuspendStation",
    "ResumeStation",
    "DecommissionStation",
    "RotateStationKey",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    ward: String,
    building: String,
}

/// An Ed25519 public key a station may sign with: 64 lowercase hex digits, a point on the curve,
/// not of small order.
pub fn check_public_key(field: &str, hex_key: &str) -> Result<(), FieldError> {
    let mut key = [0u8; 32];
    let lowercase = hex_key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !lowercase || hex::decode_to_slice(hex_key, &mut key).is_err() {
        return Err(FieldError::new(field, "must be 64 lowercase hex digits"));
    }
    match ed25519_dalek::VerifyingKey::from_bytes(&key) {
        Ok(k) if !k.is_weak() => Ok(()),
        _ => Err(FieldError::new(field, "is not a usable Ed25519 public key")),
    }
}

fn public_key(fields: &Value) -> Result<String, FieldError> {
    let key = text_field(fields, "public_key", 64)?;
    check_public_key("public_key", &key)?;
    Ok(key)
}

pub(crate) fn staff_command(name: &str, fields: &Value, at: DateTime<Utc>) -> Result<StationCommand, FieldError> {
    use StationCommand::*;
    Ok(match name {
        "PlanStation" => {
            let Plan { ward, building } = fields_of(fields)?;
            let ward = WardCode::parse(&ward).map_err(|e| FieldError::new("ward", e.reason))?;
            text("building", &building, 200)?;
            PlanStation { ward, building, at }
        }
        "EnrollStation" => EnrollStation { public_key: public_key(fields)?, at },
        "ActivateStation" => no_fields(fields).map(|()| ActivateStation { at })?,
        "SuspendStation" => SuspendStation { reason: text_field(fields, "reason", 500)?, at },
        "ResumeStation" => no_fields(fields).map(|()| ResumeStation { at })?,
        "DecommissionStation" => DecommissionStation { reason: text_field(fields, "reason", 500)?, at },
        "RotateStationKey" => RotateStationKey { public_key: public_key(fields)?, at },
        other => return Err(not_here(other)),
    })
}
