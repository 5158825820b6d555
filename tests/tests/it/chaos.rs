//! A fault suite that counts: trials of random faults against real processes (the hub and the
//! station agent `kill -9`ed, nats-server stopped, the hub's PostgreSQL sessions cut) while a
//! station records throughout; at the end every recorded event is in the log exactly once. CI runs
//! a few trials; `DCS_CHAOS_TRIALS=100 cargo test -p tests --test it chaos -- --nocapture` runs the
//! long version (figures in docs/RELIABILITY.md). `DCS_CHAOS_SEED` repeats a run.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use testkit::{NatsServer, TestDb};

use crate::support::{AgentProcess, HubProcess};

const STATION: &str = "st-27097-chaos";

#[derive(Debug, Clone, Copy)]
enum Fault {
    KillHub,
    StopNats,
    CutDatabaseSessions,
    KillAgent,
}

#[tokio::test(flavor = "multi_thread")]
async fn random_faults_while_a_station_records_lose_nothing_and_double_nothing() {
    let trials: usize = std::env::var("DCS_CHAOS_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(4);
    let seed: u64 = std::env::var("DCS_CHAOS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let db = TestDb::postgres().await;
    let mut nats = NatsServer::start();
    let mut hub = HubProcess::start(&db.url, &nats.url());
    let mut agent = AgentProcess::enroll_and_start(&hub, &nats.url(), STATION, "27097").await;
    let admin = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut recorded = 0usize;
    let mut faults = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..trials {
        for _ in 0..rng.gen_range(2..6) {
            agent.record(recorded).await.unwrap();
            recorded += 1;
        }
        let fault =
            [Fault::KillHub, Fault::StopNats, Fault::CutDatabaseSessions, Fault::KillAgent][rng.gen_range(0..4)];
        *faults.entry(format!("{fault:?}")).or_default() += 1;
        match fault {
            Fault::KillHub => {
                hub.kill9();
                agent.record(recorded).await.unwrap();
                recorded += 1;
                hub.restart();
            }
            Fault::StopNats => {
                nats.stop();
                agent.record(recorded).await.unwrap();
                recorded += 1;
                tokio::time::sleep(Duration::from_millis(rng.gen_range(100..1500))).await;
                nats.resume();
            }
            Fault::CutDatabaseSessions => {
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .execute(&admin)
                .await
                .unwrap();
            }
            Fault::KillAgent => {
                agent.kill9();
                agent.start().await;
            }
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..800))).await;
    }
    for _ in 0..3 {
        agent.record(recorded).await.unwrap();
        recorded += 1;
    }
    let last_seq = agent.wait_all_confirmed(Duration::from_secs(180)).await as i64;
    // Every station event (records and heartbeats) in the log, and none twice.
    let in_log: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT (metadata->>'station_seq')) FROM events \
         WHERE station_id = $1 AND metadata->>'station_seq' IS NOT NULL",
    )
    .bind(STATION)
    .fetch_one(&admin)
    .await
    .unwrap();
    let doubled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE station_id = $1 AND metadata->>'source_event' IS NOT NULL \
         GROUP BY metadata->>'source_event', aggregate_type, aggregate_id, event_type HAVING COUNT(*) > 1) d",
    )
    .bind(STATION)
    .fetch_one(&admin)
    .await
    .unwrap();
    let lost = last_seq - in_log;
    println!(
        "chaos: seed {seed}, {trials} trials {faults:?}, {recorded} records ({last_seq} station events with \
         heartbeats), {in_log} in the log; lost {lost}, doubled {doubled}"
    );
    assert_eq!((lost, doubled), (0, 0), "seed {seed}");
}
