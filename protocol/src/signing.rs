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

/// A station's public key decoded once, to check many signatures under it; `None` inside when the
/// key is not one [`verify`] accepts (not a point, or of small order).
#[derive(Debug, Clone, Copy)]
pub struct DecodedKey(Option<VerifyingKey>);

impl DecodedKey {
    pub fn new(public_key: &[u8; 32]) -> Self {
        Self(VerifyingKey::from_bytes(public_key).ok().filter(|k| !k.is_weak()))
    }
}

/// Signatures checked together per call of ed25519-dalek's batch verification.
const BATCH: usize = 64;

/// Checks many signatures, as the auditor's verifier does: in batches of 64 by ed25519-dalek's
/// batch verification, and one by one under [`verify`]'s strict rule for every signature of a
/// batch that fails, so that each invalid signature is named. The result is [`verify`]'s for every
/// signature except those only the holder of the key can make that strict verification refuses
/// (an `R` of small or mixed order, or encoded non-canonically): a batch may accept those.
/// `docs/AUDIT.md` (section 4.3) says why that does not weaken the audit.
pub fn verify_many(items: &[(DecodedKey, &[u8], &[u8])]) -> Vec<bool> {
    let mut out = Vec::with_capacity(items.len());
    for part in items.chunks(BATCH) {
        let parsed: Vec<Option<(VerifyingKey, Signature)>> = part
            .iter()
            .map(|(key, _, sig)| Some((key.0?, Signature::from_bytes(&<[u8; 64]>::try_from(*sig).ok()?))))
            .collect();
        if parsed.iter().all(Option::is_some) {
            let (keys, sigs): (Vec<VerifyingKey>, Vec<Signature>) = parsed.iter().flatten().copied().unzip();
            let messages: Vec<&[u8]> = part.iter().map(|(_, m, _)| *m).collect();
            if ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok() {
                out.extend(std::iter::repeat_n(true, part.len()));
                continue;
            }
        }
        for ((_, message, _), p) in part.iter().zip(parsed) {
            out.push(p.is_some_and(|(key, sig)| key.verify_strict(message, &sig).is_ok()));
        }
    }
    out
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
    fn many_signatures_are_checked_together_and_each_invalid_one_is_named() {
        let keys: Vec<SigningKey> = (0..3u8).map(|i| SigningKey::from_bytes(&[i + 1; 32])).collect();
        let messages: Vec<Vec<u8>> = (0..150u32).map(|i| format!("event {i}").into_bytes()).collect();
        let mut sigs: Vec<Vec<u8>> = messages.iter().enumerate().map(|(i, m)| sign(&keys[i % 3], m).to_vec()).collect();
        sigs[70][5] ^= 1; // in the second batch
        sigs[140].truncate(10);
        let decoded: Vec<DecodedKey> = keys.iter().map(|k| DecodedKey::new(&k.verifying_key().to_bytes())).collect();
        let items: Vec<(DecodedKey, &[u8], &[u8])> =
            messages.iter().zip(&sigs).enumerate().map(|(i, (m, s))| (decoded[i % 3], &m[..], &s[..])).collect();
        let ok = verify_many(&items);
        let failed: Vec<usize> = ok.iter().enumerate().filter(|(_, ok)| !**ok).map(|(i, _)| i).collect();
        assert_eq!(failed, [70, 140]);
        for (i, (m, s)) in messages.iter().zip(&sigs).enumerate() {
            assert_eq!(ok[i], verify(&keys[i % 3].verifying_key().to_bytes(), m, s).is_ok(), "{i}");
        }
        // A small-order key is refused as `verify` refuses it.
        let weak = DecodedKey::new(&[0; 32]);
        assert_eq!(verify_many(&[(weak, b"e", &[0; 64])]), [false]);
    }

    #[test]
    fn signature_hex_must_be_exact() {
        let sig = sign(&SigningKey::from_bytes(&[7; 32]), b"e");
        assert_eq!(parse_signature_hex(&hex::encode(sig)), Ok(sig));
        assert!(parse_signature_hex(&hex::encode(sig).to_uppercase()).is_err());
        assert!(parse_signature_hex("00").is_err());
    }
}
