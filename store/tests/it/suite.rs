//! Behaviour every store backend must have. Each test runs once on SQLite and once on PostgreSQL.

use chrono::Utc;
use serde_json::json;
use store::{
    AppendBatch, ForgetKeys, NewDataKey, NewDeadLetter, NewEvent, NewStation, OutcomeKind, RegistryChange,
    StationCursor, Store, StoreError,
};
use uuid::Uuid;

use testkit::TestDb;

fn event(aggregate_id: &str, seq: i64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: "payment".into(),
        aggregate_id: aggregate_id.into(),
        aggregate_seq: seq,
        event_type: "PaymentMade".into(),
        event_version: 1,
        payload: json!({"PaymentMade": {"amount_vnd": 452000, "note": "tab\there, newline\nthere, back\\slash"}}),
        metadata: json!({"station": "st-1"}),
        station_id: Some("st-1".into()),
        ward_code: Some("27097".into()),
        occurred_at: "2025-10-10T02:15:00.123456Z".parse().unwrap(),
        raw: Some(b"{\"v\":1}\x00\xff\\x".to_vec()),
        signature: Some(vec![7; 64]),
    }
}

fn batch(events: Vec<NewEvent>) -> AppendBatch {
    AppendBatch { events, ..Default::default() }
}

testkit::on_both_backends!(
    dead_letters_are_tallied_by_day_and_reason,
    appends_get_consecutive_positions_in_batch_order,
    a_batch_of_many_aggregates_reads_back_exactly_with_its_raw_bytes,
    a_duplicate_event_id_fails_the_whole_batch_and_the_writer_goes_on,
    a_duplicate_aggregate_sequence_is_refused,
    an_aggregate_loads_its_events_in_sequence_order,
    outcomes_tell_accepted_from_dead_lettered_events,
    station_cursors_move_in_the_same_transaction_as_the_events,
    a_station_cannot_be_planned_twice,
    a_registry_change_and_its_events_commit_together_or_not_at_all,
    a_revocation_fits_an_enrolled_or_a_never_enrolled_station,
    the_access_log_reads_back_newest_first_and_the_database_refuses_to_change_it,
    a_rotated_pseudonym_key_is_handed_out_from_then_on_and_the_old_one_is_kept,
    forgetting_a_resident_destroys_every_key_of_their_cases_and_no_other,
);

async fn forgetting_a_resident_destroys_every_key_of_their_cases_and_no_other(db: TestDb) {
    let store = db.store().await;
    let key = |citizen: Option<&str>, case: &str| NewDataKey {
        event_id: Uuid::now_v7(),
        citizen: citizen.map(str::to_string),
        aggregate_type: "feedback".into(),
        aggregate_id: case.into(),
        sealed_key: vec![1; 72],
    };
    // Their feedback's key, and an officer's answer on it (filed under the case alone); another
    // resident's case; an anonymous case.
    let keys = vec![key(Some("aa"), "f-1"), key(None, "f-1"), key(Some("bb"), "f-2"), key(None, "f-3")];
    let ids: Vec<Uuid> = keys.iter().map(|k| k.event_id).collect();
    let mut w = store.writer().await.unwrap();
    w.append(&AppendBatch { data_keys: keys, ..Default::default() }).await.unwrap();
    w.append(&AppendBatch { forget: vec![ForgetKeys::Citizen("aa".into())], ..Default::default() }).await.unwrap();
    let left: Vec<Uuid> = store.data_keys(&ids).await.unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.contains(&ids[2]) && left.contains(&ids[3]), "the other cases keep their keys");
}

async fn a_rotated_pseudonym_key_is_handed_out_from_then_on_and_the_old_one_is_kept(db: TestDb) {
    let store = db.store().await;
    let (first, key) = store.pseudonym_key([1; 32]).await.unwrap();
    assert_eq!(store.pseudonym_key([2; 32]).await.unwrap(), (first.clone(), key.clone()), "one active key");
    let rotated = store.rotate_pseudonym_key([3; 32], Utc::now()).await.unwrap();
    assert_ne!(rotated, first);
    assert_eq!(
        store.pseudonym_key([4; 32]).await.unwrap(),
        (rotated.clone(), vec![3; 32]),
        "the new key is handed out"
    );
    let all: Vec<String> = store.pseudonym_keys().await.unwrap().into_iter().map(|(id, _)| id).collect();
    assert!(all.contains(&first) && all.contains(&rotated) && all.len() == 2, "{all:?}");
}

