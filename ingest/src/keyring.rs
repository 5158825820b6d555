//! The hub's keyring (`docs/PROTOCOL.md` section 10): the epochs' key pairs, one per local month,
//! whose public halves stations seal to, and the key table of events' data keys, both sealed
//! under the key-encryption key (KEK) the hub keeps in a file outside the database. Ingest
//! unwraps each sealed event's data key with its epoch's secret and files it; pages and APIs open
//! sealed texts through the table; forgetting deletes data keys, after which those texts read as
//! erased everywhere.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::{DateTime, Utc};
use protocol::citizen::{CitizenId, CitizenRef};
use protocol::forgettable::{open_payload, OpenError, Text};
use protocol::kek::Kek;
use protocol::sealed::{DataKey, EpochKey, EpochSecret};
use serde_json::Value;
use store::{EpochRow, Store, StoreError};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the key-encryption key does not open epoch {0}'s secret: is this the hub's KEK file?")]
    WrongKek(String),
}

/// A sealed text as a reader gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Clear(String),
    /// Its data key is gone (the resident was forgotten, or its retention ended).
    Erased,
}

impl Opened {
    pub fn as_deref(&self) -> Option<&str> {
        match self {
            Self::Clear(t) => Some(t),
            Self::Erased => None,
        }
    }
}

struct Epochs {
    secrets: HashMap<String, EpochSecret>,
    current: EpochKey,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring(current epoch {})", self.current().epoch)
    }
}

pub struct Keyring {
    kek: Kek,
    store: Store,
    epochs: RwLock<Epochs>,
    /// The key residents' pseudonyms are made with on ingest (key id, key): no station holds it.
    pseudonym: RwLock<(String, Vec<u8>)>,
    /// How long after its month ends an epoch's secret is kept (for stations that were offline).
    grace: chrono::Duration,
}

/// The default grace: an epoch's secret is destroyed 30 days after its month ends.
pub const GRACE_DAYS: i64 = 30;

