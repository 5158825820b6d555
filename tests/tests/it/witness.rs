//! Stations as witnesses of the audit log: a real `station-agent` verifies each checkpoint the hub
//! announces against the one it kept, proves its own events included, and cosigns; the hub shows
//! the cosignature with the checkpoint. When the hub's history is rewritten behind the station's
//! back, the station raises its alarm (status, log, heartbeat, the ward's page) and keeps both
//! checkpoints as evidence.

use std::time::Duration;

use serde_json::Value;
use testkit::{NatsServer, TestDb};

use crate::support::{eventually, AgentProcess, HubProcess};

const STATION: &str = "st-27097-witness";

async fn checkpoints(hub: &HubProcess) -> Vec<Value> {
    hub.json("/api/v1/audit/checkpoints").await.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_station_cosigns_a_consistent_log_and_raises_its_alarm_at_a_rewritten_one() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start_with_env(&db.url, &nats.url(), &[("DCS_CHECKPOINT_SECS", "1")]);
    let mut agent = AgentProcess::enroll_and_start(&hub, &nats.url(), STATION, "27097").await;
    for i in 0..3 {
        agent.record(i).await.unwrap();
    }
    agent.wait_all_confirmed(Duration::from_secs(30)).await;

    // The station verifies and cosigns the checkpoints the hub announces, up to one that holds
    // its own events (it may cosign an earlier one first).
    let last = agent.status().await["last_receipt"]["position"].as_i64().unwrap();
    let cosigned = eventually("the station's cosignature on a checkpoint", Duration::from_secs(60), || async {
        checkpoints(&hub).await.into_iter().find(|c| {
            c["tree_size"].as_i64().unwrap() >= last
                && c["cosignatures"].as_array().unwrap().iter().any(|s| s["witness"] == STATION)
        })
    })
    .await;
    let line = cosigned["cosignatures"][0]["line"].as_str().unwrap();
    assert!(line.starts_with(&format!("— {STATION} ")), "{line}");
    let status = agent.status().await;
    assert!(status["audit_log"]["checkpoint_size"].as_i64().unwrap() >= last, "{status}");
    assert!(status["audit_log"]["alarm"].is_null(), "{status}");
    assert!(agent.status_command().contains("audit log  verified and cosigned up to"));
    let kept = agent.status().await["audit_log"]["checkpoint_size"].as_u64().unwrap();

    // The operator rewrites the history: the first entry's leaf is changed in the tree, and the
    // checkpoints that would betray it are deleted. The hub signs what it now holds.
    hub.terminate();
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE tlog_tiles SET hashes = overlay(hashes PLACING '\\x00'::bytea FROM 1 FOR 1) WHERE level = 0 AND idx = 0")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM cosignatures").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM checkpoints").execute(&pool).await.unwrap();
    pool.close().await;
    hub.restart();

    let status = eventually("the station's alarm", Duration::from_secs(90), || async {
        let s = agent.status().await;
        (!s["audit_log"]["alarm"].is_null()).then_some(s)
    })
    .await;
    let alarm = &status["audit_log"]["alarm"];
    let what = alarm["what"].as_str().unwrap();
    assert!(what.contains("two different logs") || what.contains("does not extend"), "{alarm}");
    assert_eq!(status["audit_log"]["checkpoint_size"].as_u64(), Some(kept), "the station keeps what it verified");
    let evidence = std::path::PathBuf::from(alarm["evidence"].as_str().unwrap());
    let (seen, shown) = (
        std::fs::read_to_string(evidence.join("kept.note")).unwrap(),
        std::fs::read_to_string(evidence.join("shown.note")).unwrap(),
    );
    assert_ne!(seen, shown, "both checkpoints are kept");
    assert!(agent.log_tail().contains("inconsistent with what it saw before"), "{}", agent.log_tail());
    assert!(checkpoints(&hub).await.iter().all(|c| c["cosignatures"].as_array().unwrap().is_empty()), "not cosigned");

    // The alarm survives a restart and goes out with every heartbeat, to the ward's page.
    agent.terminate(Duration::from_secs(30));
    agent.set_heartbeat_secs(1);
    agent.start().await;
    assert!(agent.status_command().contains("ALARM"));
    let station = eventually("the alarm on the ward's dashboard", Duration::from_secs(60), || async {
        let w = hub.json("/api/v1/wards/27097/dashboard").await;
        w["stations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["station_id"] == STATION && !s["heartbeat"]["log_alarm"].is_null())
            .cloned()
    })
    .await;
    assert_eq!(station["heartbeat"]["log_alarm"].as_str(), Some(what));
    let page = hub.get("/wards/27097").await.text().await.unwrap();
    assert!(page.contains("Cảnh báo nhật ký kiểm toán"), "the ward's page shows the alarm");
}
