//! A station keeps recording while NATS is unreachable, and everything arrives when it returns.

use std::time::Duration;

use testkit::{NatsServer, TestDb};

use crate::support::{eventually, AgentProcess, HubProcess};

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_started_while_nats_is_down_keeps_recording_and_delivers_everything_when_it_returns() {
    let db = TestDb::postgres().await;
    let mut nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let code = hub.plan("st-27097-outage", "27097", "Diamond Island").await;
    nats.stop();

    // Enrollment talks to the hub over HTTP, which is up; then the agent starts with NATS down.
    let dir = tempfile::tempdir().unwrap();
    let out = crate::support::agent_enroll(dir.path(), &hub.url, "st-27097-outage", "27097", "Diamond Island", &code);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let agent = AgentProcess::start_in(dir, "st-27097-outage", &nats.url()).await;
    for i in 0..150 {
        agent.record(i).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let s = agent.status().await;
    assert_eq!((s["pending"].as_i64(), s["last_seq"].as_u64()), (Some(150), Some(150)), "recorded while offline: {s}");
    assert_eq!(hub.city_total().await, 0);

    nats.resume();
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 150);
    eventually("all 150 events on the dashboard", Duration::from_secs(30), || async {
        (hub.city_total().await == 150).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_whose_nats_is_unreachable_stops_within_seconds_of_sigterm_and_keeps_its_events() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let unreachable = NatsServer::reserved();
    let mut agent = AgentProcess::enroll_and_start(&hub, &unreachable.url(), "st-27097-stopping", "27097").await;
    for i in 0..3 {
        agent.record(i).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // the publisher is busy trying
    let asked = std::time::Instant::now();
    let status = agent.terminate(Duration::from_secs(5));
    println!("the agent stopped {:?} after SIGTERM", asked.elapsed());
    assert!(status.success(), "{status}");
    assert!(agent.status_command().contains("pending"), "its events wait in the outbox");
}
