//! Forgettable fields as payloads and domain events carry them (`docs/PROTOCOL.md` section 10.5):
//! in a station's payload a field is text in clear or `{"sealed": base64}`, with the event's
//! wrapped data key in the payload's `sealed_key`; in a domain event it is text in clear or
//! `{"sealed", "event", "field"}`, so that whoever reads it knows which event's data key opens it.
//! Neither type prints its text in `Debug` (logs never hold free text). No IO.

use std::fmt;

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use rand::{CryptoRng, RngCore};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

use crate::check::text;
use crate::sealed::{self, DataKey, EpochKey, EpochSecret, SealError, WRAPPED_LEN};
use crate::FieldError;

/// A sealed field's overhead: its nonce and tag.
const SEALED_OVERHEAD: usize = 24 + 16;

/// A forgettable field in a station's payload.
#[derive(Clone, PartialEq, Eq)]
pub enum Sealable {
    /// In clear: stations that have no epoch key yet, and events recorded before sealing.
    Clear(String),
    /// Nonce, ciphertext and tag ([`sealed::seal_field`]).
    Sealed(Vec<u8>),
}

impl fmt::Debug for Sealable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Clear(t) => write!(f, "Clear({} characters)", t.chars().count()),
            Self::Sealed(b) => write!(f, "Sealed({} bytes)", b.len()),
        }
    }
}

impl From<&str> for Sealable {
    fn from(s: &str) -> Self {
        Self::Clear(s.to_string())
    }
}

impl Sealable {
    /// Free text's checks when in clear; when sealed, a length that such a text can have.
    pub fn check(&self, field: &str, max_chars: usize) -> Result<(), FieldError> {
        match self {
            Self::Clear(t) => text(field, t, max_chars),
            Self::Sealed(b) if b.len() > SEALED_OVERHEAD && b.len() <= SEALED_OVERHEAD + 4 * max_chars => Ok(()),
            Self::Sealed(_) => Err(FieldError::new(field, "the sealed value's length does not fit the field")),
        }
    }

    pub fn is_sealed(&self) -> bool {
        matches!(self, Self::Sealed(_))
    }

    /// The domain's form: a sealed value learns the event and field whose data key opens it.
    pub fn into_text(self, event: Uuid, field: &str) -> Text {
        match self {
            Self::Clear(t) => Text::Clear(t),
            Self::Sealed(sealed) => Text::Sealed { event, field: field.to_string(), sealed },
        }
    }
}

/// A forgettable field in a domain event (and so in the log, the read models and every export).
#[derive(Clone, PartialEq, Eq)]
pub enum Text {
    Clear(String),
    Sealed { event: Uuid, field: String, sealed: Vec<u8> },
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Clear(t) => write!(f, "Clear({} characters)", t.chars().count()),
            Self::Sealed { event, field, .. } => write!(f, "Sealed({event}, {field})"),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::Clear(s.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self::Clear(s)
    }
}

impl Text {
    /// The text, when it is in clear.
    pub fn clear(&self) -> Option<&str> {
        match self {
            Self::Clear(t) => Some(t),
            Self::Sealed { .. } => None,
        }
    }

    /// The event whose data key opens it, when sealed.
    pub fn sealed_by(&self) -> Option<Uuid> {
        match self {
            Self::Clear(_) => None,
            Self::Sealed { event, .. } => Some(*event),
        }
    }

    /// The text, opened with its event's data key when sealed.
    pub fn open(&self, key: &DataKey) -> Result<String, SealError> {
        match self {
            Self::Clear(t) => Ok(t.clone()),
            Self::Sealed { event, field, sealed } => sealed::open_field(key, *event, field, sealed),
        }
    }
}

/// The event's data key wrapped to an epoch's public key: the payload's `sealed_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedKey {
    /// The epoch whose public key the data key is wrapped to (`2026-12`).
    pub epoch: String,
    /// HPKE's encapsulated key and the sealed data key, 80 bytes in standard base64.
    #[serde(with = "base64_bytes")]
    pub wrapped: Vec<u8>,
}

