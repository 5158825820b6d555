//! Station events made by hand (no agent), for what an agent would never send: forged, out of
//! chain, malformed, or stamped with a clock hours behind.

use async_nats::HeaderMap;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use protocol::{sign, subjects, ChainHash, UnsignedEvent};
use serde_json::{json, Value};
use uuid::Uuid;

use super::HubProcess;

/// The signed bytes of one event of `station` in `ward`.
#[allow(clippy::too_many_arguments)]
pub fn event_bytes(
    station: &str,
    ward: &str,
    id: Uuid,
    seq: u64,
    prev: ChainHash,
    kind: &str,
    time: DateTime<Utc>,
    payload: Value,
) -> Vec<u8> {
    UnsignedEvent {
        v: 1,
        id,
        station,
        ward,
        seq,
        prev: prev.to_hex(),
        time: UnsignedEvent::format_time(time),
        kind,
        schema: 1,
        payload: &payload,
    }
    .to_bytes()
}

/// Publishes signed bytes on the station's subject with the protocol's headers (the signature is
/// the `Nats-Msg-Id` too, as an agent sends it); returns JetStream's ack.
pub async fn publish(
    js: &async_nats::jetstream::Context,
    ward: &str,
    station: &str,
    bytes: &[u8],
    key: &SigningKey,
) -> async_nats::jetstream::publish::PublishAck {
    let signature = hex::encode(sign(key, bytes));
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, signature.as_str());
    headers.insert(subjects::HEADER_SIGNATURE, signature.as_str());
    js.publish_with_headers(subjects::events(ward, station), headers, bytes.to_vec().into())
        .await
        .unwrap()
        .await
        .unwrap()
}

/// Like [`publish`], but says whether the stream took it instead of panicking.
pub async fn try_publish(
    js: &async_nats::jetstream::Context,
    ward: &str,
    station: &str,
    bytes: &[u8],
    key: &SigningKey,
) -> bool {
    let signature = hex::encode(sign(key, bytes));
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, signature.as_str());
    headers.insert(subjects::HEADER_SIGNATURE, signature.as_str());
    match js.publish_with_headers(subjects::events(ward, station), headers, bytes.to_vec().into()).await {
        Ok(ack) => ack.await.is_ok(),
        Err(_) => false,
    }
}

/// Plans the station on the hub and enrolls `key` for it.
pub async fn enroll_key(hub: &HubProcess, station: &str, ward: &str, building: &str, key: &SigningKey) {
    let code = hub.plan(station, ward, building).await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/stations/{station}/enrollment", hub.url))
        .json(&json!({"ward_code": ward, "building": building, "public_key": hex::encode(key.verifying_key().to_bytes()), "enrollment_code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
