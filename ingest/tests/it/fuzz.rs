//! Random messages (bytes flipped, cut or spliced, members replaced by odd JSON, U+0000, huge
//! numbers, deep nesting, wrong subjects, forged or missing signatures) go through the whole batch
//! step against PostgreSQL, each case followed by an honest event of another station: ingest never
//! panics, and the honest event always gets its receipt within seconds. Bounded: 200 cases (under a second)
//! (`PROPTEST_CASES` to change).

use std::sync::LazyLock;
use std::time::Duration;

use bus::memory::MemoryBus;
use bus::{OutgoingEvent, StationLink};
use chrono::Utc;
use domain::aggregates::{AnyCommand, StationCommand};
use ed25519_dalek::SigningKey;
use futures::StreamExt;
use ingest::staff::StaffCommand;
use ingest::{Ingest, IngestConfig};
use proptest::prelude::*;
use protocol::{chain_hash, sign, subjects, ChainHash, ReceiptStatus, StationId, UnsignedEvent, WardCode, GENESIS};
use serde_json::{json, Value};
use testkit::TestDb;
use tokio::sync::Mutex;
use uuid::Uuid;

const WARD: &str = "27097";
const NOISY: &str = "st-27097-fuzz-noisy";
const HONEST: &str = "st-27097-fuzz-honest";

/// The hub under test: one database, one bus, ingest running; the honest station's chain.
struct Rig {
    bus: MemoryBus,
    runtime: tokio::runtime::Runtime,
    noisy: SigningKey,
    honest: SigningKey,
    chain: Mutex<(u64, ChainHash)>,
    hub_key: [u8; 32],
    ingest: tokio::task::JoinHandle<Result<(), ingest::IngestError>>,
    _db: TestDb,
}

fn bytes(station: &str, seq: u64, prev: ChainHash, payload: &Value) -> Vec<u8> {
    let time = UnsignedEvent::format_time(Utc::now());
    UnsignedEvent {
        v: 1,
        id: Uuid::now_v7(),
        station,
        ward: WARD,
        seq,
        prev: prev.to_hex(),
        time,
        kind: "feedback.submitted",
        schema: 1,
        payload,
    }
    .to_bytes()
}

pub(crate) async fn enroll(staff: &ingest::staff::StaffHandle, id: &str, key: &SigningKey) {
    let (station, ward) = (StationId::parse(id).unwrap(), WardCode::parse(WARD).unwrap());
    let commands = [
        StationCommand::PlanStation { ward: ward.clone(), building: "Tòa thử".into(), at: Utc::now() },
        StationCommand::EnrollStation { public_key: hex::encode(key.verifying_key().to_bytes()), at: Utc::now() },
        StationCommand::ActivateStation { at: Utc::now() },
    ];
    for (i, command) in commands.into_iter().enumerate() {
        let code = (i == 0).then(|| "0".repeat(64));
        let c = StaffCommand {
            aggregate_id: station.to_string(),
            command: AnyCommand::Station(command),
            actor: "hub".into(),
            ward_code: Some(ward.to_string()),
            at: Utc::now(),
            enrollment_code_hash: code,
        };
        staff.execute(c).await.unwrap();
    }
}

static RIG: LazyLock<Rig> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (bus, noisy, honest) = (MemoryBus::new(), SigningKey::from_bytes(&[71; 32]), SigningKey::from_bytes(&[72; 32]));
    let config = IngestConfig::default();
    let hub_key = config.hub_key.verifying_key().to_bytes();
    let (db, ingest) = runtime.block_on(async {
        let db = TestDb::postgres().await;
        let ingest = Ingest::new(db.store().await, Box::new(bus.clone()), config).await.unwrap();
        let staff = ingest.staff();
        let handle = tokio::spawn(ingest.run(tokio_util::sync::CancellationToken::new()));
        enroll(&staff, NOISY, &noisy).await;
        enroll(&staff, HONEST, &honest).await;
        (db, handle)
    });
    Rig { bus, runtime, noisy, honest, chain: Mutex::new((0, GENESIS)), hub_key, ingest, _db: db }
});

