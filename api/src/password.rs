//! Passwords: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane; the `argon2` crate's
//! defaults) in PHC strings, and the lockout that follows repeated failures.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// Failed sign-ins in a row allowed before the account locks.
pub const FREE_FAILURES: i32 = 5;

/// Checks a new password's length and hashes it (a PHC string). Errors name the field.
pub fn hash(password: &str) -> Result<String, protocol::FieldError> {
    let length = password.chars().count();
    if !(MIN_LENGTH..=1024).contains(&length) {
        return Err(protocol::FieldError::new("password", format!("must be {MIN_LENGTH} to 1024 characters")));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| protocol::FieldError::new("password", e.to_string()))
}

/// Whether `password` matches the PHC string. With no hash (an unknown name, or a person without a
/// password) it checks against a dummy hash, so that the answer takes as long either way.
pub fn verify(password: &str, phc: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not the password of anyone").unwrap_or_default());
    let (phc, real) = match phc {
        Some(p) => (p, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// The lockout after `failures` failed sign-ins in a row: none for the first [`FREE_FAILURES`],
/// then 30 s doubling with each further failure, at most an hour.
pub fn lockout(failures: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let beyond = failures - FREE_FAILURES;
    (beyond >= 0).then(|| now + Duration::seconds((30i64 << beyond.min(7)).min(3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_argon2id_hash_only() {
        let phc = hash("mật khẩu đủ dài 2026").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("mật khẩu đủ dài 2026", Some(&phc)));
        assert!(!verify("mật khẩu sai hoàn toàn", Some(&phc)));
        assert!(!verify("not the password of anyone", None), "the dummy hash lets no one in");
        assert_eq!(hash("ngắn").unwrap_err().field, "password");
    }

    #[test]
    fn the_lockout_starts_after_five_failures_and_doubles_up_to_an_hour() {
        let now = Utc::now();
        assert_eq!(lockout(4, now), None);
        assert_eq!(lockout(5, now), Some(now + Duration::seconds(30)));
        assert_eq!(lockout(6, now), Some(now + Duration::seconds(60)));
        assert_eq!(lockout(12, now), Some(now + Duration::seconds(3600)));
        assert_eq!(lockout(1000, now), Some(now + Duration::seconds(3600)));
    }
}
