//! How long the forgettable fields of a closed case are kept (`docs/PRIVACY.md`): for each kind
//! of case that holds them, the events that close it and the default number of days after
//! closing; then the hub destroys the case's data keys and records that it did
//! (`ErasureCommand::RecordExpiry`). A reopened report's text is gone if its closing was older.

use super::{AnyEventType, DossierEventType, FeedbackEventType, PaymentEventType, SecurityReportEventType};

/// One kind of case: what closes it, and how many days its forgettable fields outlive that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    pub aggregate_type: &'static str,
    pub closed_by: Vec<AnyEventType>,
    pub days: u32,
}

/// The default rules, one per kind of case with forgettable fields.
pub fn retention_rules() -> Vec<RetentionRule> {
    use AnyEventType as A;
    vec![
        RetentionRule {
            aggregate_type: "security_report",
            closed_by: vec![A::SecurityReport(SecurityReportEventType::SecurityReportClosed)],
            days: 365,
        },
        RetentionRule {
            aggregate_type: "feedback",
            closed_by: vec![A::Feedback(FeedbackEventType::FeedbackAnswered)],
            days: 180,
        },
        RetentionRule {
            aggregate_type: "dossier",
            closed_by: vec![
                A::Dossier(DossierEventType::DossierCompleted),
                A::Dossier(DossierEventType::DossierReturned),
                A::Dossier(DossierEventType::DossierRejected),
            ],
            days: 365,
        },
        RetentionRule {
            aggregate_type: "payment",
            closed_by: vec![
                A::Payment(PaymentEventType::PaymentMade),
                A::Payment(PaymentEventType::PaymentSucceeded),
                A::Payment(PaymentEventType::PaymentFailed),
                A::Payment(PaymentEventType::PaymentRefunded),
            ],
            days: 730,
        },
    ]
}

/// The rules with some days changed: `security_report=90,feedback=30` (an unknown kind or a
/// number that is not one is an error naming it).
pub fn with_days(overrides: &str) -> Result<Vec<RetentionRule>, String> {
    let mut rules = retention_rules();
    for pair in overrides.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, days) = pair.split_once('=').ok_or_else(|| format!("`{pair}` is not KIND=DAYS"))?;
        let days: u32 = days.trim().parse().map_err(|_| format!("`{days}` is not a number of days"))?;
        let rule = rules
            .iter_mut()
            .find(|r| r.aggregate_type == kind.trim())
            .ok_or_else(|| format!("`{kind}` keeps no forgettable fields"))?;
        rule.days = days;
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_closing_event_belongs_to_its_kind_and_days_can_be_changed_per_kind() {
        for rule in retention_rules() {
            assert!(rule.closed_by.iter().all(|t| t.aggregate_type() == rule.aggregate_type), "{rule:?}");
        }
        let rules = with_days("security_report=90, feedback=30").unwrap();
        assert_eq!(rules.iter().find(|r| r.aggregate_type == "security_report").unwrap().days, 90);
        assert_eq!(rules.iter().find(|r| r.aggregate_type == "feedback").unwrap().days, 30);
        assert!(with_days("lookup=3").unwrap_err().contains("lookup"));
        assert!(with_days("feedback=soon").unwrap_err().contains("soon"));
    }
}
