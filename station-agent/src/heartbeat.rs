//! The station's heartbeat: every so often the agent records a `station.heartbeat` (its version,
//! its outbox depth, its clock skew), so the hub knows the station is alive even when no resident
//! uses it, and operators see a station whose link is failing before residents complain.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::Agent;

/// How often a station reports in by default.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(300);

/// Records a heartbeat after `first`, then every `every`, until `shutdown`.
pub async fn run(agent: Arc<Agent>, first: Duration, every: Duration, shutdown: CancellationToken) {
    let mut wait = first;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
        }
        wait = every;
        if let Err(e) = agent.heartbeat().await {
            tracing::warn!(error = %e, "heartbeat not recorded");
        }
    }
}
