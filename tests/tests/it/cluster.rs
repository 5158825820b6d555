//! DCS on a 3-node NATS JetStream cluster with the event stream replicated three times (R3): a
//! node `kill -9`ed while a station records loses nothing, and nothing is doubled.

use std::time::Duration;

use testkit::TestDb;

use crate::support::topology::HubNats;
use crate::support::{AgentProcess, HubProcess};

const STATION: &str = "st-27097-cluster";

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_mid_stream_loses_nothing_with_the_stream_replicated_three_times() {
    let db = TestDb::postgres().await;
    let mut nats = HubNats::start(3).await;
    nats.ready(3).await;
    let all = nats.urls();
    let js = async_nats::jetstream::new(async_nats::connect(nats.nodes[0].url()).await.unwrap());

    let hub = HubProcess::start_with_env(&db.url, &all, &[("DCS_STREAM_REPLICAS", "3")]);
    let info = js.get_stream(protocol::subjects::STREAM).await.unwrap().info().await.unwrap().clone();
    assert_eq!(info.config.num_replicas, 3);
    let agent = AgentProcess::enroll_and_start(&hub, &all, STATION, "27097").await;
    for i in 0..10 {
        agent.record(i).await.unwrap();
    }
    // A node dies mid-stream (not the first, so the test's own connection stays).
    nats.nodes[2].stop();
    for i in 10..20 {
        agent.record(i).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 20);
    assert_eq!(hub.station_events(STATION).await, 20, "every event once");
}
