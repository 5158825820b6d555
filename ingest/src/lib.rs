//! The hub's ingest pipeline. For each station event pulled from the bus: verify the signature
//! against the station's enrolled key, check the station's sequence and hash chain, check the
//! payload against its schema, apply it as a command to its cqrs-es aggregate, append the resulting
//! events, commit; only then ack the message and send the station its receipt. An event seen
//! before is acked and answered with its original receipt; what cannot be accepted goes to the
//! dead-letter table with its reason; an event ahead of a missing predecessor is held (redelivered).

mod aggregates;
mod batch;
pub mod health;
pub mod keyring;
pub mod reasons;
pub mod receipts;
pub mod staff;
mod stations;
pub mod witness;

use std::time::Duration;

use bus::HubLink;
use store::{Store, StoreError, Writer};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use aggregates::AggregateCache;
pub use batch::BatchReport;
use stations::Stations;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bus(#[from] bus::BusError),
    #[error("cannot load an aggregate: {0}")]
    Aggregate(#[from] aggregates::CacheError),
}

#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Most deliveries handled in one transaction.
    pub batch_max: usize,
    /// How long an event ahead of a missing predecessor waits before it is delivered again.
    pub hold_delay: Duration,
    /// The hub's key: it signs every receipt and lookup answer (stations receive its public half
    /// at enrollment). The default is a fresh key, for tests; a hub keeps its own in a file.
    pub hub_key: std::sync::Arc<ed25519_dalek::SigningKey>,
    /// The epochs' secrets and the key table: without it, an event with sealed fields is refused
    /// (the hub could never open them).
    pub keyring: Option<std::sync::Arc<keyring::Keyring>>,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            batch_max: 1000,
            hold_delay: Duration::from_millis(500),
            hub_key: std::sync::Arc::new(ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng)),
            keyring: None,
        }
    }
}

pub struct Ingest {
    store: Store,
    writer: Writer,
    link: Box<dyn HubLink>,
    stations: Stations,
    cache: AggregateCache,
    config: IngestConfig,
    head: watch::Sender<i64>,
    staff: staff::StaffHandle,
    staff_rx: mpsc::Receiver<staff::Request>,
    /// Stations re-read from the registry during the batch in hand (each at most once a batch).
    refreshed: std::collections::HashSet<String>,
    health: health::IngestHealth,
    /// Keeps junk dead letters to a sample.
    sampler: batch::sample::Sampler,
}

impl Ingest {
    /// Takes the log's writer (waiting for any other hub to let go of it) and the station registry.
    pub async fn new(store: Store, link: Box<dyn HubLink>, config: IngestConfig) -> Result<Self, IngestError> {
        let writer = store.writer().await?;
        let stations = Stations::load(&store).await?;
        let (head, _) = watch::channel(writer.next_position() - 1);
        let (staff, staff_rx) = staff::StaffHandle::channel();
        Ok(Self {
            store,
            writer,
            link,
            stations,
            cache: AggregateCache::default(),
            config,
            head,
            staff,
            staff_rx,
            refreshed: Default::default(),
            health: Default::default(),
            sampler: Default::default(),
        })
    }

    /// How ingest is doing, for the health check.
    pub fn health(&self) -> health::IngestHealth {
        self.health.clone()
    }

    /// Where the API sends staff commands; they are appended by this ingest's writer.
    pub fn staff(&self) -> staff::StaffHandle {
        self.staff.clone()
    }

    /// The log's head after each commit, for projectors to follow.
    pub fn head(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Pulls and handles batches until `shutdown`; a batch in hand is finished before it returns.
    pub async fn run(mut self, shutdown: CancellationToken) -> Result<(), IngestError> {
        let mut failures = 0u32;
        loop {
            let deliveries = tokio::select! {
                _ = shutdown.cancelled() => break,
                Some((command, reply)) = self.staff_rx.recv() => {
                    let _ = reply.send(self.handle_staff(command).await);
                    continue;
                }
                d = self.link.next_batch(self.config.batch_max, Duration::from_millis(500)) => d,
            };
            let deliveries = match deliveries {
                Ok(d) => d,
                Err(e) => {
                    self.health.failed(&e);
                    tracing::error!(error = %e, "cannot pull from the bus; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if deliveries.is_empty() {
                self.health.went_well();
                continue;
            }
            let outcome = match self.process(deliveries).await {
                Ok(batch::Processed::Refused(deliveries, why)) => self.isolate(deliveries, why).await,
                Ok(batch::Processed::Committed(report)) => Ok(report),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(report) => {
                    failures = 0;
                    self.health.went_well();
                    tracing::debug!(?report, "batch committed");
                }
                Err(IngestError::Store(StoreError::Fenced)) => {
                    tracing::error!("another hub has become the log's writer: this one stops");
                    return Err(IngestError::Store(StoreError::Fenced));
                }
                Err(e) => {
                    self.health.failed(&e);
                    failures += 1;
                    tracing::error!(error = %e, "batch failed; its messages will be delivered again");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(failures.min(25)))).await;
                }
            }
        }
        tracing::info!("ingest stopped");
        Ok(())
    }
}
