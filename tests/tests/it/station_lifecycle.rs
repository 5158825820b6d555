//! A station's key is rotated and the hub verifies with the new key from then on; a decommissioned
//! station's key is revoked, and both survive a restart of the hub. Planning and enrolling stay
//! with their own endpoints (the one-time code), not the generic case commands.

use std::time::Duration;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::{chain_hash, GENESIS};
use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{crafted, eventually, HubProcess};

const STATION: &str = "st-27097-rotating";
const WARD: &str = "27097";

fn feedback(station_seq: u64, prev: protocol::ChainHash, id: Uuid) -> Vec<u8> {
    let text = format!("Góp ý số {station_seq}");
    let payload = json!({"topic": "station", "text": text});
    crafted::event_bytes(STATION, WARD, id, station_seq, prev, "feedback.submitted", Utc::now(), payload)
}

async fn command(hub: &HubProcess, body: Value) -> (u16, Value) {
    let r = hub
        .client()
        .post(format!("{}/api/v1/cases/station/{STATION}/commands", hub.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_key_replaces_the_old_one_and_a_decommissioned_station_is_refused_even_after_a_restart() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start(&db.url, &nats.url());
    let (old, new) = (SigningKey::from_bytes(&[21; 32]), SigningKey::from_bytes(&[22; 32]));
    crafted::enroll_key(&hub, STATION, WARD, "Sunrise City", &old).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());

    let id1 = Uuid::now_v7();
    let e1 = feedback(1, GENESIS, id1);
    crafted::publish(&js, WARD, STATION, &e1, &old).await;
    eventually("the first event", Duration::from_secs(20), || async {
        (hub.station_events(STATION).await == 1).then_some(())
    })
    .await;

    let new_hex = hex::encode(new.verifying_key().to_bytes());
    let (status, answer) = command(&hub, json!({"command": "RotateStationKey", "public_key": new_hex})).await;
    assert_eq!(status, 200, "{answer}");
    let (status, _) = command(&hub, json!({"command": "RotateStationKey", "public_key": new_hex})).await;
    assert_eq!(status, 409, "the same key twice");

    // Signed with the old key: refused. With the new one: accepted, in the same chain.
    let stale = Uuid::now_v7();
    crafted::publish(&js, WARD, STATION, &feedback(2, chain_hash(&e1), stale), &old).await;
    let id2 = Uuid::now_v7();
    let e2 = feedback(2, chain_hash(&e1), id2);
    crafted::publish(&js, WARD, STATION, &e2, &new).await;
    eventually("the event under the new key", Duration::from_secs(20), || async {
        (hub.station_events(STATION).await == 2).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, vec!["bad_signature"]);

    let (status, answer) =
        command(&hub, json!({"command": "DecommissionStation", "reason": "Tòa nhà thay trạm mới"})).await;
    assert_eq!(status, 200, "{answer}");
    let id3 = Uuid::now_v7();
    crafted::publish(&js, WARD, STATION, &feedback(3, chain_hash(&e2), id3), &new).await;
    eventually("the decommissioned station refused", Duration::from_secs(20), || async {
        (hub.dead_letter_reasons().await.len() == 2).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, vec!["bad_signature", "station_decommissioned"]);

    // The registry kept it: after a restart the station is still refused.
    assert!(hub.terminate().success());
    hub.restart();
    let id4 = Uuid::now_v7();
    crafted::publish(&js, WARD, STATION, &feedback(3, chain_hash(&e2), id4), &new).await;
    eventually("refused after the restart too", Duration::from_secs(20), || async {
        (hub.dead_letter_reasons().await.len() == 3).then_some(())
    })
    .await;
    assert_eq!(hub.station_events(STATION).await, 2);

    let (status, answer) =
        command(&hub, json!({"command": "PlanStation", "ward": "27097", "building": "Sunrise City"})).await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("command")), "{answer}");
    let history = hub.json(&format!("/api/v1/cases/station/{STATION}")).await;
    let kinds: Vec<&str> =
        history["events"].as_array().unwrap().iter().map(|e| e["event_type"].as_str().unwrap()).collect();
    assert!(kinds.ends_with(&["StationKeyRotated", "StationDecommissioned"]), "{kinds:?}");
}

/// `dcs station plan` with no hub: the registry row and the `StationPlanned` event land together
/// through the log's one writer; planning the same station again changes neither.
#[tokio::test]
async fn planning_from_the_command_line_puts_the_station_in_the_registry_and_the_log_together() {
    let db = TestDb::postgres().await;
    let plan = || {
        std::process::Command::new(crate::support::binary("dcs"))
            .args(["station", "plan", "--database-url", &db.url, "--station", "st-27097-cli", "--ward", WARD])
            .args(["--building", "Tòa B"])
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = plan();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("enrollment code: "));
    let again = plan();
    assert!(!again.status.success(), "a station is planned once");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already planned"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let registry: Vec<(String, String)> =
        sqlx::query_as("SELECT station_id, status FROM stations").fetch_all(&pool).await.unwrap();
    assert_eq!(registry, vec![("st-27097-cli".to_string(), "planned".to_string())]);
    let log: Vec<(String, String)> =
        sqlx::query_as("SELECT aggregate_id, event_type FROM events ORDER BY position").fetch_all(&pool).await.unwrap();
    assert_eq!(log, vec![("st-27097-cli".to_string(), "StationPlanned".to_string())]);
}

/// A station planned before planning went into the log (the registry row alone) enrolls with its
/// plan, enrollment and activation all in the log; repeating the enrollment changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_station_planned_before_its_plan_was_logged_enrolls_with_its_whole_history() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let code = "ABCD-EFGH-JKLM-NPQR";
    sqlx::query(
        "INSERT INTO stations (station_id, ward_code, building, status, enrollment_code_hash, planned_at) \
         VALUES ('st-27097-legacy', '27097', 'Tòa C', 'planned', encode(sha256($1::bytea), 'hex'), now())",
    )
    .bind(code.as_bytes())
    .execute(&pool)
    .await
    .unwrap();
    let key = SigningKey::from_bytes(&[42; 32]);
    let body = json!({"ward_code": WARD, "building": "Tòa C", "public_key": hex::encode(key.verifying_key().to_bytes()),
        "enrollment_code": code});
    let enroll = || async {
        reqwest::Client::new()
            .post(format!("{}/api/v1/stations/st-27097-legacy/enrollment", hub.url))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(enroll().await, 200);
    let history = || async {
        let h = hub.json("/api/v1/cases/station/st-27097-legacy").await;
        h["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_type"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(history().await, ["StationPlanned", "StationEnrolled", "StationActivated"]);
    assert_eq!(enroll().await, 200, "the same enrollment again is harmless");
    assert_eq!(history().await.len(), 3);
    let status: String = sqlx::query_scalar("SELECT status FROM stations WHERE station_id = 'st-27097-legacy'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "enrolled");
}

/// Two different events signed with one station's key under one sequence number prove that the
/// key signed two histories: the second is dead-lettered, the station's log records the
/// equivocation, its key is revoked (what follows is refused) and the ward's page raises an
/// alert, until an administrator rotates the key.
#[tokio::test(flavor = "multi_thread")]
async fn a_station_that_signs_two_histories_loses_its_key_until_it_is_rotated() {
    const CLONED: &str = "st-27097-cloned";
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let (key, new) = (SigningKey::from_bytes(&[31; 32]), SigningKey::from_bytes(&[32; 32]));
    crafted::enroll_key(&hub, CLONED, WARD, "Tòa D", &key).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let event = |seq: u64, prev, id: Uuid, text: &str| {
        let payload = json!({"topic": "station", "text": text});
        crafted::event_bytes(CLONED, WARD, id, seq, prev, "feedback.submitted", Utc::now(), payload)
    };
    let events = || async {
        let h = hub.json(&format!("/api/v1/cases/station/{CLONED}")).await;
        h["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_type"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };

    let (id1, id1b) = (Uuid::now_v7(), Uuid::now_v7());
    let e1 = event(1, GENESIS, id1, "Thang máy hỏng");
    crafted::publish(&js, WARD, CLONED, &e1, &key).await;
    eventually("the first event", Duration::from_secs(20), || async {
        (hub.json("/api/v1/wards/27097/dashboard").await["ward"]["total"] == 1).then_some(())
    })
    .await;
    // The clone signs another event 1.
    crafted::publish(&js, WARD, CLONED, &event(1, GENESIS, id1b, "Một lịch sử khác"), &key).await;
    eventually("the equivocation recorded", Duration::from_secs(20), || async {
        events().await.ends_with(&["StationEquivocated".to_string()]).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, vec!["equivocation"]);
    let letters = hub.json("/api/v1/dead-letters").await;
    assert_eq!(letters[0]["event_id"], json!(id1b), "the second event is kept as the proof");

    // What follows under that key is refused, even the station's own next event.
    let id2 = Uuid::now_v7();
    crafted::publish(&js, WARD, CLONED, &event(2, chain_hash(&e1), id2, "Sự kiện 2"), &key).await;
    eventually("the next event refused", Duration::from_secs(20), || async {
        (hub.dead_letter_reasons().await.len() == 2).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, vec!["equivocation", "station_decommissioned"]);
    let page = hub.get("/wards/27097").await.text().await.unwrap();
    assert!(page.contains("class=alert") && page.contains(CLONED), "the ward's page raises the alert");

    // An administrator rotates the key: the alert clears and the chain goes on under the new key.
    let r = hub
        .client()
        .post(format!("{}/api/v1/cases/station/{CLONED}/commands", hub.url))
        .json(&json!({"command": "RotateStationKey", "public_key": hex::encode(new.verifying_key().to_bytes())}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id3 = Uuid::now_v7();
    crafted::publish(&js, WARD, CLONED, &event(2, chain_hash(&e1), id3, "Sau khi đổi khóa"), &new).await;
    eventually("the event under the new key", Duration::from_secs(20), || async {
        (hub.json("/api/v1/wards/27097/dashboard").await["ward"]["total"] == 2).then_some(())
    })
    .await;
    let page = hub.get("/wards/27097").await.text().await.unwrap();
    assert!(!page.contains("class=alert"), "the alert is cleared by the new key");
}
