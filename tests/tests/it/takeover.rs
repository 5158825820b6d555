//! A standby `dcs serve` on the same database waits while the leader writes, and takes over within
//! 10 s when the leader is `kill -9`ed; the stations' events all land once. While it waits, its
//! `/healthz` says it stands by.

use std::time::{Duration, Instant};

use testkit::{free_port, NatsServer, TestDb};

use crate::support::{eventually, AgentProcess, HubProcess};

#[tokio::test(flavor = "multi_thread")]
async fn a_standby_hub_takes_over_within_ten_seconds_and_nothing_is_lost_or_doubled() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut leader = HubProcess::start(&db.url, &nats.url());
    let agent = AgentProcess::enroll_and_start(&leader, &nats.url(), "st-27097-takeover", "27097").await;
    for i in 0..5 {
        agent.record(i).await.unwrap();
    }
    agent.wait_all_confirmed(Duration::from_secs(30)).await;

    // The standby signs receipts with the same key file as the leader, as a deployment would.
    let (url, nats_url, key) = (db.url.clone(), nats.url(), leader.key_file());
    let listen = format!("127.0.0.1:{}", free_port());
    let standby = std::thread::spawn({
        let listen = listen.clone();
        move || {
            let hub =
                HubProcess::start_with_env(&url, &nats_url, &[("DCS_HUB_KEY_FILE", &key), ("DCS_LISTEN", &listen)]);
            (hub, Instant::now())
        }
    });
    let health = eventually("the standby's health", Duration::from_secs(30), || async {
        reqwest::get(format!("http://{listen}/healthz")).await.ok()
    })
    .await;
    assert_eq!(health.status(), 503, "a standby is not healthy to a load balancer");
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["status"], "standby", "{body}");
    assert!(body["reasons"][0].as_str().unwrap().contains("another hub is the log's writer"), "{body}");
    let other = reqwest::get(format!("http://{listen}/api/v1/city")).await.unwrap();
    assert_eq!(other.status(), 503, "nothing else is served by a standby");
    assert!(!standby.is_finished(), "the standby waits while the leader holds the log");
    for i in 5..10 {
        agent.record(i).await.unwrap();
    }
    let killed = Instant::now();
    leader.kill9();
    for i in 10..15 {
        agent.record(i).await.unwrap();
    }
    let (standby, listening) = standby.join().unwrap();
    let took = listening.duration_since(killed);
    println!("the standby took over {took:?} after the leader was killed");
    assert!(took < Duration::from_secs(10), "took over in {took:?}");
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(60)).await, 15);
    assert_eq!(standby.station_events("st-27097-takeover").await, 15, "every event once");
    let health = reqwest::get(format!("http://{listen}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200, "the new leader is healthy: {}", health.text().await.unwrap());
}
