//! C2SP signed-note: a text signed by named Ed25519 keys. A note is its text (ending in a
//! newline), a blank line, and one line per signature: `— <name> <base64(key id || signature)>`.
//! A key is named in a verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`, its id
//! being the first four bytes of SHA-256(name || "\n" || 0x01 || public key). Signatures are
//! checked with the protocol's one Ed25519 rule (`crate::signing`).

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte of an Ed25519 note signature.
pub const ALG_ED25519: u8 = 0x01;
/// The algorithm byte of a timestamped Ed25519 cosignature (C2SP tlog-cosignature).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// At most this many signature lines are read from a note.
pub const MAX_SIGNATURES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note has no signature block (a blank line, then `— name signature` lines)")]
    NoSignatures,
    #[error("the note's text must end in a newline")]
    TextNotTerminated,
    #[error("signature line {0} is malformed")]
    MalformedSignature(usize),
    #[error("the note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    #[error("the key name `{0}` is empty or holds a space, a plus sign or a control character")]
    BadName(String),
    #[error("the verifier key is malformed: {0}")]
    BadVerifierKey(&'static str),
    #[error("no valid signature by `{0}`")]
    NotSigned(String),
}

/// Whether `name` may name a key: not empty, no whitespace, `+` or control characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// The four-byte id of a key: SHA-256(name || "\n" || algorithm || public key)[..4].
pub fn key_id(name: &str, alg: u8, public_key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public_key);
    h.finalize()[..4].try_into().expect("4 bytes")
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: [u8; 4],
    /// What follows the key id: the signature (64 bytes), or a cosignature's timestamp and signature.
    pub body: Vec<u8>,
}

impl NoteSignature {
    /// The line as written in a note, newline included.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_vec();
        bytes.extend_from_slice(&self.body);
        format!("— {} {}\n", self.name, B64.encode(bytes))
    }
}

/// A parsed note: its text and its signatures, none of them checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Splits a note at its last blank line and reads its signature lines.
    pub fn parse(note: &str) -> Result<Self, NoteError> {
        let split = note.rfind("\n\n").ok_or(NoteError::NoSignatures)?;
        let text = &note[..split + 1];
        let block = &note[split + 2..];
        if block.is_empty() || !block.ends_with('\n') {
            return Err(NoteError::NoSignatures);
        }
        let lines: Vec<&str> = block[..block.len() - 1].split('\n').collect();
        if lines.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        let signatures = lines
            .iter()
            .enumerate()
            .map(|(i, line)| parse_signature_line(line).ok_or(NoteError::MalformedSignature(i + 1)))
            .collect::<Result<_, _>>()?;
        Ok(Self { text: text.to_string(), signatures })
    }

    /// The note as text: its text, a blank line, its signature lines.
    pub fn encode(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }

    /// Whether `verifier` signed this note's text.
    pub fn verify(&self, verifier: &NoteVerifier) -> Result<(), NoteError> {
        let ok = self.signatures.iter().any(|s| {
            s.name == verifier.name
                && s.key_id == verifier.key_id
                && crate::signing::verify(verifier.key.as_bytes(), self.text.as_bytes(), &s.body).is_ok()
        });
        ok.then_some(()).ok_or_else(|| NoteError::NotSigned(verifier.name.clone()))
    }
}

impl NoteSignature {
    /// Reads one signature line (`— <name> <base64>`, without its newline).
    pub fn parse_line(line: &str) -> Option<Self> {
        parse_signature_line(line.strip_suffix('\n').unwrap_or(line))
    }
}

fn parse_signature_line(line: &str) -> Option<NoteSignature> {
    let rest = line.strip_prefix("— ")?;
    let (name, sig) = rest.split_once(' ')?;
    if !valid_name(name) {
        return None;
    }
    let bytes = B64.decode(sig).ok()?;
    if bytes.len() < 5 {
        return None;
    }
    Some(NoteSignature { name: name.to_string(), key_id: bytes[..4].try_into().ok()?, body: bytes[4..].to_vec() })
}

/// A named Ed25519 key that signs notes.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: [u8; 4],
    key: SigningKey,
}

