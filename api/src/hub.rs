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
}

impl Default for HubOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            ingest: IngestConfig::default(),
            deadline_check_every: Duration::from_secs(30),
        }
    }
}

pub struct Hub {
    port: u16,
    state: AppState,
    tasks: Vec<JoinHandle<()>>,
    lookups: JoinHandle<()>,
}

impl Hub {
    pub async fn start(
        store: Store,
        link: Box<dyn HubLink>,
        options: HubOptions,
        shutdown: CancellationToken,
    ) -> anyhow::Result<Self> {
        let lookups = link.lookups().await?;
        let ingest = Ingest::new(store.clone(), link, options.ingest).await?;
        let head = ingest.head();
        let staff = ingest.staff();
        let state = AppState::new(store.clone(), Some(staff.clone()));
        let app = Application::build(state.clone(), options.listen).await?;
        let port = app.port();
        let mut tasks = Vec::new();
        let s = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = ingest.run(s).await {
                tracing::error!(error = %e, "ingest stopped with an error");
            }
        }));
        tasks.push(tokio::spawn(state.dashboard.clone().run(head.clone(), shutdown.clone())));
        tasks.push(tokio::spawn(state.reports.clone().run(head, shutdown.clone())));
        let every = options.deadline_check_every;
        tasks.push(tokio::spawn(crate::deadlines::watch(state.reports.clone(), staff, every, shutdown.clone())));
        let s = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = app.run_until_stopped(s).await {
                tracing::error!(error = %e, "http server stopped with an error");
            }
        }));
        let lookups = tokio::spawn(ingest::receipts::serve_lookups(store, lookups));
        Ok(Self { port, state, tasks, lookups })
    }

    /// The HTTP port (useful when listening on port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the HTTP handlers use: the store, the dashboard, the staff command handle.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Waits for every part to finish after the shutdown token fired.
    pub async fn wait(self) {
        for t in self.tasks {
            let _ = t.await;
        }
        self.lookups.abort();
    }
}
