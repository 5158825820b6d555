//! The hub's receipt for a station event: only when it arrives may the station forget the event.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the hub did with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// In the central log at `position`.
    Accepted,
    /// Authentic and in sequence, so it advanced the station's chain, but its payload or the
    /// command it carried was refused; kept in the dead-letter table with `reason`. Do not resend.
    Rejected,
    /// Authentic but out of chain (a reused sequence number, a wrong `prev`): the station needs an
    /// operator. Kept in the dead-letter table with `reason`. Do not resend.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub v: u8,
    pub event: Uuid,
    pub station: String,
    pub seq: u64,
    pub status: ReceiptStatus,
    /// Global log position of the event (accepted only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The chain hash the hub computed over the bytes it received.
    pub chain: String,
    /// Machine-readable reason (rejected and refused only), e.g. `invalid_payload`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable detail (rejected and refused only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When the hub recorded the outcome.
    pub at: DateTime<Utc>,
}

/// A station asking which of its events the hub already has (after a restart or a lost receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupRequest {
    pub events: Vec<Uuid>,
    /// The station witnessing the log (`docs/AUDIT.md` section 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<crate::tlog::witness::WitnessRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LookupReply {
    /// Receipts for the events the hub has an outcome for; the others it has not seen.
    pub receipts: Vec<Receipt>,
    /// The latest checkpoint with its proofs, when the station witnesses the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<crate::tlog::witness::WitnessReply>,
    /// The hub's current epoch public key (`docs/PROTOCOL.md` section 10): a station that holds
    /// another seals to this one from now on. This is how rotation reaches stations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_key: Option<crate::enrollment::EpochPublicKey>,
}

/// What the hub sends a station, sealed: the exact JSON bytes of a [`Receipt`] or a
/// [`LookupReply`] and the hub's Ed25519 signature over them (on NATS, the body and the
/// `Dcs-Signature` header). A station opens it with the hub's public key, received at enrollment,
/// before it believes a word of it: only then may it forget an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub bytes: Vec<u8>,
    pub signature: [u8; 64],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the hub's signature does not verify: {0}")]
    Signature(#[from] crate::SignatureError),
    #[error("the signed bytes are not what they should be: {0}")]
    Json(String),
}

impl Sealed {
    pub fn seal<T: Serialize>(value: &T, hub_key: &ed25519_dalek::SigningKey) -> Self {
        let bytes = serde_json::to_vec(value).expect("receipts serialise");
        let signature = crate::sign(hub_key, &bytes);
        Self { bytes, signature }
    }

    /// Reads what arrived: the body, and the signature header (128 hex digits).
    pub fn from_wire(bytes: &[u8], signature: Option<&str>) -> Result<Self, SealError> {
        let signature = crate::signing::parse_signature_hex(signature.unwrap_or_default())?;
        Ok(Self { bytes: bytes.to_vec(), signature })
    }

    pub fn signature_hex(&self) -> String {
        hex::encode(self.signature)
    }

    /// The value, if the hub's key signed exactly these bytes.
    pub fn open<T: DeserializeOwned>(&self, hub_key: &[u8; 32]) -> Result<T, SealError> {
        crate::verify(hub_key, &self.bytes, &self.signature)?;
        serde_json::from_slice(&self.bytes).map_err(|e| SealError::Json(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> Receipt {
        Receipt {
            v: 1,
            event: Uuid::parse_str("01a0000a-e9c0-7000-8000-000000000001").unwrap(),
            station: "st-27097-diamond-island".into(),
            seq: 1,
            status: ReceiptStatus::Accepted,
            position: Some(1),
            chain: "86e5382819255e8cd47092642ff334ad306198e5a8d2c1d072a872a6e91e137e".into(),
            reason: None,
            detail: None,
            at: "2025-10-10T02:15:00.5Z".parse().unwrap(),
        }
    }

    #[test]
    fn a_sealed_receipt_opens_only_with_the_hubs_key_and_unaltered() {
        let hub = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let sealed = Sealed::seal(&receipt(), &hub);
        let key = hub.verifying_key().to_bytes();
        assert_eq!(sealed.open::<Receipt>(&key).unwrap(), receipt());
        let forger = ed25519_dalek::SigningKey::from_bytes(&[10; 32]);
        assert!(sealed.open::<Receipt>(&forger.verifying_key().to_bytes()).is_err());
        let mut altered = sealed.clone();
        altered.bytes =
            String::from_utf8(altered.bytes).unwrap().replace("\"position\":1", "\"position\":999999").into_bytes();
        assert!(matches!(altered.open::<Receipt>(&key), Err(SealError::Signature(_))));
        let wire = Sealed::from_wire(&sealed.bytes, Some(&sealed.signature_hex())).unwrap();
        assert_eq!(wire, sealed);
        assert!(Sealed::from_wire(&sealed.bytes, None).is_err());
    }
}

#[cfg(test)]
mod vector {
    /// The receipt test vector of `docs/PROTOCOL.md` §Receipts.
    #[test]
    fn the_documented_sealed_receipt_is_the_one_the_code_makes() {
        let doc = include_str!("../../docs/PROTOCOL.md");
        let hub = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let receipt: super::Receipt = serde_json::from_str(
            r#"{"v":1,"event":"01a0000a-e9c0-7000-8000-000000000001","station":"st-27097-diamond-island","seq":1,"status":"accepted","position":1,"chain":"86e5382819255e8cd47092642ff334ad306198e5a8d2c1d072a872a6e91e137e","at":"2025-10-10T02:15:00.500Z"}"#,
        )
        .unwrap();
        let sealed = super::Sealed::seal(&receipt, &hub);
        let body = String::from_utf8(sealed.bytes.clone()).unwrap();
        let public = hex::encode(hub.verifying_key().to_bytes());
        let expected = format!("hub public key: {public}\nbody: {body}\nDcs-Signature: {}\n", sealed.signature_hex());
        assert!(doc.contains(&expected), "docs/PROTOCOL.md must hold:\n{expected}");
    }
}
