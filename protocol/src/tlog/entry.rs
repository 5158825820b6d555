//! The bytes of one entry of the audit log, made once by the hub when it appends the entry and
//! kept as bytes (never re-serialised): a JSON object with the entry's position, its commit time,
//! its aggregate, the domain event and its metadata, and for a station's event the bytes the
//! station signed with the signature. `docs/AUDIT.md` specifies it.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::tile::MAX_ENTRY_BYTES;

/// The format's version, the entry's first member.
pub const ENTRY_VERSION: u8 = 1;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// Always [`ENTRY_VERSION`].
    pub dcs_entry: u8,
    /// The entry's global position; its leaf index in the tree is `position - 1`.
    pub position: i64,
    /// When the transaction that appended it was committed (UTC, microseconds).
    pub committed_at: DateTime<Utc>,
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub aggregate_seq: i64,
    pub event_type: String,
    pub event_version: i32,
    /// The domain event.
    pub payload: serde_json::Value,
    /// Actor, station, ward, source event, as recorded.
    pub metadata: serde_json::Value,
    pub station: Option<String>,
    pub ward: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// For a station's event: the bytes it signed and its signature.
    pub signed: Option<SignedBytes>,
}

/// A station's signed bytes, both in standard base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedBytes {
    #[serde(with = "b64")]
    pub bytes: Vec<u8>,
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error(
        "the entry at position {position} would be {len} bytes, more than the {MAX_ENTRY_BYTES} a tile bundle holds"
    )]
    TooLarge { position: i64, len: usize },
    #[error("the entry is not a version 1 DCS entry: {0}")]
    Malformed(String),
}

impl AuditEntry {
    /// The entry's bytes, at most [`MAX_ENTRY_BYTES`].
    pub fn encode(&self) -> Result<Vec<u8>, EntryError> {
        let bytes = serde_json::to_vec(self).expect("an entry serialises");
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge { position: self.position, len: bytes.len() });
        }
        Ok(bytes)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        let e: Self = serde_json::from_slice(bytes).map_err(|e| EntryError::Malformed(e.to_string()))?;
        if e.dcs_entry != ENTRY_VERSION {
            return Err(EntryError::Malformed(format!("dcs_entry is {}", e.dcs_entry)));
        }
        Ok(e)
    }
}

pub(crate) mod b64 {
    use super::*;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            dcs_entry: ENTRY_VERSION,
            position: 7,
            committed_at: "2025-10-10T02:15:00.500Z".parse().unwrap(),
            event_id: Uuid::nil(),
            aggregate_type: "payment".into(),
            aggregate_id: "p-1".into(),
            aggregate_seq: 1,
            event_type: "PaymentMade".into(),
            event_version: 1,
            payload: serde_json::json!({"amount": 1000}),
            metadata: serde_json::json!({"station": "st-1"}),
            station: Some("st-1".into()),
            ward: Some("27097".into()),
            occurred_at: "2025-10-10T02:15:00Z".parse().unwrap(),
            signed: Some(SignedBytes { bytes: b"{}".to_vec(), signature: vec![1; 64] }),
        }
    }

    #[test]
    fn an_entry_round_trips_through_its_bytes() {
        let e = entry();
        let bytes = e.encode().unwrap();
        assert!(bytes.starts_with(b"{\"dcs_entry\":1,\"position\":7,"), "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(AuditEntry::decode(&bytes).unwrap(), e);
    }

    #[test]
    fn an_entry_too_large_for_a_bundle_is_refused() {
        let mut e = entry();
        e.payload = serde_json::json!({"text": "a".repeat(MAX_ENTRY_BYTES)});
        assert!(matches!(e.encode(), Err(EntryError::TooLarge { position: 7, .. })));
    }
}
