//! How ingest is doing, for `/healthz`: the last failure (pulling from the bus, or committing a
//! batch) and when it last went well (a pull answered, a batch committed).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Failures more recent than this make the hub "degraded".
pub const RECENT: Duration = Duration::from_secs(30);

#[derive(Clone, Default)]
pub struct IngestHealth {
    inner: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    last_failure: Option<(Instant, String)>,
    last_success: Option<Instant>,
}

impl IngestHealth {
    pub(crate) fn failed(&self, why: impl std::fmt::Display) {
        self.inner.lock().expect("health lock").last_failure = Some((Instant::now(), why.to_string()));
    }

    pub(crate) fn went_well(&self) {
        self.inner.lock().expect("health lock").last_success = Some(Instant::now());
    }

    /// Why ingest is not well, if it failed within [`RECENT`] and nothing went well since.
    pub fn trouble(&self) -> Option<String> {
        let state = self.inner.lock().expect("health lock");
        let (at, why) = state.last_failure.as_ref()?;
        let recovered = state.last_success.is_some_and(|c| c > *at);
        (at.elapsed() < RECENT && !recovered).then(|| format!("ingest: {why}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recent_failure_is_trouble_until_something_goes_well() {
        let h = IngestHealth::default();
        assert_eq!(h.trouble(), None);
        h.failed("the bus is not reachable");
        assert_eq!(h.trouble().as_deref(), Some("ingest: the bus is not reachable"));
        h.went_well();
        assert_eq!(h.trouble(), None);
    }
}
