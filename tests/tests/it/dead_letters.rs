//! What the hub must not accept lands in the dead-letter table with its reason, and changes no
//! dashboard: a forged signature, an unknown station, a reused event id, a broken chain, a
//! malformed payload. A resend of an accepted event is answered with its original receipt.

use std::time::Duration;

use async_nats::HeaderMap;
use chrono::Utc;
use domain::aggregates::{AnyEventType, StationLifecycleEventType};
use ed25519_dalek::SigningKey;
use futures::StreamExt;
use protocol::{chain_hash, sign, subjects, ChainHash, Receipt, ReceiptStatus, GENESIS};
use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{crafted, eventually, HubProcess};

const STATION: &str = "st-27097-crafted";
const WARD: &str = "27097";

fn event(station: &str, id: Uuid, seq: u64, prev: ChainHash, payload: Value) -> Vec<u8> {
    crafted::event_bytes(station, WARD, id, seq, prev, "payment.made", Utc::now(), payload)
}

fn payment(amount: i64) -> Value {
    json!({"bill_type": "water", "provider": "SAWACO", "bill_reference": "PN0012345", "amount_vnd": amount})
}

async fn publish(js: &async_nats::jetstream::Context, station: &str, bytes: &[u8], key: &SigningKey) {
    crafted::publish(js, WARD, station, bytes, key).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_events_are_dead_lettered_with_their_reason_and_the_dashboards_do_not_change() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let key = SigningKey::from_bytes(&[42; 32]);
    crafted::enroll_key(&hub, STATION, WARD, "Diamond Island", &key).await;

    let client = async_nats::connect(nats.url()).await.unwrap();
    let mut receipts = client.subscribe(subjects::receipts(WARD, STATION)).await.unwrap();
    let js = async_nats::jetstream::new(client.clone());

    // One good event, seq 1.
    let id1 = Uuid::now_v7();
    let e1 = event(STATION, id1, 1, GENESIS, payment(120_000));
    publish(&js, STATION, &e1, &key).await;
    let first: Receipt = serde_json::from_slice(&receipts.next().await.unwrap().payload).unwrap();
    assert_eq!((first.event, first.status), (id1, ReceiptStatus::Accepted));
    assert!(first.position.is_some_and(|p| p > 0), "{first:?}");
    assert_eq!(first.chain, chain_hash(&e1).to_hex());
    eventually("the good event on the dashboard", Duration::from_secs(20), || async {
        (hub.city_total().await == 1).then_some(())
    })
    .await;
    let before = hub.json("/api/v1/wards/27097/dashboard").await["ward"].clone();

    // The same bytes again (a resend): acked and answered with the original receipt, not appended.
    // A different message id gets past JetStream's duplicate window, as a resend after it would.
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, "resend-after-the-window");
    headers.insert(subjects::HEADER_SIGNATURE, hex::encode(sign(&key, &e1)).as_str());
    js.publish_with_headers(subjects::events(WARD, STATION), headers, e1.clone().into()).await.unwrap().await.unwrap();
    let again: Receipt = serde_json::from_slice(&receipts.next().await.unwrap().payload).unwrap();
    assert_eq!(again, first, "the original receipt");

    // Forged: seq 2 signed by another key.
    let id = Uuid::now_v7();
    publish(&js, STATION, &event(STATION, id, 2, chain_hash(&e1), payment(1)), &SigningKey::from_bytes(&[7; 32])).await;
    // Unknown station.
    let id = Uuid::now_v7();
    publish(&js, "st-27097-nobody", &event("st-27097-nobody", id, 1, GENESIS, payment(1)), &key).await;
    // Reused event id: other bytes under id1.
    publish(&js, STATION, &event(STATION, id1, 2, chain_hash(&e1), payment(999)), &key).await;
    // Broken chain: seq 2 whose prev is not the hash of seq 1.
    let id = Uuid::now_v7();
    publish(&js, STATION, &event(STATION, id, 2, GENESIS, payment(5_000)), &key).await;
    // Malformed payload: seq 2 in the chain, amount 0.
    let id_bad = Uuid::now_v7();
    publish(&js, STATION, &event(STATION, id_bad, 2, chain_hash(&e1), payment(0)), &key).await;
    // Not an event at all.
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_SIGNATURE, hex::encode([0u8; 64]).as_str());
    js.publish_with_headers(subjects::events(WARD, STATION), headers, "{not json".into()).await.unwrap().await.unwrap();

    let expected =
        ["bad_signature", "broken_chain", "event_id_reused", "invalid_payload", "malformed_event", "unknown_station"];
    eventually("six dead letters", Duration::from_secs(20), || async {
        (hub.dead_letter_reasons().await.len() >= 6).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, expected);

    let letters = hub.json("/api/v1/dead-letters").await;
    let invalid = letters.as_array().unwrap().iter().find(|l| l["reason"] == "invalid_payload").unwrap();
    assert!(invalid["detail"].as_str().unwrap().contains("payload.amount_vnd"), "{invalid}");
    assert!(invalid["raw"].as_str().unwrap().contains("\"amount_vnd\":0"), "the raw bytes are kept");

    // The station hears about what it signed: refused (broken chain) and rejected (bad payload).
    let mut heard = Vec::new();
    while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(3), receipts.next()).await {
        let r: Receipt = serde_json::from_slice(&m.payload).unwrap();
        heard.push((r.status, r.reason.unwrap_or_default()));
    }
    heard.sort_by_key(|h| h.1.clone());
    assert_eq!(
        heard,
        vec![(ReceiptStatus::Refused, "broken_chain".into()), (ReceiptStatus::Rejected, "invalid_payload".into())]
    );

    // The dashboards did not move.
    assert_eq!(hub.city_total().await, 1);
    assert_eq!(hub.json("/api/v1/wards/27097/dashboard").await["ward"]["total"], before["total"]);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE raw IS NOT NULL").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2, "the accepted event, and the rejected one kept for the station's chain");
    let kept: (String, Vec<u8>) = sqlx::query_as(
        "SELECT e.event_type, e.raw FROM events e WHERE e.raw IS NOT NULL AND e.aggregate_type = 'station'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let dead: Vec<u8> = sqlx::query_scalar("SELECT raw FROM dead_letters WHERE reason = 'invalid_payload'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let rejected = AnyEventType::Station(StationLifecycleEventType::StationEventRejected).name().to_string();
    assert_eq!(kept, (rejected, dead), "the rejected bytes are in the log");

    // The invalid payload advanced the chain: seq 3 after it is accepted.
    let id3 = Uuid::now_v7();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT raw FROM dead_letters WHERE reason = 'invalid_payload'")
        .fetch_one(&pool)
        .await
        .unwrap();
    publish(&js, STATION, &event(STATION, id3, 3, chain_hash(&stored), payment(75_000)), &key).await;
    eventually("seq 3 accepted after the rejected seq 2", Duration::from_secs(20), || async {
        (hub.city_total().await == 2).then_some(())
    })
    .await;

    // An event ahead of its missing predecessor is held, not rejected: seq 5 before seq 4.
    let e3: Vec<u8> = sqlx::query_scalar("SELECT raw FROM events WHERE raw IS NOT NULL ORDER BY position DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (id4, id5) = (Uuid::now_v7(), Uuid::now_v7());
    let e4 = event(STATION, id4, 4, chain_hash(&e3), payment(10_000));
    let e5 = event(STATION, id5, 5, chain_hash(&e4), payment(20_000));
    publish(&js, STATION, &e5, &key).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(hub.city_total().await, 2, "seq 5 waits for seq 4");
    publish(&js, STATION, &e4, &key).await;
    eventually("seq 4 and the held seq 5 accepted", Duration::from_secs(20), || async {
        (hub.city_total().await == 4).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await.len(), 6, "holding made no dead letter");
}
