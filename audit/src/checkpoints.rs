//! The hub's checkpoints: every few seconds while the log grows, and on demand, the hub signs a
//! C2SP checkpoint (origin, tree size, root) with its log key, over entries already committed, and
//! only after proving it consistent with the previous checkpoint.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use protocol::merkle::verify_consistency;
use protocol::tlog::{Checkpoint, NoteSigner};
use store::{Store, StoredCheckpoint};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

/// The origin line of a DCS hub's checkpoints unless configured otherwise.
pub const DEFAULT_ORIGIN: &str = "dcs.hcmc.gov.vn/audit-log";

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The stored history does not extend the last signed checkpoint: it was altered.
    #[error("the log of {size} entries is not consistent with the checkpoint of {previous}: refusing to sign")]
    Inconsistent { previous: i64, size: u64 },
}

/// Signs checkpoints of one log. Cheap to clone; one signature at a time.
#[derive(Clone)]
pub struct Checkpointer {
    store: Store,
    signer: Arc<NoteSigner>,
    lock: Arc<Mutex<()>>,
    signed: tokio::sync::broadcast::Sender<String>,
}

impl Checkpointer {
    /// The log key signs under the log's origin (its name is the origin).
    pub fn new(
        store: Store,
        origin: &str,
        key: ed25519_dalek::SigningKey,
    ) -> Result<Self, protocol::tlog::note::NoteError> {
        Ok(Self {
            store,
            signer: Arc::new(NoteSigner::new(origin, key)?),
            lock: Arc::new(Mutex::new(())),
            signed: tokio::sync::broadcast::channel(16).0,
        })
    }

    /// Each checkpoint as it is signed (its note), for announcing to stations.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.signed.subscribe()
    }

    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The verifier key auditors pin (`dcs audit key` prints it).
    pub fn verifier_key(&self) -> String {
        self.signer.verifier().encode()
    }

    /// Signs a checkpoint of the log as committed now, unless the latest already covers it;
    /// returns the latest checkpoint.
    pub async fn sign_now(&self) -> Result<Option<StoredCheckpoint>, CheckpointError> {
        let _one_at_a_time = self.lock.lock().await;
        let size = self.store.tree_size().await?;
        let latest = self.store.latest_checkpoint().await?;
        if size == 0 || latest.as_ref().is_some_and(|c| c.tree_size as u64 >= size) {
            return Ok(latest);
        }
        let root = self.store.tree_root(size).await?;
        if let Some(prev) = &latest {
            let proof = self.store.consistency_proof(prev.tree_size as u64, size).await?;
            if verify_consistency(prev.tree_size as u64, size, &proof, &prev.root, &root).is_err() {
                return Err(CheckpointError::Inconsistent { previous: prev.tree_size, size });
            }
        }
        let note = self.signer.sign(&Checkpoint::new(self.origin(), size, root).text()).expect("ends in a newline");
        let c = StoredCheckpoint {
            tree_size: size as i64,
            root: root.to_vec(),
            note: note.encode(),
            signed_at: Utc::now(),
        };
        self.store.save_checkpoint(&c).await?;
        tracing::debug!(size, "checkpoint signed");
        let _ = self.signed.send(c.note.clone());
        Ok(Some(c))
    }

    /// Signs every `every` while the log grows, until `shutdown`. A history inconsistent with the
    /// last checkpoint stops it (and so the hub): nothing more is signed over an altered log.
    pub async fn run(self, every: Duration, shutdown: CancellationToken) -> Result<(), CheckpointError> {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tick.tick() => {}
            }
            match self.sign_now().await {
                Ok(_) => {}
                Err(e @ CheckpointError::Inconsistent { .. }) => {
                    tracing::error!(error = %e, "the log no longer extends its last checkpoint");
                    return Err(e);
                }
                Err(e) => tracing::warn!(error = %e, "could not sign a checkpoint; trying again"),
            }
        }
    }
}
