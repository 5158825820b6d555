//! `station-agent`: enroll a station, run it, or show its outbox.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use station_agent::enroll::{enroll, Enrollment};
use station_agent::publisher::{self, PublisherConfig};
use station_agent::{http, Agent};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(name = "station-agent", version, about = "The agent of a Digital Citizen Station (Trạm công dân số)")]
struct Cli {
    /// Where the station keeps its key, identity and outbox.
    #[arg(long, env = "DCS_STATION_DIR", default_value = "./station", global = true)]
    data_dir: PathBuf,
    /// How log lines are written to standard error: `text`, or `json` (one object per line).
    #[arg(long, env = "DCS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create the station key and register the station with the hub.
    Enroll {
        /// The hub's HTTP address, e.g. https://dcs.example.vn
        #[arg(long, env = "DCS_HUB_URL")]
        hub: String,
        /// The station id from the rollout plan, e.g. st-27097-diamond-island
        #[arg(long)]
        station: String,
        /// The ward code (one of the city's 168), e.g. 27097
        #[arg(long)]
        ward: String,
        /// The building's name, e.g. "Diamond Island"
        #[arg(long)]
        building: String,
        /// The one-time enrollment code given with the plan.
        #[arg(long, env = "DCS_ENROLLMENT_CODE")]
        code: String,
    },
    /// Run the station: the loopback API and the publisher.
    Run {
        #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
        nats_url: String,
        /// Loopback address of the kiosk/operator API.
        #[arg(long, env = "DCS_STATION_LISTEN", default_value = "127.0.0.1:7400")]
        listen: SocketAddr,
        /// Seconds between heartbeats (version, outbox depth, clock skew).
        #[arg(long, env = "DCS_HEARTBEAT_SECS", default_value_t = 300)]
        heartbeat_secs: u64,
        /// Days a confirmed event stays on this station's disk before it is deleted (the chain's
        /// head always stays).
        #[arg(long, env = "DCS_KEEP_CONFIRMED_DAYS", default_value_t = station_agent::retention::KEEP_DAYS)]
        keep_confirmed_days: u64,
    },
    /// Print pending and confirmed counts and the last receipt.
    Status,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match cli.command {
        Command::Enroll { hub, station, ward, building, code } => {
            protocol::StationId::parse(&station)?;
            protocol::WardCode::parse(&ward)?;
            let e =
                Enrollment { hub_url: &hub, station_id: &station, ward_code: &ward, building: &building, code: &code };
            let config = enroll(&cli.data_dir, e).await?;
            println!(
                "Enrolled station {} in ward {} ({}) with the hub at {}.",
                config.station_id,
                config.ward_code,
                protocol::WardCode::parse(&config.ward_code)?.ward().name,
                config.hub_url
            );
            println!("Start it with: station-agent --data-dir {} run", cli.data_dir.display());
        }
        Command::Run { nats_url, listen, heartbeat_secs, keep_confirmed_days } => {
            let keep = Duration::from_secs(keep_confirmed_days * 86_400);
            run(cli.data_dir, nats_url, listen, Duration::from_secs(heartbeat_secs.max(1)), keep).await?
        }
        Command::Status => {
            let agent = Agent::open(&cli.data_dir).await.context("is this station enrolled? (station-agent enroll)")?;
            let s = agent.status().await?;
            println!(
                "station    {} (ward {}, {})",
                agent.config.station_id, agent.config.ward_code, agent.config.building
            );
            println!("recorded   {}", s.last_seq);
            println!("pending    {}", s.pending);
            println!(
                "confirmed  {} (accepted {}, rejected {}, refused {})",
                s.confirmed(),
                s.accepted,
                s.rejected,
                s.refused
            );
            match &s.last_receipt {
                Some(r) => println!(
                    "last receipt  seq {} {:?}{} at {}",
                    r.seq,
                    r.status,
                    r.position.map(|p| format!(" at log position {p}")).unwrap_or_default(),
                    protocol::time::local_display(r.at)
                ),
                None => println!("last receipt  none yet"),
            }
            match agent.witness.kept() {
                Some(c) => println!("audit log  verified and cosigned up to {} entries", c.size),
                None => println!("audit log  no checkpoint verified yet"),
            }
            if let Some(alarm) = agent.witness.alarm() {
                println!("ALARM      since {}: {}", protocol::time::local_display(alarm.since), alarm.what);
                println!("           evidence kept in {}", alarm.evidence.display());
            }
        }
    }
    Ok(())
}

async fn run(
    dir: PathBuf,
    nats_url: String,
    listen: SocketAddr,
    heartbeat: Duration,
    keep: Duration,
) -> anyhow::Result<()> {
    if !listen.ip().is_loopback() {
        bail!("--listen must be a loopback address (the station API is for this machine only), not {listen}");
    }
    let agent = Arc::new(Agent::open(&dir).await.context("is this station enrolled? (station-agent enroll)")?);
    let shutdown = CancellationToken::new();
    let identity = bus::nats::Identity {
        creds: station_agent::config::nats_creds(&dir)?,
        inbox_prefix: Some(protocol::subjects::inbox_prefix(&agent.config.station_id)),
    };
    let name = format!("station {}", agent.config.station_id);
    let client = bus::nats::connect(&nats_url, &name, true, &identity).await?;
    let link = Arc::new(bus::nats::NatsStation::new(client));
    let witness = tokio::spawn(station_agent::witness::run(
        agent.clone(),
        link.clone(),
        station_agent::witness::EVERY,
        shutdown.clone(),
    ));
    let publisher = tokio::spawn(publisher::run(agent.clone(), link, PublisherConfig::default(), shutdown.clone()));
    let beats = tokio::spawn(station_agent::heartbeat::run(agent.clone(), heartbeat, heartbeat, shutdown.clone()));
    let purge = tokio::spawn(station_agent::retention::run(agent.clone(), keep, shutdown.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(station = %agent.config.station_id, %listen, %nats_url, "station agent running");
    let stop = shutdown.clone();
    axum::serve(listener, http::router(agent))
        .with_graceful_shutdown(async move {
            bus::signal::shutdown().await;
            stop.cancel();
        })
        .await?;
    shutdown.cancel();
    let _ = beats.await;
    let _ = purge.await;
    let _ = publisher.await;
    let _ = witness.await;
    tracing::info!("station agent stopped; unconfirmed events stay in the outbox");
    Ok(())
}
