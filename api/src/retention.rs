//! The retention sweep: every so often it finds closed cases whose forgettable fields have
//! outlived their keeping time (`domain::aggregates::retention_rules`, days per kind) and has the
//! hub destroy their data keys, recording in the log that it did (`PersonalDataExpired`: the
//! kind, how many cases, closed before when; never what).

use std::time::Duration;

use chrono::Utc;
use domain::aggregates::{AnyCommand, ErasureCommand, RetentionRule};
use ingest::staff::{StaffCommand, StaffHandle};
use store::Store;
use tokio_util::sync::CancellationToken;

/// Who records an expiry, in the event metadata.
pub const ACTOR: &str = "hub: retention";

/// Expires what is due under each rule now; returns how many cases.
pub async fn sweep_once(store: &Store, staff: &StaffHandle, rules: &[RetentionRule]) -> anyhow::Result<usize> {
    let now = Utc::now();
    let mut expired = 0;
    for rule in rules {
        let closed_before = now - chrono::Duration::days(rule.days as i64);
        let closing: Vec<&str> = rule.closed_by.iter().map(|t| t.name()).collect();
        loop {
            let case_ids = store.expired_cases(rule.aggregate_type, &closing, closed_before, 1000).await?;
            if case_ids.is_empty() {
                break;
            }
            let n = case_ids.len();
            let command = ErasureCommand::RecordExpiry {
                aggregate_type: rule.aggregate_type.to_string(),
                case_ids,
                closed_before,
                at: now,
            };
            let c = StaffCommand {
                aggregate_id: uuid::Uuid::now_v7().to_string(),
                command: AnyCommand::Erasure(command),
                actor: ACTOR.into(),
                ward_code: None,
                at: now,
                enrollment_code_hash: None,
            };
            staff.execute(c).await?;
            tracing::info!(
                kind = rule.aggregate_type,
                cases = n,
                "forgettable fields past their keeping time destroyed"
            );
            expired += n;
            if n < 1000 {
                break;
            }
        }
    }
    Ok(expired)
}

/// Sweeps every `every` until `shutdown`.
pub async fn run(
    store: Store,
    staff: StaffHandle,
    rules: Vec<RetentionRule>,
    every: Duration,
    shutdown: CancellationToken,
) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        if let Err(e) = sweep_once(&store, &staff, &rules).await {
            tracing::warn!(error = %e, "the retention sweep failed; it runs again later");
        }
    }
}
