//! Delivery: every recorded event reaches the dashboards exactly once, through real processes,
//! including when a station agent or the hub is killed with `kill -9` in the middle of the stream.

use std::time::Duration;

use serde_json::Value;
use testkit::{NatsServer, TestDb};

use crate::support::{binary, eventually, AgentProcess, HubProcess};

/// The dashboard's counts for one ward, by kind: (DossierSubmitted, PaymentMade, SecurityReportFiled).
async fn ward_counts(hub: &HubProcess, ward: &str) -> (i64, i64, i64) {
    let w = hub.json(&format!("/api/v1/wards/{ward}/dashboard")).await;
    let kind = |k: &str| {
        w["ward"]["by_kind"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == k)
            .map(|c| c["total"].as_i64().unwrap())
            .unwrap_or(0)
    };
    (kind("DossierSubmitted"), kind("PaymentMade"), kind("SecurityReportFiled"))
}

async fn read_model(db: &TestDb) -> (Vec<(String, String, String, i64)>, Vec<(String, i64, i64)>) {
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let counts = sqlx::query_as("SELECT ward_code, kind, day::text, count FROM ward_kind_daily ORDER BY 1, 2, 3")
        .fetch_all(&pool)
        .await
        .unwrap();
    let stations = sqlx::query_as("SELECT station_id, events, last_position FROM station_activity ORDER BY 1")
        .fetch_all(&pool)
        .await
        .unwrap();
    (counts, stations)
}

#[tokio::test(flavor = "multi_thread")]
async fn three_stations_deliver_3000_events_and_every_dashboard_count_is_exact_and_replay_equals_live() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let hub = HubProcess::start(&db.url, &nats.url());
    let wards = ["27097", "26740", "26743"];
    let mut agents = Vec::new();
    for (i, ward) in wards.iter().enumerate() {
        agents.push(AgentProcess::enroll_and_start(&hub, &nats.url(), &format!("st-{ward}-e2e-{i}"), ward).await);
    }
    let posts = agents.iter().map(|a| async move {
        for i in 0..1000 {
            a.record(i).await.unwrap();
        }
    });
    futures::future::join_all(posts).await;
    for a in &agents {
        assert_eq!(a.wait_all_confirmed(Duration::from_secs(120)).await, 1000);
        let s = a.status().await;
        assert_eq!((s["accepted"].as_i64(), s["rejected"].as_i64()), (Some(1000), Some(0)), "{s}");
    }
    eventually("the city dashboard to show 3000 events", Duration::from_secs(30), || async {
        (hub.city_total().await == 3000).then_some(())
    })
    .await;
    for ward in wards {
        assert_eq!(ward_counts(&hub, ward).await, (334, 333, 333), "ward {ward}");
    }
    let city = hub.json("/api/v1/city/dashboard").await;
    assert_eq!(city["wards"].as_array().unwrap().len(), 168);
    assert_eq!(city["active_stations"], 3);
    let status = agents[0].status_command();
    assert!(status.contains("pending    0") && status.contains("confirmed  1000"), "{status}");

    // Replay: drop the read model and rebuild it from position 0 with `dcs replay`.
    let live = read_model(&db).await;
    let out = std::process::Command::new(binary("dcs")).args(["replay", "--database-url", &db.url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("rebuilt from position 0"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(read_model(&db).await, live, "the rebuilt read model equals the live one");
    assert_eq!(hub.city_total().await, 3000);
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_an_agent_and_the_hub_with_kill_9_mid_stream_counts_every_event_exactly_once() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    let mut hub = HubProcess::start(&db.url, &nats.url());
    let mut a = AgentProcess::enroll_and_start(&hub, &nats.url(), "st-27097-kill-a", "27097").await;
    let b = AgentProcess::enroll_and_start(&hub, &nats.url(), "st-26740-kill-b", "26740").await;

    // Agent A dies mid-stream: what it answered 201 for is on its disk and arrives after restart.
    let mut answered = 0u64;
    for i in 0..400 {
        if i == 250 {
            a.kill9();
            a.start().await;
        }
        a.record(i).await.unwrap();
        answered += 1;
    }
    // The hub dies while both agents stream: a batch in hand is neither committed twice nor lost.
    let stream_b = async {
        for i in 0..600 {
            b.record(i).await.unwrap();
        }
    };
    let kill_hub = async {
        eventually("the hub to be ingesting", Duration::from_secs(60), || async {
            (hub.city_total().await > 450).then_some(())
        })
        .await;
        hub.kill9();
    };
    tokio::join!(stream_b, kill_hub);
    hub.restart();

    let recorded_a = a.wait_all_confirmed(Duration::from_secs(120)).await;
    let recorded_b = b.wait_all_confirmed(Duration::from_secs(120)).await;
    assert_eq!(recorded_a, answered, "every answered event was recorded, nothing more");
    assert_eq!(recorded_b, 600);
    eventually("the dashboards to count every event once", Duration::from_secs(30), || async {
        (hub.city_total().await == 1000).then_some(())
    })
    .await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let (n, distinct): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT (station_id, metadata->>'station_seq')) FROM events WHERE raw IS NOT NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((n, distinct), (1000, 1000), "one log entry per station event");
    let (max, count): (i64, i64) =
        sqlx::query_as("SELECT MAX(position), COUNT(*) FROM events").fetch_one(&pool).await.unwrap();
    assert_eq!(max, count, "positions are gap-free");
    let letters: Vec<Value> = hub.json("/api/v1/dead-letters").await.as_array().unwrap().clone();
    assert!(letters.is_empty(), "nothing was dead-lettered: {letters:?}");
}
