//! Ed25519 signatures over the exact event bytes, with one acceptance rule everywhere
//! (`verify_strict`: canonical S, no small-order keys or R), used by ingest and verifiers alike.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature is not 128 hex digits")]
    Malformed,
    #[error("public key is not a valid Ed25519 key")]
    BadKey,
    #[error("signature does not verify against the station's enrolled key")]
    Invalid,
}

/// Signs the exact bytes. Ed25519 is deterministic: the same key and bytes give the same signature.
pub fn sign(key: &SigningKey, event_bytes: &[u8]) -> [u8; 64] {
    key.sign(event_bytes).to_bytes()
}

/// The one acceptance rule: strict verification of the signature over the exact bytes.
pub fn verify(public_key: &[u8], event_bytes: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    let key: [u8; 32] = public_key.try_into().map_err(|_| SignatureError::BadKey)?;
    let key = VerifyingKey::from_bytes(&key).map_err(|_| SignatureError::BadKey)?;
    if key.is_weak() {
        return Err(SignatureError::BadKey);
    }
    let sig: [u8; 64] = signature.try_into().map_err(|_| SignatureError::Malformed)?;
    key.verify_strict(event_bytes, &Signature::from_bytes(&sig)).map_err(|_| SignatureError::Invalid)
}

/// Parses a signature as sent in the `Dcs-Signature` header: 128 lowercase hex digits.
pub fn parse_signature_hex(s: &str) -> Result<[u8; 64], SignatureError> {
    let mut out = [0u8; 64];
    if s.len() != 128 || s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(SignatureError::Malformed);
    }
    hex::decode_to_slice(s, &mut out).map_err(|_| SignatureError::Malformed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_over_the_same_bytes_and_key() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let sig = sign(&key, b"event");
        let pk = key.verifying_key().to_bytes();
        assert_eq!(verify(&pk, b"event", &sig), Ok(()));
        assert_eq!(verify(&pk, b"event ", &sig), Err(SignatureError::Invalid));
        let other_pk = other.verifying_key().to_bytes();
        assert_eq!(verify(&other_pk, b"event", &sig), Err(SignatureError::Invalid));
        assert_eq!(verify(&pk, b"event", &sig[..63]), Err(SignatureError::Malformed));
    }

    #[test]
    fn signature_hex_must_be_exact() {
        let sig = sign(&SigningKey::from_bytes(&[7; 32]), b"e");
        assert_eq!(parse_signature_hex(&hex::encode(sig)), Ok(sig));
        assert!(parse_signature_hex(&hex::encode(sig).to_uppercase()).is_err());
        assert!(parse_signature_hex("00").is_err());
    }
}
