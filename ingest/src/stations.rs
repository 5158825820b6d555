//! The ingest's view of enrolled stations: keys and where each station's hash chain stands.
//! Only ingest moves a chain cursor, so the copy in memory is the truth once a batch commits.

use std::collections::HashMap;

use protocol::ChainHash;
use store::{Store, StoreError};

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
        self.known = store
            .stations()
            .await?
            .into_iter()
            .map(|r| {
                let state = StationState {
                    ward: r.ward_code,
                    enrolled: r.status == "enrolled",
                    public_key: r.public_key,
                    last_seq: r.last_seq as u64,
                    last_hash: ChainHash::from_hex(&r.last_hash).unwrap_or(protocol::GENESIS),
                };
                (r.station_id, state)
            })
            .collect();
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&StationState> {
        self.known.get(id)
    }

    /// After a key rotation (`Some`) or a decommissioning (`None`) committed.
    pub fn set_key(&mut self, id: &str, public_key: Option<Vec<u8>>) {
        if let Some(s) = self.known.get_mut(id) {
            s.public_key = public_key;
        }
    }

    pub fn set_cursor(&mut self, id: &str, seq: u64, hash: ChainHash) {
        if let Some(s) = self.known.get_mut(id) {
            s.last_seq = seq;
            s.last_hash = hash;
        }
    }
}
