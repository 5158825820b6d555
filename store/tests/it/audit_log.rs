//! The audit log as the store keeps it: entry bytes and tiles written with each append, roots and
//! proofs that verify, tiles as C2SP serves them, and a log begun before the audit log filled in.

use protocol::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash};
use protocol::tlog::{proof, AuditEntry, Frontier};
use store::{AppendBatch, NewEvent, Store};
use testkit::TestDb;
use uuid::Uuid;

testkit::on_both_backends!(
    every_append_gives_its_events_entries_and_a_tree_whose_proofs_verify,
    tiles_are_served_as_prefixes_of_what_the_tree_holds,
    a_log_begun_before_the_audit_log_gets_its_entries_when_the_writer_opens,
);

fn event(i: usize) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: "payment".into(),
        aggregate_id: format!("p-{i}"),
        aggregate_seq: 1,
        event_type: "PaymentMade".into(),
        event_version: 1,
        payload: serde_json::json!({"PaymentMade": {"amount_vnd": i}}),
        metadata: serde_json::json!({"station": "st-1"}),
        station_id: Some("st-1".into()),
        ward_code: Some("27097".into()),
        // Nanoseconds, as `Utc::now()` gives them: the entry and the row keep the same microseconds.
        occurred_at: "2025-10-10T02:15:00.123456789Z".parse().unwrap(),
        raw: i.is_multiple_of(2).then(|| format!("{{\"n\":{i}}}").into_bytes()),
        signature: i.is_multiple_of(2).then(|| vec![9; 64]),
    }
}

async fn append(store: &Store, range: std::ops::Range<usize>, batch: usize) {
    let mut w = store.writer().await.unwrap();
    let events: Vec<NewEvent> = range.map(event).collect();
    for chunk in events.chunks(batch) {
        w.append(&AppendBatch { events: chunk.to_vec(), ..Default::default() }).await.unwrap();
    }
}

/// The leaf hashes of every entry, read back.
async fn leaves(store: &Store) -> Vec<Hash> {
    let entries = store.entries(1, 1_000_000).await.unwrap();
    entries.iter().map(|(_, e)| leaf_hash(e)).collect()
}

async fn every_append_gives_its_events_entries_and_a_tree_whose_proofs_verify(db: TestDb) {
    let store = db.store().await;
    append(&store, 0..700, 97).await;
    assert_eq!(store.tree_size().await.unwrap(), 700);
    let entries = store.entries(1, 1000).await.unwrap();
    assert_eq!(entries.len(), 700);
    let stored = store.read_events(0, 1000).await.unwrap();
    for ((position, bytes), stored) in entries.iter().zip(&stored) {
        let e = AuditEntry::decode(bytes).unwrap();
        assert_eq!((e.position, *position), (stored.position, stored.position));
        assert_eq!(e.committed_at, stored.recorded_at);
        assert_eq!(e.payload, stored.event.payload);
        assert_eq!(e.occurred_at, stored.event.occurred_at);
        assert_eq!(e.signed.map(|s| s.bytes), stored.event.raw);
    }
    let leaves = leaves(&store).await;
    let mut f = Frontier::new();
    let mut roots = vec![f.root()];
    for l in &leaves {
        f.push(*l);
        roots.push(f.root());
    }
    for size in [1u64, 2, 255, 256, 257, 511, 512, 699, 700] {
        assert_eq!(store.tree_root(size).await.unwrap(), roots[size as usize], "root at {size}");
    }
    for (index, size) in [(0u64, 700u64), (255, 256), (256, 700), (699, 700), (3, 5)] {
        let p = store.inclusion_proof(index, size).await.unwrap();
        verify_inclusion(index, size, &leaves[index as usize], &p, &roots[size as usize]).unwrap();
    }
    for (m, n) in [(1u64, 700u64), (256, 700), (300, 512), (699, 700), (700, 700)] {
        let p = store.consistency_proof(m, n).await.unwrap();
        verify_consistency(m, n, &p, &roots[m as usize], &roots[n as usize]).unwrap();
    }
}

async fn tiles_are_served_as_prefixes_of_what_the_tree_holds(db: TestDb) {
    let store = db.store().await;
    append(&store, 0..300, 64).await;
    let leaves = leaves(&store).await;
    let full = store.tile(0, 0, 256).await.unwrap().unwrap();
    assert_eq!(full, leaves[..256].concat());
    let partial = store.tile(0, 1, 44).await.unwrap().unwrap();
    assert_eq!(partial, leaves[256..300].concat());
    assert_eq!(store.tile(0, 1, 10).await.unwrap().unwrap(), leaves[256..266].concat());
    assert_eq!(store.tile(0, 1, 45).await.unwrap(), None, "not yet in the tree");
    let level1 = store.tile(1, 0, 1).await.unwrap().unwrap();
    assert_eq!(
        level1,
        proof::root(256, |s| protocol::tlog::tile::fold(&leaves[(s.index << s.level) as usize..][..1 << s.level]))
            .to_vec()
    );
}

async fn a_log_begun_before_the_audit_log_gets_its_entries_when_the_writer_opens(db: TestDb) {
    let store = db.store().await;
    append(&store, 0..520, 100).await;
    let before = store.tree_root(520).await.unwrap();
    // As a log from before the audit log: no entries, no tiles.
    if db.url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query("DELETE FROM tlog_tiles").execute(&pool).await.unwrap();
        sqlx::query("UPDATE events SET entry = NULL").execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query("DELETE FROM tlog_tiles").execute(&pool).await.unwrap();
        sqlx::query("UPDATE events SET entry = NULL").execute(&pool).await.unwrap();
    }
    append(&store, 520..530, 10).await;
    assert_eq!(store.tree_root(520).await.unwrap(), before, "the same entries from the same rows");
    assert_eq!(leaves(&store).await.len(), 530);
    let mut f = Frontier::new();
    for l in leaves(&store).await {
        f.push(l);
    }
    assert_eq!(store.tree_root(530).await.unwrap(), f.root());
}
