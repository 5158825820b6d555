//! Enrollment on the wire: what a station sends to `POST /api/v1/stations/{id}/enrollment` to
//! register its key with the one-time code from the rollout plan, and what the hub answers.

use serde::{Deserialize, Serialize};

/// What the station sends to `POST /api/v1/stations/{id}/enrollment`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    pub ward_code: String,
    pub building: String,
    /// 64 hex digits.
    pub public_key: String,
    pub enrollment_code: String,
    /// The station's own NATS user public nkey (`U…`); it keeps the seed. A hub whose NATS
    /// authenticates clients answers with a user JWT for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nats_user_key: Option<String>,
}

/// The hub's answer to an enrollment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrollmentAnswer {
    pub station_id: String,
    pub status: String,
    /// The hub's Ed25519 public key (64 hex digits): receipts and lookup answers are signed with
    /// it, and the station believes none that does not verify.
    pub hub_key: String,
    /// The station's NATS user JWT (publish its events and lookups, subscribe to its receipts and
    /// inbox `_INBOX_{station}`), when the hub's NATS authenticates clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nats_jwt: Option<String>,
    /// The hub's current epoch public key: the station seals forgettable fields to it
    /// (`docs/PROTOCOL.md` section 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_key: Option<EpochPublicKey>,
}

/// An epoch's public key on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochPublicKey {
    /// `2026-12`.
    pub epoch: String,
    /// The X25519 public key, 64 hex digits.
    pub public: String,
}

impl EpochPublicKey {
    pub fn of(key: &crate::sealed::EpochKey) -> Self {
        Self { epoch: key.epoch.clone(), public: hex::encode(key.public) }
    }

    /// The key, if its hex is 32 bytes.
    pub fn key(&self) -> Option<crate::sealed::EpochKey> {
        let mut public = [0u8; 32];
        hex::decode_to_slice(&self.public, &mut public).ok()?;
        Some(crate::sealed::EpochKey { epoch: self.epoch.clone(), public })
    }
}
