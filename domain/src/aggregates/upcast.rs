//! Event versions. A stored event is never edited: it keeps the type, version and payload it was
//! written with. When an event's shape changes incompatibly its version goes up, and an upcaster
//! here turns each older stored payload into the current shape as it is loaded. `docs/EVENTS.md`
//! has the catalogue and the policy.
//!
//! Upcasters:
//! - `SecurityReportFiled` 1 → 2: version 2 fixes the report's deadlines when it is filed
//!   (`acknowledge_by`, `resolve_by`); a version 1 report gets them from its `at`, its `severity`
//!   and the service levels of [`sla`](super::sla) as first published.

use chrono::{DateTime, Utc};
use serde_json::Value;

use protocol::kinds::Severity;

/// Brings a stored payload of `event_type` from `version` to the current version, step by step;
/// returns the version reached and the payload. Events without upcasters pass through unchanged.
pub fn upcast(event_type: &str, version: i32, payload: Value) -> (i32, Value) {
    let (mut version, mut payload) = (version, payload);
    loop {
        (version, payload) = match (event_type, version) {
            ("SecurityReportFiled", 1) => (2, security_report_filed_1_to_2(payload)),
            _ => return (version, payload),
        };
    }
}

/// Adds the deadlines. A payload that does not read as version 1 is left as it is (loading it
/// then fails with the field it lacks).
fn security_report_filed_1_to_2(mut payload: Value) -> Value {
    let Some(fields) = payload.get_mut("SecurityReportFiled").and_then(Value::as_object_mut) else {
        return payload;
    };
    let at = fields.get("at").cloned().and_then(|v| serde_json::from_value::<DateTime<Utc>>(v).ok());
    let severity = fields.get("severity").cloned().and_then(|v| serde_json::from_value::<Severity>(v).ok());
    if let (Some(at), Some(severity)) = (at, severity) {
        let (to_acknowledge, to_resolve) = first_sla(severity);
        fields.insert("acknowledge_by".into(), serde_json::to_value(at + to_acknowledge).expect("a time"));
        fields.insert("resolve_by".into(), serde_json::to_value(at + to_resolve).expect("a time"));
    }
    payload
}

