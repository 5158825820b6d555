//! The security-report queue follows each report through its lifecycle, finds the reports whose
//! deadlines passed unrecorded, reads version 1 reports through the upcaster, and rebuilds equal.

use chrono::{DateTime, Duration, Utc};
use domain::aggregates::SecurityReportEvent as E;
use projections::{QueueFilter, SecurityReports};
use protocol::kinds::Severity;
use serde_json::json;
use store::{AppendBatch, NewEvent, Store};
use testkit::TestDb;
use uuid::Uuid;

fn t0() -> DateTime<Utc> {
    "2025-10-10T03:00:00Z".parse().unwrap()
}

fn row(id: &str, seq: i64, event: &E) -> NewEvent {
    let version = if matches!(event, E::SecurityReportFiled { .. }) { 2 } else { 1 };
    NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: "security_report".into(),
        aggregate_id: id.into(),
        aggregate_seq: seq,
        event_type: cqrs_es::DomainEvent::event_type(event),
        event_version: version,
        payload: serde_json::to_value(event).unwrap(),
        metadata: json!({}),
        station_id: (seq == 1).then(|| "st-27097-a".to_string()),
        ward_code: Some("27097".into()),
        occurred_at: t0(),
        raw: None,
        signature: None,
    }
}

fn filed(severity: Severity, at: DateTime<Utc>) -> E {
    let (ack, resolve) = domain::aggregates::sla(severity);
    E::SecurityReportFiled {
        category: "theft".into(),
        severity,
        location: "Tầng hầm B2".into(),
        description: "Mất xe đạp".into(),
        station: protocol::StationId::parse("st-27097-a").unwrap(),
        ward: protocol::WardCode::parse("27097").unwrap(),
        at,
        acknowledge_by: at + ack,
        resolve_by: at + resolve,
    }
}

async fn append(store: &Store, events: Vec<NewEvent>) {
    let mut w = store.writer().await.unwrap();
    w.append(&AppendBatch { events, ..Default::default() }).await.unwrap();
}

fn open() -> QueueFilter {
    QueueFilter { open: true, ..Default::default() }
}

testkit::on_both_backends!(
    the_queue_follows_a_report_through_its_lifecycle_and_finds_crossed_deadlines,
    a_version_1_report_reads_through_the_upcaster_and_a_rebuild_equals_the_live_queue,
    counts_are_exact_past_any_list_limit,
);

async fn counts_are_exact_past_any_list_limit(db: TestDb) {
    let store = db.store().await;
    let q = SecurityReports::new(store.clone());
    let late = t0() + Duration::hours(1);
    let mut rows = Vec::new();
    for i in 0..1205 {
        let id = format!("r-{i:04}");
        rows.push(row(&id, 1, &filed(Severity::High, t0())));
        if i % 2 == 0 {
            rows.push(row(&id, 2, &E::SecurityReportAcknowledgementOverdue { acknowledge_by: t0(), at: late }));
        }
    }
    append(&store, rows).await;
    q.catch_up().await.unwrap();
    assert_eq!(q.list(&QueueFilter { limit: 1000, ..open() }).await.unwrap().len(), 1000, "a page of the list");
    assert_eq!(q.count(&QueueFilter { limit: 1000, ..open() }).await.unwrap(), 1205, "the count is not the page");
    assert_eq!(q.count(&QueueFilter { overdue: true, ..open() }).await.unwrap(), 603);
    let ward = QueueFilter { ward: Some("27097".into()), overdue: true, ..open() };
    assert_eq!(q.count(&ward).await.unwrap(), 603);
    assert_eq!(q.count(&QueueFilter { ward: Some("26740".into()), ..open() }).await.unwrap(), 0);
    // The deadline watch reads only what is due: past the acknowledgement deadline, the 602
    // whose breach is not recorded yet; past the resolution deadline, every one.
    let (ack, resolve) = domain::aggregates::sla(Severity::High);
    assert_eq!(q.due(t0() + ack + Duration::minutes(1)).await.unwrap().len(), 602);
    assert_eq!(q.due(t0() + resolve + Duration::minutes(1)).await.unwrap().len(), 1205);
    assert!(q.due(t0()).await.unwrap().is_empty());
}

