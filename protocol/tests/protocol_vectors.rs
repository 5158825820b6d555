//! The test vectors of `docs/PROTOCOL.md`, read from the document itself and checked: the public
//! key, the signature (Ed25519 is deterministic), the chain hash, the chain between vectors, and
//! that the bytes parse as a valid protocol v1 event.

use ed25519_dalek::SigningKey;
use protocol::kinds::StationEvent;
use protocol::{chain_hash, sign, verify, Envelope, GENESIS};

struct Vector {
    name: String,
    secret_key: String,
    public_key: String,
    event: String,
    signature: String,
    chain_hash: String,
}

fn vectors() -> Vec<Vector> {
    let doc = include_str!("../../docs/PROTOCOL.md");
    let mut out = Vec::new();
    for block in doc.split("```vector\n").skip(1) {
        let body = block.split("\n```").next().unwrap();
        let field = |name: &str| {
            body.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_else(|| panic!("vector without {name}"))
                .to_string()
        };
        out.push(Vector {
            name: field("name"),
            secret_key: field("secret_key"),
            public_key: field("public_key"),
            event: field("event"),
            signature: field("signature"),
            chain_hash: field("chain_hash"),
        });
    }
    out
}

#[test]
fn the_protocol_document_has_at_least_three_vectors_and_each_one_holds() {
    let vectors = vectors();
    assert!(vectors.len() >= 3, "PROTOCOL.md must carry at least three vectors");
    let mut prev = GENESIS;
    for v in &vectors {
        let mut sk = [0u8; 32];
        hex::decode_to_slice(&v.secret_key, &mut sk).unwrap();
        let key = SigningKey::from_bytes(&sk);
        let pk = key.verifying_key().to_bytes();
        assert_eq!(hex::encode(pk), v.public_key, "{}: public key", v.name);
        let bytes = v.event.as_bytes();
        assert_eq!(hex::encode(sign(&key, bytes)), v.signature, "{}: signature", v.name);
        let sig = hex::decode(&v.signature).unwrap();
        assert_eq!(verify(&pk, bytes, &sig), Ok(()), "{}: verifies", v.name);
        assert_eq!(chain_hash(bytes).to_hex(), v.chain_hash, "{}: chain hash", v.name);
        let env = Envelope::parse(bytes).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(env.prev, prev, "{}: prev is the previous vector's chain hash", v.name);
        StationEvent::parse(&env.kind, env.schema, &env.payload).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        prev = chain_hash(bytes);
    }
}

#[test]
fn a_changed_byte_breaks_the_signature_and_the_chain_hash() {
    let v = &vectors()[2];
    let tampered = v.event.replacen("22 giờ", "23 giờ", 1);
    let pk = hex::decode(&v.public_key).unwrap();
    let sig = hex::decode(&v.signature).unwrap();
    assert!(verify(&pk, tampered.as_bytes(), &sig).is_err());
    assert_ne!(chain_hash(tampered.as_bytes()).to_hex(), v.chain_hash);
}
