//! The hub's own Ed25519 key, which signs receipts and lookup answers: kept in a file outside the
//! database (readable by its owner only), created at first start. A standby hub uses the same file.

use std::path::Path;

use anyhow::Context;
use ed25519_dalek::SigningKey;

pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(text.trim(), &mut bytes)
                .with_context(|| format!("{} is not a hub key (64 hex digits)", path.display()))?;
            Ok(SigningKey::from_bytes(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .with_context(|| format!("cannot create the hub key {}", path.display()))?;
            file.write_all(hex::encode(key.to_bytes()).as_bytes())?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "created the hub's key");
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read the hub key {}", path.display())),
    }
}
