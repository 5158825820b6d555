//! Residents named by the hub (`docs/PROTOCOL.md` section 11): a station seals the 12-digit ID
//! to the hub's epoch key, and ingest names the resident by a pseudonym under a key no station
//! was ever given. A station that states a false sex or age band, or moves a sealed ID from
//! another event, is refused with the field named; a key stations were given is retired.

use std::time::Duration;

use bus::memory::MemoryBus;
use bus::{OutgoingEvent, StationLink};
use chrono::Utc;
use ed25519_dalek::SigningKey;
use futures::StreamExt;
use ingest::keyring::Keyring;
use ingest::{Ingest, IngestConfig};
use protocol::citizen::{CitizenId, SealedCitizen, Sex};
use protocol::forgettable::Sealer;
use protocol::kek::Kek;
use protocol::{chain_hash, sign, subjects, ChainHash, Receipt, ReceiptStatus, UnsignedEvent, GENESIS};
use rand::rngs::OsRng;
use serde_json::{json, Value};
use testkit::TestDb;
use uuid::Uuid;

const WARD: &str = "27097";
const STATION: &str = "st-27097-sealed-ids";
const ID: &str = "079185001234";

/// A VNeID request naming the resident `citizen`, sealed with the event's `sealer`.
fn unsigned(id: Uuid, seq: u64, prev: ChainHash, sealer: &Sealer, citizen: &SealedCitizen) -> Vec<u8> {
    let mut payload = json!({"level": 2, "citizen": citizen});
    assert!(sealer.seal_payload(&[], &mut payload, &mut OsRng));
    UnsignedEvent {
        v: 1,
        id,
        station: STATION,
        ward: WARD,
        seq,
        prev: prev.to_hex(),
        time: UnsignedEvent::format_time(Utc::now()),
        kind: "vneid.activation_requested",
        schema: 1,
        payload: &payload,
    }
    .to_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hub_names_a_sealed_resident_with_its_own_key_and_refuses_a_station_that_misstates_them() {
    let db = TestDb::postgres().await;
    let store = db.store().await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    // A key made before this version, which stations were given at enrollment.
    sqlx::query(
        "INSERT INTO pseudonym_keys (key_id, key, created_at, held_by_stations) VALUES ('pk-old', $1, now(), TRUE)",
    )
    .bind(vec![9u8; 32])
    .execute(&pool)
    .await
    .unwrap();
    let keyring =
        std::sync::Arc::new(Keyring::load(store.clone(), Kek::generate(&mut OsRng), Utc::now()).await.unwrap());
    let config = IngestConfig { keyring: Some(keyring.clone()), ..IngestConfig::default() };
    let hub_key = config.hub_key.verifying_key().to_bytes();
    let bus = MemoryBus::new();
    let ingest = Ingest::new(store.clone(), Box::new(bus.clone()), config).await.unwrap();
    let station = SigningKey::from_bytes(&[81; 32]);
    let staff = ingest.staff();
    let running = tokio::spawn(ingest.run(tokio_util::sync::CancellationToken::new()));
    crate::fuzz::enroll(&staff, STATION, &station).await;
    let mut receipts = bus.receipts(&subjects::receipts(WARD, STATION)).await.unwrap();

    let epoch = keyring.current();
    let today = protocol::time::local_day(Utc::now());
    let resident = CitizenId::parse(ID, today).unwrap();
    let mut chain = (0u64, GENESIS);
    let mut send = |id: Uuid, sealer: &Sealer, citizen: &SealedCitizen| {
        let bytes = unsigned(id, chain.0 + 1, chain.1, sealer, citizen);
        chain = (chain.0 + 1, chain_hash(&bytes));
        let signature = hex::encode(sign(&station, &bytes));
        OutgoingEvent {
            subject: subjects::events(WARD, STATION),
            msg_id: signature.clone(),
            signature,
            bytes: bytes.into(),
        }
    };
    // 1: honest. 2: a false sex. 3: the first event's sealed ID moved into another event.
    let first = Uuid::now_v7();
    let sealer = Sealer::new(&epoch, first, &mut OsRng).unwrap();
    let honest = resident.seal(&sealer, &mut OsRng);
    let mut events = vec![send(first, &sealer, &honest)];
    let second = Uuid::now_v7();
    let sealer = Sealer::new(&epoch, second, &mut OsRng).unwrap();
    let other = if resident.sex() == Sex::Male { Sex::Female } else { Sex::Male };
    let false_sex = SealedCitizen { sex: other, ..resident.seal(&sealer, &mut OsRng) };
    events.push(send(second, &sealer, &false_sex));
    let third = Uuid::now_v7();
    events.push(send(third, &Sealer::new(&epoch, third, &mut OsRng).unwrap(), &honest));
    bus.publish(&events).await;

    let mut answered = Vec::new();
    while answered.len() < 3 {
        let sealed = tokio::time::timeout(Duration::from_secs(10), receipts.next()).await.unwrap().unwrap();
        let r: Receipt = sealed.open(&hub_key).unwrap();
        answered.push((r.seq, r.status, r.detail.unwrap_or_default()));
    }
    answered.sort_by_key(|a| a.0);
    assert_eq!(answered[0].1, ReceiptStatus::Accepted, "{answered:?}");
    assert_eq!(answered[1].1, ReceiptStatus::Rejected);
    assert!(answered[1].2.contains("payload.citizen.sex"), "{answered:?}");
    assert_eq!(answered[2].1, ReceiptStatus::Rejected);
    assert!(answered[2].2.contains("payload.citizen.sealed_id"), "{answered:?}");

    // The log names the resident under the hub's key, which is not the one stations were given.
    let (key_id, key): (String, Vec<u8>) =
        sqlx::query_as("SELECT key_id, key FROM pseudonym_keys WHERE active").fetch_one(&pool).await.unwrap();
    assert_ne!(key_id, "pk-old", "the key stations held is retired");
    let expected = resident.pseudonym(&key, &key_id);
    let (citizen,): (Value,) =
        sqlx::query_as("SELECT payload->'VneidActivationRequested'->'citizen' FROM events WHERE event_id = $1")
            .bind(first)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(citizen, serde_json::to_value(&expected).unwrap());
    let (filed,): (Option<String>,) = sqlx::query_as("SELECT citizen FROM data_keys WHERE event_id = $1")
        .bind(first.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(filed.as_deref(), Some(expected.pseudonym.as_str()), "the data key is filed under the pseudonym");
    let (raw,): (Vec<u8>,) =
        sqlx::query_as("SELECT raw FROM events WHERE event_id = $1").bind(first).fetch_one(&pool).await.unwrap();
    assert!(!raw.windows(ID.len()).any(|w| w == ID.as_bytes()), "the signed bytes hold the ID sealed only");
    assert!(!running.is_finished());
}
