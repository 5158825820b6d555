//! The `dcs` command line: `demo`, `serve`, `replay`, `station plan`, `bench append`.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use store::Store;
use tokio_util::sync::CancellationToken;

use bus::signal::shutdown as shutdown_signal;

use api::hub::{Hub, HubOptions};

#[derive(Parser)]
#[command(name = "dcs", version, about = "DCS: the platform behind Ho Chi Minh City's Digital Citizen Stations")]
pub struct Cli {
    /// How log lines are written to standard error: `text` for people, `json` (one object per
    /// line) for a log collector.
    #[arg(long, env = "DCS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// The whole product on this machine: SQLite, an in-process bus and simulated stations.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[arg(long, default_value = "./dcs-data")]
        data_dir: PathBuf,
        /// How many simulated stations (the first is Diamond Island, Bình Trưng).
        #[arg(long, default_value_t = 12)]
        stations: usize,
        /// Events per station per minute at the evening peak.
        #[arg(long, default_value_t = 30.0)]
        peak_per_minute: f64,
    },
    /// The production hub: PostgreSQL and NATS JetStream.
    Serve {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, env = "NATS_URL")]
        nats_url: String,
        #[arg(long, env = "DCS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// How often to look for security reports whose deadlines have passed.
        #[arg(long, env = "DCS_DEADLINE_CHECK_SECS", default_value_t = 30)]
        deadline_check_secs: u64,
        /// The hub is reached over HTTPS (behind a TLS proxy): session cookies are `Secure`. They
        /// are also whenever the hub listens on an address other than loopback.
        #[arg(long, env = "DCS_HTTPS")]
        https: bool,
        /// The directory `dcs nats config` wrote: the hub connects with its credentials, gives each
        /// station its own NATS user at enrollment and pushes revocations. Without it the hub
        /// expects a NATS without authentication (development only).
        #[arg(long, env = "DCS_NATS_CREDENTIALS")]
        nats_credentials: Option<PathBuf>,
        /// The hub's Ed25519 key, which signs receipts (created at first start; a standby hub
        /// uses the same file). Keep it off the database host's backups.
        #[arg(long, env = "DCS_HUB_KEY_FILE", default_value = "dcs-hub.key")]
        hub_key_file: PathBuf,
        /// The key-encryption key that seals the key table of residents' data keys (created at
        /// first start; default: the hub key's file with the extension `.kek`). Without it the
        /// table opens nothing: keep a copy apart from the database's backups.
        #[arg(long, env = "DCS_KEK_FILE")]
        kek_file: Option<PathBuf>,
        /// Days after its month ends that an epoch's secret is kept, for stations that were
        /// offline; then it is destroyed, and what was sealed to it opens only through the key
        /// table (events sealed to it that arrive later are refused).
        #[arg(long, env = "DCS_EPOCH_GRACE_DAYS", default_value_t = ingest::keyring::GRACE_DAYS)]
        epoch_grace_days: i64,
        /// Days a closed case keeps its forgettable fields, per kind, over the defaults
        /// (security_report=365, feedback=180, dossier=365, payment=730): `feedback=90,...`.
        #[arg(long, env = "DCS_RETENTION_DAYS", default_value = "")]
        retention_days: String,
        /// Seconds between retention sweeps.
        #[arg(long, env = "DCS_RETENTION_CHECK_SECS", default_value_t = 3600)]
        retention_check_secs: u64,
        /// Copies of the event stream on a JetStream cluster (3 on a 3-node cluster; `--nats-url`
        /// may list every node, comma-separated).
        #[arg(long, env = "DCS_STREAM_REPLICAS", default_value_t = 1)]
        stream_replicas: usize,
        /// A building's leaf node (its JetStream domain, as in `dcs nats building --domain`),
        /// whose stream the hub's stream takes events from. Repeat it, or comma-separate it.
        #[arg(long = "building", env = "DCS_BUILDINGS", value_delimiter = ',')]
        buildings: Vec<bus::building::BuildingDomain>,
        /// The audit log's origin: the first line of its checkpoints and its key's name.
        #[arg(long, env = "DCS_LOG_ORIGIN", default_value = audit::checkpoints::DEFAULT_ORIGIN)]
        log_origin: String,
        /// How often the hub signs a checkpoint while the log grows (auditors may also ask for one).
        #[arg(long, env = "DCS_CHECKPOINT_SECS", default_value_t = 5)]
        checkpoint_secs: u64,
    },
    /// Drop every read model (dashboards, work queues) and rebuild it from position 0 of the log.
    Replay {
        /// postgres://... or sqlite://...; without it, the demo's database in ./dcs-data.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Rebuild every read model beside the live one and report each difference, without
        /// touching what the dashboards serve (safe while the hub runs). Exits 1 on a difference.
        #[arg(long)]
        shadow: bool,
    },
    /// Manage the people who use the hub and their API tokens.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the rollout plan.
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// Residents' personal data: the keys behind pseudonyms.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// NATS with authentication: write the keys, credentials and server configuration.
    Nats {
        #[command(subcommand)]
        command: NatsCommand,
    },
    /// The audit log: its verifier key, bundles for auditors, and the offline verifier.
    Audit {
        #[command(subcommand)]
        command: crate::audit::AuditCommand,
    },
    /// Benchmarks (figures in docs/PERFORMANCE.md).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a person with their roles (ward_officer, pc06_staff, auditor, administrator) and wards.
    Add {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        name: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long = "ward")]
        wards: Vec<String>,
    },
    /// Set the login and password a person signs in with on the pages; the password is read from
    /// standard input (one line), never from the command line.
    Password {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        name: String,
        /// What they type to sign in (default: their name).
        #[arg(long)]
        login: Option<String>,
    },
    /// Disable a person: their tokens and sessions stop working.
    Disable {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        name: String,
    },
    /// Issue an API token for a person and print it (the hub keeps only its hash).
    Token {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

#[derive(Subcommand)]
pub enum StationCommand {
    /// Put a station on a ward's plan and print its one-time enrollment code.
    Plan {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        station: String,
        #[arg(long)]
        ward: String,
        #[arg(long)]
        building: String,
    },
}

#[derive(Subcommand)]
pub enum PrivacyCommand {
    /// Retire the active pseudonym key and make a new one (the running hub names residents with
    /// it within ten minutes; the old one is kept, so access exports and erasures by ID still
    /// find every case).
    RotatePseudonymKey {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
}

#[derive(Subcommand)]
pub enum NatsCommand {
    /// Writes into `--dir` the operator, account and signing keys (kept if already there), the
    /// hub's and the system user's credentials, and the server's configuration (decentralized JWT
    /// authentication, no anonymous clients): `nats-server.conf`, or `nats-server-NAME.conf` for
    /// a cluster's node. Run `nats-server -c` on it and `dcs serve --nats-credentials DIR`.
    Config {
        #[arg(long)]
        dir: PathBuf,
        /// Where nats-server listens.
        #[arg(long, default_value = "127.0.0.1:4222")]
        listen: String,
        /// JetStream's store (default: DIR/jetstream, or DIR/jetstream/NAME).
        #[arg(long)]
        store_dir: Option<PathBuf>,
        /// This node's name in a cluster (`n1`); run the command once per node with the same
        /// `--dir` and `--routes`.
        #[arg(long, requires = "cluster_listen")]
        name: Option<String>,
        /// This node's cluster (route) address, on the hub's private network.
        #[arg(long, requires_all = ["name", "routes"])]
        cluster_listen: Option<String>,
        /// Every node's route URL (`nats-route://10.0.0.1:6222`), comma-separated.
        #[arg(long, value_delimiter = ',', requires = "cluster_listen")]
        routes: Vec<String>,
        /// A port for buildings' leaf nodes (`0.0.0.0:7422`); each authenticates with its own
        /// credentials (`dcs nats building-user`).
        #[arg(long)]
        leaf_listen: Option<String>,
        /// The leaf address buildings are told to use, if not `--leaf-listen` (a load balancer's).
        #[arg(long, requires = "leaf_listen")]
        leaf_advertise: Option<String>,
    },
    /// Writes the credentials of a building's leaf connection into DIR/buildings/DOMAIN.creds (a
    /// new user each time; give the file to `dcs nats building --credentials`).
    BuildingUser {
        #[arg(long)]
        dir: PathBuf,
        /// The building's JetStream domain (`b-27097-diamond`, say).
        #[arg(long)]
        domain: bus::building::BuildingDomain,
    },
    /// Prints the configuration of a building's leaf node: a `nats-server` in the building that
    /// its stations connect to and that keeps their events while the link to the hub is cut.
    /// Start the hub with `--building DOMAIN` and the hub's NATS with a `leafnodes` port.
    Building {
        /// The building's JetStream domain (`b-27097-diamond`, say).
        #[arg(long)]
        domain: bus::building::BuildingDomain,
        /// The hub's leaf port: `nats-leaf://hub.example:7422`; repeat it (or comma-separate it)
        /// for each node of the hub's cluster.
        #[arg(long, required = true, value_delimiter = ',')]
        hub: Vec<String>,
        /// Where the building's stations reach the leaf node.
        #[arg(long, default_value = "127.0.0.1:4222")]
        listen: String,
        /// Where the leaf keeps the events it holds.
        #[arg(long, default_value = "/var/lib/dcs-leaf")]
        store_dir: PathBuf,
        /// A `.creds` file the leaf connection authenticates with, on a hub with authentication.
        #[arg(long)]
        credentials: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Event-store append against raw PostgreSQL COPY of the same rows.
    Append {
        /// A PostgreSQL server; the benchmark works in a scratch database it creates and drops.
        #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        database_url: String,
        #[arg(long, default_value_t = 200_000)]
        events: usize,
        #[arg(long, default_value_t = 1000)]
        batch: usize,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Seal forgettable fields as stations do and file their data keys (encryption on).
        #[arg(long)]
        sealed: bool,
    },
    /// `dcs audit verify` over an audit bundle of N realistic entries, beside raw Ed25519 batch
    /// verification (every core) and SHA-256 of the same data.
    Verify {
        #[arg(long, default_value_t = 1_000_000)]
        entries: usize,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo { listen, data_dir, stations, peak_per_minute } => {
            demo(crate::demo::DemoOptions { listen, data_dir, stations, peak_per_minute }).await
        }
        Command::Serve {
            database_url,
            nats_url,
            listen,
            deadline_check_secs,
            https,
            nats_credentials,
            hub_key_file,
            kek_file,
            epoch_grace_days,
            retention_days,
            retention_check_secs,
            stream_replicas,
            buildings,
            log_origin,
            checkpoint_secs,
        } => {
            let kek = crate::hub_key::kek(&kek_file.unwrap_or_else(|| hub_key_file.with_extension("kek")))?;
            let stream = bus::nats::StreamPlan { replicas: stream_replicas, buildings };
            let nats = NatsSettings { url: nats_url, credentials: nats_credentials, stream };
            let hub_key = crate::hub_key::load_or_create(&hub_key_file)?;
            let log =
                AuditLogSettings { origin: log_origin, every: std::time::Duration::from_secs(checkpoint_secs.max(1)) };
            let keys = HubKeys { hub_key, kek, epoch_grace: chrono::Duration::days(epoch_grace_days.max(0)) };
            let upkeep = Upkeep {
                deadline_check_secs,
                retention: domain::aggregates::retention::with_days(&retention_days)
                    .map_err(|e| anyhow::anyhow!("--retention-days: {e}"))?,
                retention_every: std::time::Duration::from_secs(retention_check_secs.max(1)),
            };
            serve(&database_url, &nats, listen, upkeep, https, keys, log).await
        }
        Command::Replay { database_url, shadow: false } => replay(database_url).await,
        Command::Replay { database_url, shadow: true } => replay_shadow(database_url).await,
        Command::Audit { command } => crate::audit::run(command).await,
        Command::User { command } => crate::users::run(command).await,
        Command::Station { command: StationCommand::Plan { database_url, station, ward, building } } => {
            plan(&database_url, api::routes::PlanRequest { station_id: station, ward_code: ward, building }).await
        }
        Command::Nats { command } => crate::nats::run(command),
        Command::Privacy { command: PrivacyCommand::RotatePseudonymKey { database_url } } => {
            let store = Store::connect(&database_url).await.context("cannot open the database")?;
            let key_id = store.rotate_pseudonym_key(rand::random(), chrono::Utc::now()).await?;
            println!("the active pseudonym key is now {key_id}; a running hub takes it up within ten minutes");
            Ok(())
        }
        Command::Bench { command: BenchCommand::Append { database_url, events, batch, rounds, sealed } } => {
            bench_append(crate::bench::AppendBench { database_url, events, batch, rounds: rounds.max(1), sealed }).await
        }
        Command::Bench { command: BenchCommand::Verify { entries } } => {
            let f = crate::bench_verify::run(entries).await?;
            println!(
                "dcs audit verify: {} entries ({} station events) at {:.0} entries/s, {} failures",
                f.entries, f.station_events, f.verify_rate, f.failures
            );
            println!("raw Ed25519 batch verification, every core: {:.0} signatures/s", f.ed25519_batch_rate);
            println!("raw SHA-256, one core: {:.0} entries/s ({:.0} MB/s)", f.sha256_rate, f.sha256_mb_s);
            println!("ratio to Ed25519 batch: {:.2}", f.verify_rate / f.ed25519_batch_rate);
            Ok(())
        }
    }
}

/// `dcs demo` until Ctrl-C or SIGTERM.
async fn demo(opts: crate::demo::DemoOptions) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        eprintln!("stopping: finishing work in flight…");
        stop.cancel();
    });
    crate::demo::run(opts, shutdown, None).await
}

