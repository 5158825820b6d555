//! The heartbeat payload: a station's agent says it is alive and how it is doing.

use serde::{Deserialize, Serialize};

use super::{example, Kind};
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds a station sends about itself.
    pub enum StationKinds {
        Heartbeat(Heartbeat),
    }
}

/// `station.heartbeat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The agent's version, e.g. `0.1.0`.
    pub agent_version: String,
    /// Events recorded but not yet receipted by the hub.
    pub outbox_depth: u64,
    /// The station clock minus the hub's, as last measured, in milliseconds.
    pub clock_skew_ms: i64,
    /// The station, witnessing the hub's log, was shown a history inconsistent with what it saw
    /// before: what it found (sizes and positions only). Absent when all is well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_alarm: Option<String>,
}

impl Kind for Heartbeat {
    const NAME: &'static str = "station.heartbeat";

    fn example() -> Self {
        example(json!({"agent_version":"0.1.0","outbox_depth":3,"clock_skew_ms":-120}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        let ok = (1..=32).contains(&self.agent_version.len())
            && self.agent_version.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
        if !ok {
            return Err(FieldError::new("agent_version", "must be 1 to 32 characters of A-Z, a-z, 0-9, '.', '-', '+'"));
        }
        if let Some(alarm) = &self.log_alarm {
            if alarm.is_empty() || alarm.chars().count() > 300 || alarm.chars().any(char::is_control) {
                return Err(FieldError::new(
                    "log_alarm",
                    "must be 1 to 300 characters, none of them control characters",
                ));
            }
        }
        Ok(())
    }
}
