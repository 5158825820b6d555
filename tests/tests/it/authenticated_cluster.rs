//! Production's NATS layout with authentication on: a 3-node JetStream cluster (stream R3) from
//! `dcs nats config`, a building's leaf node that connects with its own credentials from
//! `dcs nats building-user`, and a station enrolled with its own NATS user behind it. The
//! building keeps taking events while its link is cut; a node killed afterwards loses nothing;
//! a leaf without credentials never gets its stream.

use std::time::Duration;

use testkit::TestDb;

use crate::support::topology::{building_stream_made, held_in_building, HubNats};
use crate::support::{eventually, AgentProcess, HubProcess};

const STATION: &str = "st-27097-authleaf";
const BUILDING: &str = "b-27097-auth";
const STRANGER: &str = "b-27097-stranger";

#[tokio::test(flavor = "multi_thread")]
async fn an_authenticated_cluster_takes_a_buildings_events_through_its_credentialed_leaf_and_survives_a_node_kill() {
    let db = TestDb::postgres().await;
    let mut nats = HubNats::start_authenticated(3).await;
    nats.ready(3).await;
    let keys = nats.credentials.clone().unwrap().display().to_string();
    assert!(async_nats::connect(nats.nodes[0].url()).await.is_err(), "anonymous clients are refused");
    let leaf = nats.building(BUILDING);
    let stranger = nats.leaf(STRANGER, None);
    let hub = HubProcess::start_with_env(
        &db.url,
        &nats.urls(),
        &[
            ("DCS_NATS_CREDENTIALS", &keys),
            ("DCS_STREAM_REPLICAS", "3"),
            ("DCS_BUILDINGS", &format!("{BUILDING},{STRANGER}")),
        ],
    );
    building_stream_made(&leaf).await;

    let agent = AgentProcess::enroll_and_start(&hub, &leaf.url(), STATION, "27097").await;
    assert!(agent.dir().join("nats.jwt").exists(), "the station has a NATS user of its own");
    for i in 0..5 {
        agent.record(i).await.unwrap();
    }
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(60)).await, 5, "{}", agent.log_tail());

    nats.cut_building_link();
    for i in 5..10 {
        agent.record(i).await.unwrap();
    }
    eventually("the building holding every event", Duration::from_secs(30), || async {
        (held_in_building(&leaf).await == 10).then_some(())
    })
    .await;
    assert_eq!(hub.station_events(STATION).await, 5, "nothing reaches the hub while the link is cut");
    nats.restore_building_link();
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 10, "{}", agent.log_tail());

    // A node dies; the leaf (whichever node it used) and the hub carry on with the other two.
    nats.nodes[2].stop();
    for i in 10..15 {
        agent.record(i).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 15, "{}", agent.log_tail());
    assert_eq!(hub.station_events(STATION).await, 15, "every event once");

    // The leaf without credentials was never let in, so the hub could not make its stream.
    let js = async_nats::jetstream::new(async_nats::connect(stranger.url()).await.unwrap());
    assert!(js.get_stream(bus::building::BUILDING_STREAM).await.is_err(), "a leaf without credentials is refused");
    assert!(hub.log_tail().contains(STRANGER), "the hub says it cannot reach it: {}", hub.log_tail());
}
