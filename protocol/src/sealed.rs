//! Forgettable fields, sealed at the station (`docs/PROTOCOL.md` section 10): each event's fields
//! that must be forgettable are encrypted with a fresh data key (XChaCha20-Poly1305), and that
//! key is wrapped to the hub's current epoch public key (HPKE, RFC 9180, base mode:
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305), all inside the signed bytes. Only
//! the hub's epoch secret opens the key; once the hub destroys its copy of an event's data key and
//! the epoch's secret, the fields are gone while the signature still verifies. No IO.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use rand::{CryptoRng, RngCore};
use uuid::Uuid;

/// HPKE's `info` for a wrapped data key.
pub const KEY_INFO: &[u8] = b"dcs.v1 sealed data key";
/// The start of every sealed field's associated data.
pub const FIELD_AAD: &[u8] = b"dcs.v1 sealed field";
/// A wrapped data key: HPKE's encapsulated key (32 bytes), then the sealed data key (32 + 16).
pub const WRAPPED_LEN: usize = 32 + 32 + 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the epoch public key is not an X25519 key")]
    BadEpochKey,
    #[error("the wrapped data key is not {WRAPPED_LEN} bytes")]
    WrappedLength,
    #[error("the data key cannot be unwrapped with this epoch's secret")]
    Unwrap,
    #[error("the sealed field is too short")]
    FieldLength,
    #[error("the sealed field cannot be opened with this data key")]
    Open,
    #[error("the opened field is not UTF-8")]
    NotText,
}

/// An epoch's public key, which stations seal to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochKey {
    pub epoch: String,
    pub public: [u8; 32],
}

/// An epoch's secret, which only the hub holds, until it destroys it.
pub struct EpochSecret {
    pub epoch: String,
    secret: <X25519HkdfSha256 as Kem>::PrivateKey,
}

impl EpochSecret {
    /// A new epoch's key pair.
    pub fn generate(epoch: &str, rng: &mut (impl CryptoRng + RngCore)) -> Self {
        let (secret, _) = X25519HkdfSha256::gen_keypair(rng);
        Self { epoch: epoch.to_string(), secret }
    }

    pub fn from_bytes(epoch: &str, bytes: &[u8; 32]) -> Result<Self, SealError> {
        let secret = <X25519HkdfSha256 as Kem>::PrivateKey::from_bytes(bytes).map_err(|_| SealError::BadEpochKey)?;
        Ok(Self { epoch: epoch.to_string(), secret })
    }

    /// The secret's 32 bytes, to keep outside the database.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes().into()
    }

    pub fn public(&self) -> EpochKey {
        let public = X25519HkdfSha256::sk_to_pk(&self.secret).to_bytes().into();
        EpochKey { epoch: self.epoch.clone(), public }
    }
}

/// An event's data key.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(pub [u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    pub fn generate(rng: &mut (impl CryptoRng + RngCore)) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self(key)
    }
}

/// Wraps the event's data key to the epoch's public key; the event id is the associated data, so
/// a wrapped key cannot be moved to another event.
pub fn wrap_key(
    epoch: &EpochKey,
    key: &DataKey,
    event: Uuid,
    rng: &mut (impl CryptoRng + RngCore),
) -> Result<Vec<u8>, SealError> {
    let public = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(&epoch.public).map_err(|_| SealError::BadEpochKey)?;
    let (enc, sealed) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256, _>(
        &OpModeS::Base,
        &public,
        KEY_INFO,
        &key.0,
        event.as_bytes(),
        rng,
    )
    .map_err(|_| SealError::BadEpochKey)?;
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Unwraps an event's data key with the epoch's secret.
pub fn unwrap_key(secret: &EpochSecret, wrapped: &[u8], event: Uuid) -> Result<DataKey, SealError> {
    if wrapped.len() != WRAPPED_LEN {
        return Err(SealError::WrappedLength);
    }
    let enc = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(&wrapped[..32]).map_err(|_| SealError::Unwrap)?;
    let key = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        &secret.secret,
        &enc,
        KEY_INFO,
        &wrapped[32..],
        event.as_bytes(),
    )
    .map_err(|_| SealError::Unwrap)?;
    Ok(DataKey(key.try_into().map_err(|_| SealError::Unwrap)?))
}

/// The associated data of a sealed field: [`FIELD_AAD`], a zero byte, the event id's 16 bytes and
/// the field's name, so that a sealed value cannot be moved to another event or field.
fn field_aad(event: Uuid, field: &str) -> Vec<u8> {
    [FIELD_AAD, &[0], event.as_bytes(), field.as_bytes()].concat()
}

/// Seals one field's text: the 24-byte nonce, then the ciphertext with its tag.
pub fn seal_field(
    key: &DataKey,
    event: Uuid,
    field: &str,
    text: &str,
    rng: &mut (impl CryptoRng + RngCore),
) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let aad = field_aad(event, field);
    let sealed = XChaCha20Poly1305::new((&key.0).into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: text.as_bytes(), aad: &aad })
        .expect("XChaCha20-Poly1305 seals any length a field has");
    [&nonce[..], &sealed].concat()
}

/// Opens one sealed field.
pub fn open_field(key: &DataKey, event: Uuid, field: &str, sealed: &[u8]) -> Result<String, SealError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(SealError::FieldLength);
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let aad = field_aad(event, field);
    let text = XChaCha20Poly1305::new((&key.0).into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
        .map_err(|_| SealError::Open)?;
    String::from_utf8(text).map_err(|_| SealError::NotText)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(7)
    }

    #[test]
    fn a_field_sealed_at_the_station_opens_only_with_the_epochs_secret_for_its_event_and_field() {
        let mut rng = rng();
        let epoch = EpochSecret::generate("2026-12", &mut rng);
        let event = Uuid::from_u128(0x01a0000e_8d30_7000_8000_000000000003);
        let key = DataKey::generate(&mut rng);
        let wrapped = wrap_key(&epoch.public(), &key, event, &mut rng).unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        let sealed = seal_field(&key, event, "description", "Karaoke sau 22 giờ", &mut rng);

        let opened = unwrap_key(&epoch, &wrapped, event).unwrap();
        assert_eq!(open_field(&opened, event, "description", &sealed).unwrap(), "Karaoke sau 22 giờ");

        let other_epoch = EpochSecret::generate("2027-01", &mut rng);
        assert_eq!(unwrap_key(&other_epoch, &wrapped, event), Err(SealError::Unwrap));
        let other_event = Uuid::from_u128(4);
        assert_eq!(unwrap_key(&epoch, &wrapped, other_event), Err(SealError::Unwrap));
        assert_eq!(open_field(&opened, other_event, "description", &sealed), Err(SealError::Open));
        assert_eq!(open_field(&opened, event, "location", &sealed), Err(SealError::Open));
        let mut changed = sealed.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert_eq!(open_field(&opened, event, "description", &changed), Err(SealError::Open));
        assert_eq!(open_field(&opened, event, "description", &sealed[..20]), Err(SealError::FieldLength));
        assert_eq!(unwrap_key(&epoch, &wrapped[1..], event), Err(SealError::WrappedLength));
    }

    #[test]
    fn an_epoch_secret_survives_its_bytes() {
        let epoch = EpochSecret::generate("2026-12", &mut rng());
        let again = EpochSecret::from_bytes("2026-12", &epoch.to_bytes()).unwrap();
        assert_eq!(again.public(), epoch.public());
    }
}
