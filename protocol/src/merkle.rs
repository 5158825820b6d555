//! RFC 6962 (Certificate Transparency) Merkle tree hashing and proof checking: leaf hashes
//! `SHA-256(0x00 || entry)`, node hashes `SHA-256(0x01 || left || right)`, and the verification of
//! inclusion and consistency proofs, so that an auditor or a station can check the hub's log
//! offline. The checks follow transparency-dev/merkle's `proof/verify.go` (Apache-2.0) step by
//! step, and pass its test vectors (`tests/merkle_vectors.rs`).

use sha2::{Digest, Sha256};

/// A SHA-256 hash in the tree.
pub type Hash = [u8; 32];

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("index {index} is not below the tree size {size}")]
    IndexBeyondSize { index: u64, size: u64 },
    #[error("the leaf hash has {0} bytes, not 32")]
    LeafHashSize(usize),
    #[error("the proof has {got} hashes, not {want}")]
    ProofSize { got: usize, want: usize },
    #[error("the second tree ({size2}) is smaller than the first ({size1})")]
    Shrunk { size1: u64, size2: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmpty,
    #[error("trees of the same size need an empty proof")]
    NotEmpty,
    #[error("the proof is empty")]
    Empty,
    #[error("the computed root does not match")]
    RootMismatch,
}

/// The hash of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash of an entry: `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// The hash of an inner node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &[u8], right: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Checks that `leaf_hash` is entry `index` of the tree of `size` entries whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf_hash: &[u8],
    proof: &[impl AsRef<[u8]>],
    root: &[u8],
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    if leaf_hash.len() != 32 {
        return Err(ProofError::LeafHashSize(leaf_hash.len()));
    }
    let (inner, border) = decompose(index, size);
    if proof.len() != inner + border {
        return Err(ProofError::ProofSize { got: proof.len(), want: inner + border });
    }
    let seed: Hash = leaf_hash.try_into().expect("checked: 32 bytes");
    let computed = chain_border_right(chain_inner(seed, &proof[..inner], index), &proof[inner..]);
    matches(&computed, root)
}

/// Checks that the tree of `size1` entries with root `root1` is a prefix of the tree of `size2`
/// entries with root `root2`.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[impl AsRef<[u8]>],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), ProofError> {
    if size2 < size1 {
        return Err(ProofError::Shrunk { size1, size2 });
    }
    if size1 == 0 {
        return Err(ProofError::FromEmpty); // even to the empty tree
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(ProofError::NotEmpty);
        }
        return if root1 == root2 { Ok(()) } else { Err(ProofError::RootMismatch) };
    }
    if proof.is_empty() {
        return Err(ProofError::Empty);
    }
    let (inner, border) = decompose(size1 - 1, size2);
    let shift = size1.trailing_zeros() as usize;
    let inner = inner - shift; // shift < inner when size1 < size2
                               // The proof starts with the root of the subtree of 2^shift entries, unless that is root1.
    let (seed, start): (&[u8], usize) = if size1 == 1 << shift { (root1, 0) } else { (proof[0].as_ref(), 1) };
    if proof.len() != start + inner + border {
        return Err(ProofError::ProofSize { got: proof.len(), want: start + inner + border });
    }
    let proof = &proof[start..];
    let mask = (size1 - 1) >> shift;
    let seed = to_hash(seed).ok_or(ProofError::RootMismatch)?;
    let hash1 = chain_border_right(chain_inner_right(seed, &proof[..inner], mask), &proof[inner..]);
    matches(&hash1, root1)?;
    let hash2 = chain_border_right(chain_inner(seed, &proof[..inner], mask), &proof[inner..]);
    matches(&hash2, root2)
}

fn to_hash(bytes: &[u8]) -> Option<Hash> {
    bytes.try_into().ok()
}

fn matches(computed: &Hash, root: &[u8]) -> Result<(), ProofError> {
    if computed.as_slice() == root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// How many proof hashes lie inside the subtree the path shares with the last entry (`inner`),
/// and how many on the tree's right border above it (`border`).
fn decompose(index: u64, size: u64) -> (usize, usize) {
    let inner = (u64::BITS - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = if inner >= 64 { 0 } else { (index >> inner).count_ones() as usize };
    (inner, border)
}

fn chain_inner(mut seed: Hash, proof: &[impl AsRef<[u8]>], index: u64) -> Hash {
    for (i, h) in proof.iter().enumerate() {
        seed = if (index >> i) & 1 == 0 { node_hash(&seed, h.as_ref()) } else { node_hash(h.as_ref(), &seed) };
    }
    seed
}

fn chain_inner_right(mut seed: Hash, proof: &[impl AsRef<[u8]>], index: u64) -> Hash {
    for (i, h) in proof.iter().enumerate() {
        if (index >> i) & 1 == 1 {
            seed = node_hash(h.as_ref(), &seed);
        }
    }
    seed
}

fn chain_border_right(mut seed: Hash, proof: &[impl AsRef<[u8]>]) -> Hash {
    for h in proof {
        seed = node_hash(h.as_ref(), &seed);
    }
    seed
}
