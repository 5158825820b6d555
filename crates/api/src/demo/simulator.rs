//! Drives one simulated station: records a realistic event now and then, at the pace a building
//! sees at that local hour.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Timelike, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use rand::Rng;
use station_agent::Agent;
use tokio_util::sync::CancellationToken;

use super::catalog::{activity, random_event};

pub async fn drive(agent: Arc<Agent>, station_index: usize, peak_per_minute: f64, shutdown: CancellationToken) {
    loop {
        let hour = Utc::now().with_timezone(&Ho_Chi_Minh).hour();
        let rate_per_sec = (peak_per_minute * activity(hour) / 60.0).max(0.001);
        // Exponential gaps: arrivals of residents are a Poisson process.
        let gap = {
            let mut rng = rand::thread_rng();
            -rng.gen_range(f64::EPSILON..1.0f64).ln() / rate_per_sec
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs_f64(gap.min(60.0))) => {}
        }
        let n = agent.last_seq().await + 1;
        let event = random_event(&mut rand::thread_rng(), station_index, n, Utc::now());
        if let Err(e) = agent.record(&event).await {
            tracing::warn!(station = %agent.config.station_id, error = %e, "simulated event not recorded");
        }
    }
}