/// `dcs replay`: every read model rebuilt from position 0 of the log.
async fn replay(database_url: Option<String>) -> anyhow::Result<()> {
    let url = database_url.unwrap_or_else(|| "sqlite://./dcs-data/hub.sqlite".into());
    let store = Store::connect(&url).await.context("cannot open the database")?;
    let state = api::AppState::new(store, None);
    let t = std::time::Instant::now();
    let position = state.dashboard.rebuild().await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ward dashboard rebuilt from position 0 to {position} in {secs:.2} s ({:.0} events/s)",
        position as f64 / secs.max(1e-9)
    );
    let t = std::time::Instant::now();
    let position = state.reports.projector().rebuild().await?;
    println!("security-report queue rebuilt from position 0 to {position} in {:.2} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// `dcs replay --shadow`: every read model rebuilt beside the live one, and the differences.
async fn replay_shadow(database_url: Option<String>) -> anyhow::Result<()> {
    let url = database_url.unwrap_or_else(|| "sqlite://./dcs-data/hub.sqlite".into());
    let store = Store::connect(&url).await.context("cannot open the database")?;
    let t = std::time::Instant::now();
    let models = projections::shadow::compare_all(&store, &url).await?;
    let mut differ = false;
    for m in &models {
        if m.differences.is_empty() {
            println!("{}: rebuilt to position {} and equal to the live one", m.name, m.position);
            continue;
        }
        differ = true;
        println!("{}: rebuilt to position {}, DIFFERS from the live one:", m.name, m.position);
        for d in &m.differences {
            println!("  {}: {} rows only live, {} only rebuilt", d.table, d.only_live, d.only_rebuilt);
            for e in &d.examples {
                println!("    {e}");
            }
        }
    }
    println!("compared in {:.2} s; the live read models were not touched", t.elapsed().as_secs_f64());
    if differ {
        std::process::exit(1);
    }
    Ok(())
}

/// `dcs station plan`: a station on a ward's plan, before any hub runs.
async fn plan(database_url: &str, req: api::routes::PlanRequest) -> anyhow::Result<()> {
    if database_url.starts_with("sqlite:") {
        anyhow::bail!("the embedded mode plans its own stations; plan on the production database (postgres://…)");
    }
    let planned = plan_offline(database_url, req).await?;
    println!("planned {} in ward {} ({})", planned.station_id, planned.ward_code, planned.building);
    println!("enrollment code: {}", planned.enrollment_code);
    Ok(())
}

/// `dcs bench append`: the store's append beside raw COPY of the same rows.
async fn bench_append(b: crate::bench::AppendBench) -> anyhow::Result<()> {
    let f = crate::bench::run(&b).await?;
    println!();
    println!(
        "events            {} (signed station bytes {} B, domain payload {} B on average; batches of {})",
        f.events, f.signed_bytes, f.payload_bytes, b.batch
    );
    println!("store append      {:>10.0} events/s", f.store_rate);
    println!("  without tree    {:>10.0} events/s", f.treeless_rate);
    println!("raw COPY          {:>10.0} rows/s", f.copy_rate);
    println!("ratio             {:>10.2} × raw COPY (median of {} rounds)", f.ratio(), b.rounds);
    println!("Merkle tree cost  {:>10.1} % of the append rate", f.tree_cost() * 100.0);
    if let Some(s) = &f.sealing {
        println!(
            "sealed events     {:>10} ({:.0} % of all), their data keys filed with them",
            s.sealed_events,
            100.0 * s.sealed_events as f64 / f.events as f64
        );
        println!(
            "hub unsealing     {:>10.0} events/s on one core (unwrap, open, check, seal under the KEK)",
            s.unseal_rate
        );
        println!("Ed25519 verify    {:>10.0} events/s on one core, the same events", s.verify_rate);
        println!("unsealing cost    {:>10.2} × a signature check", s.verify_rate / s.unseal_rate);
    }
    Ok(())
}

/// Plans a station with no hub running: planning appends the station's first event, so this
/// takes the log's one writer (an in-process ingest) for as long as it takes.
async fn plan_offline(database_url: &str, req: api::routes::PlanRequest) -> anyhow::Result<api::routes::Planned> {
    let store = Store::connect(database_url).await.context("cannot open the database")?;
    let link = Box::new(bus::memory::MemoryBus::new());
    let ingest = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        ingest::Ingest::new(store.clone(), link, ingest::IngestConfig::default()),
    )
    .await
    .map_err(|_| anyhow::anyhow!("a hub is running on this database; plan through it: POST /api/v1/stations"))??;
    let state = api::AppState::new(store, Some(ingest.staff()));
    let stop = CancellationToken::new();
    let writer = tokio::spawn(ingest.run(stop.clone()));
    let planned = api::routes::plan_station(&state, req).await.map_err(|e| anyhow::anyhow!("{e}"));
    stop.cancel();
    writer.await??;
    planned
}

