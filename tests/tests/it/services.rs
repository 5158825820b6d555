//! Every service of a station, end to end: one case of each kind recorded at a real station agent,
//! carried by NATS, accepted by the hub, then driven by staff commands through the hub's API to its
//! final state. The citizen's ID never leaves the station in clear.

use std::time::Duration;

use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};

use crate::support::{eventually, AgentProcess, HubProcess};

const CITIZEN_ID: &str = "079185001234";

/// A moment `days` from now, as staff would schedule it.
fn soon(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

async fn staff(hub: &HubProcess, case: &str, id: &str, body: Value) -> (u16, Value) {
    let r =
        hub.client().post(format!("{}/api/v1/cases/{case}/{id}/commands", hub.url)).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn ok(hub: &HubProcess, case: &str, id: &str, body: Value) {
    let (status, answer) = staff(hub, case, id, body.clone()).await;
    assert_eq!(status, 200, "{case} {id} {body}: {answer}");
}

async fn last_event(hub: &HubProcess, case: &str, id: &str) -> String {
    let h = hub.json(&format!("/api/v1/cases/{case}/{id}")).await;
    h["events"].as_array().unwrap().last().unwrap()["event_type"].as_str().unwrap().to_string()
}

async fn record(agent: &AgentProcess, path: &str, body: Value) -> String {
    let (status, answer) = agent.post(path, &body).await;
    assert_eq!(status, 201, "{path} {body}: {answer}");
    answer["event_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_case_of_every_kind_goes_from_a_station_through_nats_to_its_final_state() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let agent = AgentProcess::enroll_and_start(&hub, &nats.url(), "st-27097-services", "27097").await;

    let code = "000.11.22.H29-251010-0007";
    record(
        &agent,
        "/api/v1/dossiers",
        json!({"dossier_code": code, "procedure_code": "1.001193", "fee_vnd": 0, "citizen_id": CITIZEN_ID}),
    )
    .await;
    let payment = record(
        &agent,
        "/api/v1/events/payment.initiated",
        json!({"bill_type": "water", "provider": "SAWACO", "bill_reference": "KH0123456", "amount_vnd": 186000}),
    )
    .await;
    record(
        &agent,
        "/api/v1/events/payment.succeeded",
        json!({"payment_id": payment, "transaction_ref": "VNPAY-14503321"}),
    )
    .await;
    let report = record(
        &agent,
        "/api/v1/security-reports",
        json!({"category": "theft", "severity": "high", "location": "Hầm xe B2", "description": "Mất xe đạp"}),
    )
    .await;
    let insurance = record(
        &agent,
        "/api/v1/events/health_insurance.requested",
        json!({"plan": "household", "household_size": 4, "citizen_id": CITIZEN_ID}),
    )
    .await;
    let exam = record(
        &agent,
        "/api/v1/events/medical_exam.booked",
        json!({"specialty": "pediatrics", "citizen_id": CITIZEN_ID}),
    )
    .await;
    let finance = record(
        &agent,
        "/api/v1/events/financial_service.requested",
        json!({"service": "bank_account", "partner": "Agribank", "citizen_id": CITIZEN_ID}),
    )
    .await;
    let feedback = record(
        &agent,
        "/api/v1/events/feedback.submitted",
        json!({"topic": "living_environment", "text": "Đèn hành lang tầng 5 hỏng"}),
    )
    .await;
    let correction = record(
        &agent,
        "/api/v1/events/data_correction.requested",
        json!({"fields": ["full_name"], "citizen_id": CITIZEN_ID}),
    )
    .await;
    let vneid =
        record(&agent, "/api/v1/events/vneid.activation_requested", json!({"level": 2, "citizen_id": CITIZEN_ID}))
            .await;
    record(
        &agent,
        "/api/v1/events/station.heartbeat",
        json!({"agent_version": "0.1.0", "outbox_depth": 0, "clock_skew_ms": -40}),
    )
    .await;
    let (status, answer) = agent.post("/api/v1/events/payment.initiated", &json!({"citizen_id": "12345"})).await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("citizen_id")), "{answer}");

    agent.wait_all_confirmed(Duration::from_secs(60)).await;
    let s = agent.status().await;
    assert_eq!((s["accepted"].as_i64(), s["rejected"].as_i64()), (Some(11), Some(0)), "{s}");

    // The resident looks up the dossier's progress at the station (and the lookup is counted).
    let progress: Value =
        reqwest::get(format!("{}/api/v1/dossiers/{code}", agent.api)).await.unwrap().json().await.unwrap();
    assert_eq!(progress["status"], "DossierSubmitted", "{progress}");

    // Staff drive every case to its end.
    for c in ["ReceiveDossier", "StartProcessing", "MarkResultReady", "CompleteDossier"] {
        ok(&hub, "dossier", code, json!({"command": c})).await;
    }
    ok(&hub, "payment", &payment, json!({"command": "RefundPayment", "reason": "Hóa đơn thu trùng"})).await;
    ok(&hub, "security_report", &report, json!({"command": "AcknowledgeSecurityReport"})).await;
    ok(&hub, "security_report", &report, json!({"command": "AssignSecurityReport", "officer": "Đại úy Trần Văn B"}))
        .await;
    ok(&hub, "security_report", &report, json!({"command": "ResolveSecurityReport", "resolution": "Đã tìm lại xe"}))
        .await;
    ok(&hub, "security_report", &report, json!({"command": "CloseSecurityReport", "note": "Cư dân xác nhận"})).await;
    ok(&hub, "health_insurance", &insurance, json!({"command": "ScheduleAppointment", "when": soon(2)})).await;
    ok(&hub, "health_insurance", &insurance, json!({"command": "CompleteHealthInsurance"})).await;
    ok(&hub, "medical_exam", &exam, json!({"command": "ScheduleMedicalExam", "slot": soon(3)})).await;
    ok(&hub, "medical_exam", &exam, json!({"command": "CompleteMedicalExam"})).await;
    ok(&hub, "financial_service", &finance, json!({"command": "ForwardToPartner"})).await;
    ok(&hub, "financial_service", &finance, json!({"command": "ApproveFinancialService"})).await;
    ok(&hub, "feedback", &feedback, json!({"command": "AnswerFeedback", "answer": "Ban quản lý đã thay đèn"})).await;
    ok(&hub, "data_correction", &correction, json!({"command": "VerifyDataCorrection"})).await;
    ok(&hub, "data_correction", &correction, json!({"command": "CorrectData"})).await;
    ok(&hub, "vneid_activation", &vneid, json!({"command": "RecordVneidActivated"})).await;

    let finals = [
        ("dossier", code, "DossierCompleted"),
        ("payment", payment.as_str(), "PaymentRefunded"),
        ("security_report", report.as_str(), "SecurityReportClosed"),
        ("health_insurance", insurance.as_str(), "HealthInsuranceCompleted"),
        ("medical_exam", exam.as_str(), "MedicalExamCompleted"),
        ("financial_service", finance.as_str(), "FinancialServiceApproved"),
        ("feedback", feedback.as_str(), "FeedbackAnswered"),
        ("data_correction", correction.as_str(), "DataCorrected"),
        ("vneid_activation", vneid.as_str(), "VneidActivated"),
        ("station", "st-27097-services", "StationHeartbeatRecorded"),
    ];
    for (case, id, last) in finals {
        assert_eq!(last_event(&hub, case, id).await, last, "{case} {id}");
    }
    let history = hub.json(&format!("/api/v1/cases/security_report/{report}")).await;
    let events = history["events"].as_array().unwrap();
    assert_eq!(events[0]["by"], "st-27097-services");
    assert_eq!(events[1]["by"], "Thượng úy Lê Văn A (PC06)", "who did it is in the metadata");
    assert_eq!(history["ward_code"], "27097");

    // Impossible transitions and bad commands are refused clearly, and change nothing.
    let (status, answer) =
        staff(&hub, "security_report", &report, json!({"command": "AcknowledgeSecurityReport"})).await;
    assert_eq!(status, 409, "{answer}");
    let (status, answer) =
        staff(&hub, "payment", &payment, json!({"command": "RefundPayment", "reason": "again"})).await;
    assert_eq!(status, 409, "a payment is refunded once: {answer}");
    let (status, answer) = staff(&hub, "dossier", code, json!({"command": "SubmitDossier"})).await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("command")), "{answer}");
    let (status, _) = staff(&hub, "spaceship", "x", json!({"command": "Launch"})).await;
    assert_eq!(status, 404);
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/cases/feedback/{feedback}/commands", hub.url))
        .json(&json!({"command": "AnswerFeedback", "answer": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a staff command is signed in: the caller is its actor");
    assert_eq!(last_event(&hub, "security_report", &report).await, "SecurityReportClosed");

    // A correction that came by the police hotline is recorded by staff.
    ok(&hub, "data_correction", "hotline-0001", json!({"command": "RequestDataCorrection", "fields": ["date_of_birth"], "channel": "police_hotline", "ward_code": "27097", "citizen_id": CITIZEN_ID})).await;
    assert_eq!(hub.json("/api/v1/cases/data_correction/hotline-0001").await["ward_code"], "27097");

    // The citizen's ID is nowhere in the hub: not in the signed bytes, not in any payload.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let leaks: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE position($1::bytea IN COALESCE(raw, ''::bytea)) > 0 OR payload::text LIKE '%' || $2 || '%'",
    )
    .bind(CITIZEN_ID.as_bytes())
    .bind(CITIZEN_ID)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(leaks, 0);
    let pseudonymous: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE payload::text LIKE '%pseudonym%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(pseudonymous >= 6, "the cases carry the citizen's pseudonym");
    let letters = hub.json("/api/v1/dead-letters").await;
    assert_eq!(letters.as_array().unwrap().len(), 0, "{letters}");
    eventually("the lookup to be counted", Duration::from_secs(30), || async {
        (agent.status().await["accepted"].as_i64() == Some(12)).then_some(())
    })
    .await;

    // Every figure of the ward's dashboard moved: each service, the staff's steps, the residents
    // served by age band, and the station's heartbeat.
    let w = eventually("the ward dashboard to count the lookup", Duration::from_secs(30), || async {
        let w = hub.json("/api/v1/wards/27097/dashboard").await;
        w["ward"]["by_kind"].as_array().unwrap().iter().any(|k| k["kind"] == "LookupPerformed").then_some(w)
    })
    .await;
    let kinds: Vec<&str> =
        w["ward"]["by_kind"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 11, "ten services and a payment's success: {kinds:?}");
    assert!(!kinds.contains(&"StationHeartbeatRecorded"), "a heartbeat is no interaction");
    let staff: Vec<&str> =
        w["ward"]["staff_actions"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    for step in [
        "DossierCompleted",
        "SecurityReportClosed",
        "DataCorrected",
        "FeedbackAnswered",
        "PaymentRefunded",
        "VneidActivated",
    ] {
        assert!(staff.contains(&step), "{step} in {staff:?}");
    }
    assert!(w["ward"]["residents_total"].as_i64().unwrap() >= 6, "{}", w["ward"]);
    assert_eq!(w["ward"]["vneid"], json!({"requested": 1, "activated": 1, "failed": 0}), "{}", w["ward"]);
    let station = w["stations"].as_array().unwrap().iter().find(|s| s["station_id"] == "st-27097-services").unwrap();
    assert_eq!(station["heartbeat"]["clock_skew_ms"], -40, "{station}");
    let page = hub.get("/wards/27097").await.text().await.unwrap();
    assert!(page.contains("Người cao tuổi") && page.contains("Cán bộ xử lý") && page.contains("Khám bệnh từ xa"));
    assert!(
        page.contains("VNeID đã kích hoạt") && page.contains("Định danh điện tử VNeID"),
        "the ward page shows VNeID"
    );
}
