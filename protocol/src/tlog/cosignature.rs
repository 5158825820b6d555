//! C2SP tlog-cosignature v1: a witness's timestamped Ed25519 signature over a checkpoint it
//! checked. It signs `cosignature/v1\ntime <unix seconds>\n` followed by the checkpoint's text;
//! the note signature is key id (SHA-256(name || "\n" || 0x04 || public key)[..4]) || timestamp
//! (8 bytes, big-endian) || signature (64 bytes). Stations cosign the hub's checkpoints.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::note::{key_id, valid_name, NoteError, NoteSignature, ALG_COSIGNATURE_V1};

/// The message a witness signs for `checkpoint_text` at `time`.
pub fn message(checkpoint_text: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{checkpoint_text}")
}

/// A witness's cosignature of `checkpoint_text` at `time`, as a note signature line.
pub fn cosign(name: &str, key: &SigningKey, checkpoint_text: &str, time: u64) -> Result<NoteSignature, NoteError> {
    if !valid_name(name) {
        return Err(NoteError::BadName(name.to_string()));
    }
    let sig = crate::signing::sign(key, message(checkpoint_text, time).as_bytes());
    let mut body = time.to_be_bytes().to_vec();
    body.extend_from_slice(&sig);
    Ok(NoteSignature {
        name: name.to_string(),
        key_id: key_id(name, ALG_COSIGNATURE_V1, key.verifying_key().as_bytes()),
        body,
    })
}

/// Checks `sig` as `name`'s cosignature of `checkpoint_text` under `key`; gives its time.
pub fn verify(name: &str, key: &VerifyingKey, checkpoint_text: &str, sig: &NoteSignature) -> Result<u64, NoteError> {
    let not_signed = || NoteError::NotSigned(name.to_string());
    if sig.name != name || sig.key_id != key_id(name, ALG_COSIGNATURE_V1, key.as_bytes()) || sig.body.len() != 72 {
        return Err(not_signed());
    }
    let time = u64::from_be_bytes(sig.body[..8].try_into().expect("8 bytes"));
    crate::signing::verify(key.as_bytes(), message(checkpoint_text, time).as_bytes(), &sig.body[8..])
        .map_err(|_| not_signed())?;
    Ok(time)
}

/// A witness's verifier key as text: `<name>+<hex id>+<base64(0x04 || public key)>`.
pub fn verifier_key(name: &str, key: &VerifyingKey) -> String {
    let mut bytes = vec![ALG_COSIGNATURE_V1];
    bytes.extend_from_slice(key.as_bytes());
    format!("{name}+{}+{}", hex::encode(key_id(name, ALG_COSIGNATURE_V1, key.as_bytes())), B64.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cosignature_verifies_for_its_checkpoint_only() {
        let key = SigningKey::from_bytes(&[5; 32]);
        let text = "dcs.example/log\n5\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n";
        let sig = cosign("st-27097-a", &key, text, 1_760_000_000).unwrap();
        assert_eq!(sig.body.len(), 72);
        assert_eq!(verify("st-27097-a", &key.verifying_key(), text, &sig), Ok(1_760_000_000));
        let other = text.replace('5', "6");
        assert!(verify("st-27097-a", &key.verifying_key(), &other, &sig).is_err());
        assert!(verify("st-27097-b", &key.verifying_key(), text, &sig).is_err());
        assert!(verifier_key("st-27097-a", &key.verifying_key()).starts_with("st-27097-a+"));
    }
}