impl SealedKey {
    /// An epoch name (1–32 of `A-Za-z0-9-_.`) and a wrapped key of the right length; the key is
    /// present exactly when some field is sealed.
    pub fn check(key: &Option<Self>, fields: &[&Sealable]) -> Result<(), FieldError> {
        Self::check_sealed(key, fields.iter().any(|f| f.is_sealed()))
    }

    /// [`SealedKey::check`] for a payload in which something is `sealed` or not (its resident's
    /// ID, say).
    pub fn check_sealed(key: &Option<Self>, sealed: bool) -> Result<(), FieldError> {
        match key {
            None if sealed => Err(FieldError::new("sealed_key", "required when a field is sealed")),
            None => Ok(()),
            Some(_) if !sealed => Err(FieldError::new("sealed_key", "only when a field is sealed")),
            Some(k) => {
                let name_ok = !k.epoch.is_empty()
                    && k.epoch.len() <= 32
                    && k.epoch.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
                if !name_ok {
                    return Err(FieldError::new("sealed_key.epoch", "must be 1 to 32 of A-Z, a-z, 0-9, '-', '_', '.'"));
                }
                if k.wrapped.len() != WRAPPED_LEN {
                    return Err(FieldError::new("sealed_key.wrapped", format!("must be {WRAPPED_LEN} bytes")));
                }
                Ok(())
            }
        }
    }
}

/// One event's sealing: a fresh data key, wrapped to the hub's epoch key, with which the
/// payload's forgettable fields and its resident's ID (section 11) are sealed.
pub struct Sealer {
    key: DataKey,
    sealed_key: SealedKey,
    event: Uuid,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealer({}, epoch {})", self.event, self.sealed_key.epoch)
    }
}

impl Sealer {
    pub fn new(epoch: &EpochKey, event: Uuid, rng: &mut (impl CryptoRng + RngCore)) -> Result<Self, SealError> {
        let key = DataKey::generate(rng);
        let wrapped = sealed::wrap_key(epoch, &key, event, rng)?;
        Ok(Self { key, sealed_key: SealedKey { epoch: epoch.epoch.clone(), wrapped }, event })
    }

    /// One field's text sealed under the event's data key.
    pub fn seal(&self, field: &str, clear: &str, rng: &mut (impl CryptoRng + RngCore)) -> Vec<u8> {
        sealed::seal_field(&self.key, self.event, field, clear, rng)
    }

    /// Seals the payload's `fields` that are text in clear and adds `sealed_key` when anything in
    /// it is sealed (a sealed resident included). Returns whether it did.
    pub fn seal_payload(&self, fields: &[&str], payload: &mut Value, rng: &mut (impl CryptoRng + RngCore)) -> bool {
        let Some(members) = payload.as_object_mut() else { return false };
        for field in fields {
            let clear = members.get(*field).and_then(Value::as_str).map(str::to_string);
            if let Some(clear) = clear {
                let sealed = self.seal(field, &clear, rng);
                members.insert(field.to_string(), serde_json::json!({"sealed": B64.encode(sealed)}));
            }
        }
        let sealed_field = fields.iter().any(|f| members.get(*f).is_some_and(|v| v.get("sealed").is_some()));
        let sealed_resident = members.get("citizen").is_some_and(|c| c.get("sealed_id").is_some());
        if !(sealed_field || sealed_resident) {
            return false;
        }
        members.insert("sealed_key".into(), serde_json::to_value(&self.sealed_key).expect("a sealed key is JSON"));
        true
    }
}

/// Seals a payload's forgettable `fields` that are text in clear, with a fresh data key wrapped to
/// `epoch`, and adds `sealed_key`. Returns whether anything was sealed (a payload with none of
/// the fields stays as it is).
pub fn seal_payload(
    fields: &[&str],
    payload: &mut Value,
    epoch: &EpochKey,
    event: Uuid,
    rng: &mut (impl CryptoRng + RngCore),
) -> Result<bool, SealError> {
    let present = payload.as_object().is_some_and(|m| fields.iter().any(|f| m.get(*f).is_some_and(Value::is_string)));
    if !present {
        return Ok(false);
    }
    Ok(Sealer::new(epoch, event, rng)?.seal_payload(fields, payload, rng))
}

