//! The per-station hash chain: each event names the chain hash of the station's previous event,
//! so a hub (or an auditor) can tell that nothing was dropped, inserted or reordered.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Domain-separation prefix of the chain hash: `DCS-CHAIN-V1` followed by one zero byte.
pub const CHAIN_PREFIX: &[u8] = b"DCS-CHAIN-V1\0";

/// The `prev` of a station's first event (sequence 1): 32 zero bytes.
pub const GENESIS: ChainHash = ChainHash([0; 32]);

/// SHA-256 over the prefix and the exact event bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChainHash(pub [u8; 32]);

/// The chain hash of one event: `SHA-256("DCS-CHAIN-V1\0" || event_bytes)`.
pub fn chain_hash(event_bytes: &[u8]) -> ChainHash {
    let mut h = Sha256::new();
    h.update(CHAIN_PREFIX);
    h.update(event_bytes);
    ChainHash(h.finalize().into())
}

impl ChainHash {
    /// Parses 64 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl TryFrom<String> for ChainHash {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::from_hex(&value).ok_or_else(|| "expected 64 lowercase hex digits".to_string())
    }
}

impl From<ChainHash> for String {
    fn from(value: ChainHash) -> Self {
        value.to_hex()
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_separates_chain_hashes_from_plain_sha256() {
        let plain: [u8; 32] = Sha256::digest(b"{}").into();
        assert_ne!(chain_hash(b"{}").0, plain);
    }

    #[test]
    fn hex_round_trips_and_uppercase_is_refused() {
        let h = chain_hash(b"x");
        assert_eq!(ChainHash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(ChainHash::from_hex(&h.to_hex().to_uppercase()), None);
        assert_eq!(GENESIS.to_hex(), "0".repeat(64));
    }
}
