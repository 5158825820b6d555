//! The station's side of the contract: enrollment is refused for a station the hub does not know
//! or with a wrong code, the loopback API names the field at fault, and the hub stops cleanly.

use std::time::Duration;

use serde_json::json;
use testkit::{NatsServer, TestDb};

use crate::support::{agent_enroll, binary, AgentProcess, HubProcess};

#[tokio::test(flavor = "multi_thread")]
async fn enrollment_is_refused_for_an_unknown_station_and_for_a_wrong_code() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let dir = tempfile::tempdir().unwrap();

    let out =
        agent_enroll(dir.path(), &hub.url, "st-27097-unplanned", "27097", "Diamond Island", "AAAA-BBBB-CCCC-DDDD");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("404") && err.contains("not on any ward's rollout plan"), "{err}");
    assert!(!dir.path().join("station.json").exists(), "nothing is written for a refused enrollment");

    hub.plan("st-27097-planned", "27097", "Diamond Island").await;
    let out = agent_enroll(dir.path(), &hub.url, "st-27097-planned", "27097", "Diamond Island", "AAAA-BBBB-CCCC-DDDD");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("403"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = agent_enroll(dir.path(), &hub.url, "st-27097-planned", "99999", "Diamond Island", "AAAA-BBBB-CCCC-DDDD");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("168 wards"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_loopback_api_names_the_field_at_fault_and_the_hub_stops_cleanly_on_sigterm() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start(&db.url, &nats.url());
    let agent = AgentProcess::enroll_and_start(&hub, &nats.url(), "st-26740-fields", "26740").await;

    let cases = [
        (
            "/api/v1/payments",
            json!({"bill_type": "water", "provider": "SAWACO", "bill_reference": "x", "amount_vnd": 0}),
            "amount_vnd",
        ),
        (
            "/api/v1/payments",
            json!({"bill_type": "gold", "provider": "SAWACO", "bill_reference": "x", "amount_vnd": 5}),
            "bill_type",
        ),
        ("/api/v1/payments", json!({"bill_type": "water", "provider": "SAWACO", "amount_vnd": 5}), "bill_reference"),
        ("/api/v1/dossiers", json!({"dossier_code": "x", "procedure_code": "1.001193", "fee_vnd": 0}), "dossier_code"),
        (
            "/api/v1/dossiers",
            json!({"dossier_code": "000.00.25.H29-251010-0001", "procedure_code": "1.001193", "fee_vnd": -5}),
            "fee_vnd",
        ),
        (
            "/api/v1/security-reports",
            json!({"category": "ufo", "severity": "low", "location": "A", "description": "d"}),
            "category",
        ),
        (
            "/api/v1/security-reports",
            json!({"category": "noise", "severity": "loud", "location": "A", "description": "d"}),
            "severity",
        ),
    ];
    for (path, body, field) in cases {
        let (status, answer) = agent.post(path, &body).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
        assert_eq!(answer["field"], field, "{answer}");
    }
    let client = reqwest::Client::new();
    let r = client.post(format!("{}/api/v1/payments", agent.api)).body("{oops").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["field"], "body");
    let huge = json!({"category": "noise", "severity": "low", "location": "A", "description": "x".repeat(70_000)});
    let r = client.post(format!("{}/api/v1/security-reports", agent.api)).json(&huge).send().await.unwrap();
    assert_eq!(r.status(), 413, "a body over the limit");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["field"], "body");
    let r = client.get(format!("{}/api/v1/nothing-here", agent.api)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].is_string(), "a JSON 404");
    let (status, answer) = agent
        .post(
            "/api/v1/payments",
            &json!({"bill_type": "water", "provider": "SAWACO", "bill_reference": "x",
            "amount_vnd": 5, "note": "extra"}),
        )
        .await;
    assert_eq!((status, answer["field"].as_str()), (422, Some("note")), "an unknown member: {answer}");
    assert_eq!(agent.status().await["last_seq"], 0, "nothing invalid was recorded");

    // A non-loopback listen address is refused.
    let out = std::process::Command::new(binary("station-agent"))
        .args(["--data-dir", "/nonexistent", "run", "--listen", "0.0.0.0:7999"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));

    // SIGTERM: the hub drains and exits 0.
    agent.record(0).await.unwrap();
    agent.wait_all_confirmed(Duration::from_secs(60)).await;
    assert!(hub.terminate().success());
}
