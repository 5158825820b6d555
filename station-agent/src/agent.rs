//! The agent: records interactions as signed, chained events in the outbox.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use protocol::forgettable::Sealer;
use protocol::kinds::{Heartbeat, StationEvent};
use protocol::FieldError;
use protocol::{chain_hash, sign, subjects, ChainHash, UnsignedEvent};
use serde::Serialize;
use tokio::sync::{Mutex, Notify};
use uuid::Uuid;

use crate::config::{self, StationConfig};
use crate::outbox::{Outbox, OutboxEvent, OutboxStatus};

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("the outbox cannot be written: {0}")]
    Outbox(#[from] sqlx::Error),
    #[error("station files: {0}")]
    Io(#[from] std::io::Error),
}

/// What the caller gets once the event is safely on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub event_id: Uuid,
    pub seq: u64,
    pub kind: &'static str,
}

/// An event being recorded: its id and time, and its payload's sealer (the data key wrapped to
/// the hub's epoch key) when the station has that key.
#[derive(Debug)]
pub struct Draft {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    sealer: Option<Sealer>,
}

pub struct Agent {
    pub config: StationConfig,
    key: SigningKey,
    pub outbox: Outbox,
    /// Sequence number and chain hash of the last recorded event; held while recording, so
    /// sequence numbers are gap-free and each event names its true predecessor.
    chain: Mutex<(u64, ChainHash)>,
    /// Woken when an event is recorded, for the publisher.
    pub recorded: Arc<Notify>,
    /// The station clock minus the hub's, in milliseconds, as estimated since the last heartbeat.
    skew_ms: std::sync::Mutex<Option<i64>>,
    /// What this station, as a witness of the hub's log, verified, and any alarm it raised.
    pub witness: crate::witness::Witness,
    /// The hub's epoch key forgettable fields are sealed to: from enrollment, then as the hub's
    /// signed lookup answers announce a new one.
    epoch_key: std::sync::RwLock<Option<protocol::enrollment::EpochPublicKey>>,
    /// The data directory (the configuration is saved again when the epoch key changes).
    dir: std::path::PathBuf,
}

impl Agent {
    /// Opens an enrolled station's data directory.
    pub async fn open(dir: &Path) -> Result<Self, AgentError> {
        let config = StationConfig::load(dir)?;
        let key = config::load_key(dir)?;
        Self::with(config, key, dir).await
    }

    pub async fn with(config: StationConfig, key: SigningKey, dir: &Path) -> Result<Self, AgentError> {
        std::fs::create_dir_all(dir)?;
        let outbox = Outbox::open(&config::outbox_path(dir)).await?;
        let head = outbox.head().await?;
        if config::destroy_pseudonym_key(dir)? {
            tracing::info!("destroyed the pseudonym key an earlier version kept: the hub names residents now");
        }
        let witness = crate::witness::Witness::open(dir)?;
        Ok(Self {
            epoch_key: std::sync::RwLock::new(config.epoch_key.clone()),
            dir: dir.to_path_buf(),
            config,
            key,
            outbox,
            chain: Mutex::new(head),
            recorded: Arc::new(Notify::new()),
            skew_ms: std::sync::Mutex::new(None),
            witness,
        })
    }

    /// The station's signing key (it also cosigns the checkpoints it verified).
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The subject this station publishes on.
    pub fn events_subject(&self) -> String {
        subjects::events(&self.config.ward_code, &self.config.station_id)
    }

    /// Starts an event: its id and time, and its payload's sealer when the station holds the
    /// hub's epoch key (`docs/PROTOCOL.md` section 10).
    pub fn draft(&self) -> Draft {
        self.draft_sealing(true)
    }

    /// [`Agent::draft`], with a sealer (a data key wrapped to the epoch key) only if `seals`.
    fn draft_sealing(&self, seals: bool) -> Draft {
        let id = Uuid::now_v7();
        let epoch = self.epoch_key.read().expect("epoch key lock").as_ref().and_then(|k| k.key()).filter(|_| seals);
        let sealer = epoch.and_then(|epoch| match Sealer::new(&epoch, id, &mut rand::rngs::OsRng) {
            Ok(sealer) => Some(sealer),
            Err(e) => {
                tracing::error!(error = %e, "cannot seal to the hub's epoch key; recording in clear");
                None
            }
        });
        Draft { id, at: Utc::now(), sealer }
    }

    /// Replaces a clear `citizen_id` in a kiosk's form by the ID sealed for the hub (`citizen`):
    /// the 12 digits never leave the station in clear, and no station can make or reverse a
    /// pseudonym (`docs/PROTOCOL.md` section 11).
    pub fn seal_citizen(&self, draft: &Draft, body: &mut serde_json::Value) -> Result<(), AgentError> {
        let today = protocol::time::local_day(draft.at);
        protocol::citizen::seal_form(body, draft.sealer.as_ref(), today, &mut rand::rngs::OsRng)?;
        Ok(())
    }