async fn the_queue_follows_a_report_through_its_lifecycle_and_finds_crossed_deadlines(db: TestDb) {
    let store = db.store().await;
    let q = SecurityReports::new(store.clone());
    append(&store, vec![row("low", 1, &filed(Severity::Low, t0())), row("crit", 1, &filed(Severity::Critical, t0()))])
        .await;
    q.catch_up().await.unwrap();
    let ids: Vec<String> = q.list(&open()).await.unwrap().into_iter().map(|r| r.report_id).collect();
    assert_eq!(ids, vec!["crit", "low"], "the nearest resolution deadline first");

    assert!(q.due(t0() + Duration::minutes(10)).await.unwrap().is_empty());
    let due = q.due(t0() + Duration::minutes(20)).await.unwrap();
    assert_eq!(due.iter().map(|r| r.report_id.as_str()).collect::<Vec<_>>(), vec!["crit"]);

    let late = t0() + Duration::minutes(20);
    append(&store, vec![row("crit", 2, &E::SecurityReportAcknowledgementOverdue { acknowledge_by: t0(), at: late })])
        .await;
    q.catch_up().await.unwrap();
    assert!(q.due(late).await.unwrap().is_empty(), "a breach is recorded once");
    let overdue = q.list(&QueueFilter { overdue: true, ..open() }).await.unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].acknowledgement_overdue && !overdue[0].resolution_overdue);

    append(
        &store,
        vec![
            row("crit", 3, &E::SecurityReportAcknowledged { at: late }),
            row("crit", 4, &E::SecurityReportAssigned { officer: "Trung úy Nguyễn Minh Khang".into(), at: late }),
            row("crit", 5, &E::SecurityReportResolved { resolution: "Đã thu hồi".into(), at: late }),
        ],
    )
    .await;
    q.catch_up().await.unwrap();
    let ids: Vec<String> = q.list(&open()).await.unwrap().into_iter().map(|r| r.report_id).collect();
    assert_eq!(ids, vec!["low"]);
    let all = q.list(&QueueFilter::default()).await.unwrap();
    let crit = all.iter().find(|r| r.report_id == "crit").unwrap();
    assert_eq!((crit.status.as_str(), crit.officer.as_deref()), ("resolved", Some("Trung úy Nguyễn Minh Khang")));
    assert_eq!(crit.resolved_at, Some(late));
    assert!(q.due(t0() + Duration::hours(5)).await.unwrap().iter().all(|r| r.report_id != "crit"));

    let reopened = t0() + Duration::hours(6);
    let resolve_by = reopened + Duration::hours(4);
    append(
        &store,
        vec![row("crit", 6, &E::SecurityReportReopened { reason: "Tái diễn".into(), resolve_by, at: reopened })],
    )
    .await;
    q.catch_up().await.unwrap();
    let crit = q.list(&open()).await.unwrap().into_iter().find(|r| r.report_id == "crit").expect("open again");
    assert_eq!((crit.status.as_str(), crit.resolve_by, crit.resolved_at), ("reopened", resolve_by, None));
    assert_eq!(crit.ward_code, "27097");
}

async fn a_version_1_report_reads_through_the_upcaster_and_a_rebuild_equals_the_live_queue(db: TestDb) {
    let store = db.store().await;
    let q = SecurityReports::new(store.clone());
    let v1 = json!({"SecurityReportFiled": {
        "category": "fire_safety", "severity": "high", "location": "Sảnh A", "description": "Bình chữa cháy hết hạn",
        "station": "st-27097-a", "ward": "27097", "at": t0()
    }});
    let old = NewEvent { payload: v1, event_version: 1, ..row("old", 1, &filed(Severity::High, t0())) };
    append(&store, vec![old, row("new", 1, &filed(Severity::Medium, t0()))]).await;
    q.catch_up().await.unwrap();
    append(&store, vec![row("new", 2, &E::SecurityReportAcknowledged { at: t0() })]).await;
    q.catch_up().await.unwrap();
    let live = q.list(&QueueFilter::default()).await.unwrap();
    let old = live.iter().find(|r| r.report_id == "old").expect("the v1 report is in the queue");
    assert_eq!((old.acknowledge_by, old.resolve_by), (t0() + Duration::hours(1), t0() + Duration::hours(24)));
    assert_eq!(q.projector().rebuild().await.unwrap(), 3);
    assert_eq!(q.list(&QueueFilter::default()).await.unwrap(), live);
}