/// The service levels when version 2 was introduced. An upcaster must give the same answer
/// forever, so it does not follow later changes of the live table.
fn first_sla(severity: Severity) -> (chrono::Duration, chrono::Duration) {
    use chrono::Duration;
    match severity {
        Severity::Critical => (Duration::minutes(15), Duration::hours(4)),
        Severity::High => (Duration::hours(1), Duration::hours(24)),
        Severity::Medium => (Duration::hours(4), Duration::hours(72)),
        Severity::Low => (Duration::hours(24), Duration::days(7)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use serde_json::json;

    use super::super::{sla, AnyAggregate, LoadError, ReportStatus};
    use super::*;
    use crate::aggregates::testing::{station, ward};

    /// Exactly as the first version of the code stored a filed report.
    fn stored_v1() -> Value {
        json!({"SecurityReportFiled": {
            "category": "noise",
            "severity": "low",
            "location": "Tháp A, tầng 12",
            "description": "Karaoke sau 22 giờ",
            "station": "st-27097-diamond-island",
            "ward": "27097",
            "at": "2025-10-10T15:30:00Z"
        }})
    }

    #[test]
    fn a_report_stored_as_version_1_still_loads_with_its_deadlines() {
        let mut report = AnyAggregate::new("security_report").unwrap();
        report.apply_stored("SecurityReportFiled", 1, &stored_v1()).unwrap();
        let AnyAggregate::SecurityReport(r) = report else { unreachable!() };
        let at: DateTime<Utc> = "2025-10-10T15:30:00Z".parse().unwrap();
        assert_eq!(r.status, ReportStatus::Filed);
        assert_eq!(r.acknowledge_by, Some(at + Duration::hours(24)));
        assert_eq!(r.resolve_by, Some(at + Duration::days(7)));
    }

    #[test]
    fn upcasting_version_1_gives_what_version_2_writes() {
        let (version, payload) = upcast("SecurityReportFiled", 1, stored_v1());
        assert_eq!(version, 2);
        assert_eq!(payload["SecurityReportFiled"]["acknowledge_by"], "2025-10-11T15:30:00Z");
        assert_eq!(payload["SecurityReportFiled"]["resolve_by"], "2025-10-17T15:30:00Z");
    }

    #[test]
    fn the_first_table_is_still_the_live_one() {
        for s in [Severity::Low, Severity::Medium, Severity::High, Severity::Critical] {
            assert_eq!(first_sla(s), sla(s), "when the live table changes, keep first_sla as it was");
        }
    }

    #[test]
    fn current_versions_and_other_events_pass_through() {
        let v2 = upcast("SecurityReportFiled", 1, stored_v1()).1;
        assert_eq!(upcast("SecurityReportFiled", 2, v2.clone()), (2, v2));
        let paid = json!({"PaymentMade": {}});
        assert_eq!(upcast("PaymentMade", 1, paid.clone()), (1, paid));
    }

    #[test]
    fn a_version_this_code_does_not_know_is_refused_not_misread() {
        let v2 = upcast("SecurityReportFiled", 1, stored_v1()).1;
        let mut report = AnyAggregate::new("security_report").unwrap();
        let err = report.apply_stored("SecurityReportFiled", 3, &v2).unwrap_err();
        assert!(matches!(err, LoadError::Version { version: 3, current: 2, .. }), "{err}");
    }

    #[test]
    fn a_version_1_payload_that_is_not_one_fails_on_its_missing_field() {
        let mut broken = stored_v1();
        broken["SecurityReportFiled"]["at"] = json!("yesterday");
        let mut report = AnyAggregate::new("security_report").unwrap();
        let err = report.apply_stored("SecurityReportFiled", 1, &broken).unwrap_err();
        assert!(matches!(err, LoadError::Payload { .. }), "{err}");
    }

    #[test]
    fn the_first_events_of_payments_and_dossiers_still_load() {
        let paid = json!({"PaymentMade": {"bill_type": "electricity", "provider": "EVNHCMC",
            "bill_reference": "PE04000123456", "amount_vnd": 452000, "station": "st-27097-diamond-island",
            "ward": "27097", "at": "2025-10-10T02:15:00Z"}});
        let mut payment = AnyAggregate::new("payment").unwrap();
        payment.apply_stored("PaymentMade", 1, &paid).unwrap();
        let AnyAggregate::Payment(p) = payment else { unreachable!() };
        assert_eq!((p.status, p.amount_vnd), (crate::aggregates::PaymentStatus::Succeeded, 452_000));

        let submitted = json!({"DossierSubmitted": {"dossier_code": "000.00.25.H29-251010-0001",
            "procedure_code": "1.001193", "fee_vnd": 0, "station": "st-27097-diamond-island", "ward": "27097",
            "at": "2025-10-10T02:15:00Z"}});
        let mut dossier = AnyAggregate::new("dossier").unwrap();
        dossier.apply_stored("DossierSubmitted", 1, &submitted).unwrap();
        let AnyAggregate::Dossier(d) = dossier else { unreachable!() };
        assert_eq!(d.status, crate::aggregates::DossierStatus::Submitted);
    }

    #[test]
    fn unknown_types_and_unreadable_payloads_are_load_errors() {
        assert!(matches!(AnyAggregate::new("weather"), Err(LoadError::UnknownType(_))));
        let mut payment = AnyAggregate::new("payment").unwrap();
        let err = payment.apply_stored("PaymentMade", 1, &json!({"PaymentMade": {"amount_vnd": "lots"}})).unwrap_err();
        assert!(matches!(err, LoadError::Payload { .. }));
    }

    #[test]
    fn a_newly_filed_report_is_stored_as_version_2() {
        let routed_command = crate::aggregates::AnyCommand::SecurityReport(
            crate::aggregates::SecurityReportCommand::FileSecurityReport {
                category: "noise".into(),
                severity: Severity::Low,
                location: "Tháp A".into(),
                description: "Ồn".into(),
                station: station(),
                ward: ward(),
                at: "2025-10-10T15:30:00Z".parse().unwrap(),
            },
        );
        let mut report = AnyAggregate::new("security_report").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let events = rt.block_on(report.execute(routed_command)).unwrap();
        assert_eq!((events[0].event_type.as_str(), events[0].event_version), ("SecurityReportFiled", 2));
        let mut reloaded = AnyAggregate::new("security_report").unwrap();
        reloaded.apply_stored(&events[0].event_type, events[0].event_version, &events[0].payload).unwrap();
        assert_eq!(reloaded, report, "what is stored loads back to the same state");
    }
}
