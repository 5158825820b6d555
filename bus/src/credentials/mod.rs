//! NATS's decentralized JWT authentication for DCS: an operator, the `DCS` account (JetStream on,
//! users signed by its signing key), the system account, and users: the hub (everything in its
//! account) and one per station, which may publish only its own events and lookups and subscribe
//! only to its own receipts and inbox. `dcs nats config` writes the keys, the hub's and the
//! system user's credentials and the server's configuration into one directory; the hub issues
//! station users at enrollment and pushes the account's revocation list.
//!
//! Sharp edges of nats-server 2.9 this follows: a user signed by a signing key carries
//! `issuer_account`; permissions are explicit in each user JWT (no scoped signing-key templates);
//! a station's JetStream publish acks come to its own inbox prefix, which it may subscribe to;
//! the server takes any pushed account JWT, even an older one, so each push carries the whole
//! revocation list and one hub pushes.

mod jwt;
mod server;

use std::path::{Path, PathBuf};

use nkeys::KeyPair;
use serde_json::{json, Value};

pub use jwt::{creds, verified_claims};
pub use server::{Cluster, LeafPort, ServerLayout};

/// The account every DCS user is in.
pub const ACCOUNT_NAME: &str = "DCS";

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("NATS credentials in {0}: {1}")]
    Files(PathBuf, std::io::Error),
    #[error("NATS credentials in {0}: {1} is not a usable seed")]
    Seed(PathBuf, &'static str),
    #[error("nats_user_key: {0}")]
    UserKey(String),
}

/// The keys that issue DCS's NATS identities, read from (or first written to) a directory that
/// only the hub's operator can read.
pub struct Authority {
    dir: PathBuf,
    operator: KeyPair,
    account: KeyPair,
    signing: KeyPair,
    system: KeyPair,
}

/// A station's NATS permissions: publish its events and lookups, subscribe to its receipts, the
/// hub's checkpoint announcements and its own inbox prefix (JetStream's publish acks and lookup replies come there).
pub fn station_permissions(ward: &str, station: &str) -> Value {
    json!({
        "pub": {"allow": [protocol::subjects::events(ward, station), protocol::subjects::lookup(ward, station)]},
        "sub": {"allow": [protocol::subjects::receipts(ward, station), protocol::subjects::CHECKPOINTS, format!("{}.>", protocol::subjects::inbox_prefix(station))]},
    })
}