/// Where the hub's NATS is and, with authentication, the directory of its credentials.
struct NatsSettings {
    url: String,
    credentials: Option<PathBuf>,
    stream: bus::nats::StreamPlan,
}

/// Connects the hub to NATS: as its own user, with a system-account connection for revocations,
/// when the server authenticates clients; anonymously otherwise (with a warning).
async fn connect_nats(nats: &NatsSettings) -> anyhow::Result<(bus::nats::Client, Option<api::revocations::NatsAdmin>)> {
    use bus::credentials::Authority;
    let Some(dir) = &nats.credentials else {
        tracing::warn!("NATS without authentication: any client that reaches it can read and send station events");
        return Ok((bus::nats::connect(&nats.url, "dcs hub", false, &Default::default()).await?, None));
    };
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {} (run `dcs nats config`)", path.display()))
    };
    let hub = bus::nats::Identity { creds: Some(read(Authority::hub_creds_path(dir))?), inbox_prefix: None };
    let system = bus::nats::Identity { creds: Some(read(Authority::system_creds_path(dir))?), inbox_prefix: None };
    let client = bus::nats::connect(&nats.url, "dcs hub", false, &hub).await?;
    let system = bus::nats::connect(&nats.url, "dcs hub (account updates)", false, &system).await?;
    let authority = std::sync::Arc::new(Authority::open(dir)?);
    Ok((client, Some(api::revocations::NatsAdmin { authority, system })))
}

