//! The hub heals what it depends on: a deleted JetStream consumer (or stream) is made again and
//! ingest goes on without a restart.

use std::time::Duration;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::{chain_hash, GENESIS};
use serde_json::json;
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{crafted, eventually, HubProcess};

const STATION: &str = "st-27097-healing";

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_consumer_and_a_deleted_stream_come_back_and_ingest_goes_on() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let key = SigningKey::from_bytes(&[81; 32]);
    crafted::enroll_key(&hub, STATION, "27097", "Tòa tự lành", &key).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let event = |seq, prev| {
        let payload = json!({"topic": "station", "text": format!("Góp ý {seq}")});
        crafted::event_bytes(STATION, "27097", Uuid::now_v7(), seq, prev, "feedback.submitted", Utc::now(), payload)
    };
    let e1 = event(1, GENESIS);
    crafted::publish(&js, "27097", STATION, &e1, &key).await;
    eventually("the first event", Duration::from_secs(20), || async {
        (hub.station_events(STATION).await == 1).then_some(())
    })
    .await;

    js.get_stream(protocol::subjects::STREAM).await.unwrap().delete_consumer(bus::nats::CONSUMER).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let e2 = event(2, chain_hash(&e1));
    crafted::publish(&js, "27097", STATION, &e2, &key).await;
    eventually("the event after the consumer was deleted", Duration::from_secs(30), || async {
        (hub.station_events(STATION).await == 2).then_some(())
    })
    .await;

    js.delete_stream(protocol::subjects::STREAM).await.unwrap();
    // Known gap (NATS 2.9.10): an event published within a second or so of the hub making the
    // stream again is held by the new consumer and not delivered (seen here every time; the
    // consumer made again from its ack floor does not deliver it either). Stations publish again
    // when no receipt comes, so the test publishes after the hub has settled.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let e3 = event(3, chain_hash(&e2));
    eventually("the event after the stream was deleted", Duration::from_secs(30), || async {
        // Until the hub has made the stream again, there is nowhere to publish: a station retries.
        let published =
            tokio::time::timeout(Duration::from_secs(2), crafted::try_publish(&js, "27097", STATION, &e3, &key)).await;
        if !matches!(published, Ok(true)) {
            return None;
        }
        eventually("it lands", Duration::from_secs(20), || async {
            (hub.station_events(STATION).await == 3).then_some(())
        })
        .await;
        Some(())
    })
    .await;
    assert!(hub.log_tail().contains("opening the stream and consumer again"), "the hub says what it did");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_says_degraded_with_the_reason_while_nats_is_down_and_ok_when_it_is_back() {
    let db = TestDb::postgres().await;
    let mut nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let health = || async {
        let r = hub.client().get(format!("{}/healthz", hub.url)).send().await.unwrap();
        (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(health().await.0, 200);
    nats.stop();
    let body = eventually("the hub to say it is degraded", Duration::from_secs(40), || async {
        let (status, body) = health().await;
        (status == 503).then_some(body)
    })
    .await;
    assert_eq!(body["status"], "degraded");
    assert!(body["reasons"][0].as_str().unwrap().starts_with("ingest:"), "{body}");
    nats.resume();
    eventually("the hub to be well again", Duration::from_secs(40), || async {
        (health().await.0 == 200).then_some(())
    })
    .await;
}
