//! The hub's keyring on a real database: an epoch's secret is destroyed once its grace has passed,
//! after which what was sealed to it (on the NATS stream, in backups, in bundles) opens with
//! nothing the hub holds but the key table, and a forgotten data key opens nothing at all.

use chrono::{DateTime, Utc};
use ingest::keyring::{Keyring, Opened};
use protocol::forgettable::{seal_payload, OpenError, Sealable};
use protocol::kek::Kek;
use rand::rngs::OsRng;
use serde_json::json;
use store::{AppendBatch, ForgetKeys, NewDataKey, Store};
use testkit::TestDb;
use uuid::Uuid;

const FIELDS: &[&str] = &["location", "description"];

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn once_an_epochs_secret_is_destroyed_what_was_sealed_to_it_opens_only_through_the_key_table() {
    let db = TestDb::postgres().await;
    let store = Store::connect(&db.url).await.unwrap();
    let kek = Kek::generate(&mut OsRng);
    let keyring = Keyring::load(store.clone(), kek.clone(), at("2026-10-15T03:00:00Z")).await.unwrap();
    assert_eq!(keyring.current().epoch, "2026-10");

    // A station seals a report to October's key; the hub unwraps its data key and files it.
    let event = Uuid::now_v7();
    let mut payload =
        json!({"category": "noise", "severity": "low", "location": "Tháp A", "description": "Karaoke lúc 2 giờ sáng"});
    seal_payload(FIELDS, &mut payload, &keyring.current(), event, &mut OsRng).unwrap();
    let (key, clear) = keyring.unseal(FIELDS, &payload, event).unwrap().unwrap();
    assert_eq!(clear["description"], "Karaoke lúc 2 giờ sáng");
    let filed = NewDataKey {
        event_id: event,
        citizen: None,
        aggregate_type: "security_report".into(),
        aggregate_id: event.to_string(),
        sealed_key: keyring.seal_data_key(&key, event),
    };
    let mut writer = store.writer().await.unwrap();
    writer.append(&AppendBatch { data_keys: vec![filed], ..AppendBatch::default() }).await.unwrap();

    // November: October's secret is kept through its grace. December: it is destroyed.
    assert!(keyring.destroy_expired(at("2026-11-20T00:00:00Z")).await.unwrap().is_empty());
    keyring.rotate(at("2026-12-01T01:00:00Z")).await.unwrap();
    assert_eq!(keyring.destroy_expired(at("2026-12-01T01:00:00Z")).await.unwrap(), vec!["2026-10".to_string()]);
    assert_eq!(keyring.current().epoch, "2026-12", "the current epoch is never destroyed");

    // The stream's copy opens with nothing the hub holds: not the keyring, not a keyring loaded
    // again with the KEK, not the table's row of the epoch.
    assert_eq!(keyring.unseal(FIELDS, &payload, event), Err(OpenError::UnknownEpoch("2026-10".into())));
    let reloaded = Keyring::load(store.clone(), kek, at("2026-12-02T00:00:00Z")).await.unwrap();
    assert_eq!(reloaded.unseal(FIELDS, &payload, event), Err(OpenError::UnknownEpoch("2026-10".into())));
    let rows = store.epoch_keys().await.unwrap();
    let october = rows.iter().find(|r| r.epoch == "2026-10").unwrap();
    assert!(october.secret.is_none() && october.destroyed_at.is_some(), "{october:?}");

    // Through the key table the hub still reads it; once forgotten, nobody does.
    let sealed: Sealable = serde_json::from_value(payload["description"].clone()).unwrap();
    let text = sealed.into_text(event, "description");
    assert_eq!(reloaded.open(&[&text]).await.unwrap(), vec![Opened::Clear("Karaoke lúc 2 giờ sáng".into())]);
    let forget = ForgetKeys::Case { aggregate_type: "security_report".into(), aggregate_id: event.to_string() };
    writer.append(&AppendBatch { forget: vec![forget], ..AppendBatch::default() }).await.unwrap();
    assert_eq!(reloaded.open(&[&text]).await.unwrap(), vec![Opened::Erased]);
}
