//! The sealed-field vectors of `docs/PROTOCOL.md` section 10, read from the document itself: the
//! epoch's public key follows from its secret, the wrapped key opens to the data key only for its
//! event, and the sealed field opens to the text only for its event and field.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use protocol::sealed::{open_field, unwrap_key, DataKey, EpochSecret, SealError};
use uuid::Uuid;

struct Vector {
    name: String,
    epoch: String,
    epoch_secret: [u8; 32],
    epoch_public: String,
    event_id: Uuid,
    wrapped_key: Vec<u8>,
    data_key: String,
    field: String,
    sealed: Vec<u8>,
    text: String,
}

fn vectors() -> Vec<Vector> {
    let doc = include_str!("../../docs/PROTOCOL.md");
    let mut out = Vec::new();
    for block in doc.split("```sealed-vector\n").skip(1) {
        let body = block.split("\n```").next().unwrap();
        let field = |name: &str| {
            body.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .unwrap_or_else(|| panic!("sealed vector without {name}"))
                .to_string()
        };
        let mut epoch_secret = [0u8; 32];
        hex::decode_to_slice(field("epoch_secret"), &mut epoch_secret).unwrap();
        out.push(Vector {
            name: field("name"),
            epoch: field("epoch"),
            epoch_secret,
            epoch_public: field("epoch_public"),
            event_id: field("event_id").parse().unwrap(),
            wrapped_key: B64.decode(field("wrapped_key")).unwrap(),
            data_key: field("data_key"),
            field: field("field"),
            sealed: B64.decode(field("sealed")).unwrap(),
            text: field("text"),
        });
    }
    out
}

#[test]
fn every_sealed_vector_of_the_protocol_document_opens_only_for_its_event_and_field() {
    let vectors = vectors();
    assert!(vectors.len() >= 2, "PROTOCOL.md must carry at least two sealed vectors");
    for v in &vectors {
        let secret = EpochSecret::from_bytes(&v.epoch, &v.epoch_secret).unwrap();
        assert_eq!(hex::encode(secret.public().public), v.epoch_public, "{}: epoch public key", v.name);
        let key = unwrap_key(&secret, &v.wrapped_key, v.event_id).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(hex::encode(key.0), v.data_key, "{}: data key", v.name);
        assert_eq!(open_field(&key, v.event_id, &v.field, &v.sealed).as_deref(), Ok(v.text.as_str()), "{}", v.name);
        let other = Uuid::nil();
        assert_eq!(unwrap_key(&secret, &v.wrapped_key, other).map(|k| k.0), Err(SealError::Unwrap), "{}", v.name);
        assert_eq!(open_field(&key, v.event_id, "other", &v.sealed), Err(SealError::Open), "{}", v.name);
        let wrong = DataKey([0; 32]);
        assert_eq!(open_field(&wrong, v.event_id, &v.field, &v.sealed), Err(SealError::Open), "{}", v.name);
    }
}
