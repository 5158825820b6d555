//! C2SP tlog-checkpoint: the signed statement of a log's size and root. Its text is the log's
//! origin, the tree size in decimal, the root in base64, each on its own line, then optional
//! extension lines; the hub signs it as a note (`super::note`).

use base64::{engine::general_purpose::STANDARD as B64, Engine};

use crate::merkle::Hash;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("a checkpoint has an origin, a size and a root, each on its own line")]
    TooShort,
    #[error("the origin line is empty")]
    EmptyOrigin,
    #[error("the size is not a decimal number without leading zeros")]
    BadSize,
    #[error("the root is not 32 bytes in base64")]
    BadRoot,
    #[error("an extension line is empty")]
    EmptyExtension,
}

/// A checkpoint's body (what is signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self { origin: origin.to_string(), size, root, extensions: Vec::new() }
    }

    /// The text that is signed, ending in a newline.
    pub fn text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Reads a checkpoint's text (a note's text, signatures already split off).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::TooShort)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(CheckpointError::TooShort);
        };
        if origin.is_empty() {
            return Err(CheckpointError::EmptyOrigin);
        }
        if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) || (size.len() > 1 && size.starts_with('0')) {
            return Err(CheckpointError::BadSize);
        }
        let size = size.parse().map_err(|_| CheckpointError::BadSize)?;
        let root = B64.decode(root).ok().and_then(|r| r.try_into().ok()).ok_or(CheckpointError::BadRoot)?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::EmptyExtension);
        }
        Ok(Self { origin: origin.to_string(), size, root, extensions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::note::{Note, NoteVerifier};

    // The example checkpoint of C2SP tlog-checkpoint.
    const EXAMPLE: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn the_c2sp_example_round_trips() {
        let c = Checkpoint::parse(EXAMPLE).unwrap();
        assert_eq!((c.origin.as_str(), c.size), ("example.com/behind-the-sofa", 20852163));
        assert_eq!(c.text(), EXAMPLE);
    }

    #[test]
    fn malformed_checkpoints_are_refused() {
        assert_eq!(
            Checkpoint::parse("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"),
            Err(CheckpointError::BadSize)
        );
        assert_eq!(Checkpoint::parse("o\n1\nAAAA\n"), Err(CheckpointError::BadRoot));
        assert_eq!(Checkpoint::parse("o\n1\n"), Err(CheckpointError::TooShort));
        assert_eq!(
            Checkpoint::parse("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"),
            Err(CheckpointError::EmptyOrigin)
        );
    }

    #[test]
    fn a_signed_checkpoint_is_a_note_its_log_key_verifies() {
        let signer =
            crate::tlog::NoteSigner::new("dcs.example/log", ed25519_dalek::SigningKey::from_bytes(&[3; 32])).unwrap();
        let c = Checkpoint::new("dcs.example/log", 5, [7; 32]);
        let note = signer.sign(&c.text()).unwrap().encode();
        let parsed = Note::parse(&note).unwrap();
        parsed.verify(&NoteVerifier::parse(&signer.verifier().encode()).unwrap()).unwrap();
        assert_eq!(Checkpoint::parse(&parsed.text).unwrap(), c);
    }
}
