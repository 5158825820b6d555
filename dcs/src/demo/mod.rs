//! `dcs demo`: the whole product on a laptop. A SQLite hub database in a data directory, the
//! in-process bus, and simulated stations (real station agents with their own outboxes) producing
//! a realistic mix of events at realistic hours.

pub mod buildings;
pub mod catalog;
pub mod forms;
pub mod simulator;
pub mod staff;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use bus::memory::MemoryBus;
use chrono::Utc;
use domain::aggregates::StationCommand;
use protocol::enrollment::EnrollmentRequest;
use protocol::{StationId, WardCode};
use station_agent::publisher::{self, PublisherConfig};
use station_agent::{config, Agent, StationConfig};
use store::Store;
use tokio_util::sync::CancellationToken;

use api::hub::{Hub, HubOptions};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub stations: usize,
    /// Events per station per minute at the evening peak.
    pub peak_per_minute: f64,
}

/// The hub's keys from the data directory (made at first run): the hub key and the KEK with
/// the epoch keys it opens.
async fn ingest_config(data_dir: &std::path::Path, store: &Store) -> anyhow::Result<ingest::IngestConfig> {
    let hub_key = std::sync::Arc::new(crate::hub_key::load_or_create(&data_dir.join("hub.key"))?);
    let kek = crate::hub_key::kek(&data_dir.join("hub.kek"))?;
    let keyring = ingest::keyring::Keyring::load(store.clone(), kek, chrono::Utc::now()).await?;
    Ok(ingest::IngestConfig { hub_key, keyring: Some(std::sync::Arc::new(keyring)), ..Default::default() })
}

/// Runs until `shutdown`. Returns the hub's URL once it is listening (through `ready`).
pub async fn run(
    opts: DemoOptions,
    shutdown: CancellationToken,
    ready: Option<tokio::sync::oneshot::Sender<String>>,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&opts.data_dir).with_context(|| format!("cannot create {}", opts.data_dir.display()))?;
    let db_path = opts.data_dir.join("hub.sqlite");
    let store = Store::connect(&format!("sqlite://{}", db_path.display())).await?;
    let bus = MemoryBus::new();
    let ingest = ingest_config(&opts.data_dir, &store).await?;
    let (hub_key, keyring) = (ingest.hub_key.clone(), ingest.keyring.clone().expect("the demo seals"));
    let hub_options = HubOptions { listen: opts.listen, ingest, ..Default::default() };
    let hub = Hub::start(store.clone(), Box::new(bus.clone()), hub_options, shutdown.clone()).await?;
    let url = format!("http://{}:{}/", display_host(opts.listen), hub.port());

    let plan = buildings::plan(opts.stations);
    let mut tasks = Vec::new();
    let (cases, worklist) = tokio::sync::mpsc::unbounded_channel();
    let pace = opts.peak_per_minute / 30.0;
    tasks.push(tokio::spawn(staff::work(hub.state().clone(), worklist, pace, shutdown.clone())));
    for (i, b) in plan.iter().enumerate() {
        let dir = opts.data_dir.join("stations").join(&b.station_id);
        let key = config::load_or_create_key(&dir)?;
        enroll(hub.state(), &store, b, key.verifying_key().to_bytes()).await?;
        let cfg = StationConfig {
            station_id: b.station_id.clone(),
            ward_code: b.ward_code.to_string(),
            building: b.building.clone(),
            hub_url: url.clone(),
            hub_key: hex::encode(hub_key.verifying_key().to_bytes()),
            epoch_key: Some(protocol::enrollment::EpochPublicKey::of(&keyring.current())),
        };
        cfg.save(&dir)?;
        let agent = Arc::new(Agent::with(cfg, key, &dir).await?);
        tasks.push(tokio::spawn(publisher::run(
            agent.clone(),
            Arc::new(bus.clone()),
            PublisherConfig::default(),
            shutdown.clone(),
        )));
        tasks.push(tokio::spawn(station_agent::witness::run(
            agent.clone(),
            Arc::new(bus.clone()),
            station_agent::witness::EVERY,
            shutdown.clone(),
        )));
        let (first, every) = (std::time::Duration::from_secs(3 + i as u64), std::time::Duration::from_secs(60));
        tasks.push(tokio::spawn(station_agent::heartbeat::run(agent.clone(), first, every, shutdown.clone())));
        tasks.push(tokio::spawn(simulator::drive(agent, i, opts.peak_per_minute, cases.clone(), shutdown.clone())));
    }
    let wards: std::collections::BTreeSet<_> = plan.iter().map(|b| b.ward_code).collect();
    println!();
    println!(
        "  DCS demo: {} simulated stations in {} wards, including Diamond Island (Phường Bình Trưng, 27097).",
        plan.len(),
        wards.len()
    );
    println!("  Open {url}");
    println!("  Data in {} (delete it to start afresh). Ctrl-C to stop.", opts.data_dir.display());
    let people = demo_people(&store).await?;
    println!("  Sign in at {url}login as one of the demo's people (role, login, password, name):");
    for p in &people {
        println!("    {:<14} {:<10} {:<22} {}", p.role, p.login, p.password, p.name);
    }
    println!("  Their API tokens (send `Authorization: Bearer <token>`; valid 30 days):");
    for p in &people {
        println!("    {:<14} {}", p.role, p.token);
    }
    println!();
    if let Some(tx) = ready {
        let _ = tx.send(url);
    }
    shutdown.cancelled().await;
    for t in tasks {
        let _ = t.await;
    }
    hub.wait().await
}

