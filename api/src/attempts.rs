//! Failed attempts per key (a station's enrollment), in memory: after [`MAX_FAILURES`] within
//! [`WINDOW`], further attempts are refused until the window has passed, so a one-time code
//! cannot be guessed by trying.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone, Default)]
pub struct Attempts {
    failures: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

impl Attempts {
    /// Whether `key` may try now.
    pub fn allowed(&self, key: &str, now: Instant) -> bool {
        let mut failures = self.failures.lock().expect("attempts lock");
        match failures.get(key) {
            Some((_, since)) if now.duration_since(*since) >= WINDOW => {
                failures.remove(key);
                true
            }
            Some((n, _)) => *n < MAX_FAILURES,
            None => true,
        }
    }

    pub fn failed(&self, key: &str, now: Instant) {
        let mut failures = self.failures.lock().expect("attempts lock");
        failures.entry(key.to_string()).or_insert((0, now)).0 += 1;
    }

    /// Starts `key` afresh (a new code was issued).
    pub fn forget(&self, key: &str) {
        self.failures.lock().expect("attempts lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_close_the_door_until_the_window_has_passed() {
        let (a, t0) = (Attempts::default(), Instant::now());
        for _ in 0..MAX_FAILURES {
            assert!(a.allowed("st-1", t0));
            a.failed("st-1", t0);
        }
        assert!(!a.allowed("st-1", t0 + Duration::from_secs(60)));
        assert!(a.allowed("st-2", t0), "each station has its own count");
        assert!(a.allowed("st-1", t0 + WINDOW));
    }
}
