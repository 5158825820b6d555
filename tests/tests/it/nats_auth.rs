//! NATS with decentralized JWT authentication, from `dcs nats config`: stations get their own
//! users at enrollment and may use only their own subjects; anonymous clients are refused; a
//! station's junk cannot make another station's event a "duplicate"; a revoked station is shut out.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::{subjects, GENESIS};
use serde_json::json;
use testkit::{free_port, NatsServer, TestDb};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::support::{binary, crafted, eventually, AgentProcess, HubProcess};

const WARD: &str = "27097";
const A: &str = "st-27097-auth-a";
const C: &str = "st-27097-auth-c";

/// Writes the NATS configuration for a server on `port` into `dir`.
fn nats_config(dir: &Path, port: u16) -> std::path::PathBuf {
    let out = Command::new(binary("dcs"))
        .args(["nats", "config", "--listen", &format!("127.0.0.1:{port}"), "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir.join("nats-server.conf")
}

/// A connection with these credentials; the server's errors (permission violations) come out of
/// the receiver.
async fn connect(url: &str, creds: &str, inbox: &str) -> (async_nats::Client, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let client = async_nats::ConnectOptions::new()
        .credentials(creds)
        .unwrap()
        .custom_inbox_prefix(inbox)
        .event_callback(move |event| {
            let tx = tx.clone();
            async move {
                if let async_nats::Event::ServerError(e) = event {
                    let _ = tx.send(e.to_string().to_lowercase());
                }
            }
        })
        .connect(url)
        .await
        .unwrap();
    (client, rx)
}

/// Waits for the server to report a permission violation naming `subject`.
async fn violation(errors: &mut mpsc::UnboundedReceiver<String>, subject: &str) {
    let seen = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(e) = errors.recv().await {
            if e.contains("permissions violation") && e.contains(&subject.to_lowercase()) {
                return e;
            }
        }
        String::new()
    })
    .await
    .unwrap_or_default();
    assert!(!seen.is_empty(), "no permission violation for {subject}");
}

/// Enrolls a station by hand (a third-party kiosk would): its Ed25519 key and its own nkey; returns
/// its NATS credentials.
async fn enroll_by_hand(hub: &HubProcess, station: &str, key: &SigningKey) -> String {
    let code = hub.plan(station, WARD, "Tòa nhà C").await;
    let nkey = nkeys::KeyPair::new_user();
    let body = json!({"ward_code": WARD, "building": "Tòa nhà C", "public_key": hex::encode(key.verifying_key().to_bytes()),
        "enrollment_code": code});
    let url = format!("{}/api/v1/stations/{station}/enrollment", hub.url);
    let refused = reqwest::Client::new().post(&url).json(&body).send().await.unwrap();
    assert_eq!(refused.status(), 422, "a hub with NATS authentication needs the station's nkey");
    let refusal: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(refusal["field"], "nats_user_key");
    let mut body = body;
    body["nats_user_key"] = json!(nkey.public_key());
    let answer: serde_json::Value =
        reqwest::Client::new().post(&url).json(&body).send().await.unwrap().json().await.unwrap();
    let jwt = answer["nats_jwt"].as_str().expect("a NATS user JWT for the station");
    bus::credentials::creds(jwt, &nkey.seed().unwrap())
}

fn station_creds(dir: &Path) -> String {
    let jwt = std::fs::read_to_string(dir.join("nats.jwt")).unwrap();
    let seed = std::fs::read_to_string(dir.join("nats.nk")).unwrap();
    bus::credentials::creds(jwt.trim(), seed.trim())
}

