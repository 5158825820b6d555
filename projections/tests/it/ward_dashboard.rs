//! Counts are exact, "today" is the local day, a rebuild equals the live model, and two projectors
//! never count an event twice.

use chrono::{DateTime, Utc};
use domain::aggregates::{
    AnyEvent, DossierEvent, MedicalExamEvent, PaymentEvent, SecurityReportEvent, StationLifecycleEvent,
};
use projections::WardDashboard;
use protocol::kinds::{BillType, Severity, Specialty};
use protocol::{StationId, WardCode};
use serde_json::json;
use store::{AppendBatch, NewEvent, Store};
use testkit::TestDb;
use uuid::Uuid;

fn at(at: &str) -> DateTime<Utc> {
    at.parse().unwrap()
}

/// A domain event as the log stores it, recorded by `station` (or by staff, with none).
fn stored(ward: &str, station: Option<&str>, event: impl Into<AnyEvent>, at: &str) -> NewEvent {
    let event = event.into();
    let (event_type, event_version, payload) = event.serialize();
    NewEvent {
        event_id: Uuid::now_v7(),
        aggregate_type: event.kind().aggregate_type().into(),
        aggregate_id: Uuid::now_v7().to_string(),
        aggregate_seq: 1,
        event_type,
        event_version,
        payload,
        metadata: match station {
            Some(_) => json!({}),
            None => json!({"source": "staff", "actor": "Trung úy A"}),
        },
        station_id: station.map(str::to_string),
        ward_code: Some(ward.into()),
        occurred_at: self::at(at),
        raw: None,
        signature: None,
    }
}

fn ids(ward: &str, station: &str) -> (StationId, WardCode) {
    (StationId::parse(station).unwrap(), WardCode::parse(ward).unwrap())
}

/// A station visit of one of three kinds: a dossier, a payment, a security report.
fn visit(ward: &str, station: &str, kind: usize, when: &str) -> NewEvent {
    let (st, wc) = ids(ward, station);
    let at = at(when);
    let event: AnyEvent = match kind % 3 {
        0 => DossierEvent::DossierSubmitted {
            dossier_code: "000.00.25.H29-251010-0001".into(),
            procedure_code: "1.001193".into(),
            fee_vnd: 0,
            citizen: None,
            station: st,
            ward: wc,
            at,
        }
        .into(),
        1 => PaymentEvent::PaymentMade {
            bill_type: BillType::Electricity,
            provider: "EVNHCMC".into(),
            bill_reference: "PE04000123456".into(),
            amount_vnd: 452_000,
            station: st,
            ward: wc,
            at,
        }
        .into(),
        _ => SecurityReportEvent::SecurityReportFiled {
            category: "noise".into(),
            severity: Severity::Low,
            location: "Tháp A".into(),
            description: "Karaoke".into(),
            station: st,
            ward: wc,
            at,
            acknowledge_by: at,
            resolve_by: at,
        }
        .into(),
    };
    stored(ward, Some(station), event, when)
}

/// 2025-10-10 in Ho Chi Minh City runs from 2025-10-09T17:00Z to 2025-10-10T17:00Z.
async fn fill(store: &Store) {
    let mut w = store.writer().await.unwrap();
    let mut events = Vec::new();
    for i in 0..30 {
        events.push(visit("27097", "st-a", i, "2025-10-10T16:30:00Z")); // 23:30 local, the 10th
        events.push(visit("27097", "st-b", i, "2025-10-10T17:30:00Z")); // 00:30 local, the 11th
        events.push(visit("26740", "st-c", i, "2025-10-09T16:00:00Z")); // the 9th
    }
    for chunk in events.chunks(7) {
        w.append(&AppendBatch { events: chunk.to_vec(), ..Default::default() }).await.unwrap();
    }
}

testkit::on_both_backends!(
    counts_are_exact_and_today_is_the_local_day,
    staff_actions_heartbeats_and_residents_have_their_own_figures,
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
    let ward = dash.ward(&protocol::WardCode::parse("26740").unwrap(), today).await.unwrap();
    assert_eq!((ward.ward.total, ward.ward.today), (30, 0));
    assert_eq!(ward.stations.len(), 1);
    assert_eq!(ward.stations[0].events, 30);
    let expected: DateTime<Utc> = "2025-10-09T16:00:00Z".parse().unwrap();
    assert_eq!(ward.stations[0].last_event_at, expected);
    let empty = city.wards.iter().find(|w| w.code == "25747").unwrap();
    assert_eq!((empty.total, empty.stations, empty.last_seen_at), (0, 0, None));
}

fn staff(ward: &str, event: impl Into<AnyEvent>, when: &str) -> NewEvent {
    stored(ward, None, event, when)
}

fn acknowledged(when: &str) -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportAcknowledged { at: at(when) }
}

fn resolution_overdue(when: &str) -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportResolutionOverdue { resolve_by: at(when), at: at(when) }
}

