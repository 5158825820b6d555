//! Staff requests: a JSON body `{"command": "<Name>", ...fields}` read into a command on one
//! aggregate type, with the time of the request injected as the command's `at`. Commands that
//! only a station may issue (`SubmitDossier`, `RecordHeartbeat`, ...) are not staff commands.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::any::read_staff_command;
use super::*;
use protocol::check::{read, text};
use protocol::FieldError;

/// Reads a staff request body into a command. Errors name the field at fault: `aggregate_type`,
/// `command`, or the command's own field (`officer`, `reason`, `citizen.pseudonym`, ...).
pub fn staff_command(aggregate_type: &str, body: &Value, at: DateTime<Utc>) -> Result<AnyCommand, FieldError> {
    if !aggregate_types().contains(&aggregate_type) {
        return Err(FieldError::new(
            "aggregate_type",
            format!("`{aggregate_type}` is not an aggregate type ({})", aggregate_types().join(", ")),
        ));
    }
    let accepted = staff_commands(aggregate_type);
    let listing = || match accepted {
        [] => format!("there are no staff commands on a {aggregate_type}"),
        names => format!("one of {}", names.join(", ")),
    };
    let Some(name) = body.get("command").and_then(Value::as_str) else {
        return Err(FieldError::new("command", format!("the body must name its command: {}", listing())));
    };
    if !accepted.contains(&name) {
        return Err(FieldError::new(
            "command",
            format!("`{name}` is not a staff command on a {aggregate_type}: {}", listing()),
        ));
    }
    let mut fields = body.as_object().cloned().unwrap_or_default();
    fields.remove("command");
    let fields = Value::Object(fields);
    read_staff_command(aggregate_type, name, &fields, at)
}

/// A command's fields read as a typed form; errors name the field.
pub(crate) fn fields_of<T: DeserializeOwned>(fields: &Value) -> Result<T, FieldError> {
    read(fields, None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFields {}

/// A command that takes no fields (beyond its name).
pub(crate) fn no_fields(fields: &Value) -> Result<(), FieldError> {
    fields_of::<NoFields>(fields).map(|NoFields {}| ())
}

/// A command whose one field is the text `name`, at most `max_chars` long.
pub(crate) fn text_field(fields: &Value, name: &str, max_chars: usize) -> Result<String, FieldError> {
    let map = fields.as_object().cloned().unwrap_or_default();
    if let Some(other) = map.keys().find(|k| *k != name) {
        return Err(FieldError::new(other.as_str(), format!("is not a field of this command (it takes `{name}`)")));
    }
    let Some(value) = map.get(name) else {
        return Err(FieldError::new(name, "is required"));
    };
    let Some(value) = value.as_str() else {
        return Err(FieldError::new(name, "must be a string"));
    };
    text(name, value, max_chars)?;
    Ok(value.to_string())
}

/// A command name an aggregate's reader was given but does not know (the lists prevent it).
pub(crate) fn not_here(name: &str) -> FieldError {
    FieldError::new("command", format!("`{name}` is not a staff command here"))
}

#[cfg(test)]
mod tests;
