//! The hub's key-encryption key (KEK): 32 bytes kept in a file outside the database. It seals
//! what the hub's key table holds, each event's data key and each epoch's secret, with
//! XChaCha20-Poly1305, bound to the event id or the epoch's name; so a copy of the database alone
//! opens nothing. No IO.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{CryptoRng, RngCore};
use uuid::Uuid;

use crate::sealed::{DataKey, EpochSecret, SealError};

const DATA_KEY_AAD: &[u8] = b"dcs.v1 key table data key";
const EPOCH_AAD: &[u8] = b"dcs.v1 key table epoch secret";

/// The key-encryption key.
#[derive(Clone)]
pub struct Kek([u8; 32]);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(…)")
    }
}

impl Kek {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate(rng: &mut (impl CryptoRng + RngCore)) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self(key)
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    fn seal(&self, aad: &[u8], plain: &[u8], rng: &mut (impl CryptoRng + RngCore)) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rng.fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new((&self.0).into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
            .expect("XChaCha20-Poly1305 seals 32 bytes");
        [&nonce[..], &sealed].concat()
    }

    fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<[u8; 32], SealError> {
        if sealed.len() != 24 + 32 + 16 {
            return Err(SealError::FieldLength);
        }
        let (nonce, ciphertext) = sealed.split_at(24);
        let plain = XChaCha20Poly1305::new((&self.0).into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad })
            .map_err(|_| SealError::Open)?;
        plain.try_into().map_err(|_| SealError::Open)
    }

    /// An event's data key as the key table keeps it.
    pub fn seal_data_key(&self, key: &DataKey, event: Uuid, rng: &mut (impl CryptoRng + RngCore)) -> Vec<u8> {
        self.seal(&[DATA_KEY_AAD, &[0], event.as_bytes()].concat(), &key.0, rng)
    }

    pub fn open_data_key(&self, sealed: &[u8], event: Uuid) -> Result<DataKey, SealError> {
        self.open(&[DATA_KEY_AAD, &[0], event.as_bytes()].concat(), sealed).map(DataKey)
    }

    /// An epoch's secret as the key table keeps it, until it is destroyed.
    pub fn seal_epoch_secret(&self, secret: &EpochSecret, rng: &mut (impl CryptoRng + RngCore)) -> Vec<u8> {
        self.seal(&[EPOCH_AAD, &[0], secret.epoch.as_bytes()].concat(), &secret.to_bytes(), rng)
    }

    pub fn open_epoch_secret(&self, sealed: &[u8], epoch: &str) -> Result<EpochSecret, SealError> {
        let bytes = self.open(&[EPOCH_AAD, &[0], epoch.as_bytes()].concat(), sealed)?;
        EpochSecret::from_bytes(epoch, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn what_the_kek_seals_opens_only_with_it_and_only_for_its_event_or_epoch() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let kek = Kek::generate(&mut rng);
        let key = DataKey::generate(&mut rng);
        let event = Uuid::from_u128(7);
        let sealed = kek.seal_data_key(&key, event, &mut rng);
        assert_eq!(kek.open_data_key(&sealed, event).unwrap(), key);
        assert!(kek.open_data_key(&sealed, Uuid::from_u128(8)).is_err());
        assert!(Kek::generate(&mut rng).open_data_key(&sealed, event).is_err());

        let secret = EpochSecret::generate("2026-12", &mut rng);
        let sealed = kek.seal_epoch_secret(&secret, &mut rng);
        assert_eq!(kek.open_epoch_secret(&sealed, "2026-12").unwrap().public(), secret.public());
        assert!(kek.open_epoch_secret(&sealed, "2027-01").is_err());
    }
}