/// The audit log's name and how often its checkpoints are signed.
struct AuditLogSettings {
    origin: String,
    every: std::time::Duration,
}

/// The hub's regular chores: the deadline watch, and how long closed cases keep their
/// forgettable fields and how often that is checked.
struct Upkeep {
    deadline_check_secs: u64,
    retention: Vec<domain::aggregates::RetentionRule>,
    retention_every: std::time::Duration,
}

/// The hub's secrets, read from their files.
struct HubKeys {
    hub_key: ed25519_dalek::SigningKey,
    kek: protocol::kek::Kek,
    epoch_grace: chrono::Duration,
}

/// The production hub until Ctrl-C or SIGTERM, or until a part of it fails.
async fn serve(
    database_url: &str,
    nats: &NatsSettings,
    listen: SocketAddr,
    upkeep: Upkeep,
    https: bool,
    keys: HubKeys,
    log: AuditLogSettings,
) -> anyhow::Result<()> {
    let store = Store::connect(database_url).await.context("cannot open the database")?;
    let keyring =
        ingest::keyring::Keyring::load(store.clone(), keys.kek, chrono::Utc::now()).await?.with_grace(keys.epoch_grace);
    let (client, nats_admin) = connect_nats(nats).await?;
    let link = bus::nats::NatsHub::open(client, nats.stream.clone()).await?;
    let shutdown = CancellationToken::new();
    let options = HubOptions {
        listen,
        deadline_check_every: std::time::Duration::from_secs(upkeep.deadline_check_secs.max(1)),
        secure_cookies: https || !listen.ip().is_loopback(),
        nats: nats_admin,
        ingest: ingest::IngestConfig {
            hub_key: std::sync::Arc::new(keys.hub_key),
            keyring: Some(std::sync::Arc::new(keyring)),
            ..Default::default()
        },
        log_origin: log.origin,
        checkpoint_every: log.every,
        retention: upkeep.retention,
        retention_every: upkeep.retention_every,
    };
    let hub = Hub::start(store, Box::new(link), options, shutdown.clone()).await?;
    tracing::info!(port = hub.port(), "hub listening");
    println!("DCS hub listening on http://{}:{}/", listen.ip(), hub.port());
    tokio::select! {
        _ = shutdown_signal() => {
            tracing::info!("stopping: finishing the batch in hand and requests in flight");
            shutdown.cancel();
        }
        // A part of the hub failed and stopped the others: exit with its error.
        _ = shutdown.cancelled() => {}
    }
    hub.wait().await
}
