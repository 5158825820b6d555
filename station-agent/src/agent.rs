//! The agent: records interactions as signed, chained events in the outbox.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
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

pub struct Agent {
    pub config: StationConfig,
    key: SigningKey,
    pub outbox: Outbox,
    /// The citizen-pseudonym key from enrollment (none for a station enrolled before keys existed).
    pub pseudonym: Option<config::PseudonymKey>,
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
        let pseudonym = config::load_pseudonym_key(dir);
        let witness = crate::witness::Witness::open(dir)?;
        Ok(Self {
            epoch_key: std::sync::RwLock::new(config.epoch_key.clone()),
            dir: dir.to_path_buf(),
            config,
            key,
            outbox,
            pseudonym,
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

    /// Checks, signs, chains and stores one interaction. When this returns `Ok`, the event is on
    /// disk and will reach the hub, whatever happens to the link or the process.
    pub async fn record(&self, event: &StationEvent) -> Result<Recorded, AgentError> {
        event.validate()?;
        let id = Uuid::now_v7();
        let payload = self.sealed_payload(event, id);
        let mut chain = self.chain.lock().await;
        let (seq, prev) = (chain.0 + 1, chain.1);
        let bytes = UnsignedEvent {
            v: protocol::VERSION,
            id,
            station: &self.config.station_id,
            ward: &self.config.ward_code,
            seq,
            prev: prev.to_hex(),
            time: UnsignedEvent::format_time(Utc::now()),
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

    /// The event's payload with its forgettable fields sealed to the hub's epoch key, when the
    /// station has one (`docs/PROTOCOL.md` section 10); in clear otherwise.
    fn sealed_payload(&self, event: &StationEvent, id: Uuid) -> serde_json::Value {
        let mut payload = event.payload();
        let fields = StationEvent::forgettable(event.kind(), event.schema());
        let epoch = self.epoch_key.read().expect("epoch key lock").as_ref().and_then(|k| k.key());
        if let Some(epoch) = epoch {
            if let Err(e) =
                protocol::forgettable::seal_payload(fields, &mut payload, &epoch, id, &mut rand::rngs::OsRng)
            {
                tracing::error!(error = %e, "cannot seal to the hub's epoch key; recording in clear");
            }
        }
        payload
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

    /// Replaces a clear `citizen_id` in a kiosk's form by the citizen's pseudonym (`citizen`): the
    /// 12-digit ID never leaves the station.
    pub fn pseudonymise(&self, body: &mut serde_json::Value) -> Result<(), AgentError> {
        let key = self.pseudonym.as_ref().map(|k| (k.bytes(), k.key_id.as_str()));
        let key = key.as_ref().map(|(bytes, id)| (bytes.as_slice(), *id));
        protocol::citizen::pseudonymise_form(body, key, protocol::time::local_day(Utc::now()))?;
        Ok(())
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
