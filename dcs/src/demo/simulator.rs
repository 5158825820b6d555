//! Drives one simulated station: records a realistic event now and then, at the pace a building
//! sees at that local hour.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Timelike, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use protocol::kinds::StationEvent;
use rand::Rng;
use station_agent::Agent;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::catalog::activity;
use super::forms;
use super::staff::Case;

/// The case a station event opens, by kind, for the staff side to work.
fn case_of(event: &StationEvent, event_id: String) -> Option<Case> {
    let aggregate_type = match event {
        StationEvent::DossierSubmitted(d) => {
            return Some(Case { aggregate_type: "dossier", id: d.dossier_code.clone() })
        }
        StationEvent::PaymentMade(_) => "payment",
        StationEvent::SecurityReportFiled(_) => "security_report",
        StationEvent::HealthInsuranceRequested(_) => "health_insurance",
        StationEvent::MedicalExamBooked(_) => "medical_exam",
        StationEvent::FinancialServiceRequested(_) => "financial_service",
        StationEvent::FeedbackSubmitted(_) => "feedback",
        StationEvent::DataCorrectionRequested(_) => "data_correction",
        _ => return None,
    };
    Some(Case { aggregate_type, id: event_id })
}

fn next_event(agent: &Agent, station_index: usize, n: u64) -> Option<StationEvent> {
    let key = agent.pseudonym.as_ref().map(|k| (k.bytes(), k.key_id.as_str()));
    let key = key.as_ref().map(|(bytes, id)| (bytes.as_slice(), *id));
    forms::next_event(&mut rand::thread_rng(), station_index, n, Utc::now(), key)
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
        let Some(event) = next_event(&agent, station_index, n) else { continue };
        match agent.record(&event).await {
            Ok(r) => {
                if let Some(case) = case_of(&event, r.event_id.to_string()) {
                    let _ = cases.send(case);
                }
            }
            Err(e) => tracing::warn!(station = %agent.config.station_id, error = %e, "simulated event not recorded"),
        }
    }
}
