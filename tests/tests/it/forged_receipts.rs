//! Receipts are signed by the hub: a receipt from anyone else, even one naming the right event and
//! chain hash, makes the station forget nothing, and the event still reaches the log.

use std::time::Duration;

use futures::StreamExt;
use protocol::{chain_hash, subjects, Envelope, Receipt, ReceiptStatus};
use testkit::{NatsServer, TestDb};

use crate::support::{AgentProcess, HubProcess};

const STATION: &str = "st-27097-forged-receipts";

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_receipt_is_refused_and_the_event_is_delivered() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start(&db.url, &nats.url());
    let agent = AgentProcess::enroll_and_start(&hub, &nats.url(), STATION, "27097").await;
    hub.terminate();

    // The forger sees the station's events and answers each with a perfect receipt, unsigned or
    // signed with its own key.
    let client = async_nats::connect(nats.url()).await.unwrap();
    let mut events = client.subscribe(subjects::events("27097", STATION)).await.unwrap();
    for i in 0..3 {
        agent.record(i).await.unwrap();
    }
    let forger = ed25519_dalek::SigningKey::from_bytes(&[99; 32]);
    for n in 0..3 {
        let m = tokio::time::timeout(Duration::from_secs(20), events.next()).await.unwrap().unwrap();
        let env = Envelope::parse(&m.payload).unwrap();
        let receipt = Receipt {
            v: 1,
            event: env.id,
            station: STATION.into(),
            seq: env.seq,
            status: ReceiptStatus::Accepted,
            position: Some(999_999),
            chain: chain_hash(&m.payload).to_hex(),
            reason: None,
            detail: None,
            at: chrono::Utc::now(),
        };
        let subject = subjects::receipts("27097", STATION);
        if n % 2 == 0 {
            client.publish(subject, serde_json::to_vec(&receipt).unwrap().into()).await.unwrap();
        } else {
            let sealed = protocol::receipt::Sealed::seal(&receipt, &forger);
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(subjects::HEADER_SIGNATURE, sealed.signature_hex().as_str());
            client.publish_with_headers(subject, headers, sealed.bytes.into()).await.unwrap();
        }
    }
    client.flush().await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(agent.status().await["pending"], 3, "nothing forgotten on a forged receipt");
    assert!(agent.log_tail().contains("did not sign"), "the station says it refused them");

    hub.restart();
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(60)).await, 3);
    assert_eq!(hub.station_events(STATION).await, 3, "every event reached the log");
}
