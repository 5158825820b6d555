//! NATS as production lays it out: the hub's servers (one, or a JetStream cluster) in the hub's
//! own JetStream domain with a leaf port each, and a building's leaf node that reaches them
//! through links a test can cut. With authentication, the servers' configuration and the
//! building's credentials come from `dcs nats config` and `dcs nats building-user`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bus::building::{leaf_config, BuildingDomain, BUILDING_STREAM, HUB_DOMAIN};
use testkit::{free_port, Link, NatsServer};

use super::{binary, eventually};

/// The hub's NATS servers and, for each, the building's link to its leaf port.
pub struct HubNats {
    pub nodes: Vec<NatsServer>,
    uplinks: Vec<Link>,
    dir: tempfile::TempDir,
    /// With authentication: the directory `dcs nats config` wrote (keys, `hub.creds`).
    pub credentials: Option<PathBuf>,
}

/// Runs `dcs` with these arguments and returns its output, asserting it succeeded.
fn dcs(args: &[String]) -> String {
    let out = std::process::Command::new(binary("dcs")).args(args).output().unwrap();
    assert!(out.status.success(), "dcs {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Node `i`'s configuration under authentication, written by `dcs nats config` into `keys`.
fn authenticated_node_config(keys: &Path, dir: &Path, i: usize, ports: (u16, u16, u16), routes: &[u16]) -> PathBuf {
    let (client, leaf, via) = ports;
    let mut args: Vec<String> = vec!["nats".into(), "config".into(), "--dir".into(), keys.display().to_string()];
    args.extend(["--listen".into(), format!("127.0.0.1:{client}")]);
    args.extend(["--store-dir".into(), dir.join(format!("n{i}")).display().to_string()]);
    args.extend([
        "--leaf-listen".into(),
        format!("127.0.0.1:{leaf}"),
        "--leaf-advertise".into(),
        format!("127.0.0.1:{via}"),
    ]);
    if routes.len() > 1 {
        let all: Vec<String> = routes.iter().map(|p| format!("nats-route://127.0.0.1:{p}")).collect();
        args.extend(["--name".into(), format!("n{i}"), "--cluster-listen".into(), format!("127.0.0.1:{}", routes[i])]);
        args.extend(["--routes".into(), all.join(",")]);
        dcs(&args);
        keys.join(format!("nats-server-n{i}.conf"))
    } else {
        dcs(&args);
        keys.join("nats-server.conf")
    }
}

/// Node `i`'s configuration: its client port, its leaf port (which it tells leaf nodes to reach
/// through `via`, or they would learn the port and go round a cut link), and with more than one
/// node, routes to every node.
fn node_config(dir: &Path, i: usize, client: u16, leaf: u16, via: u16, routes: &[u16]) -> PathBuf {
    let cluster = if routes.len() > 1 {
        let all: Vec<String> = routes.iter().map(|p| format!("nats-route://127.0.0.1:{p}")).collect();
        format!("cluster {{ name: dcs, listen: 127.0.0.1:{}, routes: [{}] }}\n", routes[i], all.join(", "))
    } else {
        String::new()
    };
    let config = format!(
        "server_name: n{i}\nlisten: 127.0.0.1:{client}\n\
         jetstream {{ domain: {HUB_DOMAIN}, store_dir: {store:?} }}\n\
         leafnodes {{ listen: 127.0.0.1:{leaf}, advertise: \"127.0.0.1:{via}\" }}\n{cluster}",
        store = dir.join(format!("n{i}")).display().to_string(),
    );
    let path = dir.join(format!("n{i}.conf"));
    std::fs::write(&path, config).unwrap();
    path
}

impl HubNats {
    /// `n` servers (a cluster when `n > 1`), running, open to anonymous clients.
    pub async fn start(n: usize) -> Self {
        Self::launch(n, false).await
    }

    /// `n` servers with decentralized JWT authentication, as `dcs nats config` lays them out.
    pub async fn start_authenticated(n: usize) -> Self {
        Self::launch(n, true).await
    }

    async fn launch(n: usize, authenticated: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let credentials = authenticated.then(|| dir.path().join("keys"));
        let (clients, leafs): (Vec<u16>, Vec<u16>) = (0..n).map(|_| (free_port(), free_port())).unzip();
        let routes: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let mut uplinks = Vec::new();
        for leaf in &leafs {
            uplinks.push(Link::to(*leaf).await);
        }
        let nodes = (0..n)
            .map(|i| {
                let config = match &credentials {
                    Some(keys) => {
                        authenticated_node_config(keys, dir.path(), i, (clients[i], leafs[i], uplinks[i].port), &routes)
                    }
                    None => node_config(dir.path(), i, clients[i], leafs[i], uplinks[i].port, &routes),
                };
                NatsServer::with_config(clients[i], config)
            })
            .collect();
        Self { nodes, uplinks, dir, credentials }
    }

    /// A connection to every node, as the hub's user when the servers authenticate.
    pub async fn connect(&self) -> async_nats::Client {
        let urls: Vec<String> = self.nodes.iter().map(|n| n.url()).collect();
        let options = match &self.credentials {
            Some(keys) => async_nats::ConnectOptions::with_credentials_file(keys.join("hub.creds")).await.unwrap(),
            None => async_nats::ConnectOptions::new(),
        };
        options.connect(urls).await.unwrap()
    }

    /// Every node's client URL, comma-separated (as `--nats-url` takes them).
    pub fn urls(&self) -> String {
        self.nodes.iter().map(|n| n.url()).collect::<Vec<_>>().join(",")
    }

    /// Waits until JetStream can make a stream with `replicas` copies (a cluster elects its
    /// JetStream leader first), and makes the hub's stream so.
    pub async fn ready(&self, replicas: usize) {
        let js = async_nats::jetstream::new(self.connect().await);
        eventually("JetStream", Duration::from_secs(30), || async {
            let config = async_nats::jetstream::stream::Config {
                name: protocol::subjects::STREAM.into(),
                subjects: vec![protocol::subjects::EVENTS_ALL.into()],
                num_replicas: replicas,
                ..Default::default()
            };
            js.get_or_create_stream(config).await.ok().map(|_| ())
        })
        .await;
    }

    /// A building's leaf node connected to every node through the building's uplinks, with its
    /// own credentials when the servers authenticate.
    pub fn building(&self, domain: &str) -> NatsServer {
        let credentials = self.credentials.as_ref().map(|keys| {
            let args = ["nats", "building-user", "--domain", domain, "--dir", &keys.display().to_string()];
            dcs(&args.map(String::from));
            keys.join("buildings").join(format!("{domain}.creds"))
        });
        self.leaf(domain, credentials.as_deref())
    }

    /// A building's leaf node that connects with these credentials (or none).
    pub fn leaf(&self, domain: &str, credentials: Option<&Path>) -> NatsServer {
        let port = free_port();
        let hubs: Vec<String> = self.uplinks.iter().map(|l| format!("nats-leaf://127.0.0.1:{}", l.port)).collect();
        let domain = BuildingDomain::parse(domain).unwrap();
        let store = self.dir.path().join(domain.as_str());
        let config = leaf_config(&domain, &format!("127.0.0.1:{port}"), &hubs, &store, credentials);
        let path = self.dir.path().join(format!("{}.conf", domain.as_str()));
        std::fs::write(&path, config).unwrap();
        NatsServer::with_config(port, path)
    }

    /// The building's link to the hub goes down (the processes on both sides keep running).
    pub fn cut_building_link(&self) {
        self.uplinks.iter().for_each(Link::cut);
    }

    pub fn restore_building_link(&self) {
        self.uplinks.iter().for_each(Link::restore);
    }
}

/// How many events a building's own stream holds.
pub async fn held_in_building(leaf: &NatsServer) -> u64 {
    let js = async_nats::jetstream::new(async_nats::connect(leaf.url()).await.unwrap());
    let mut stream = js.get_stream(BUILDING_STREAM).await.unwrap();
    stream.info().await.unwrap().state.messages
}

/// Waits until the hub has made the building's stream on its leaf node.
pub async fn building_stream_made(leaf: &NatsServer) {
    eventually("the building's stream", Duration::from_secs(30), || async {
        let js = async_nats::jetstream::new(async_nats::connect(leaf.url()).await.ok()?);
        js.get_stream(BUILDING_STREAM).await.ok().map(|_| ())
    })
    .await;
}
