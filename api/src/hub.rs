//! The hub: ingest, the projectors, the deadline watch, receipt lookups and the HTTP server,
//! started together on one store and one bus and stopped together by one shutdown token. On
//! shutdown the batch in hand is committed and acked, the projectors catch up, and requests in
//! flight are answered.

use std::net::SocketAddr;
use std::time::Duration;

use bus::HubLink;
use ingest::{Ingest, IngestConfig};
use store::Store;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{AppState, Application};

#[derive(Debug, Clone)]
pub struct HubOptions {
    pub listen: SocketAddr,
    pub ingest: IngestConfig,
    /// How often the deadline watch looks for overdue security reports.
    pub deadline_check_every: Duration,
    /// Session cookies are `Secure`: the hub is reached over HTTPS.
    pub secure_cookies: bool,
    /// NATS with authentication: stations get their own users, revoked ones are pushed out.
    pub nats: Option<crate::revocations::NatsAdmin>,
    /// The audit log's origin (its checkpoints' first line, and the log key's name).
    pub log_origin: String,
    /// How often a checkpoint is signed while the log grows.
    pub checkpoint_every: Duration,
    /// How long closed cases keep their forgettable fields, per kind.
    pub retention: Vec<domain::aggregates::RetentionRule>,
    /// How often the retention sweep runs.
    pub retention_every: Duration,
}

impl Default for HubOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            ingest: IngestConfig::default(),
            deadline_check_every: Duration::from_secs(30),
            secure_cookies: false,
            nats: None,
            log_origin: audit::checkpoints::DEFAULT_ORIGIN.to_string(),
            checkpoint_every: Duration::from_secs(5),
            retention: domain::aggregates::retention_rules(),
            retention_every: Duration::from_secs(3600),
        }
    }
}

/// Forgets expired browser sessions every ten minutes.
async fn sweep_sessions(store: Store, shutdown: CancellationToken) -> anyhow::Result<()> {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(e) = store.delete_expired_sessions(chrono::Utc::now()).await {
                    tracing::warn!(error = %e, "expired sessions not swept; trying again later");
                }
            }
            _ = shutdown.cancelled() => return Ok(()),
        }
    }
}

/// A part of the hub running in its own task, by name.
type Part = (&'static str, JoinHandle<anyhow::Result<()>>);

pub struct Hub {
    port: u16,
    state: AppState,
    parts: Vec<Part>,
    lookups: JoinHandle<()>,
}

/// Runs a part of the hub; if it fails or panics, the whole hub stops (the others drain) and
/// [`Hub::wait`] reports why.
fn spawn<F>(name: &'static str, shutdown: &CancellationToken, part: F) -> Part
where
    F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let shutdown = shutdown.clone();
    let handle = tokio::spawn(async move {
        // In a task of its own, so that a panic is a failure like any other.
        let outcome = tokio::spawn(part).await.unwrap_or_else(|e| Err(anyhow::anyhow!("panicked: {e}")));
        if let Err(e) = &outcome {
            tracing::error!(part = name, error = %e, "stopped with an error; stopping the hub");
            shutdown.cancel();
        }
        outcome
    });
    (name, handle)
}

/// Makes each new month's epoch key the current one, destroys the secrets of epochs past their
/// grace, and takes up a rotated pseudonym key (checked at start and every ten minutes).
async fn rotate_epochs(
    keyring: std::sync::Arc<ingest::keyring::Keyring>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        let now = chrono::Utc::now();
        if let Err(e) = keyring.rotate(now).await {
            tracing::warn!(error = %e, "cannot make the new epoch's key yet");
        }
        if let Err(e) = keyring.destroy_expired(now).await {
            tracing::warn!(error = %e, "cannot destroy expired epoch secrets yet");
        }
        if let Err(e) = keyring.reload_pseudonym_key().await {
            tracing::warn!(error = %e, "cannot read the active pseudonym key");
        }
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
        }
    }
}

/// The tasks that follow the log: the ward dashboard and the security-report queue, and the
/// deadline watch over the queue.
fn read_side(
    dashboard: projections::WardDashboard,
    reports: projections::SecurityReports,
    head: tokio::sync::watch::Receiver<i64>,
    staff: ingest::staff::StaffHandle,
    every: Duration,
    shutdown: &CancellationToken,
) -> Vec<Part> {
    vec![
        spawn("ward dashboard", shutdown, {
            let (head, s) = (head.clone(), shutdown.clone());
            async move {
                dashboard.run(head, s).await;
                Ok(())
            }
        }),
        spawn("security-report queue", shutdown, {
            let s = shutdown.clone();
            let reports = reports.clone();
            async move {
                reports.run(head, s).await;
                Ok(())
            }
        }),
        spawn("deadline watch", shutdown, {
            let s = shutdown.clone();
            async move {
                crate::deadlines::watch(reports, staff, every, s).await;
                Ok(())
            }
        }),
    ]
}

/// The tasks that keep personal data only as long as it may be kept: the retention sweep and,
/// with a keyring, the epoch keys' rotation and destruction.
fn personal_data_upkeep(
    store: &Store,
    staff: &ingest::staff::StaffHandle,
    retention: (Vec<domain::aggregates::RetentionRule>, Duration),
    keyring: Option<std::sync::Arc<ingest::keyring::Keyring>>,
    shutdown: &CancellationToken,
) -> Vec<Part> {
    let (rules, every) = retention;
    let sweep = crate::retention::run(store.clone(), staff.clone(), rules, every, shutdown.clone());
    let mut parts = vec![spawn("retention sweep", shutdown, async move {
        sweep.await;
        Ok(())
    })];
    if let Some(keyring) = keyring {
        parts.push(spawn("epoch keys", shutdown, rotate_epochs(keyring, shutdown.clone())));
    }
    parts
}