fn display_host(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        "127.0.0.1".into()
    } else {
        addr.ip().to_string()
    }
}

/// Plans, enrolls and activates a simulated station through the hub's own paths, as an installer
/// would with the rollout plan's one-time code (each step an append by the log's one writer). The
/// demo's codes are derived from the station id, so a demo stopped half-way finishes next time.
async fn enroll(
    state: &api::AppState,
    store: &Store,
    b: &buildings::SimStation,
    public_key: [u8; 32],
) -> anyhow::Result<()> {
    let code = format!("DEMO-{}", b.station_id);
    let registered = store.station(&b.station_id).await?;
    if registered.as_ref().and_then(|r| r.public_key.as_deref()) == Some(&public_key[..]) {
        return Ok(()); // enrolled in an earlier run of the demo
    }
    if registered.is_none() {
        let id = StationId::parse(&b.station_id)?;
        let ward = WardCode::parse(b.ward_code)?;
        let plan = StationCommand::PlanStation { ward: ward.clone(), building: b.building.clone(), at: Utc::now() };
        api::routes::station_command(state, &id, plan, &ward, Some(api::routes::code_hash(&code)))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let request = EnrollmentRequest {
        ward_code: b.ward_code.to_string(),
        building: b.building.clone(),
        public_key: hex::encode(public_key),
        enrollment_code: code,
        nats_user_key: None, // the demo's bus is in process
    };
    api::routes::enroll_station(state, &b.station_id, &request).await.map_err(|e| anyhow::anyhow!("{e}"))
}

/// A demo person with what they sign in with.
struct DemoPerson {
    name: &'static str,
    role: &'static str,
    login: &'static str,
    password: String,
    token: String,
}

/// One person per role: a ward officer of Bình Trưng (27097), PC06 staff, an auditor and an
/// administrator, each with a login, a fresh password and a fresh API token.
async fn demo_people(store: &Store) -> anyhow::Result<Vec<DemoPerson>> {
    const PEOPLE: [(&str, &str, &str, &[&str]); 4] = [
        ("Trung úy Nguyễn Minh Khang (P. Bình Trưng)", "ward_officer", "khang", &["27097"]),
        ("Đại úy Trần Văn Bình (PC06)", "pc06_staff", "binh", &[]),
        ("Kiểm toán viên Lê Thị Hoa", "auditor", "hoa", &[]),
        ("Quản trị viên hệ thống", "administrator", "admin", &[]),
    ];
    let mut people = Vec::new();
    for (name, role, login, wards) in PEOPLE {
        let wards: Vec<String> = wards.iter().map(|w| w.to_string()).collect();
        match crate::users::add(store, name, &[role.to_string()], &wards).await {
            Ok(()) => {}
            Err(e)
                if e.downcast_ref::<store::StoreError>()
                    .is_some_and(|e| matches!(e, store::StoreError::Conflict(_))) => {}
            Err(e) => return Err(e),
        }
        let password = api::routes::new_enrollment_code().to_lowercase();
        crate::users::password_for(store, name, Some(login), &password).await?;
        let token = crate::users::token(store, name, 30).await?;
        people.push(DemoPerson { name, role, login, password, token });
    }
    Ok(people)
}