fn heartbeat(ward: &str, station: &str, depth: u64, skew: i64, when: &str) -> NewEvent {
    let beat = StationLifecycleEvent::StationHeartbeatRecorded {
        agent_version: "0.2.0".into(),
        outbox_depth: depth,
        clock_skew_ms: skew,
        log_alarm: None,
        at: at(when),
    };
    stored(ward, Some(station), beat, when)
}

fn with_citizen(ward: &str, station: &str, band: &str, sex: &str, when: &str) -> NewEvent {
    let citizen = json!({"key_id": "k1", "pseudonym": "ab".repeat(32), "age_band": band, "sex": sex});
    let (st, wc) = ids(ward, station);
    let booked = MedicalExamEvent::MedicalExamBooked {
        specialty: Specialty::Cardiology,
        doctor: None,
        citizen: serde_json::from_value(citizen).unwrap(),
        station: st,
        ward: wc,
        at: at(when),
    };
    stored(ward, Some(station), booked, when)
}

async fn staff_actions_heartbeats_and_residents_have_their_own_figures(db: TestDb) {
    let store = db.store().await;
    let at = "2025-10-10T03:00:00Z";
    let events = vec![
        visit("27097", "st-a", 2, at),
        staff("27097", acknowledged(at), at),
        staff("27097", acknowledged(at), at),
        staff("27097", resolution_overdue(at), at),
        heartbeat("27097", "st-a", 3, -120, at),
        heartbeat("27097", "st-a", 0, 40, "2025-10-10T03:05:00Z"),
        with_citizen("27097", "st-a", "60-74", "female", at),
        with_citizen("27097", "st-a", "75+", "male", at),
        with_citizen("27097", "st-a", "18-39", "female", at),
        visit("27097", "st-a", 1, "2025-10-10T03:10:00Z"),
    ];
    let mut w = store.writer().await.unwrap();
    w.append(&AppendBatch { events, ..Default::default() }).await.unwrap();
    let dash = WardDashboard::new(store.clone());
    dash.catch_up().await.unwrap();
    let view = dash.ward(&protocol::WardCode::parse("27097").unwrap(), "2025-10-10".parse().unwrap()).await.unwrap();
    let ward = &view.ward;
    assert_eq!((ward.total, ward.today), (5, 5), "heartbeats and staff actions are not station interactions");
    let staff: Vec<(String, i64)> = ward.staff_actions.iter().map(|k| (k.kind.clone(), k.total)).collect();
    assert_eq!(staff, vec![("SecurityReportAcknowledged".into(), 2), ("SecurityReportResolutionOverdue".into(), 1)]);
    assert_eq!((ward.residents_total, ward.elderly_total), (3, 2));
    let sexes: Vec<(String, i64)> = ward.residents_by_sex.iter().map(|k| (k.kind.clone(), k.total)).collect();
    assert_eq!(sexes, vec![("female".into(), 2), ("male".into(), 1)]);
    assert_eq!(view.stations.len(), 1, "staff actions are no station's activity");
    let st = &view.stations[0];
    assert_eq!(st.events, 7, "the station's own events, heartbeats included");
    let beat = st.heartbeat.as_ref().expect("the latest heartbeat");
    assert_eq!((beat.agent_version.as_str(), beat.outbox_depth, beat.clock_skew_ms), ("0.2.0", 0, 40));
    assert_eq!(st.last_event_at, "2025-10-10T03:10:00Z".parse::<DateTime<Utc>>().unwrap());
    let city = dash.city("2025-10-10".parse().unwrap()).await.unwrap();
    assert_eq!((city.staff_actions_today, city.residents_total, city.elderly_total), (3, 3, 2));
}

async fn a_rebuild_from_position_zero_equals_the_live_model(db: TestDb) {
    let store = db.store().await;
    let dash = WardDashboard::new(store.clone());
    // live: caught up after every few commits
    let mut w = store.writer().await.unwrap();
    for i in 0..20 {
        let at = "2025-10-10T03:00:00Z";
        let batch = (0..5).map(|j| match j {
            0 => staff("27097", DossierEvent::DossierReceived { at: self::at(at) }, at),
            1 => heartbeat("27097", &format!("st-{}", i % 4), i, 10, at),
            2 => with_citizen("26740", &format!("st-{}", i % 4), "75+", "female", at),
            _ => visit("27097", &format!("st-{}", (i + j) % 4), 1, at),
        });
        w.append(&AppendBatch { events: batch.collect(), ..Default::default() }).await.unwrap();
        if i % 3 == 0 {
            dash.catch_up().await.unwrap();
        }
    }
    dash.catch_up().await.unwrap();
    let live = dash.snapshot().await.unwrap();
    assert_eq!(live.checkpoint, 100);
    let tables: std::collections::BTreeSet<&str> = live.counts.iter().map(|c| c.0).collect();
    assert_eq!(tables.len(), 3, "the snapshot covers every table: {tables:?}");
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