/// Why a sealed payload could not be opened on ingest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("sealed_key.epoch: the hub holds no secret of epoch {0:?}")]
    UnknownEpoch(String),
    #[error("sealed_key.wrapped: {0}")]
    Key(SealError),
    #[error("payload.{0}: {1}")]
    Field(String, SealError),
}

/// The payload's data key and the payload with its sealed `fields` opened (and no `sealed_key`
/// unless its resident's ID stays sealed: that is the hub's to open, section 11),
/// for the hub to check the text; `None` when nothing in it is sealed. `secret` finds an epoch's
/// secret by name.
pub fn open_payload<'a>(
    fields: &[&str],
    payload: &Value,
    event: Uuid,
    secret: impl Fn(&str) -> Option<&'a EpochSecret>,
) -> Result<Option<(DataKey, Value)>, OpenError> {
    let Some(key) = payload.get("sealed_key") else { return Ok(None) };
    let key: SealedKey = serde_json::from_value(key.clone()).map_err(|_| OpenError::Key(SealError::WrappedLength))?;
    let epoch = secret(&key.epoch).ok_or_else(|| OpenError::UnknownEpoch(key.epoch.clone()))?;
    let data_key = sealed::unwrap_key(epoch, &key.wrapped, event).map_err(OpenError::Key)?;
    let mut clear = payload.clone();
    let members = clear.as_object_mut().expect("a payload with a sealed key is an object");
    if members.get("citizen").is_none_or(|c| c.get("sealed_id").is_none()) {
        members.remove("sealed_key");
    }
    for field in fields {
        let Some(sealed) = members.get(*field).and_then(|v| v.get("sealed")).and_then(Value::as_str) else { continue };
        let bytes = B64.decode(sealed).map_err(|_| OpenError::Field(field.to_string(), SealError::FieldLength))?;
        let text =
            sealed::open_field(&data_key, event, field, &bytes).map_err(|e| OpenError::Field(field.to_string(), e))?;
        members.insert(field.to_string(), Value::String(text));
    }
    Ok(Some((data_key, clear)))
}

pub(crate) mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(s.as_bytes()).map_err(|_| de::Error::custom("must be standard base64"))
    }
}

impl Serialize for Sealable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Clear(t) => s.serialize_str(t),
            Self::Sealed(b) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("sealed", &B64.encode(b))?;
                map.end()
            }
        }
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Clear(t) => s.serialize_str(t),
            Self::Sealed { event, field, sealed } => {
                let mut map = s.serialize_map(Some(3))?;
                map.serialize_entry("sealed", &B64.encode(sealed))?;
                map.serialize_entry("event", event)?;
                map.serialize_entry("field", field)?;
                map.end()
            }
        }
    }
}

/// Text, or an object with `sealed` (and, for [`Text`], `event` and `field`).
struct Form {
    domain: bool,
}

enum Read {
    Clear(String),
    Sealed(Vec<u8>, Option<Uuid>, Option<String>),
}

