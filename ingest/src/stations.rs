//! The ingest's view of enrolled stations: keys and where each station's hash chain stands.
//! Only ingest moves a chain cursor, so the copy in memory is the truth once a batch commits.

use std::collections::HashMap;

use protocol::ChainHash;
use store::{RegistryChange, StationRecord, Store, StoreError};

#[derive(Debug, Clone)]
pub struct StationState {
    pub ward: String,
    pub enrolled: bool,
    pub public_key: Option<Vec<u8>>,
    pub last_seq: u64,
    pub last_hash: ChainHash,
}

#[derive(Default)]
pub struct Stations {
    known: HashMap<String, StationState>,
}

impl Stations {
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        let mut s = Self::default();
        s.reload(store).await?;
        Ok(s)
    }

    /// Re-reads the registry: stations planned or enrolled since, and committed cursors.
    pub async fn reload(&mut self, store: &Store) -> Result<(), StoreError> {
        self.known = store.stations().await?.into_iter().map(|r| (r.station_id.clone(), state_of(r))).collect();
        Ok(())
    }

    /// Re-reads one station's registry row (one planned or enrolled by another process since).
    pub async fn refresh(&mut self, store: &Store, id: &str) -> Result<(), StoreError> {
        match store.station(id).await? {
            Some(r) => {
                self.known.insert(r.station_id.clone(), state_of(r));
            }
            None => {
                self.known.remove(id);
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&StationState> {
        self.known.get(id)
    }

    /// A registry change this ingest committed.
    pub fn apply(&mut self, change: &RegistryChange) {
        match change {
            RegistryChange::Plan(s) => {
                let state = StationState {
                    ward: s.ward_code.clone(),
                    enrolled: false,
                    public_key: None,
                    last_seq: 0,
                    last_hash: protocol::GENESIS,
                };
                self.known.insert(s.station_id.clone(), state);
            }
            RegistryChange::Enroll { station_id, public_key } => {
                if let Some(s) = self.known.get_mut(station_id) {
                    s.enrolled = true;
                    s.public_key = Some(public_key.clone());
                }
            }
            RegistryChange::Key { station_id, public_key } => {
                if let Some(s) = self.known.get_mut(station_id) {
                    s.public_key = public_key.clone();
                }
            }
        }
    }

    pub fn set_cursor(&mut self, id: &str, seq: u64, hash: ChainHash) {
        if let Some(s) = self.known.get_mut(id) {
            s.last_seq = seq;
            s.last_hash = hash;
        }
    }
}

fn state_of(r: StationRecord) -> StationState {
    StationState {
        ward: r.ward_code,
        enrolled: r.status == "enrolled",
        public_key: r.public_key,
        last_seq: r.last_seq as u64,
        last_hash: ChainHash::from_hex(&r.last_hash).unwrap_or(protocol::GENESIS),
    }
}