/// What a case does to a valid event of the noisy station before sending it.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
    Splice(usize, Vec<u8>),
    Member(String, Value),
    Envelope(String, Value),
}

fn odd_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!(1e308)),
        Just(json!(u64::MAX)),
        ".{0,40}".prop_map(Value::String),
        Just(json!("\u{0}")),
        Just(json!("a\u{0}b")),
        Just(json!("x".repeat(5000))),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(i, b)| Mutation::Splice(i, b)),
        (
            prop_oneof![
                Just("text".to_string()),
                Just("topic".to_string()),
                ".{0,6}".prop_map(|s| s),
                Just("\u{0}".to_string())
            ],
            odd_json()
        )
            .prop_map(|(k, v)| Mutation::Member(k, v)),
        (
            prop_oneof![
                Just("station"),
                Just("seq"),
                Just("prev"),
                Just("kind"),
                Just("ward"),
                Just("time"),
                Just("id")
            ],
            odd_json()
        )
            .prop_map(|(k, v)| Mutation::Envelope(k.to_string(), v)),
    ]
}

fn apply(m: &Mutation, seq: u64) -> Vec<u8> {
    let original = bytes(NOISY, seq, GENESIS, &json!({"topic": "station", "text": "Góp ý"}));
    let mut b = original.clone();
    match m {
        Mutation::Flip(i, x) => {
            let i = i % b.len();
            b[i] ^= x | 1;
        }
        Mutation::Cut(i) => b.truncate(i % b.len()),
        Mutation::Splice(i, extra) => {
            let i = i % b.len();
            b.splice(i..i, extra.iter().copied());
        }
        Mutation::Member(k, v) | Mutation::Envelope(k, v) => {
            let mut value: Value = serde_json::from_slice(&original).unwrap();
            let target = if matches!(m, Mutation::Member(..)) { &mut value["payload"] } else { &mut value };
            target[k.as_str()] = v.clone();
            b = serde_json::to_vec(&value).unwrap();
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200), ..ProptestConfig::default() })]

    #[test]
    fn no_message_stalls_or_crashes_ingest(mutations in prop::collection::vec((mutation(), any::<bool>(), any::<bool>()), 1..6)) {
        let rig = &*RIG;
        rig.runtime.block_on(async {
            let mut noise = Vec::new();
            for (i, (m, signed, own_subject)) in mutations.iter().enumerate() {
                let b = apply(m, 1 + i as u64);
                let signature = if *signed { hex::encode(sign(&rig.noisy, &b)) } else { "00".repeat(64) };
                let subject = if *own_subject { subjects::events(WARD, NOISY) } else { subjects::events(WARD, "st-27097-elsewhere") };
                noise.push(OutgoingEvent { subject, msg_id: signature.clone(), signature, bytes: b.into() });
            }
            rig.bus.publish(&noise).await;
            // Then an honest event of another station: it must be accepted within seconds.
            let mut chain = rig.chain.lock().await;
            let b = bytes(HONEST, chain.0 + 1, chain.1, &json!({"topic": "station", "text": "Góp ý thật"}));
            let mut receipts = rig.bus.receipts(&subjects::receipts(WARD, HONEST)).await.unwrap();
            let signature = hex::encode(sign(&rig.honest, &b));
            let honest = OutgoingEvent { subject: subjects::events(WARD, HONEST), msg_id: signature.clone(), signature, bytes: b.clone().into() };
            rig.bus.publish(&[honest]).await;
            let receipt = tokio::time::timeout(Duration::from_secs(10), async {
                loop {
                    let sealed = receipts.next().await.expect("receipts");
                    let r: protocol::Receipt = sealed.open(&rig.hub_key).expect("receipts are signed by the hub");
                    if r.seq == chain.0 + 1 { return r; }
                }
            })
            .await
            .expect("the honest event's receipt within 10 s: ingest is not stalled");
            assert_eq!(receipt.status, ReceiptStatus::Accepted, "{receipt:?}");
            *chain = (chain.0 + 1, chain_hash(&b));
            assert!(!rig.ingest.is_finished(), "ingest is still running (no panic, no error)");
        });
    }
}