impl NoteSigner {
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadName(name.to_string()));
        }
        let key_id = key_id(name, ALG_ED25519, key.verifying_key().as_bytes());
        Ok(Self { name: name.to_string(), key_id, key })
    }

    /// Reads a signer key `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or(NoteError::BadVerifierKey("no PRIVATE+KEY+ prefix"))?;
        let (name, id, key) = split_key(rest)?;
        let key = B64.decode(key).map_err(|_| NoteError::BadVerifierKey("key is not base64"))?;
        if key.len() != 33 || key[0] != ALG_ED25519 {
            return Err(NoteError::BadVerifierKey("key is not 0x01 and 32 bytes"));
        }
        let signer = Self::new(name, SigningKey::from_bytes(key[1..].try_into().expect("32 bytes")))?;
        if hex::encode(signer.key_id) != id {
            return Err(NoteError::BadVerifierKey("key id does not match"));
        }
        Ok(signer)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier { name: self.name.clone(), key_id: self.key_id, key: self.key.verifying_key() }
    }

    /// The signature line over `text`.
    pub fn signature(&self, text: &str) -> NoteSignature {
        let sig = crate::signing::sign(&self.key, text.as_bytes());
        NoteSignature { name: self.name.clone(), key_id: self.key_id, body: sig.to_vec() }
    }

    /// `text` signed: the whole note.
    pub fn sign(&self, text: &str) -> Result<Note, NoteError> {
        if !text.ends_with('\n') {
            return Err(NoteError::TextNotTerminated);
        }
        Ok(Note { text: text.to_string(), signatures: vec![self.signature(text)] })
    }
}

/// A named Ed25519 public key that checks notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    pub name: String,
    pub key_id: [u8; 4],
    pub key: VerifyingKey,
}

impl NoteVerifier {
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadName(name.to_string()));
        }
        Ok(Self { name: name.to_string(), key_id: key_id(name, ALG_ED25519, key.as_bytes()), key })
    }

    /// Reads a verifier key `<name>+<hex id>+<base64(0x01 || public key)>`.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let (name, id, key) = split_key(vkey.trim())?;
        let key = B64.decode(key).map_err(|_| NoteError::BadVerifierKey("key is not base64"))?;
        if key.len() != 33 || key[0] != ALG_ED25519 {
            return Err(NoteError::BadVerifierKey("key is not 0x01 and 32 bytes"));
        }
        let key = VerifyingKey::from_bytes(key[1..].try_into().expect("32 bytes"))
            .map_err(|_| NoteError::BadVerifierKey("not an Ed25519 public key"))?;
        let v = Self::new(name, key)?;
        if hex::encode(v.key_id) != id {
            return Err(NoteError::BadVerifierKey("key id does not match"));
        }
        Ok(v)
    }

    /// The verifier key as text.
    pub fn encode(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, hex::encode(self.key_id), B64.encode(key))
    }
}

fn split_key(s: &str) -> Result<(&str, &str, &str), NoteError> {
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::BadVerifierKey("not name+id+key"));
    };
    if !valid_name(name) {
        return Err(NoteError::BadName(name.to_string()));
    }
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(NoteError::BadVerifierKey("key id is not 8 lowercase hex digits"));
    }
    Ok((name, id, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The signed_note README's example key and note (Go's golang.org/x/mod/sumdb/note).
    const SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const SIG: &str =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn the_published_example_signs_and_verifies_to_the_same_bytes() {
        let signer = NoteSigner::parse(SKEY).unwrap();
        assert_eq!(signer.verifier().encode(), VKEY);
        let note = signer.sign(TEXT).unwrap();
        assert_eq!(note.encode(), format!("{TEXT}\n{SIG}"));
        let parsed = Note::parse(&note.encode()).unwrap();
        parsed.verify(&NoteVerifier::parse(VKEY).unwrap()).unwrap();
    }

    #[test]
    fn the_c2sp_example_verifier_key_parses() {
        let v = NoteVerifier::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").unwrap();
        assert_eq!(v.name, "example.com/foo");
        assert_eq!(hex::encode(v.key_id), "530d903a");
    }

    #[test]
    fn a_changed_text_or_a_wrong_key_does_not_verify() {
        let note = NoteSigner::parse(SKEY).unwrap().sign(TEXT).unwrap().encode();
        let changed = note.replacen("problem", "pr0blem", 1);
        let v = NoteVerifier::parse(VKEY).unwrap();
        assert!(Note::parse(&changed).unwrap().verify(&v).is_err());
        let other = NoteSigner::new("PeterNeumann", SigningKey::from_bytes(&[9; 32])).unwrap().verifier();
        assert!(Note::parse(&note).unwrap().verify(&other).is_err());
        assert_eq!(Note::parse(TEXT), Err(NoteError::NoSignatures));
        assert!(Note::parse(&format!("{TEXT}\n— x !!!\n")).is_err());
    }
}