async fn appends_get_consecutive_positions_in_batch_order(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    assert_eq!(w.next_position(), 1);
    let a = w.append(&batch(vec![event("a", 1), event("b", 1)])).await.unwrap();
    let b = w.append(&batch(vec![event("a", 2)])).await.unwrap();
    assert_eq!(a.positions, vec![1, 2]);
    assert_eq!(b.positions, vec![3]);
    assert_eq!(store.head().await.unwrap(), 3);
    let log = store.read_log(1, 10).await.unwrap();
    assert_eq!(log.iter().map(|e| e.position).collect::<Vec<_>>(), vec![2, 3]);
    drop(w);
    // a new writer carries on after the head
    let w2 = store.writer().await.unwrap();
    assert_eq!(w2.next_position(), 4);
}

async fn a_batch_of_many_aggregates_reads_back_exactly_with_its_raw_bytes(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let events: Vec<NewEvent> = (0..250).map(|i| event(&format!("agg-{i}"), 1)).collect();
    w.append(&batch(events.clone())).await.unwrap();
    let back = store.read_events(0, 1000).await.unwrap();
    assert_eq!(back.len(), 250);
    for (i, (stored, sent)) in back.iter().zip(&events).enumerate() {
        assert_eq!(stored.position, i as i64 + 1);
        assert_eq!(&stored.event, sent);
    }
}

async fn a_duplicate_event_id_fails_the_whole_batch_and_the_writer_goes_on(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let first = event("a", 1);
    w.append(&batch(vec![first.clone()])).await.unwrap();
    let mut again = event("b", 1);
    again.event_id = first.event_id;
    let err = w.append(&batch(vec![event("c", 1), again])).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");
    assert_eq!(store.head().await.unwrap(), 1, "nothing of the failed batch is written");
    let ok = w.append(&batch(vec![event("d", 1)])).await.unwrap();
    assert_eq!(ok.positions, vec![2]);
}

async fn a_duplicate_aggregate_sequence_is_refused(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    w.append(&batch(vec![event("a", 1)])).await.unwrap();
    assert!(w.append(&batch(vec![event("a", 1)])).await.is_err());
    assert_eq!(store.head().await.unwrap(), 1);
}

