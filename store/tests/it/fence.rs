//! One writer, fenced (PostgreSQL): a writer whose lock session is cut cannot commit once a
//! standby has taken over, and the standby takes over within a second or two.

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use store::{AppendBatch, NewEvent, StoreError};
use testkit::TestDb;
use uuid::Uuid;

fn one_event(aggregate_id: &str) -> AppendBatch {
    let event = NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: "feedback".into(),
        aggregate_id: aggregate_id.into(),
        aggregate_seq: 1,
        event_type: "FeedbackSubmitted".into(),
        event_version: 1,
        payload: json!({}),
        metadata: json!({}),
        station_id: None,
        ward_code: None,
        occurred_at: Utc::now(),
        raw: None,
        signature: None,
    };
    AppendBatch { events: vec![event], ..Default::default() }
}

#[tokio::test]
async fn a_writer_whose_lock_session_was_cut_cannot_commit_after_a_standby_took_over() {
    let db = TestDb::postgres().await;
    let (store, other) = (db.store().await, db.store().await);
    let mut leader = store.writer().await.unwrap();
    leader.append(&one_event("before")).await.unwrap();
    let standby = tokio::spawn(async move { other.writer().await });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!standby.is_finished(), "the standby waits while the leader holds the lock");

    // Cut the leader's lock session, as a network fault or an operator would.
    let admin = sqlx::PgPool::connect(&db.url).await.unwrap();
    let cut = Instant::now();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()",
    )
    .execute(&admin)
    .await
    .unwrap();
    let mut standby =
        tokio::time::timeout(Duration::from_secs(10), standby).await.expect("takeover within 10 s").unwrap().unwrap();
    println!("the standby became the writer {:?} after the cut", cut.elapsed());

    // The old leader cannot commit, whether or not it notices its lock is gone.
    for _ in 0..3 {
        let refused = leader.append(&one_event("from-the-old-leader")).await;
        assert!(matches!(refused, Err(StoreError::Fenced)), "{refused:?}");
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    standby.append(&one_event("from-the-new-leader")).await.unwrap();
    let head = store.head().await.unwrap();
    assert_eq!(head, 2, "only the first leader's event before the cut and the new leader's after it");
    let log = store.read_log(0, 10).await.unwrap();
    let ids: Vec<&str> = log.iter().map(|e| e.aggregate_id.as_str()).collect();
    assert_eq!(ids, ["before", "from-the-new-leader"]);
}