impl Hub {
    pub async fn start(
        store: Store,
        link: Box<dyn HubLink>,
        options: HubOptions,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Self> {
        let lookups = link.lookups().await?;
        let announcer = link.announcer();
        let hub_key = options.ingest.hub_key.clone();
        let keyring = options.ingest.keyring.clone();
        // Until this hub is the log's writer (at once, unless another hub is), its socket answers
        // as a standby.
        let listener = crate::app::bind(options.listen)?;
        let standby = crate::standby::serve(listener.try_clone()?)?;
        let ingest = Ingest::new(store.clone(), link, options.ingest).await;
        standby.end().await;
        let ingest = ingest?;
        let head = ingest.head();
        let staff = ingest.staff();
        let mut state = AppState::new(store.clone(), Some(staff.clone()));
        state.secure_cookies = options.secure_cookies;
        state.hub_key = hub_key.verifying_key();
        state.ingest_health = Some(ingest.health());
        state.nats = options.nats.as_ref().map(|n| n.authority.clone());
        state.keyring = keyring.clone();
        // The log key is the hub's key, under the log's origin.
        let checkpointer = audit::Checkpointer::new(store.clone(), &options.log_origin, (*hub_key).clone())
            .map_err(|e| anyhow::anyhow!("the log origin `{}` cannot name a key: {e}", options.log_origin))?;
        state.checkpoints = Some(checkpointer.clone());
        let signed = checkpointer.subscribe();
        let app = Application::build_on(state.clone(), listener)?;
        let port = app.port();
        let (dashboard, reports) = (state.dashboard.clone(), state.reports.clone());
        let every = options.deadline_check_every;
        let retention = (options.retention.clone(), options.retention_every);
        let mut parts = personal_data_upkeep(&store, &staff, retention, keyring.clone(), &shutdown);
        parts.extend(read_side(dashboard, reports, head, staff, every, &shutdown));
        parts.extend([
            spawn("ingest", &shutdown, {
                let s = shutdown.clone();
                async move { Ok(ingest.run(s).await?) }
            }),
            spawn("checkpoints", &shutdown, {
                let (s, every) = (shutdown.clone(), options.checkpoint_every);
                async move { Ok(checkpointer.run(every, s).await?) }
            }),
            spawn("checkpoint announcements", &shutdown, announce_checkpoints(signed, announcer, shutdown.clone())),
            spawn("session sweeper", &shutdown, sweep_sessions(store.clone(), shutdown.clone())),
            spawn("http server", &shutdown, {
                let s = shutdown.clone();
                async move { Ok(app.run_until_stopped(s).await?) }
            }),
        ]);
        if let Some(admin) = options.nats {
            let pusher =
                crate::revocations::keep_pushed(store.clone(), admin, Duration::from_secs(1), shutdown.clone());
            parts.push(spawn("NATS revocations", &shutdown, pusher));
        }
        let lookups = tokio::spawn(ingest::receipts::serve_lookups(store, hub_key, keyring, lookups));
        Ok(Self { port, state, parts, lookups })
    }

    /// The HTTP port (useful when listening on port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the HTTP handlers use: the store, the dashboard, the staff command handle.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Waits for every part to finish after the shutdown token fired (by the caller, or by a
    /// part that failed). Returns the first failure, naming the part; every one is logged.
    pub async fn wait(self) -> anyhow::Result<()> {
        let outcome = join(self.parts).await;
        self.lookups.abort();
        outcome
    }
}

/// Tells stations of each checkpoint as it is signed, until `shutdown`.
async fn announce_checkpoints(
    mut signed: tokio::sync::broadcast::Receiver<String>,
    announcer: bus::Announcer,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            note = signed.recv() => match note {
                Ok(note) => announcer.announce(&note).await,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return Ok(()),
            }
        }
    }
}

/// Waits for every part; the first failure (an error or a panic) is returned, naming its part.
async fn join(parts: Vec<Part>) -> anyhow::Result<()> {
    let mut failure = None;
    for (name, handle) in parts {
        let outcome = handle.await.unwrap_or_else(|e| Err(anyhow::anyhow!("panicked: {e}")));
        if let Err(e) = outcome {
            failure.get_or_insert(e.context(format!("the hub's {name} failed")));
        }
    }
    failure.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_part_that_fails_stops_the_hub_and_waiting_reports_it() {
        let shutdown = CancellationToken::new();
        let quiet = {
            let s = shutdown.clone();
            spawn("projector", &shutdown, async move {
                s.cancelled().await;
                Ok(())
            })
        };
        let failing = spawn("ingest", &shutdown, async { Err(anyhow::anyhow!("the log cannot be written")) });
        let err = tokio::time::timeout(Duration::from_secs(5), join(vec![quiet, failing])).await.unwrap().unwrap_err();
        assert!(shutdown.is_cancelled(), "the other parts were told to stop");
        assert_eq!(format!("{err:#}"), "the hub's ingest failed: the log cannot be written");
    }

    #[tokio::test]
    async fn a_part_that_panics_stops_the_hub_too() {
        let shutdown = CancellationToken::new();
        let panicking = spawn("http server", &shutdown, async {
            panic!("boom");
            #[allow(unreachable_code)]
            Ok(())
        });
        let err = join(vec![panicking]).await.unwrap_err();
        assert!(format!("{err:#}").starts_with("the hub's http server failed: panicked"), "{err:#}");
        assert!(shutdown.is_cancelled());
    }
}
