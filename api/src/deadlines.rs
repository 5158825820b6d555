//! The deadline watch: every so often it looks for open security reports whose time to
//! acknowledge or to resolve has run out unrecorded, and has the report record the breach (an
//! event in the log, by the hub), so that queues and dashboards show it and auditors can see when.

use std::time::Duration;

use chrono::Utc;
use domain::aggregates::{AnyCommand, SecurityReportCommand};
use ingest::staff::{StaffCommand, StaffError, StaffHandle};
use projections::SecurityReports;
use tokio_util::sync::CancellationToken;

/// Who records a breach, in the event metadata.
pub const ACTOR: &str = "hub: deadline watch";

/// Checks every open report whose deadline has passed; returns how many breaches were recorded.
pub async fn check_once(reports: &SecurityReports, staff: &StaffHandle) -> anyhow::Result<usize> {
    reports.catch_up().await?;
    let now = Utc::now();
    let mut recorded = 0;
    for report in reports.due(now).await? {
        let command = AnyCommand::SecurityReport(SecurityReportCommand::CheckSecurityReportDeadlines { at: now });
        let c = StaffCommand {
            aggregate_id: report.report_id.clone(),
            command,
            actor: ACTOR.into(),
            ward_code: Some(report.ward_code.clone()),
            at: now,
            enrollment_code_hash: None,
        };
        match staff.execute(c).await {
            Ok(events) => recorded += events.len(),
            Err(StaffError::Refused(why)) => {
                tracing::warn!(report = %report.report_id, %why, "deadline check refused")
            }
            Err(e @ StaffError::Unavailable(_)) => return Err(e.into()),
        }
    }
    Ok(recorded)
}

/// Runs [`check_once`] every `every` until `shutdown`.
pub async fn watch(reports: SecurityReports, staff: StaffHandle, every: Duration, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        match check_once(&reports, &staff).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(breaches = n, "security-report deadlines crossed"),
            Err(e) => tracing::warn!(error = %e, "deadline watch; trying again later"),
        }
    }
}
