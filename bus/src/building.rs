//! A building's NATS leaf node: a `nats-server` in the building that its stations connect to,
//! with its own JetStream domain and a stream (`DCS_BUILDING`) that takes their events even while
//! the building's link to the hub is cut. The hub's stream sources from each building's stream
//! across the leaf connection, so the events reach the hub, in order, when the link returns.
//!
//! Station events stay in the building (the leaf connection neither exports nor imports
//! `dcs.v1.events.>`), so each event reaches the hub's stream once, by sourcing; receipts and
//! lookups cross the link as plain NATS.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use async_nats::Client;
use protocol::subjects;

/// The stream in every building's JetStream domain.
pub const BUILDING_STREAM: &str = "DCS_BUILDING";

/// A building's JetStream domain: its name on the leaf connection (`b-27097-diamond`, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildingDomain(String);

impl BuildingDomain {
    /// 1–64 of `A-Z a-z 0-9 - _`; JetStream domains are subject tokens.
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok =
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok && s != "hub" {
            Ok(Self(s.to_string()))
        } else {
            Err(format!("{s:?} is not a building domain: 1 to 64 of A-Z, a-z, 0-9, '-' and '_', and not \"hub\""))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for BuildingDomain {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// The hub's own JetStream domain, so that its API and the buildings' never meet on a leaf link.
pub const HUB_DOMAIN: &str = "hub";

/// A building's leaf node configuration: it listens for the building's stations on `listen`,
/// keeps their events in `store_dir`, and connects to the hub's leaf port at one of `hubs`
/// (`nats-leaf://host:7422`, one per node of the hub's cluster). With `credentials`, the leaf
/// connection authenticates as that user (a `.creds` file).
pub fn leaf_config(
    domain: &BuildingDomain,
    listen: &str,
    hubs: &[String],
    store_dir: &std::path::Path,
    credentials: Option<&std::path::Path>,
) -> String {
    let credentials = credentials.map(|c| format!(", credentials: {:?}", c.display().to_string())).unwrap_or_default();
    format!(
        "# A DCS building leaf node ({domain}): its stations connect here; their events wait in\n\
         # stream {BUILDING_STREAM} while the link to the hub is cut.\n\
         server_name: {domain}\n\
         listen: {listen}\n\
         jetstream {{ domain: {domain}, store_dir: {store:?} }}\n\
         leafnodes {{\n  remotes: [\n    {{ urls: {hubs:?}{credentials},\n      \
         deny_exports: [{events:?}], deny_imports: [{events:?}] }}\n  ]\n}}\n",
        domain = domain.as_str(),
        store = store_dir.display().to_string(),
        events = subjects::EVENTS_ALL,
    )
}

/// The building stream: every station event of the building, kept for the same time as the hub's.
fn stream_config() -> stream::Config {
    stream::Config {
        name: BUILDING_STREAM.to_string(),
        subjects: vec![subjects::EVENTS_ALL.to_string()],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        duplicate_window: crate::nats::DUPLICATE_WINDOW,
        max_age: crate::nats::STREAM_MAX_AGE,
        max_bytes: 2 * 1024 * 1024 * 1024,
        max_message_size: protocol::envelope::MAX_MESSAGE_BYTES as i32,
        discard: stream::DiscardPolicy::Old,
        ..Default::default()
    }
}

/// Where the hub's stream takes a building's events from: the building's stream, through its
/// domain's API prefix. (Not the source's `domain` field: NATS 2.9.10 never starts a source given
/// that way when it is added to a stream that exists already.)
pub fn source(domain: &BuildingDomain) -> stream::Source {
    let external = stream::External { api_prefix: format!("$JS.{}.API", domain.as_str()), delivery_prefix: None };
    stream::Source { name: BUILDING_STREAM.to_string(), external: Some(external), ..Default::default() }
}

/// Makes a building's stream (through its domain's API, across its leaf link) if it is missing.
pub async fn make_stream(client: &Client, domain: &BuildingDomain) -> Result<(), String> {
    let js = jetstream::with_domain(client.clone(), domain.as_str());
    match tokio::time::timeout(Duration::from_secs(5), js.get_or_create_stream(stream_config())).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the building's leaf node does not answer".into()),
    }
}

/// Keeps every building's stream made: checks again every minute (every 10 s while one is out of
/// reach), so that a building's leaf takes events once the hub has reached it once. `ready` says
/// which were made already. Runs until the hub stops.
pub async fn keep_streams(client: Client, domains: Vec<BuildingDomain>, mut ready: Vec<bool>) {
    loop {
        let all = ready.iter().all(|r| *r);
        tokio::time::sleep(Duration::from_secs(if all { 60 } else { 10 })).await;
        let made = futures::future::join_all(domains.iter().map(|d| make_stream(&client, d))).await;
        for ((domain, ready), made) in domains.iter().zip(ready.iter_mut()).zip(made) {
            match (&made, *ready) {
                (Ok(()), false) => tracing::info!(building = domain.as_str(), "the building's stream is ready"),
                (Err(e), true) => {
                    tracing::warn!(building = domain.as_str(), error = %e, "cannot reach the building's stream")
                }
                _ => {}
            }
            *ready = made.is_ok();
        }
    }
}
