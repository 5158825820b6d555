//! Logs for a collector: `--log-format json` (or `DCS_LOG_FORMAT=json`) makes every line the hub
//! writes one JSON object with its level, target and fields.

use std::time::Duration;

use testkit::{NatsServer, TestDb};

use crate::support::{AgentProcess, HubProcess};

#[tokio::test(flavor = "multi_thread")]
async fn the_hub_writes_one_json_object_per_log_line_on_request() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start_with_env(&db.url, &nats.url(), &[("DCS_LOG_FORMAT", "json")]);
    let mut agent = AgentProcess::enroll_and_start(&hub, &nats.url(), "st-27097-logs", "27097").await;
    agent.record(1).await.unwrap();
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(30)).await, 1, "{}", agent.log_tail());
    agent.terminate(Duration::from_secs(30));
    hub.terminate();
    let log = hub.log_text();
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 3, "the hub logged its start and shutdown: {log}");
    for line in lines {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert!(entry["level"].is_string() && entry["target"].is_string(), "{entry}");
        assert!(entry["fields"]["message"].is_string() || entry["fields"].is_object(), "{entry}");
    }
}
