//! `dcs audit`: the log's verifier key, a bundle for auditors, and the offline verifier with a
//! progress bar and a report that names each failure's position.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use protocol::tlog::NoteSigner;
use store::Store;

/// Without `--database-url`: the demo's database.
const DEMO_DATABASE: &str = "sqlite://./dcs-data/hub.sqlite";
const DEMO_KEY: &str = "./dcs-data/hub.key";

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Print the log's verifier key (C2SP signed-note), which auditors pin.
    Key {
        /// The hub's key file (the demo's when not given and ./dcs-data/hub.key exists).
        #[arg(long, env = "DCS_HUB_KEY_FILE")]
        hub_key_file: Option<PathBuf>,
        #[arg(long, env = "DCS_LOG_ORIGIN", default_value = audit::checkpoints::DEFAULT_ORIGIN)]
        log_origin: String,
    },
    /// Write a bundle of the log (entries --from to --to, with the checkpoints it covers) for
    /// auditors.
    Export {
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// The first position (default 1; after 1 the bundle also holds the earlier entries its
        /// range depends on, with their proofs).
        #[arg(long)]
        from: Option<i64>,
        /// The last position (default: the log's head).
        #[arg(long)]
        to: Option<i64>,
        #[arg(long, env = "DCS_HUB_KEY_FILE")]
        hub_key_file: Option<PathBuf>,
        #[arg(long, env = "DCS_LOG_ORIGIN", default_value = audit::checkpoints::DEFAULT_ORIGIN)]
        log_origin: String,
        /// The bundle's directory (created).
        out: PathBuf,
    },
    /// Verify a bundle, or a live database with --database-url, offline; exits 1 on any failure,
    /// naming the position and what failed, and 2 when the verification could not be made.
    Verify {
        /// A bundle written by `dcs audit export`.
        bundle: Option<PathBuf>,
        /// Verify this database instead of a bundle (a bundle, when given, comes first).
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        /// The log's verifier key, as `dcs audit key` printed it (needed with --database-url;
        /// with a bundle, the bundle must hold this key).
        #[arg(long)]
        log_key: Option<String>,
        /// A checkpoint (signed note file) you kept earlier: the log must still agree with it.
        #[arg(long = "pin")]
        pins: Vec<PathBuf>,
    },
}

fn signer(hub_key_file: Option<PathBuf>, origin: &str) -> anyhow::Result<NoteSigner> {
    let path = hub_key_file.unwrap_or_else(|| DEMO_KEY.into());
    if !path.exists() {
        anyhow::bail!("no hub key at {}: give --hub-key-file (or DCS_HUB_KEY_FILE)", path.display());
    }
    let key = crate::hub_key::load_or_create(&path)?;
    NoteSigner::new(origin, key).map_err(|e| anyhow::anyhow!("log origin: {e}"))
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} entries {per_sec} {eta}")
            .expect("template")
            .progress_chars("=> "),
    );
    pb.set_prefix(what.to_string());
    pb
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Key { hub_key_file, log_origin } => {
            println!("{}", signer(hub_key_file, &log_origin)?.verifier().encode());
            Ok(())
        }
        AuditCommand::Export { database_url, from, to, hub_key_file, log_origin, out } => {
            let store = Store::connect(database_url.as_deref().unwrap_or(DEMO_DATABASE))
                .await
                .context("cannot open the database")?;
            let key = signer(hub_key_file, &log_origin)?.verifier().encode();
            let last = to.unwrap_or(store.head().await?);
            let pb = bar((last - from.unwrap_or(1) + 1).max(0) as u64, "export");
            let m = audit::bundle::export(&store, &key, from, to, &out, &|n| pb.inc(n)).await?;
            pb.finish_and_clear();
            println!("wrote entries {} to {} of {} to {}", m.from, m.to, m.origin, out.display());
            Ok(())
        }
        AuditCommand::Verify { bundle, database_url, log_key, pins } => {
            let pins = pins
                .iter()
                .map(|p| {
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read the pinned checkpoint {}", p.display()))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let t = std::time::Instant::now();
            let report = match verification(bundle, database_url, log_key, &pins).await {
                Ok(r) => r,
                Err(e) => {
                    // Exit code 2: nothing was found wrong, the verification could not be made.
                    eprintln!("could not verify: {e:#}");
                    std::process::exit(2);
                }
            };
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{} entries ({} station events, {} stations) in {secs:.2} s ({:.0} entries/s); {} signed checkpoints and {} pinned checked",
                report.entries,
                report.station_events,
                report.stations,
                report.entries as f64 / secs.max(1e-9),
                report.checkpoints_checked,
                report.pins_checked
            );
            if let Some(root) = report.root {
                println!("root of the {} entries: {}", report.entries, base64_of(&root));
            }
            if report.ok() {
                println!("verified: nothing altered, dropped or reordered");
                return Ok(());
            }
            println!("FAILED: {} problems", report.failures.len());
            for f in &report.failures {
                println!("  {f}");
            }
            std::process::exit(1);
        }
    }
}

/// Verifies a bundle, or a live database.
async fn verification(
    bundle: Option<PathBuf>,
    database_url: Option<String>,
    log_key: Option<String>,
    pins: &[String],
) -> anyhow::Result<audit::verify::Report> {
    Ok(match (bundle, database_url) {
        (Some(dir), _) => {
            let m = audit::bundle::manifest(&dir)?;
            let pb = bar((m.to - m.from + 1) as u64, "verify");
            let r = audit::bundle::verify_bundle(&dir, log_key.as_deref(), pins, &|n| pb.inc(n)).await?;
            pb.finish_and_clear();
            r
        }
        (None, Some(url)) => {
            let key = log_key.context("--database-url needs --log-key (what `dcs audit key` prints)")?;
            let store = Store::connect(&url).await.context("cannot open the database")?;
            let pb = bar(store.head().await? as u64, "verify");
            let r = audit::bundle::verify_database(&store, &key, pins, &|n| pb.inc(n)).await?;
            pb.finish_and_clear();
            r
        }
        (None, None) => anyhow::bail!("give a bundle, or --database-url with --log-key"),
    })
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
