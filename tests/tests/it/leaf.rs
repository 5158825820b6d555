//! A building's NATS leaf node: its station keeps publishing (the leaf's stream acks every event)
//! while the building's link to the hub is cut, and the events reach the hub, once each, when
//! the link returns.

use std::time::Duration;

use testkit::TestDb;

use crate::support::topology::{building_stream_made, held_in_building, HubNats};
use crate::support::{eventually, AgentProcess, HubProcess};

const STATION: &str = "st-27097-leaf";
const BUILDING: &str = "b-27097-diamond";

#[tokio::test(flavor = "multi_thread")]
async fn a_building_leaf_keeps_taking_events_while_its_link_is_cut_and_forwards_them_when_it_returns() {
    let db = TestDb::postgres().await;
    let nats = HubNats::start(1).await;
    let leaf = nats.building(BUILDING);
    let hub = HubProcess::start_with_env(&db.url, &nats.urls(), &[("DCS_BUILDINGS", BUILDING)]);
    building_stream_made(&leaf).await;

    let agent = AgentProcess::enroll_and_start(&hub, &leaf.url(), STATION, "27097").await;
    for i in 0..5 {
        agent.record(i).await.unwrap();
    }
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(60)).await, 5, "{}", agent.log_tail());

    nats.cut_building_link();
    for i in 5..15 {
        agent.record(i).await.unwrap();
    }
    // The leaf takes all of them while the hub cannot be reached.
    eventually("the building holding every event", Duration::from_secs(30), || async {
        (held_in_building(&leaf).await == 15).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(hub.station_events(STATION).await, 5, "nothing reaches the hub while the link is cut");

    nats.restore_building_link();
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 15, "{}", agent.log_tail());
    assert_eq!(hub.station_events(STATION).await, 15, "every event once");
}
