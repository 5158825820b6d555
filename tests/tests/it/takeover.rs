//! A standby `dcs serve` on the same database waits while the leader writes, and takes over within
//! 10 s when the leader is `kill -9`ed; the stations' events all land once.

use std::time::{Duration, Instant};

use testkit::{NatsServer, TestDb};

use crate::support::{AgentProcess, HubProcess};

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
    let standby = std::thread::spawn(move || {
        let hub = HubProcess::start_with_env(&url, &nats_url, &[("DCS_HUB_KEY_FILE", &key)]);
        (hub, Instant::now())
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
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
}
