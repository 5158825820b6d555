//! Service levels for security reports: how soon a report must be acknowledged, and resolved,
//! by severity. One table; a report fixes its deadlines when it is filed (and its resolution
//! deadline again when it is reopened), so a later change of the table does not rewrite them.

use chrono::Duration;

use protocol::kinds::Severity;

/// `(time to acknowledge, time to resolve)`.
pub fn sla(severity: Severity) -> (Duration, Duration) {
    match severity {
        Severity::Critical => (Duration::minutes(15), Duration::hours(4)),
        Severity::High => (Duration::hours(1), Duration::hours(24)),
        Severity::Medium => (Duration::hours(4), Duration::hours(72)),
        Severity::Low => (Duration::hours(24), Duration::days(7)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graver_reports_have_shorter_deadlines() {
        let order = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];
        for pair in order.windows(2) {
            assert!(sla(pair[0]).0 < sla(pair[1]).0 && sla(pair[0]).1 < sla(pair[1]).1);
        }
        for s in order {
            assert!(sla(s).0 < sla(s).1, "acknowledged before resolved");
        }
    }
}
