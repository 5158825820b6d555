//! The signed event bytes of protocol v1: how a station builds them and how the hub reads them.
//! The hub parses the bytes it received and keeps them as they are; it never re-serialises them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::chain::ChainHash;
use crate::{FieldError, StationId, WardCode};

/// Events larger than this are refused: a station event is a form, not a file. The bound leaves
/// room for the event, in base64, and the domain event derived from it in one audit-log entry
/// (at most 65,535 bytes, `tlog::tile::MAX_ENTRY_BYTES`).
pub const MAX_EVENT_BYTES: usize = 24 * 1024;

/// The largest message the NATS streams take: above [`MAX_EVENT_BYTES`], so that an oversized
/// event reaches the hub and is dead-lettered with its reason rather than lost at the broker.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 + 1024;

/// What a station serialises and signs. Field order is the order of the bytes it produces; the hub
/// accepts any order, since it reads the bytes as JSON and verifies the signature over them as sent.
#[derive(Debug, Serialize)]
pub struct UnsignedEvent<'a> {
    pub v: u8,
    pub id: Uuid,
    pub station: &'a str,
    pub ward: &'a str,
    pub seq: u64,
    pub prev: String,
    pub time: String,
    pub kind: &'a str,
    pub schema: u16,
    pub payload: &'a serde_json::Value,
}

impl UnsignedEvent<'_> {
    /// The station's clock time as written in events: RFC 3339, UTC, milliseconds, `Z`.
    pub fn format_time(at: DateTime<Utc>) -> String {
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    /// The exact bytes: compact UTF-8 JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an event always serialises")
    }
}

/// The hub's reading of event bytes, every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub id: Uuid,
    pub station: StationId,
    pub ward: WardCode,
    pub seq: u64,
    pub prev: ChainHash,
    pub time: DateTime<Utc>,
    pub kind: String,
    pub schema: u16,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("event is {0} bytes, more than the {MAX_EVENT_BYTES} allowed")]
    TooLarge(usize),
    #[error("event is not valid protocol v1 JSON: {0}")]
    Json(String),
    #[error("{0}")]
    Field(#[from] FieldError),
}

impl EnvelopeError {
    /// The field at fault, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Field(f) => Some(&f.field),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u8,
    id: String,
    station: String,
    ward: String,
    seq: u64,
    prev: String,
    time: String,
    kind: String,
    schema: u16,
    payload: serde_json::Value,
}

