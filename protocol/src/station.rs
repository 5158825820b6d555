//! Station identifiers: short, lowercase and safe as a NATS subject token, so that a station's
//! subjects (and so its permissions) can be derived from its id.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StationId(String);

impl StationId {
    /// 3 to 64 characters of `a-z`, `0-9` and `-`, starting with a letter or digit.
    pub fn parse(id: &str) -> Result<Self, FieldError> {
        let ok_len = (3..=64).contains(&id.len());
        let ok_chars = id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_start = id.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if ok_len && ok_chars && ok_start {
            Ok(Self(id.to_string()))
        } else {
            Err(FieldError::new("station", format!("`{id}` is not a station id (3-64 characters of a-z, 0-9 and -)")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StationId {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<StationId> for String {
    fn from(value: StationId) -> Self {
        value.0
    }
}

impl fmt::Display for StationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_unsafe_ids_are_refused() {
        assert!(StationId::parse("st-27097-diamond-island").is_ok());
        for bad in ["", "ab", "Upper", "a.b.c", "a*b", "a b", "-lead", "x>"] {
            assert!(StationId::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