#[tokio::test(flavor = "multi_thread")]
async fn stations_use_only_their_own_subjects_and_a_revoked_station_is_shut_out() {
    let db = TestDb::postgres().await;
    let creds_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let nats = NatsServer::with_config(port, nats_config(creds_dir.path(), port));
    let creds_env = creds_dir.path().to_str().unwrap().to_string();
    let hub = HubProcess::start_with_env(&db.url, &nats.url(), &[("DCS_NATS_CREDENTIALS", &creds_env)]);

    // Anonymous clients are refused.
    assert!(async_nats::connect(nats.url()).await.is_err(), "an anonymous connection must be refused");

    // A station enrolled by the agent publishes its own events and gets its receipts.
    let a = AgentProcess::enroll_and_start(&hub, &nats.url(), A, WARD).await;
    for i in 0..3 {
        a.record(i).await.unwrap();
    }
    assert_eq!(a.wait_all_confirmed(Duration::from_secs(30)).await, 3);

    // With A's credentials, nothing of anyone else's.
    let key_c = SigningKey::from_bytes(&[33; 32]);
    let creds_c = enroll_by_hand(&hub, C, &key_c).await;
    let (as_a, mut errors) = connect(&nats.url(), &station_creds(a.dir()), &subjects::inbox_prefix(A)).await;
    as_a.publish(subjects::events(WARD, C), "forged".into()).await.unwrap();
    violation(&mut errors, &subjects::events(WARD, C)).await;
    let mut everything = as_a.subscribe(subjects::EVENTS_ALL).await.unwrap();
    violation(&mut errors, subjects::EVENTS_ALL).await;
    let _theirs = as_a.subscribe(subjects::receipts(WARD, C)).await.unwrap();
    violation(&mut errors, &subjects::receipts(WARD, C)).await;
    let _ = as_a.subscribe("_INBOX.>").await.unwrap();
    violation(&mut errors, "_INBOX.>").await;
    // The JetStream API is the hub's: a station cannot delete its consumer.
    let delete = format!("$JS.API.CONSUMER.DELETE.{}.{}", subjects::STREAM, bus::nats::CONSUMER);
    let _ = tokio::time::timeout(Duration::from_secs(3), as_a.request(delete.clone(), "".into())).await;
    violation(&mut errors, &delete).await;

    // A's junk carrying C's next event id, even as its Nats-Msg-Id, does not hold C's event.
    let id = Uuid::now_v7();
    let e1 = crafted::event_bytes(
        C,
        WARD,
        id,
        1,
        GENESIS,
        "feedback.submitted",
        Utc::now(),
        json!({"topic": "station", "text": "Góp ý đầu tiên"}),
    );
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(subjects::HEADER_MSG_ID, id.to_string().as_str());
    let js_a = async_nats::jetstream::new(as_a.clone());
    js_a.publish_with_headers(subjects::events(WARD, A), headers, id.to_string().into_bytes().into())
        .await
        .unwrap()
        .await
        .unwrap();
    let (as_c, _) = connect(&nats.url(), &creds_c, &subjects::inbox_prefix(C)).await;
    let js_c = async_nats::jetstream::new(as_c.clone());
    let ack = crafted::publish(&js_c, WARD, C, &e1, &key_c).await;
    assert!(!ack.duplicate, "C's event is not taken for A's junk");
    eventually("C's event in the log", Duration::from_secs(15), || async {
        (hub.station_events(C).await == 1).then_some(())
    })
    .await;
    let overheard = tokio::time::timeout(Duration::from_millis(300), futures::StreamExt::next(&mut everything)).await;
    assert!(!matches!(overheard, Ok(Some(_))), "the refused subscription delivers nothing");

    // Revoked (decommissioned): its connection is closed and refused from then on, and what it
    // records never reaches the log.
    let r = hub
        .client()
        .post(format!("{}/api/v1/cases/station/{A}/commands", hub.url))
        .json(&json!({"command": "DecommissionStation", "reason": "Thử thu hồi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let creds_a = station_creds(a.dir());
    eventually("A's NATS user to be refused", Duration::from_secs(15), || async {
        let refused =
            async_nats::ConnectOptions::new().credentials(&creds_a).unwrap().connect(nats.url()).await.is_err();
        refused.then_some(())
    })
    .await;
    let before = hub.station_events(A).await;
    a.record(3).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(hub.station_events(A).await, before, "nothing from a revoked station reaches the log");
    assert_eq!(a.status().await["pending"], 1, "the event waits at the station");
}
