//! Security-report deadlines: a report whose time to acknowledge and to resolve has run out gets
//! both breaches recorded by the hub's deadline watch, once; the work queue and the ward's figures
//! show them; staff then work the report and their steps count in the report's ward.

use std::time::Duration;

use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::GENESIS;
use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{crafted, eventually, HubProcess};

const STATION: &str = "st-27097-late-clock";
const WARD: &str = "27097";

async fn staff(hub: &HubProcess, id: &str, body: Value) -> u16 {
    hub.client()
        .post(format!("{}/api/v1/cases/security_report/{id}/commands", hub.url))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn staff_count(ward: &Value, kind: &str) -> i64 {
    let actions = ward["ward"]["staff_actions"].as_array().unwrap();
    actions.iter().find(|c| c["kind"] == kind).map(|c| c["total"].as_i64().unwrap()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deadline_watch_records_each_crossed_deadline_once_and_the_queue_shows_it() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start_with_env(&db.url, &nats.url(), &[("DCS_DEADLINE_CHECK_SECS", "1")]);
    let key = SigningKey::from_bytes(&[9; 32]);
    crafted::enroll_key(&hub, STATION, WARD, "Diamond Island", &key).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());

    // A critical report filed five hours ago (15 minutes to acknowledge, 4 hours to resolve), and
    // a low one filed now that is within its deadlines.
    let (late, fresh) = (Uuid::now_v7(), Uuid::now_v7());
    let report = |severity: &str| json!({"category": "fire_safety", "severity": severity, "location": "Tầng hầm B2", "description": "Khói ở hầm xe"});
    let filed = Utc::now() - chrono::Duration::hours(5);
    let e1 = crafted::event_bytes(STATION, WARD, late, 1, GENESIS, "security_report.filed", filed, report("critical"));
    crafted::publish(&js, WARD, STATION, &e1, &key).await;
    let e2 = protocol::chain_hash(&e1);
    let e2 = crafted::event_bytes(STATION, WARD, fresh, 2, e2, "security_report.filed", Utc::now(), report("low"));
    crafted::publish(&js, WARD, STATION, &e2, &key).await;

    let overdue = eventually("both breaches recorded", Duration::from_secs(30), || async {
        let q = hub.json("/api/v1/wards/27097/security-reports?overdue=true").await;
        let r = q.as_array().unwrap().first().cloned()?;
        (r["acknowledgement_overdue"] == true && r["resolution_overdue"] == true).then_some(q)
    })
    .await;
    assert_eq!(overdue.as_array().unwrap().len(), 1, "only the late report: {overdue}");
    assert_eq!(overdue[0]["report_id"], late.to_string());
    let open = hub.json("/api/v1/security-reports?ward=27097").await;
    assert_eq!(open.as_array().unwrap().len(), 2);
    assert_eq!(open[0]["report_id"], late.to_string(), "overdue first");

    // Recorded once, by the hub, in the log of the report.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let history = hub.json(&format!("/api/v1/cases/security_report/{late}")).await;
    let breaches: Vec<(&str, &str)> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_type"].as_str().unwrap().ends_with("Overdue"))
        .map(|e| (e["event_type"].as_str().unwrap(), e["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        breaches,
        vec![
            ("SecurityReportAcknowledgementOverdue", "hub: deadline watch"),
            ("SecurityReportResolutionOverdue", "hub: deadline watch")
        ]
    );

    // Staff work the report; their steps count in the report's ward without naming it.
    assert_eq!(staff(&hub, &late.to_string(), json!({"command": "AcknowledgeSecurityReport"})).await, 200);
    assert_eq!(staff(&hub, &late.to_string(), json!({"command": "AcknowledgeSecurityReport"})).await, 409);
    let ward = eventually("the acknowledgement on the ward's figures", Duration::from_secs(20), || async {
        let w = hub.json("/api/v1/wards/27097/dashboard").await;
        (staff_count(&w, "SecurityReportAcknowledged") == 1).then_some(w)
    })
    .await;
    assert_eq!(staff_count(&ward, "SecurityReportAcknowledgementOverdue"), 1);
    assert_eq!(staff_count(&ward, "SecurityReportResolutionOverdue"), 1);
    let queue = hub.json("/api/v1/wards/27097/security-reports?status=all").await;
    let r = queue.as_array().unwrap().iter().find(|r| r["report_id"] == late.to_string()).unwrap().clone();
    assert_eq!(r["status"], "acknowledged");

    // Bad queries name the field.
    let r = hub.get("/api/v1/security-reports?status=closed").await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "status");
    assert_eq!(hub.get("/api/v1/wards/99999/security-reports").await.status(), 404);
}