async fn an_aggregate_loads_its_events_in_sequence_order(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    w.append(&batch(vec![event("a", 1), event("b", 1), event("a", 2)])).await.unwrap();
    w.append(&batch(vec![event("a", 3)])).await.unwrap();
    let loaded = store.load_aggregates("payment", &["a".into()]).await.unwrap();
    assert_eq!(loaded.iter().map(|e| e.event.aggregate_seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(store.load_aggregates("dossier", &["a".into()]).await.unwrap().is_empty());
}

async fn outcomes_tell_accepted_from_dead_lettered_events(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let accepted = event("a", 1);
    let rejected_id = Uuid::now_v7();
    let dl = NewDeadLetter {
        subject: "dcs.v1.events.27097.st-1".into(),
        event_id: Some(rejected_id),
        station_id: Some("st-1".into()),
        station_seq: Some(2),
        reason: "invalid_payload".into(),
        detail: "payload.amount_vnd: must be positive".into(),
        raw: b"raw".to_vec(),
        signature: None,
        chain_advanced: true,
        receipt_status: Some("rejected".into()),
    };
    let unanswered = NewDeadLetter { event_id: Some(Uuid::now_v7()), receipt_status: None, ..dl.clone() };
    let appended = w
        .append(&AppendBatch {
            events: vec![accepted.clone()],
            dead_letters: vec![dl, unanswered.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    let outcomes = store.find_outcomes(&[accepted.event_id, rejected_id, unanswered.event_id.unwrap()]).await.unwrap();
    assert_eq!(outcomes.len(), 2, "a dead letter without a receipt is no outcome");
    let acc = outcomes.iter().find(|o| o.event_id == accepted.event_id).unwrap();
    assert_eq!(acc.kind, OutcomeKind::Accepted { position: appended.positions[0] });
    assert_eq!(Some(acc.raw.clone()), accepted.raw);
    let rej = outcomes.iter().find(|o| o.event_id == rejected_id).unwrap();
    assert!(
        matches!(&rej.kind, OutcomeKind::DeadLettered { status, reason, .. } if status == "rejected" && reason == "invalid_payload")
    );
    let letters = store.dead_letters(None, 10).await.unwrap();
    assert_eq!(letters.len(), 2);
    assert_eq!(letters[0].letter, unanswered, "newest first, read back exactly");
    let older = store.dead_letters(Some(letters[0].id), 10).await.unwrap();
    assert_eq!(older, letters[1..], "the next page starts below the last id seen");
    assert_eq!(store.dead_letters(None, 1).await.unwrap().len(), 1, "capped");
}

async fn station_cursors_move_in_the_same_transaction_as_the_events(db: TestDb) {
    let store: Store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let enroll = RegistryChange::Enroll { station_id: "st-1".into(), public_key: vec![1; 32] };
    w.append(&AppendBatch { registry: vec![plan("st-1"), enroll], ..Default::default() }).await.unwrap();
    let cursor =
        StationCursor { station_id: "st-1".into(), last_seq: 1, last_hash: "ab".repeat(32), last_seen_at: Utc::now() };
    // a failing batch moves no cursor
    let e = event("a", 1);
    w.append(&AppendBatch { events: vec![e.clone()], ..Default::default() }).await.unwrap();
    let failing = AppendBatch { events: vec![e], cursors: vec![cursor.clone()], ..Default::default() };
    assert!(w.append(&failing).await.is_err());
    let st = store.station("st-1").await.unwrap().unwrap();
    assert_eq!((st.status.as_str(), st.last_seq), ("enrolled", 0));
    assert_eq!(st.public_key, Some(vec![1; 32]));
    w.append(&AppendBatch { events: vec![event("b", 1)], cursors: vec![cursor.clone()], ..Default::default() })
        .await
        .unwrap();
    let st = store.station("st-1").await.unwrap().unwrap();
    assert_eq!((st.last_seq, st.last_hash), (1, cursor.last_hash));
}

fn plan(id: &str) -> RegistryChange {
    RegistryChange::Plan(NewStation {
        station_id: id.into(),
        ward_code: "27097".into(),
        building: "Diamond Island".into(),
        enrollment_code_hash: "h".into(),
    })
}

/// The same plan again is taken as it is (a station planned before its plan was in the log gets
/// its `StationPlanned` that way); another plan under the same id, or one for an enrolled
/// station, is a conflict.
async fn a_station_cannot_be_planned_twice(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let registry = |change| AppendBatch { registry: vec![change], ..Default::default() };
    w.append(&registry(plan("st-1"))).await.unwrap();
    w.append(&registry(plan("st-1"))).await.unwrap();
    let RegistryChange::Plan(mut other) = plan("st-1") else { unreachable!() };
    other.enrollment_code_hash = "another code".into();
    let again = w.append(&registry(RegistryChange::Plan(other))).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    w.append(&registry(RegistryChange::Enroll { station_id: "st-1".into(), public_key: vec![1; 32] })).await.unwrap();
    let after_enrollment = w.append(&registry(plan("st-1"))).await;
    assert!(matches!(after_enrollment, Err(StoreError::Conflict(_))), "{after_enrollment:?}");
    let st = store.station("st-1").await.unwrap().unwrap();
    assert_eq!((st.status.as_str(), st.enrollment_code_hash.as_str()), ("enrolled", "h"));
}

/// A decommissioned station's key is revoked, whether it ever enrolled or not.
async fn a_revocation_fits_an_enrolled_or_a_never_enrolled_station(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let registry = |changes| AppendBatch { registry: changes, ..Default::default() };
    let enroll = RegistryChange::Enroll { station_id: "st-1".into(), public_key: vec![1; 32] };
    w.append(&registry(vec![plan("st-1"), enroll, plan("st-2")])).await.unwrap();
    let rotate_unenrolled = RegistryChange::Key { station_id: "st-2".into(), public_key: Some(vec![2; 32]) };
    assert!(matches!(w.append(&registry(vec![rotate_unenrolled])).await, Err(StoreError::Conflict(_))));
    for id in ["st-1", "st-2"] {
        w.append(&registry(vec![RegistryChange::Key { station_id: id.into(), public_key: None }])).await.unwrap();
        assert_eq!(store.station(id).await.unwrap().unwrap().public_key, None, "{id}");
    }
    let unknown = RegistryChange::Key { station_id: "st-9".into(), public_key: None };
    assert!(matches!(w.append(&registry(vec![unknown])).await, Err(StoreError::Conflict(_))));
}

/// Planning and enrolling are one append: the registry and the station's events cannot diverge,
/// whichever half fails.
async fn a_registry_change_and_its_events_commit_together_or_not_at_all(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    // The registry half fails (a station enrolled before it was planned): no event is written.
    let enroll = RegistryChange::Enroll { station_id: "st-9".into(), public_key: vec![1; 32] };
    let orphan = AppendBatch { events: vec![event("st-9", 1)], registry: vec![enroll], ..Default::default() };
    assert!(matches!(w.append(&orphan).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.head().await.unwrap(), 0, "no event without its registry change");
    // The event half fails (an event id already in the log): the station is not planned.
    let first = event("st-1", 1);
    w.append(&batch(vec![first.clone()])).await.unwrap();
    let clash = AppendBatch { events: vec![first], registry: vec![plan("st-1")], ..Default::default() };
    assert!(w.append(&clash).await.is_err());
    assert!(store.station("st-1").await.unwrap().is_none(), "no registry change without its events");
    // Both halves good: both are there.
    let good = AppendBatch { events: vec![event("st-2", 1)], registry: vec![plan("st-2")], ..Default::default() };
    w.append(&good).await.unwrap();
    assert_eq!(store.head().await.unwrap(), 2);
    assert_eq!(store.station("st-2").await.unwrap().map(|s| s.status), Some("planned".into()));
}

#[tokio::test]
async fn on_postgres_a_second_writer_waits_until_the_first_is_gone() {
    let db = TestDb::postgres().await;
    let store = db.store().await;
    let first = store.writer().await.unwrap();
    let s2 = store.clone();
    let second = tokio::spawn(async move { s2.writer().await.map(|w| w.next_position()) });
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(!second.is_finished(), "the second writer must wait for the lock");
    drop(first);
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), second).await.unwrap().unwrap().unwrap();
    assert_eq!(next, 1);
}

async fn the_access_log_reads_back_newest_first_and_the_database_refuses_to_change_it(db: TestDb) {
    let store = db.store().await;
    store
        .record_access("Kiểm toán viên", "GET /api/v1/access-log", "/api/v1/access-log", "127.0.0.1", 200)
        .await
        .unwrap();
    store
        .record_access("anonymous", "GET /api/v1/dead-letters", "/api/v1/dead-letters", "10.0.0.9", 401)
        .await
        .unwrap();
    let log = store.access_log(None, 10).await.unwrap();
    assert_eq!(
        log.iter().map(|a| (a.actor.as_str(), a.status)).collect::<Vec<_>>(),
        [("anonymous", 401), ("Kiểm toán viên", 200)]
    );
    assert_eq!(store.access_log(Some(log[0].id), 10).await.unwrap(), log[1..]);
    let attempts = ["UPDATE access_log SET actor = 'nobody'", "DELETE FROM access_log"];
    for sql in attempts {
        let refused = if db.url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.is_err()
        } else {
            let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.is_err()
        };
        assert!(refused, "{sql} must be refused");
    }
    assert_eq!(store.access_log(None, 10).await.unwrap(), log, "unchanged");
}

async fn dead_letters_are_tallied_by_day_and_reason(db: TestDb) {
    let store = db.store().await;
    let mut w = store.writer().await.unwrap();
    let tally = |n| AppendBatch {
        tally: vec![("bad_signature".into(), n), ("unknown_station".into(), 1)],
        ..Default::default()
    };
    w.append(&tally(250)).await.unwrap();
    w.append(&tally(5)).await.unwrap();
    let today = protocol::time::local_day(Utc::now());
    let rows = store.dead_letter_tally(today).await.unwrap();
    let counts: Vec<(&str, i64)> = rows.iter().map(|r| (r.reason.as_str(), r.count)).collect();
    assert_eq!(counts, [("bad_signature", 255), ("unknown_station", 2)]);
    assert!(rows.iter().all(|r| r.day == today));
}