fn unlimited() -> Value {
    json!({"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": true, "conn": -1, "leaf": -1})
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Authority {
    /// Reads the keys in `dir`, creating any that are missing (seeds are written `0600`).
    pub fn open(dir: &Path) -> Result<Self, CredentialsError> {
        std::fs::create_dir_all(dir).map_err(|e| CredentialsError::Files(dir.into(), e))?;
        let key = |file: &'static str, new: fn() -> KeyPair| -> Result<KeyPair, CredentialsError> {
            let path = dir.join(file);
            match std::fs::read_to_string(&path) {
                Ok(seed) => KeyPair::from_seed(seed.trim()).map_err(|_| CredentialsError::Seed(dir.into(), file)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let pair = new();
                    write_secret(&path, &pair.seed().expect("a new key has a seed"))?;
                    Ok(pair)
                }
                Err(e) => Err(CredentialsError::Files(dir.into(), e)),
            }
        };
        Ok(Self {
            operator: key("operator.nk", KeyPair::new_operator)?,
            account: key("account.nk", KeyPair::new_account)?,
            signing: key("account-signing.nk", KeyPair::new_account)?,
            system: key("system-account.nk", KeyPair::new_account)?,
            dir: dir.into(),
        })
    }

    pub fn account(&self) -> String {
        self.account.public_key()
    }

    pub fn operator_jwt(&self) -> String {
        let nats = json!({"type": "operator", "version": 2, "system_account": self.system.public_key()});
        jwt::sign(&self.operator, &self.operator.public_key(), "DCS", now(), nats)
    }

    fn system_account_jwt(&self) -> String {
        let nats = json!({"type": "account", "version": 2, "limits": unlimited()});
        jwt::sign(&self.operator, &self.system.public_key(), "SYS", now(), nats)
    }

    /// The DCS account with JetStream and these revoked users (public nkey, revoked at: Unix
    /// seconds; the server refuses their JWTs issued at or before then). `iat` must grow with
    /// every update.
    pub fn account_jwt(&self, revocations: &[(String, i64)], iat: i64) -> String {
        let mut limits = unlimited();
        for (k, v) in [("mem_storage", -1), ("disk_storage", -1), ("streams", -1), ("consumer", -1)] {
            limits[k] = json!(v);
        }
        let revocations: serde_json::Map<String, Value> =
            revocations.iter().map(|(key, at)| (key.clone(), json!(at))).collect();
        let mut nats = json!({"type": "account", "version": 2, "limits": limits,
            "signing_keys": [self.signing.public_key()], "default_permissions": {"pub": {}, "sub": {}}});
        if !revocations.is_empty() {
            nats["revocations"] = Value::Object(revocations);
        }
        jwt::sign(&self.operator, &self.account.public_key(), ACCOUNT_NAME, iat, nats)
    }

    /// A station's user JWT for the public nkey it made itself (`U…`; its seed stays on the
    /// station).
    pub fn station_jwt(&self, ward: &str, station: &str, user_key: &str) -> Result<String, CredentialsError> {
        let valid = user_key.starts_with('U') && KeyPair::from_public_key(user_key).is_ok();
        if !valid {
            return Err(CredentialsError::UserKey("must be a NATS user public nkey (U…, 56 characters)".into()));
        }
        let mut nats = station_permissions(ward, station);
        for (k, v) in [("subs", json!(-1)), ("data", json!(-1)), ("payload", json!(1_048_576))] {
            nats[k] = v;
        }
        nats["issuer_account"] = json!(self.account.public_key());
        nats["type"] = json!("user");
        nats["version"] = json!(2);
        Ok(jwt::sign(&self.signing, user_key, station, now(), nats))
    }

    /// Credentials of a new user of the DCS account with no restriction in it (the hub).
    fn hub_creds(&self) -> String {
        let user = KeyPair::new_user();
        let nats = json!({"type": "user", "version": 2, "issuer_account": self.account.public_key(),
            "subs": -1, "data": -1, "payload": -1, "pub": {}, "sub": {}});
        let jwt = jwt::sign(&self.signing, &user.public_key(), "dcs-hub", now(), nats);
        creds(&jwt, &user.seed().expect("a new key has a seed"))
    }

    /// Credentials of a new user of the system account (pushes account updates).
    fn system_creds(&self) -> String {
        let user = KeyPair::new_user();
        let nats = json!({"type": "user", "version": 2, "subs": -1, "data": -1, "payload": -1, "pub": {}, "sub": {}});
        let jwt = jwt::sign(&self.system, &user.public_key(), "dcs-system", now(), nats);
        creds(&jwt, &user.seed().expect("a new key has a seed"))
    }

    /// Credentials of a new user for a building's leaf connection (`building <domain>`). Station
    /// events cannot cross it either way: they reach the hub only by the hub's stream sourcing
    /// the building's, so a building's credentials cannot put an event straight into the log.
    fn building_creds(&self, domain: &crate::building::BuildingDomain) -> String {
        let user = KeyPair::new_user();
        let events = protocol::subjects::EVENTS_ALL;
        let nats = json!({"type": "user", "version": 2, "issuer_account": self.account.public_key(),
            "subs": -1, "data": -1, "payload": -1,
            "pub": {"deny": [events]}, "sub": {"deny": [events]}});
        let name = format!("building {}", domain.as_str());
        let jwt = jwt::sign(&self.signing, &user.public_key(), &name, now(), nats);
        creds(&jwt, &user.seed().expect("a new key has a seed"))
    }

    pub fn hub_creds_path(dir: &Path) -> PathBuf {
        dir.join("hub.creds")
    }

    pub fn system_creds_path(dir: &Path) -> PathBuf {
        dir.join("system.creds")
    }
}

/// Writes a secret readable by its owner only.
fn write_secret(path: &Path, content: &str) -> Result<(), CredentialsError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| CredentialsError::Files(dir.clone(), e))?;
    file.write_all(content.as_bytes()).map_err(|e| CredentialsError::Files(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_station_user_may_use_only_its_own_subjects_and_is_signed_for_the_account() {
        let dir = tempfile::tempdir().unwrap();
        let authority = Authority::open(dir.path()).unwrap();
        let again = Authority::open(dir.path()).unwrap();
        assert_eq!(authority.account(), again.account(), "the keys are kept");
        let user = KeyPair::new_user();
        let jwt = authority.station_jwt("27097", "st-27097-a", &user.public_key()).unwrap();
        let claims = verified_claims(&jwt).unwrap();
        assert_eq!(claims["nats"]["issuer_account"], authority.account());
        assert_eq!(
            claims["nats"]["pub"]["allow"],
            json!(["dcs.v1.events.27097.st-27097-a", "dcs.v1.lookup.27097.st-27097-a"])
        );
        assert_eq!(
            claims["nats"]["sub"]["allow"],
            json!(["dcs.v1.receipts.27097.st-27097-a", "dcs.v1.checkpoints", "_INBOX_st-27097-a.>"])
        );
        assert!(authority.station_jwt("27097", "st-27097-a", &KeyPair::new_account().public_key()).is_err());
        assert!(authority.station_jwt("27097", "st-27097-a", "Unot-a-key").is_err());
        let building = crate::building::BuildingDomain::parse("b-27097-diamond").unwrap();
        let path = authority.write_building_creds(&building).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let jwt = text.lines().nth(1).unwrap();
        let claims = verified_claims(jwt).unwrap();
        assert_eq!(claims["name"], "building b-27097-diamond");
        assert_eq!(claims["nats"]["pub"]["deny"], json!(["dcs.v1.events.>"]), "no event straight into the log");
        assert_eq!(claims["nats"]["sub"]["deny"], json!(["dcs.v1.events.>"]));
        let account = verified_claims(&authority.account_jwt(&[(user.public_key(), 1_800_000_000)], 1)).unwrap();
        assert_eq!(account["nats"]["revocations"][user.public_key()], 1_800_000_000);
    }
}
