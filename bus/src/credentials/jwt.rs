//! NATS JWTs (claims version 2): a header, the claims and an Ed25519 signature by an nkey, each
//! base64url without padding. The `jti` is the SHA-256 of the whole claims (base32), so two JWTs
//! issued in the same second still differ when their claims do.

use data_encoding::{BASE32_NOPAD, BASE64URL_NOPAD};
use nkeys::KeyPair;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const HEADER: &str = r#"{"typ":"JWT","alg":"ed25519-nkey"}"#;

/// Signs `nats` claims about `subject` (a public nkey) by `issuer`, issued at `iat` (Unix seconds).
pub fn sign(issuer: &KeyPair, subject: &str, name: &str, iat: i64, nats: Value) -> String {
    let mut claims =
        json!({"jti": "", "iat": iat, "iss": issuer.public_key(), "name": name, "sub": subject, "nats": nats});
    let digest = Sha256::digest(serde_json::to_vec(&claims).expect("claims are JSON"));
    claims["jti"] = Value::String(BASE32_NOPAD.encode(&digest));
    let header = BASE64URL_NOPAD.encode(HEADER.as_bytes());
    let body = BASE64URL_NOPAD.encode(&serde_json::to_vec(&claims).expect("claims are JSON"));
    let signature = issuer.sign(format!("{header}.{body}").as_bytes()).expect("a seed signs");
    format!("{header}.{body}.{}", BASE64URL_NOPAD.encode(&signature))
}

/// The claims of a JWT whose signature verifies against its `iss`; `None` otherwise.
pub fn verified_claims(jwt: &str) -> Option<Value> {
    let mut parts = jwt.split('.');
    let (header, body, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let claims: Value = serde_json::from_slice(&BASE64URL_NOPAD.decode(body.as_bytes()).ok()?).ok()?;
    let issuer = KeyPair::from_public_key(claims["iss"].as_str()?).ok()?;
    let signature = BASE64URL_NOPAD.decode(signature.as_bytes()).ok()?;
    issuer.verify(format!("{header}.{body}").as_bytes(), &signature).ok()?;
    Some(claims)
}

/// A credentials file (`.creds`) as NATS clients read it: the user JWT and the user's seed.
pub fn creds(jwt: &str, seed: &str) -> String {
    format!(
        "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
         ************************* IMPORTANT *************************\n\
         NKEY Seed printed below can be used to sign and prove identity.\n\
         NKEYs are sensitive and should be treated as secrets.\n\n\
         -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n\n\
         *************************************************************\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jwt_verifies_against_its_issuer_and_its_id_hashes_its_claims() {
        let account = KeyPair::new_account();
        let user = KeyPair::new_user();
        let a = sign(&account, &user.public_key(), "st-1", 1_700_000_000, json!({"type": "user", "version": 2}));
        let b = sign(&account, &user.public_key(), "st-2", 1_700_000_000, json!({"type": "user", "version": 2}));
        let (ca, cb) = (verified_claims(&a).unwrap(), verified_claims(&b).unwrap());
        assert_eq!(ca["sub"], user.public_key());
        assert_eq!(ca["iss"], account.public_key());
        assert_ne!(ca["jti"], cb["jti"], "same second, other claims: other ids");
        let mut forged: Vec<&str> = a.split('.').collect();
        forged[1] = b.split('.').nth(1).unwrap();
        assert!(verified_claims(&forged.join(".")).is_none(), "other claims under a's signature");
    }
}