/// When an epoch (`2026-12`, a local month) ends: the first instant of the next local month. An
/// epoch named otherwise never ends.
fn ended(epoch: &str) -> DateTime<Utc> {
    use chrono::{Datelike, NaiveDate, TimeZone};
    let first = NaiveDate::parse_from_str(&format!("{epoch}-01"), "%Y-%m-%d").ok();
    let next = first.and_then(|d| {
        let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
        NaiveDate::from_ymd_opt(y, m, 1)
    });
    next.and_then(|d| chrono_tz::Asia::Ho_Chi_Minh.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The epoch of an instant: its local month, `2026-12`.
pub fn epoch_of(at: DateTime<Utc>) -> String {
    protocol::time::local_day(at).format("%Y-%m").to_string()
}

impl Keyring {
    /// Reads the epochs (opening their secrets with `kek`) and makes the current one if missing.
    pub async fn load(store: Store, kek: Kek, now: DateTime<Utc>) -> Result<Self, KeyringError> {
        let mut secrets = HashMap::new();
        let mut latest = None;
        for row in store.epoch_keys().await? {
            if let Some(sealed) = &row.secret {
                let secret =
                    kek.open_epoch_secret(sealed, &row.epoch).map_err(|_| KeyringError::WrongKek(row.epoch.clone()))?;
                latest = Some(secret.public());
                secrets.insert(row.epoch.clone(), secret);
            }
        }
        let placeholder = latest.unwrap_or(EpochKey { epoch: String::new(), public: [0; 32] });
        let epochs = RwLock::new(Epochs { secrets, current: placeholder });
        let pseudonym = RwLock::new(store.pseudonym_key(rand::random()).await?);
        let keyring = Self { kek, store, epochs, pseudonym, grace: chrono::Duration::days(GRACE_DAYS) };
        keyring.rotate(now).await?;
        Ok(keyring)
    }

    /// The hub's name for a resident: their ID's pseudonym under the active pseudonym key.
    pub fn pseudonymise(&self, id: &CitizenId) -> CitizenRef {
        let (key_id, key) = &*self.pseudonym.read().expect("keyring lock");
        id.pseudonym(key, key_id)
    }

    /// Takes up the active pseudonym key again (`dcs privacy rotate-pseudonym-key` may have
    /// replaced it).
    pub async fn reload_pseudonym_key(&self) -> Result<(), KeyringError> {
        let active = self.store.pseudonym_key(rand::random()).await?;
        let mut held = self.pseudonym.write().expect("keyring lock");
        if held.0 != active.0 {
            tracing::info!(key_id = %active.0, "pseudonyms are made with a new key");
            *held = active;
        }
        Ok(())
    }

    /// Makes `now`'s epoch the current one, creating its key pair if no hub has yet.
    pub async fn rotate(&self, now: DateTime<Utc>) -> Result<EpochKey, KeyringError> {
        let epoch = epoch_of(now);
        if self.current().epoch == epoch {
            return Ok(self.current());
        }
        let secret = EpochSecret::generate(&epoch, &mut rand::rngs::OsRng);
        let row = EpochRow {
            epoch: epoch.clone(),
            public_key: secret.public().public.to_vec(),
            secret: Some(self.kek.seal_epoch_secret(&secret, &mut rand::rngs::OsRng)),
            created_at: now,
            destroyed_at: None,
        };
        let kept = self.store.add_epoch_key(&row).await?;
        let sealed = kept.secret.ok_or_else(|| KeyringError::WrongKek(epoch.clone()))?;
        let secret = self.kek.open_epoch_secret(&sealed, &epoch).map_err(|_| KeyringError::WrongKek(epoch.clone()))?;
        let public = secret.public();
        let mut epochs = self.epochs.write().expect("keyring lock");
        epochs.secrets.insert(epoch, secret);
        epochs.current = public.clone();
        tracing::info!(epoch = %public.epoch, "the current epoch key is ready");
        Ok(public)
    }

    /// Keeps each epoch's secret this long after its month ends.
    pub fn with_grace(mut self, grace: chrono::Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Destroys the secret of every epoch (but the current one) whose month ended more than the
    /// grace ago: what was sealed to it opens only through the key table from then on. Returns
    /// the epochs destroyed.
    pub async fn destroy_expired(&self, now: DateTime<Utc>) -> Result<Vec<String>, KeyringError> {
        let current = self.current().epoch;
        let expired: Vec<String> = {
            let epochs = self.epochs.read().expect("keyring lock");
            epochs.secrets.keys().filter(|e| **e != current && ended(e) + self.grace <= now).cloned().collect()
        };
        let mut destroyed = Vec::new();
        for epoch in expired {
            self.store.destroy_epoch_secret(&epoch, now).await?;
            self.epochs.write().expect("keyring lock").secrets.remove(&epoch);
            tracing::info!(epoch = %epoch, "destroyed an epoch's secret");
            destroyed.push(epoch);
        }
        Ok(destroyed)
    }

    /// The public key stations seal to now.
    pub fn current(&self) -> EpochKey {
        self.epochs.read().expect("keyring lock").current.clone()
    }

    /// Opens a station payload's sealed `fields` with the epochs' secrets the hub still holds
    /// ([`open_payload`]).
    pub fn unseal(&self, fields: &[&str], payload: &Value, event: Uuid) -> Result<Option<(DataKey, Value)>, OpenError> {
        let epochs = self.epochs.read().expect("keyring lock");
        open_payload(fields, payload, event, |name| epochs.secrets.get(name))
    }

    /// An event's data key as the key table keeps it. (Ingest calls this per sealed event: the
    /// nonce comes from the thread's CSPRNG, not a system call each time.)
    pub fn seal_data_key(&self, key: &DataKey, event: Uuid) -> Vec<u8> {
        self.kek.seal_data_key(key, event, &mut rand::thread_rng())
    }

    /// Opens texts through the key table, in order: in clear as they are; sealed with their
    /// event's data key, or [`Opened::Erased`] when the table no longer holds it.
    pub async fn open(&self, texts: &[&Text]) -> Result<Vec<Opened>, KeyringError> {
        let mut events: Vec<Uuid> = texts.iter().filter_map(|t| t.sealed_by()).collect();
        events.sort();
        events.dedup();
        let mut keys = HashMap::new();
        for chunk in events.chunks(500) {
            for (event, sealed) in self.store.data_keys(chunk).await? {
                if let Ok(key) = self.kek.open_data_key(&sealed, event) {
                    keys.insert(event, key);
                }
            }
        }
        Ok(texts
            .iter()
            .map(|t| match t.sealed_by() {
                None => Opened::Clear(t.clear().unwrap_or_default().to_string()),
                Some(event) => match keys.get(&event).map(|k| t.open(k)) {
                    Some(Ok(text)) => Opened::Clear(text),
                    _ => Opened::Erased,
                },
            })
            .collect())
    }
}
