//! The one Ed25519 acceptance rule (`protocol::verify`), checked against the public
//! edge-case vectors (`tests/vectors/ed25519`, see SOURCE.txt and LICENSE there): a signature with
//! a small-order or non-canonically encoded public key or R is never accepted, and the rule is
//! the same for every caller because there is only this one function.

use protocol::verify;

#[derive(serde::Deserialize)]
struct Vector {
    number: u32,
    key: String,
    sig: String,
    msg: String,
    flags: Option<Vec<String>>,
}

#[test]
fn small_order_and_non_canonical_points_are_refused_and_clean_signatures_accepted() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("vectors/ed25519/ed25519vectors.json")).unwrap();
    assert!(vectors.len() > 900);
    let refused_flags = ["low_order_A", "low_order_R", "non_canonical_A", "non_canonical_R"];
    let (mut accepted, mut clean) = (0, 0);
    for v in &vectors {
        let flags = v.flags.clone().unwrap_or_default();
        let ok = verify(&hex::decode(&v.key).unwrap(), v.msg.as_bytes(), &hex::decode(&v.sig).unwrap()).is_ok();
        if ok {
            accepted += 1;
            let bad: Vec<&String> = flags.iter().filter(|f| refused_flags.contains(&f.as_str())).collect();
            assert!(bad.is_empty(), "vector {} accepted despite {bad:?}", v.number);
        }
        if flags.is_empty() {
            clean += 1;
            assert!(ok, "vector {} has no edge case and must verify", v.number);
        }
    }
    assert!(accepted > 0 && clean > 0, "accepted {accepted}, clean {clean}");
}
