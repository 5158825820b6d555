//! The hub's own secrets, each in a file outside the database (readable by its owner only),
//! created at first start; a standby hub uses the same files: its Ed25519 key, which signs
//! receipts, lookup answers and checkpoints, and its key-encryption key (KEK), which seals the
//! key table of residents' data keys.

use std::path::Path;

use anyhow::Context;
use ed25519_dalek::SigningKey;

pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    Ok(SigningKey::from_bytes(&secret_file(path, "hub key")?))
}

/// The key-encryption key; without it the key table opens nothing, so keep a copy apart from
/// the database's backups.
pub fn kek(path: &Path) -> anyhow::Result<protocol::kek::Kek> {
    Ok(protocol::kek::Kek::from_bytes(secret_file(path, "key-encryption key")?))
}

/// 32 random bytes in hex in a file, made at first use.
fn secret_file(path: &Path, what: &str) -> anyhow::Result<[u8; 32]> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(text.trim(), &mut bytes)
                .with_context(|| format!("{} is not a {what} (64 hex digits)", path.display()))?;
            Ok(bytes)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut key = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("cannot create the {what} {}", path.display()))?;
            file.write_all(hex::encode(key).as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "created the hub's {what}", what = what);
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the {what} {}", path.display())),
    }
}