impl<'de> Visitor<'de> for Form {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.domain {
            f.write_str(r#"text, or {"sealed": base64, "event": uuid, "field": name}"#)
        } else {
            f.write_str(r#"text, or {"sealed": base64}"#)
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Read, E> {
        Ok(Read::Clear(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Read, E> {
        Ok(Read::Clear(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let (mut sealed, mut event, mut field) = (None, None, None);
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "sealed" if sealed.is_none() => {
                    let s: String = map.next_value()?;
                    sealed = Some(
                        B64.decode(s.as_bytes()).map_err(|_| de::Error::custom("sealed: must be standard base64"))?,
                    );
                }
                "event" if self.domain && event.is_none() => event = Some(map.next_value::<Uuid>()?),
                "field" if self.domain && field.is_none() => field = Some(map.next_value::<String>()?),
                other => return Err(de::Error::custom(format!("unexpected member `{other}` in a sealed value"))),
            }
        }
        let sealed = sealed.ok_or_else(|| de::Error::missing_field("sealed"))?;
        Ok(Read::Sealed(sealed, event, field))
    }
}

impl<'de> Deserialize<'de> for Sealable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(Form { domain: false })? {
            Read::Clear(t) => Ok(Self::Clear(t)),
            Read::Sealed(b, _, _) => Ok(Self::Sealed(b)),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(Form { domain: true })? {
            Read::Clear(t) => Ok(Self::Clear(t)),
            Read::Sealed(sealed, Some(event), Some(field)) => Ok(Self::Sealed { event, field, sealed }),
            Read::Sealed(..) => Err(de::Error::custom("a sealed text names its `event` and `field`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_payload_sealed_at_the_station_opens_at_the_hub_and_its_domain_text_opens_with_the_data_key() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let epoch = EpochSecret::generate("2026-12", &mut rng);
        let event = Uuid::from_u128(0x01a0000e_8d30_7000_8000_000000000003);
        let clear = json!({"category": "noise", "severity": "low", "location": "Tháp A", "description": "Karaoke"});
        let mut payload = clear.clone();
        assert!(seal_payload(&["location", "description"], &mut payload, &epoch.public(), event, &mut rng).unwrap());
        assert!(payload["description"]["sealed"].is_string(), "{payload}");
        assert!(!payload.to_string().contains("Karaoke"), "no clear text left");

        let (key, opened) =
            open_payload(&["location", "description"], &payload, event, |e| (e == "2026-12").then_some(&epoch))
                .unwrap()
                .unwrap();
        assert_eq!(opened, clear);

        let field: Sealable = serde_json::from_value(payload["description"].clone()).unwrap();
        field.check("description", 2000).unwrap();
        let text = field.into_text(event, "description");
        let stored: Text = serde_json::from_value(serde_json::to_value(&text).unwrap()).unwrap();
        assert_eq!(stored.open(&key).unwrap(), "Karaoke");
        assert_eq!(format!("{stored:?}"), format!("Sealed({event}, description)"));
        assert_eq!(
            open_payload(&["description"], &payload, event, |_| None),
            Err(OpenError::UnknownEpoch("2026-12".into()))
        );
        let other = Uuid::from_u128(9);
        assert!(matches!(open_payload(&["description"], &payload, other, |_| Some(&epoch)), Err(OpenError::Key(_))));
    }

    #[test]
    fn clear_text_reads_as_before_and_a_malformed_sealed_value_names_what_is_wrong() {
        let text: Text = serde_json::from_value(json!("Karaoke")).unwrap();
        assert_eq!(text.clear(), Some("Karaoke"));
        assert_eq!(serde_json::to_value(&text).unwrap(), json!("Karaoke"));
        assert_eq!(format!("{text:?}"), "Clear(7 characters)");
        let err = serde_json::from_value::<Sealable>(json!({"sealed": "!!"})).unwrap_err().to_string();
        assert!(err.contains("base64"), "{err}");
        let err = serde_json::from_value::<Sealable>(json!({"sealed": "AAAA", "x": 1})).unwrap_err().to_string();
        assert!(err.contains("`x`"), "{err}");
        let err = serde_json::from_value::<Text>(json!({"sealed": "AAAA"})).unwrap_err().to_string();
        assert!(err.contains("event"), "{err}");
        assert!(Sealable::Sealed(vec![0; 41]).check("description", 10).is_ok());
        assert_eq!(Sealable::Sealed(vec![0; 40]).check("description", 10).unwrap_err().field, "description");
        assert_eq!(Sealable::Sealed(vec![0; 81]).check("description", 10).unwrap_err().field, "description");
        let key = SealedKey { epoch: "2026-12".into(), wrapped: vec![0; 80] };
        assert!(SealedKey::check(&Some(key.clone()), &[&Sealable::Sealed(vec![0; 50])]).is_ok());
        assert_eq!(SealedKey::check(&None, &[&Sealable::Sealed(vec![0; 50])]).unwrap_err().field, "sealed_key");
        assert_eq!(SealedKey::check(&Some(key), &[&Sealable::from("x")]).unwrap_err().field, "sealed_key");
    }
}
