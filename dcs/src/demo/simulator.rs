//! Drives one simulated station: records a realistic event now and then, at the pace a building
//! sees at that local hour.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Timelike, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use domain::aggregates::{route, staff_commands, AnyCommand, Origin};
use protocol::kinds::StationEvent;
use protocol::CitizenId;
use protocol::{StationId, WardCode};
use rand::Rng;
use station_agent::{Agent, Draft};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::catalog::activity;
use super::forms;
use super::staff::Case;

/// The case a station event opens or moves, for the staff side to work: the aggregate the hub
/// routes it to, when staff have commands on it (a station's own lifecycle is not a case).
fn case_of(agent: &Agent, event: &StationEvent, event_id: Uuid) -> Option<Case> {
    let origin = Origin {
        event_id,
        station: StationId::parse(&agent.config.station_id).ok()?,
        ward: WardCode::parse(&agent.config.ward_code).ok()?,
        at: Utc::now(),
        // Only the hub can name a resident whose ID the station sealed; the case needs no name.
        citizen: Some(CitizenId::parse("079085001234", Utc::now().date_naive()).ok()?.pseudonym(b"", "demo")),
    };
    let routed = route(event.clone(), &origin).ok()?;
    let worked = !matches!(routed.command, AnyCommand::Station(_)) && !staff_commands(routed.aggregate_type).is_empty();
    worked.then_some(Case { id: routed.aggregate_id, opened_by: routed.command })
}

/// The next event of a simulated resident, sealing their ID as the station's agent does with a
/// kiosk's form.
fn next_event(agent: &Agent, station_index: usize, n: u64) -> Option<(Draft, StationEvent)> {
    let draft = agent.draft();
    let event = forms::next_event(&mut rand::thread_rng(), station_index, n, draft.at, |body| {
        agent.seal_citizen(&draft, body).is_ok()
    })?;
    Some((draft, event))
}

pub async fn drive(
    agent: Arc<Agent>,
    station_index: usize,
    peak_per_minute: f64,
    cases: mpsc::UnboundedSender<Case>,
    shutdown: CancellationToken,
) {
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
        let Some((draft, event)) = next_event(&agent, station_index, n) else { continue };
        match agent.record_draft(draft, &event).await {
            Ok(r) => {
                if let Some(case) = case_of(&agent, &event, r.event_id) {
                    let _ = cases.send(case);
                }
            }
            Err(e) => tracing::warn!(station = %agent.config.station_id, error = %e, "simulated event not recorded"),
        }
    }
}