    /// Checks, signs, chains and stores one interaction. When this returns `Ok`, the event is on
    /// disk and will reach the hub, whatever happens to the link or the process.
    pub async fn record(&self, event: &StationEvent) -> Result<Recorded, AgentError> {
        // Only a kind with forgettable fields needs a data key (heartbeats and lookups do not).
        let seals = !StationEvent::forgettable(event.kind(), event.schema()).is_empty();
        self.record_draft(self.draft_sealing(seals), event).await
    }

    /// [`Agent::record`] for an event started with [`Agent::draft`] (a form's sealed resident).
    pub async fn record_draft(&self, draft: Draft, event: &StationEvent) -> Result<Recorded, AgentError> {
        event.validate()?;
        let mut payload = event.payload();
        if let Some(sealer) = &draft.sealer {
            let fields = StationEvent::forgettable(event.kind(), event.schema());
            sealer.seal_payload(fields, &mut payload, &mut rand::rngs::OsRng);
        }
        let id = draft.id;
        let mut chain = self.chain.lock().await;
        let (seq, prev) = (chain.0 + 1, chain.1);
        let bytes = UnsignedEvent {
            v: protocol::VERSION,
            id,
            station: &self.config.station_id,
            ward: &self.config.ward_code,
            seq,
            prev: prev.to_hex(),
            time: UnsignedEvent::format_time(draft.at),
            kind: event.kind(),
            schema: event.schema(),
            payload: &payload,
        }
        .to_bytes();
        let signature = sign(&self.key, &bytes);
        let hash = chain_hash(&bytes);
        let row = OutboxEvent {
            seq,
            event_id: id.to_string(),
            kind: event.kind().to_string(),
            bytes,
            signature: hex::encode(signature),
            chain_hash: hash.to_hex(),
        };
        self.outbox.insert(&row, Utc::now()).await?;
        *chain = (seq, hash);
        drop(chain);
        self.recorded.notify_one();
        Ok(Recorded { event_id: id, seq, kind: event.kind() })
    }

    /// Takes up the epoch key a hub's signed answer names, if it is new, and keeps it on disk.
    pub fn learn_epoch_key(&self, announced: Option<&protocol::enrollment::EpochPublicKey>) {
        let Some(announced) = announced.filter(|k| k.key().is_some()) else { return };
        let mut held = self.epoch_key.write().expect("epoch key lock");
        if held.as_ref() == Some(announced) {
            return;
        }
        *held = Some(announced.clone());
        let mut config = self.config.clone();
        config.epoch_key = Some(announced.clone());
        if let Err(e) = config.save(&self.dir) {
            tracing::error!(error = %e, "cannot keep the hub's new epoch key on disk");
        }
        tracing::info!(epoch = %announced.epoch, "sealing to the hub's new epoch key");
    }

    /// Counts a lookup as usage (a `lookup.performed` event without what was looked up).
    pub async fn count_lookup(&self, topic: protocol::kinds::LookupTopic) {
        let event: StationEvent = protocol::kinds::Lookup { topic }.into();
        if let Err(e) = self.record(&event).await {
            tracing::warn!(error = %e, "lookup not counted");
        }
    }

    /// Notes the hub's clock as a fresh receipt states it (`hub_time`, just now on the hub). The
    /// difference also holds the receipt's travel time, so the smallest one seen is the estimate.
    pub fn observe_hub_clock(&self, hub_time: DateTime<Utc>) {
        let skew = (Utc::now() - hub_time).num_milliseconds();
        let mut s = self.skew_ms.lock().expect("skew lock");
        *s = Some(s.map_or(skew, |old| old.min(skew)));
    }

    /// Records a heartbeat: the agent's version, how many events await a receipt, and the clock
    /// skew estimated since the last heartbeat (0 when no receipt came in between).
    pub async fn heartbeat(&self) -> Result<Recorded, AgentError> {
        let outbox_depth = self.outbox.status().await?.pending.max(0) as u64;
        let clock_skew_ms = self.skew_ms.lock().expect("skew lock").take().unwrap_or(0);
        let log_alarm = self.witness.alarm().map(|a| a.what);
        let beat =
            Heartbeat { agent_version: env!("CARGO_PKG_VERSION").into(), outbox_depth, clock_skew_ms, log_alarm };
        self.record(&beat.into()).await
    }

    /// The sequence number of the last recorded event.
    pub async fn last_seq(&self) -> u64 {
        self.chain.lock().await.0
    }

    pub async fn status(&self) -> Result<OutboxStatus, AgentError> {
        Ok(self.outbox.status().await?)
    }
}
