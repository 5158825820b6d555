//! A fault suite that counts: trials of random faults against real processes while two stations
//! record throughout, one on the hub's 3-node NATS cluster (the stream replicated three times)
//! and one behind its building's leaf node. The faults: the hub, a station agent and a NATS node
//! `kill -9`ed, the hub's PostgreSQL sessions cut, the building's link cut. At the end every
//! recorded event is in the log exactly once. CI runs a few trials;
//! `DCS_CHAOS_TRIALS=100 cargo test -p tests --test it chaos -- --nocapture` runs the long version
//! (figures in docs/RELIABILITY.md). `DCS_CHAOS_SEED` repeats a run.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use testkit::TestDb;

use crate::support::topology::{building_stream_made, HubNats};
use crate::support::{AgentProcess, HubProcess};

/// On the hub's cluster, and in the building behind its leaf node.
const STATIONS: [&str; 2] = ["st-27097-chaos", "st-27097-chaos-leaf"];
const BUILDING: &str = "b-27097-chaos";

#[derive(Debug, Clone, Copy)]
enum Fault {
    KillHub,
    KillNatsNode,
    CutDatabaseSessions,
    KillAgent,
    CutBuildingLink,
}

const FAULTS: [Fault; 5] =
    [Fault::KillHub, Fault::KillNatsNode, Fault::CutDatabaseSessions, Fault::KillAgent, Fault::CutBuildingLink];

/// What the log holds of a station: its station events (records and heartbeats, by sequence)
/// and how many of its events were appended twice.
async fn in_log(admin: &sqlx::PgPool, station: &str) -> (i64, i64) {
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT (metadata->>'station_seq')) FROM events \
         WHERE station_id = $1 AND metadata->>'station_seq' IS NOT NULL",
    )
    .bind(station)
    .fetch_one(admin)
    .await
    .unwrap();
    let doubled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE station_id = $1 AND metadata->>'source_event' IS NOT NULL \
         GROUP BY metadata->>'source_event', aggregate_type, aggregate_id, event_type HAVING COUNT(*) > 1) d",
    )
    .bind(station)
    .fetch_one(admin)
    .await
    .unwrap();
    (events, doubled)
}

/// Both stations record their next event.
async fn record(agents: &[AgentProcess], recorded: &mut usize) {
    for agent in agents {
        agent.record(*recorded).await.unwrap();
    }
    *recorded += 1;
}

#[tokio::test(flavor = "multi_thread")]
async fn random_faults_while_stations_record_lose_nothing_and_double_nothing() {
    let trials: usize = std::env::var("DCS_CHAOS_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(5);
    let seed: u64 = std::env::var("DCS_CHAOS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let db = TestDb::postgres().await;
    let mut nats = HubNats::start(3).await;
    nats.ready(3).await;
    let leaf = nats.building(BUILDING);
    let env = [("DCS_STREAM_REPLICAS", "3"), ("DCS_BUILDINGS", BUILDING)];
    let mut hub = HubProcess::start_with_env(&db.url, &nats.urls(), &env);
    building_stream_made(&leaf).await;
    let mut agents = vec![
        AgentProcess::enroll_and_start(&hub, &nats.urls(), STATIONS[0], "27097").await,
        AgentProcess::enroll_and_start(&hub, &leaf.url(), STATIONS[1], "27097").await,
    ];
    let admin = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut recorded = 0usize;
    let mut faults = BTreeMap::<String, usize>::new();
    for _ in 0..trials {
        for _ in 0..rng.gen_range(2..5) {
            record(&agents, &mut recorded).await;
        }
        let fault = FAULTS[rng.gen_range(0..FAULTS.len())];
        *faults.entry(format!("{fault:?}")).or_default() += 1;
        eprintln!("chaos: seed {seed}: {fault:?} after {recorded} records");
        match fault {
            Fault::KillHub => {
                hub.kill9();
                record(&agents, &mut recorded).await;
                hub.restart();
            }
            Fault::KillNatsNode => {
                let node = rng.gen_range(0..nats.nodes.len());
                nats.nodes[node].stop();
                record(&agents, &mut recorded).await;
                tokio::time::sleep(Duration::from_millis(rng.gen_range(100..2000))).await;
                nats.nodes[node].resume();
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
                let agent = &mut agents[rng.gen_range(0..2)];
                agent.kill9();
                agent.start().await;
            }
            Fault::CutBuildingLink => {
                nats.cut_building_link();
                record(&agents, &mut recorded).await;
                tokio::time::sleep(Duration::from_millis(rng.gen_range(200..3000))).await;
                nats.restore_building_link();
            }
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..800))).await;
    }
    for _ in 0..3 {
        record(&agents, &mut recorded).await;
    }
    let (mut lost, mut doubled, mut station_events) = (0, 0, 0);
    for (agent, station) in agents.iter().zip(STATIONS) {
        let last_seq = agent.confirmed_within(Duration::from_secs(180)).await.unwrap_or_else(|| {
            panic!("seed {seed}: {station} not confirmed\n{}\n--- hub ---\n{}", agent.log_tail(), hub.log_tail())
        }) as i64;
        let (events, twice) = in_log(&admin, station).await;
        station_events += last_seq;
        lost += last_seq - events;
        doubled += twice;
    }
    println!(
        "chaos: seed {seed}, {trials} trials {faults:?}, {recorded} records at each of 2 stations ({station_events} \
         station events with heartbeats); lost {lost}, doubled {doubled}"
    );
    assert_eq!((lost, doubled), (0, 0), "seed {seed}");
}