impl Envelope {
    /// Reads event bytes. Checks structure and every envelope field; the payload is checked
    /// separately against its kind and schema (see `kinds`).
    pub fn parse(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(EnvelopeError::TooLarge(bytes.len()));
        }
        let de = &mut serde_json::Deserializer::from_slice(bytes);
        let wire: Wire = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                EnvelopeError::Json(e.into_inner().to_string())
            } else {
                EnvelopeError::Field(FieldError::new(path, e.into_inner().to_string()))
            }
        })?;
        if wire.v != super::VERSION {
            return Err(
                FieldError::new("v", format!("protocol version {} is not supported (expected 1)", wire.v)).into()
            );
        }
        let id = Uuid::parse_str(&wire.id)
            .ok()
            .filter(|id| id.get_version_num() == 7 && wire.id == id.hyphenated().to_string())
            .ok_or_else(|| FieldError::new("id", "must be a lowercase hyphenated UUIDv7"))?;
        let station = StationId::parse(&wire.station)?;
        let ward = WardCode::parse(&wire.ward)?;
        if wire.seq == 0 {
            return Err(FieldError::new("seq", "sequence numbers start at 1").into());
        }
        let prev = ChainHash::from_hex(&wire.prev)
            .ok_or_else(|| FieldError::new("prev", "must be 64 lowercase hex digits"))?;
        let time = DateTime::parse_from_rfc3339(&wire.time)
            .map_err(|_| FieldError::new("time", "must be an RFC 3339 timestamp, e.g. 2025-10-10T02:15:00.000Z"))?
            .with_timezone(&Utc);
        let kind_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.';
        if wire.kind.is_empty() || wire.kind.len() > 64 || !wire.kind.chars().all(kind_chars) {
            return Err(FieldError::new("kind", "must be 1 to 64 of a-z, 0-9, `_` and `.`").into());
        }
        crate::check::nul_free(&wire.payload, "payload")?;
        if wire.schema == 0 {
            return Err(FieldError::new("schema", "schema versions start at 1").into());
        }
        Ok(Self {
            id,
            station,
            ward,
            seq: wire.seq,
            prev,
            time,
            kind: wire.kind,
            schema: wire.schema,
            payload: wire.payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GENESIS;

    fn sample(payload: &serde_json::Value) -> Vec<u8> {
        UnsignedEvent {
            v: 1,
            id: Uuid::now_v7(),
            station: "st-27097-diamond-island",
            ward: "27097",
            seq: 1,
            prev: GENESIS.to_hex(),
            time: UnsignedEvent::format_time(Utc::now()),
            kind: "security_report.filed",
            schema: 1,
            payload,
        }
        .to_bytes()
    }

    #[test]
    fn a_station_event_parses_back_to_its_fields() {
        let payload = serde_json::json!({"a": 1});
        let env = Envelope::parse(&sample(&payload)).unwrap();
        assert_eq!(env.seq, 1);
        assert_eq!(env.ward.as_str(), "27097");
        assert_eq!(env.prev, GENESIS);
        assert_eq!(env.payload, payload);
    }

    #[test]
    fn errors_name_the_field() {
        let bytes = sample(&serde_json::json!({}));
        let text = String::from_utf8(bytes).unwrap();
        let cases = [
            (text.replace("\"27097\"", "\"99999\""), "ward"),
            (text.replace("\"seq\":1", "\"seq\":0"), "seq"),
            (text.replace("\"seq\":1", "\"seq\":\"1\""), "seq"),
            (text.replace("\"schema\":1", "\"schema\":1,\"extra\":2"), "."),
        ];
        for (bad, field) in cases {
            let err = Envelope::parse(bad.as_bytes()).unwrap_err();
            match field {
                "." => assert!(matches!(err, EnvelopeError::Json(_)) || err.field().is_some(), "{err}"),
                f => assert_eq!(err.field(), Some(f), "{err}"),
            }
        }
        assert!(matches!(Envelope::parse(b"not json"), Err(EnvelopeError::Json(_))));
    }

    #[test]
    fn a_uuid_that_is_not_v7_is_refused() {
        let bytes = sample(&serde_json::json!({}));
        let text = String::from_utf8(bytes).unwrap();
        let env = Envelope::parse(text.as_bytes()).unwrap();
        let v4 = Uuid::new_v4().to_string();
        let bad = text.replace(&env.id.to_string(), &v4);
        assert_eq!(Envelope::parse(bad.as_bytes()).unwrap_err().field(), Some("id"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any bytes at all: an envelope or an error, never a panic.
        #[test]
        fn any_bytes_parse_to_an_envelope_or_an_error(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = Envelope::parse(&b);
        }

        /// Any JSON text in place of any envelope member: an error that names a field, or an envelope.
        #[test]
        fn odd_members_are_refused_by_name(member in "[a-z]{1,8}", text in ".{0,60}") {
            let mut v = serde_json::json!({"v":1,"id":"01a0000a-e9c0-7000-8000-000000000001","station":"st-27097-a","ward":"27097",
                "seq":1,"prev":"0".repeat(64),"time":"2025-10-10T02:15:00.000Z","kind":"payment.made","schema":1,"payload":{}});
            v[member.as_str()] = serde_json::Value::String(text);
            if let Err(EnvelopeError::Field(f)) = Envelope::parse(&serde_json::to_vec(&v).unwrap()) {
                proptest::prop_assert!(!f.field.contains('\0'));
            }
        }
    }
}
