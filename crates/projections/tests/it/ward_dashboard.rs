//! Counts are exact, "today" is the local day, a rebuild equals the live model, and two projectors
//! never count an event twice.

use chrono::{DateTime, Utc};
use projections::WardDashboard;
use serde_json::json;
use store::{AppendBatch, NewEvent, Store};
use testkit::TestDb;
use uuid::Uuid;

fn event(ward: &str, station: &str, event_type: &str, at: &str) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: "payment".into(),
        aggregate_id: Uuid::now_v7().to_string(),
        aggregate_seq: 1,
        event_type: event_type.into(),
        event_version: 1,
        payload: json!({}),
        metadata: json!({}),
        station_id: Some(station.into()),
        ward_code: Some(ward.into()),
        occurred_at: at.parse().unwrap(),
        raw: None,
        signature: None,
    }
}

/// 2025-10-10 in Ho Chi Minh City runs from 2025-10-09T17:00Z to 2025-10-10T17:00Z.
async fn fill(store: &Store) {
    let mut w = store.writer().await.unwrap();
    let mut events = Vec::new();
    for i in 0..30 {
        let kind = ["DossierSubmitted", "PaymentMade", "SecurityReportFiled"][i % 3];
        events.push(event("27097", "st-a", kind, "2025-10-10T16:30:00Z")); // 23:30 local, the 10th
        events.push(event("27097", "st-b", kind, "2025-10-10T17:30:00Z")); // 00:30 local, the 11th
        events.push(event("26740", "st-c", kind, "2025-10-09T16:00:00Z")); // the 9th
    }
    for chunk in events.chunks(7) {
        w.append(&AppendBatch { events: chunk.to_vec(), ..Default::default() }).await.unwrap();
    }
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(testkit::TestDb::sqlite().await).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(testkit::TestDb::postgres().await).await })*
        }
    };
}

on_both_backends!(
    counts_are_exact_and_today_is_the_local_day,
    a_rebuild_from_position_zero_equals_the_live_model,
    two_projectors_never_count_an_event_twice,
);

async fn counts_are_exact_and_today_is_the_local_day(db: TestDb) {
    let store = db.store().await;
    fill(&store).await;
    let dash = WardDashboard::new(store.clone());
    assert_eq!(dash.catch_up().await.unwrap(), 90);
    let today = "2025-10-10".parse().unwrap();
    let city = dash.city(today).await.unwrap();
    assert_eq!(city.wards.len(), 168);
    assert_eq!((city.total, city.total_today, city.active_stations), (90, 30, 3));
    let bt = city.wards.iter().find(|w| w.code == "27097").unwrap();
    assert_eq!((bt.total, bt.today, bt.stations), (60, 30, 2));
    let kinds: Vec<(String, i64, i64)> = bt.by_kind.iter().map(|k| (k.kind.clone(), k.total, k.today)).collect();
    assert_eq!(
        kinds,
        vec![
            ("DossierSubmitted".into(), 20, 10),
            ("PaymentMade".into(), 20, 10),
            ("SecurityReportFiled".into(), 20, 10)
        ]
    );
    let ward = dash.ward(&domain::WardCode::parse("26740").unwrap(), today).await.unwrap();
    assert_eq!((ward.ward.total, ward.ward.today), (30, 0));
    assert_eq!(ward.stations.len(), 1);
    assert_eq!(ward.stations[0].events, 30);
    let expected: DateTime<Utc> = "2025-10-09T16:00:00Z".parse().unwrap();
    assert_eq!(ward.stations[0].last_event_at, expected);
    let empty = city.wards.iter().find(|w| w.code == "25747").unwrap();
    assert_eq!((empty.total, empty.stations, empty.last_seen_at), (0, 0, None));
}

async fn a_rebuild_from_position_zero_equals_the_live_model(db: TestDb) {
    let store = db.store().await;
    let dash = WardDashboard::new(store.clone());
    // live: caught up after every few commits
    let mut w = store.writer().await.unwrap();
    for i in 0..20 {
        let batch =
            (0..5).map(|j| event("27097", &format!("st-{}", (i + j) % 4), "PaymentMade", "2025-10-10T03:00:00Z"));
        w.append(&AppendBatch { events: batch.collect(), ..Default::default() }).await.unwrap();
        if i % 3 == 0 {
            dash.catch_up().await.unwrap();
        }
    }
    dash.catch_up().await.unwrap();
    let live = dash.snapshot().await.unwrap();
    assert_eq!(live.checkpoint, 100);
    assert_eq!(dash.rebuild().await.unwrap(), 100);
    assert_eq!(dash.snapshot().await.unwrap(), live);
}

async fn two_projectors_never_count_an_event_twice(db: TestDb) {
    let store = db.store().await;
    fill(&store).await;
    let a = WardDashboard::new(store.clone());
    let b = WardDashboard::new(store.clone());
    let (ra, rb) = tokio::join!(a.catch_up(), b.catch_up());
    assert_eq!((ra.unwrap(), rb.unwrap()), (90, 90));
    let city = a.city("2025-10-10".parse().unwrap()).await.unwrap();
    assert_eq!(city.total, 90);
}
