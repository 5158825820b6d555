//! A message that cannot be stored fails alone: U+0000 in a member name or a station id is
//! dead-lettered and the next honest event is accepted within seconds; a batch the database
//! refuses is split until the one message at fault is dead-lettered as `unstorable`, and the rest
//! of the batch lands.

use std::time::Duration;

use async_nats::HeaderMap;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::{chain_hash, sign, subjects, ChainHash, GENESIS};
use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{crafted, eventually, HubProcess};

const WARD: &str = "27097";

fn feedback(station: &str, seq: u64, prev: ChainHash, text: &str) -> Vec<u8> {
    let payload = json!({"topic": "station", "text": text});
    crafted::event_bytes(station, WARD, Uuid::now_v7(), seq, prev, "feedback.submitted", Utc::now(), payload)
}

/// Raw bytes on a subject, signed (what a buggy or hostile sender could publish).
async fn raw(js: &async_nats::jetstream::Context, subject: String, bytes: Vec<u8>, key: &SigningKey) {
    let mut headers = HeaderMap::new();
    headers.insert(subjects::HEADER_SIGNATURE, hex::encode(sign(key, &bytes)).as_str());
    js.publish_with_headers(subject, headers, bytes.into()).await.unwrap().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn u0000_in_a_member_name_or_a_station_fails_alone_and_honest_events_go_on() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let station = "st-27097-nul";
    let key = SigningKey::from_bytes(&[51; 32]);
    crafted::enroll_key(&hub, station, WARD, "Tòa NUL", &key).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());

    // Signed by the station, in its chain, with a member named U+0000.
    let mut bad: Value = serde_json::from_slice(&feedback(station, 1, GENESIS, "x")).unwrap();
    bad["payload"]["\u{0}"] = json!(1);
    raw(&js, subjects::events(WARD, station), serde_json::to_vec(&bad).unwrap(), &key).await;
    // Naming a station with U+0000 (signed, so that it is read).
    let mut junk: Value = serde_json::from_slice(&feedback(station, 1, GENESIS, "y")).unwrap();
    junk["station"] = json!("st-\u{0}");
    raw(&js, subjects::events(WARD, station), serde_json::to_vec(&junk).unwrap(), &key).await;
    // The honest event after them (the bad one is malformed: it does not move the chain).
    let honest = feedback(station, 1, GENESIS, "Góp ý thật");
    crafted::publish(&js, WARD, station, &honest, &key).await;
    eventually("the honest event", Duration::from_secs(10), || async {
        (hub.station_events(station).await == 1).then_some(())
    })
    .await;
    let reasons = hub.dead_letter_reasons().await;
    assert_eq!(reasons, vec!["malformed_event", "malformed_event"]);
    let letters = hub.json("/api/v1/dead-letters").await;
    for letter in letters.as_array().unwrap() {
        let detail = letter["detail"].as_str().unwrap();
        assert!(detail.contains("\\u{0}") && !detail.contains('\0'), "quoted as an escape: {detail}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_the_database_refuses_is_split_until_the_one_message_at_fault_is_dead_lettered() {
    let db = TestDb::postgres().await;
    // Whatever PostgreSQL would refuse: here a trigger that refuses one payload with a data
    // exception (class 22), as an invalid value would.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    sqlx::query(
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF NEW.payload::text LIKE '%VALUE-TO-REFUSE%' THEN RAISE EXCEPTION 'poisoned value' USING ERRCODE = '22023'; END IF; \
         RETURN NEW; END $$",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER refuse_poison BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_poison()")
        .execute(&pool)
        .await
        .unwrap();
    let (a, b) = ("st-27097-split-a", "st-27097-split-b");
    let (key_a, key_b) = (SigningKey::from_bytes(&[61; 32]), SigningKey::from_bytes(&[62; 32]));
    crafted::enroll_key(&hub, a, WARD, "Tòa A", &key_a).await;
    crafted::enroll_key(&hub, b, WARD, "Tòa B", &key_b).await;
    // Stop ingest from seeing them one by one: publish everything, then let the hub pull it as
    // one batch (it pulls what is waiting).
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let mut prev_a = GENESIS;
    let mut prev_b = GENESIS;
    for i in 1..=6u64 {
        let ea = feedback(a, i, prev_a, &format!("Góp ý A{i}"));
        let text_b = if i == 6 { "VALUE-TO-REFUSE".to_string() } else { format!("Góp ý B{i}") };
        let eb = feedback(b, i, prev_b, &text_b);
        crafted::publish(&js, WARD, a, &ea, &key_a).await;
        crafted::publish(&js, WARD, b, &eb, &key_b).await;
        prev_a = chain_hash(&ea);
        prev_b = chain_hash(&eb);
    }
    eventually("everything but the poisoned event", Duration::from_secs(20), || async {
        (hub.station_events(a).await == 6 && hub.station_events(b).await == 5).then_some(())
    })
    .await;
    eventually("the poisoned event dead-lettered alone", Duration::from_secs(20), || async {
        let reasons = hub.dead_letter_reasons().await;
        (reasons == vec!["unstorable".to_string()]).then_some(())
    })
    .await;
    assert!(hub.log_tail().contains("dead-lettered alone"), "the hub says what it did");
}
