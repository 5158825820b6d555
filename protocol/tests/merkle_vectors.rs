//! The RFC 6962 proof checks against transparency-dev/merkle's test vectors
//! (`tests/vectors/merkle`, see SOURCE.txt and LICENSE there): every inclusion and consistency
//! case, negative ones included, gets the expected verdict; and the reference tree's hashes.

use std::path::{Path, PathBuf};

use base64::{engine::general_purpose::STANDARD, Engine};
use protocol::merkle::{empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion};
use serde::Deserialize;

fn b64(s: &str) -> Vec<u8> {
    STANDARD.decode(s).unwrap()
}

fn cases(kind: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out)
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path)
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/merkle/testdata").join(kind), &mut out);
    out.sort();
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Inclusion {
    leaf_idx: u64,
    tree_size: u64,
    root: String,
    leaf_hash: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consistency {
    size1: u64,
    size2: u64,
    root1: String,
    root2: String,
    proof: Option<Vec<String>>,
    desc: String,
    want_err: bool,
}

#[test]
fn every_inclusion_vector_gets_its_verdict() {
    let files = cases("inclusion");
    assert!(files.len() >= 90, "{} inclusion cases", files.len());
    for file in files {
        let c: Inclusion = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let proof: Vec<Vec<u8>> = c.proof.unwrap_or_default().iter().map(|p| b64(p)).collect();
        let verdict = verify_inclusion(c.leaf_idx, c.tree_size, &b64(&c.leaf_hash), &proof, &b64(&c.root));
        assert_eq!(verdict.is_err(), c.want_err, "{}: {} ({verdict:?})", file.display(), c.desc);
    }
}

#[test]
fn every_consistency_vector_gets_its_verdict() {
    let files = cases("consistency");
    assert!(files.len() >= 90, "{} consistency cases", files.len());
    for file in files {
        let c: Consistency = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let proof: Vec<Vec<u8>> = c.proof.unwrap_or_default().iter().map(|p| b64(p)).collect();
        let verdict = verify_consistency(c.size1, c.size2, &proof, &b64(&c.root1), &b64(&c.root2));
        assert_eq!(verdict.is_err(), c.want_err, "{}: {} ({verdict:?})", file.display(), c.desc);
    }
}

#[test]
fn the_reference_tree_hashes_as_rfc_6962_says() {
    // From testonly/constants.go: the empty root, the first leaf (the empty entry), and the root
    // of the first two leaves ("" and 0x00).
    assert_eq!(hex::encode(empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    let (a, b) = (leaf_hash(b""), leaf_hash(&[0x00]));
    assert_eq!(hex::encode(a), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assert_eq!(hex::encode(node_hash(&a, &b)), "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
}
