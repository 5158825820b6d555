//! A station's identity on disk: `station.json` (who and where) and `station.key` (the Ed25519
//! secret key, hex, readable by its owner only), both in the agent's data directory.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationConfig {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
    /// The hub's HTTP address the station enrolled with.
    pub hub_url: String,
    /// The hub's Ed25519 public key (hex), from enrollment: only receipts and lookup answers it
    /// signed are believed.
    #[serde(default)]
    pub hub_key: String,
    /// The hub's epoch public key from enrollment: forgettable fields are sealed to it. (A
    /// station enrolled before the hub had one sends them in clear.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch_key: Option<protocol::enrollment::EpochPublicKey>,
}

impl StationConfig {
    /// The hub's public key, if enrollment gave a usable one.
    pub fn hub_key(&self) -> Option<[u8; 32]> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(&self.hub_key, &mut key).ok().map(|_| key)
    }
}

pub fn config_path(dir: &Path) -> PathBuf {
    dir.join("station.json")
}

pub fn key_path(dir: &Path) -> PathBuf {
    dir.join("station.key")
}

/// Where stations enrolled by an earlier version kept the city-wide pseudonym key; an agent that
/// finds one overwrites and deletes it (`docs/PROTOCOL.md` section 11).
pub fn pseudonym_key_path(dir: &Path) -> PathBuf {
    dir.join("pseudonym.key")
}

/// Overwrites and deletes a pseudonym key left by an earlier version; whether there was one.
pub fn destroy_pseudonym_key(dir: &Path) -> std::io::Result<bool> {
    let path = pseudonym_key_path(dir);
    let Ok(meta) = std::fs::metadata(&path) else { return Ok(false) };
    std::fs::write(&path, vec![0u8; meta.len() as usize])?;
    std::fs::File::open(&path)?.sync_all()?;
    std::fs::remove_file(&path)?;
    Ok(true)
}

pub fn nats_seed_path(dir: &Path) -> PathBuf {
    dir.join("nats.nk")
}

pub fn nats_jwt_path(dir: &Path) -> PathBuf {
    dir.join("nats.jwt")
}

/// The station's NATS user key (an nkey; the seed never leaves this directory): loaded if there
/// is one, created otherwise.
pub fn load_or_create_nats_key(dir: &Path) -> std::io::Result<nkeys::KeyPair> {
    let invalid =
        |e: nkeys::error::Error| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("nats.nk: {e}"));
    match std::fs::read_to_string(nats_seed_path(dir)) {
        Ok(seed) => nkeys::KeyPair::from_seed(seed.trim()).map_err(invalid),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let pair = nkeys::KeyPair::new_user();
            write_secret(&nats_seed_path(dir), pair.seed().map_err(invalid)?.as_bytes())?;
            Ok(pair)
        }
        Err(e) => Err(e),
    }
}

/// Keeps the NATS user JWT the hub issued at enrollment.
pub fn save_nats_jwt(jwt: &str, dir: &Path) -> std::io::Result<()> {
    write_secret(&nats_jwt_path(dir), jwt.as_bytes())
}

/// The station's NATS credentials (its JWT and seed, as a `.creds` text), if the hub issued a
/// JWT; `None` for a hub whose NATS does not authenticate clients.
pub fn nats_creds(dir: &Path) -> std::io::Result<Option<String>> {
    let jwt = match std::fs::read_to_string(nats_jwt_path(dir)) {
        Ok(jwt) => jwt,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let seed = std::fs::read_to_string(nats_seed_path(dir))?;
    Ok(Some(bus::credentials::creds(jwt.trim(), seed.trim())))
}

/// Writes a file only its owner can read, atomically.
fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(tmp, path)
}

pub fn outbox_path(dir: &Path) -> PathBuf {
    dir.join("outbox.sqlite")
}

impl StationConfig {
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(config_path(dir))?;
        serde_json::from_str(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(self).expect("config serialises");
        write_atomically(&config_path(dir), text.as_bytes())
    }
}

/// The station's key: loaded if the directory has one, created otherwise.
pub fn load_or_create_key(dir: &Path) -> std::io::Result<SigningKey> {
    if let Ok(key) = load_key(dir) {
        return Ok(key);
    }
    std::fs::create_dir_all(dir)?;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    write_atomically(&key_path(dir), hex::encode(key.to_bytes()).as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(key_path(dir), std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(key)
}

pub fn load_key(dir: &Path) -> std::io::Result<SigningKey> {
    let text = std::fs::read_to_string(key_path(dir))?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("station.key: {e}")))?;
    Ok(SigningKey::from_bytes(&bytes))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(tmp, path)
}
