//! DCS on a 3-node NATS JetStream cluster with the event stream replicated three times (R3): a
//! node `kill -9`ed while a station records loses nothing, and nothing is doubled.

use std::path::Path;
use std::time::Duration;

use testkit::{free_port, NatsServer, TestDb};

use crate::support::{eventually, AgentProcess, HubProcess};

const STATION: &str = "st-27097-cluster";

/// Node `i`'s configuration: its client port, its route port, and routes to every node.
fn node_config(dir: &Path, i: usize, clients: &[u16], routes: &[u16]) -> std::path::PathBuf {
    let all: Vec<String> = routes.iter().map(|p| format!("nats-route://127.0.0.1:{p}")).collect();
    let store = dir.join(format!("n{i}"));
    let config = format!(
        "server_name: n{i}\nlisten: 127.0.0.1:{client}\njetstream {{ store_dir: \"{store}\" }}\n\
         cluster {{ name: dcs, listen: 127.0.0.1:{route}, routes: [{routes}] }}\n",
        client = clients[i],
        store = store.display(),
        route = routes[i],
        routes = all.join(", "),
    );
    let path = dir.join(format!("n{i}.conf"));
    std::fs::write(&path, config).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_killed_mid_stream_loses_nothing_with_the_stream_replicated_three_times() {
    let db = TestDb::postgres().await;
    let dir = tempfile::tempdir().unwrap();
    let (clients, routes): (Vec<u16>, Vec<u16>) = (0..3).map(|_| (free_port(), free_port())).unzip();
    let mut nodes: Vec<NatsServer> =
        (0..3).map(|i| NatsServer::with_config(clients[i], node_config(dir.path(), i, &clients, &routes))).collect();
    let urls: Vec<String> = clients.iter().map(|p| format!("nats://127.0.0.1:{p}")).collect();
    let all = urls.join(",");

    // The cluster elects its JetStream leader: wait until an R3 stream can be made.
    let client = async_nats::connect(urls.clone()).await.unwrap();
    let js = async_nats::jetstream::new(client);
    eventually("a JetStream cluster", Duration::from_secs(30), || async {
        let config = async_nats::jetstream::stream::Config {
            name: protocol::subjects::STREAM.into(),
            subjects: vec![protocol::subjects::EVENTS_ALL.into()],
            num_replicas: 3,
            ..Default::default()
        };
        js.get_or_create_stream(config).await.ok().map(|_| ())
    })
    .await;

    let hub = HubProcess::start_with_env(&db.url, &all, &[("DCS_STREAM_REPLICAS", "3")]);
    let info = js.get_stream(protocol::subjects::STREAM).await.unwrap().info().await.unwrap().clone();
    assert_eq!(info.config.num_replicas, 3);
    let agent = AgentProcess::enroll_and_start(&hub, &all, STATION, "27097").await;
    for i in 0..10 {
        agent.record(i).await.unwrap();
    }
    // A node dies mid-stream (not the first, so the test's own connection stays).
    nodes[2].stop();
    for i in 10..20 {
        agent.record(i).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(90)).await, 20);
    assert_eq!(hub.station_events(STATION).await, 20, "every event once");
    drop(nodes);
}
