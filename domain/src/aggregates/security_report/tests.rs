//! A security report's lifecycle and deadlines, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{station, ward};

fn filed_at() -> DateTime<Utc> {
    "2025-10-10T15:30:00Z".parse().unwrap()
}

fn later(d: Duration) -> DateTime<Utc> {
    filed_at() + d
}

fn file(severity: Severity) -> SecurityReportCommand {
    SecurityReportCommand::FileSecurityReport {
        category: "noise".into(),
        severity,
        location: "Tháp A, tầng 12".into(),
        description: "Karaoke sau 22 giờ".into(),
        station: station(),
        ward: ward(),
        at: filed_at(),
    }
}

fn filed(severity: Severity) -> SecurityReportEvent {
    let (ack, resolve) = sla(severity);
    SecurityReportEvent::SecurityReportFiled {
        category: "noise".into(),
        severity,
        location: "Tháp A, tầng 12".into(),
        description: "Karaoke sau 22 giờ".into(),
        station: station(),
        ward: ward(),
        at: filed_at(),
        acknowledge_by: filed_at() + ack,
        resolve_by: filed_at() + resolve,
    }
}

fn acknowledged() -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportAcknowledged { at: later(Duration::minutes(10)) }
}

fn assigned(officer: &str) -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportAssigned { officer: officer.into(), at: later(Duration::minutes(20)) }
}

fn resolved() -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportResolved {
        resolution: "Đã nhắc nhở hộ gia đình".into(),
        at: later(Duration::hours(2)),
    }
}

fn closed() -> SecurityReportEvent {
    SecurityReportEvent::SecurityReportClosed { note: "Cư dân xác nhận".into(), at: later(Duration::hours(3)) }
}

/// A low-severity report through its whole life so far.
fn worked(up_to: usize) -> Vec<SecurityReportEvent> {
    let all = vec![filed(Severity::Low), acknowledged(), assigned("Đại úy Trần Văn B"), resolved(), closed()];
    all.into_iter().take(up_to).collect()
}

fn report(given: Vec<SecurityReportEvent>) -> cqrs_es::test::AggregateTestExecutor<SecurityReport> {
    TestFramework::<SecurityReport>::with(()).given(given)
}

fn check(at: DateTime<Utc>) -> SecurityReportCommand {
    SecurityReportCommand::CheckSecurityReportDeadlines { at }
}

#[test]
fn a_security_report_is_filed_with_deadlines_by_severity() {
    report(vec![]).when(file(Severity::Low)).then_expect_events(vec![filed(Severity::Low)]);
    let SecurityReportEvent::SecurityReportFiled { acknowledge_by, resolve_by, .. } = filed(Severity::Critical) else {
        unreachable!()
    };
    assert_eq!((acknowledge_by - filed_at(), resolve_by - filed_at()), (Duration::minutes(15), Duration::hours(4)));
}

#[test]
fn a_security_report_cannot_be_filed_twice() {
    report(worked(1)).when(file(Severity::Low)).then_expect_error_message("this security report was already filed");
}

#[test]
fn staff_cannot_act_on_a_report_never_filed() {
    report(vec![])
        .when(SecurityReportCommand::AcknowledgeSecurityReport { at: filed_at() })
        .then_expect_error_message("this security report was never filed");
}

#[test]
fn a_filed_report_is_acknowledged_once() {
    let acknowledge = || SecurityReportCommand::AcknowledgeSecurityReport { at: later(Duration::minutes(10)) };
    report(worked(1)).when(acknowledge()).then_expect_events(vec![acknowledged()]);
    report(worked(2)).when(acknowledge()).then_expect_error_message("this security report was already acknowledged");
}

#[test]
fn a_resolved_report_cannot_be_acknowledged() {
    for given in [worked(4), worked(5)] {
        report(given)
            .when(SecurityReportCommand::AcknowledgeSecurityReport { at: later(Duration::hours(5)) })
            .then_expect_error_message("a resolved security report cannot be acknowledged");
    }
}

#[test]
fn an_acknowledged_report_is_assigned_to_an_officer() {
    report(worked(2))
        .when(SecurityReportCommand::AssignSecurityReport {
            officer: "Đại úy Trần Văn B".into(),
            at: later(Duration::minutes(20)),
        })
        .then_expect_events(vec![assigned("Đại úy Trần Văn B")]);
}

#[test]
fn a_report_is_not_assigned_before_it_is_acknowledged() {
    report(worked(1))
        .when(SecurityReportCommand::AssignSecurityReport { officer: "B".into(), at: later(Duration::minutes(5)) })
        .then_expect_error_message("acknowledge this security report before assigning it");
}

#[test]
fn a_report_may_pass_to_another_officer_but_not_to_the_same_one_again() {
    let assign = |officer: &str| SecurityReportCommand::AssignSecurityReport {
        officer: officer.into(),
        at: later(Duration::minutes(20)),
    };
    report(worked(3)).when(assign("Thiếu tá Lê Thị D")).then_expect_events(vec![assigned("Thiếu tá Lê Thị D")]);
    report(worked(3))
        .when(assign("Đại úy Trần Văn B"))
        .then_expect_error_message("this security report is already assigned to Đại úy Trần Văn B");
}

#[test]
fn a_resolved_report_is_not_assigned_until_reopened() {
    report(worked(4))
        .when(SecurityReportCommand::AssignSecurityReport { officer: "D".into(), at: later(Duration::hours(5)) })
        .then_expect_error_message("a resolved security report cannot be assigned; reopen it first");
}

#[test]
fn an_assigned_report_is_resolved_once() {
    let resolve = || SecurityReportCommand::ResolveSecurityReport {
        resolution: "Đã nhắc nhở hộ gia đình".into(),
        at: later(Duration::hours(2)),
    };
    report(worked(3)).when(resolve()).then_expect_events(vec![resolved()]);
    report(worked(4)).when(resolve()).then_expect_error_message("this security report was already resolved");
}

#[test]
fn a_report_is_not_resolved_before_an_officer_has_it() {
    for given in [worked(1), worked(2)] {
        report(given)
            .when(SecurityReportCommand::ResolveSecurityReport {
                resolution: "r".into(),
                at: later(Duration::hours(1)),
            })
            .then_expect_error_message("assign this security report to an officer before resolving it");
    }
}

#[test]
fn a_resolved_report_is_closed_once() {
    let close = || SecurityReportCommand::CloseSecurityReport {
        note: "Cư dân xác nhận".into(),
        at: later(Duration::hours(3)),
    };
    report(worked(4)).when(close()).then_expect_events(vec![closed()]);
    report(worked(5)).when(close()).then_expect_error_message("this security report was already closed");
    report(worked(3)).when(close()).then_expect_error_message("only a resolved security report can be closed");
}

#[test]
fn a_closed_report_is_reopened_and_its_resolution_deadline_starts_again() {
    let at = later(Duration::days(2));
    report(worked(5))
        .when(SecurityReportCommand::ReopenSecurityReport { reason: "Tái diễn".into(), at })
        .then_expect_events(vec![SecurityReportEvent::SecurityReportReopened {
            reason: "Tái diễn".into(),
            resolve_by: at + Duration::days(7),
            at,
        }]);
}

#[test]
fn an_open_report_cannot_be_reopened() {
    report(worked(3))
        .when(SecurityReportCommand::ReopenSecurityReport { reason: "r".into(), at: later(Duration::hours(1)) })
        .then_expect_error_message("only a resolved or closed security report can be reopened");
}

#[test]
fn a_reopened_report_is_resolved_again_by_its_officer() {
    let at = later(Duration::days(2));
    let reopened = SecurityReportEvent::SecurityReportReopened { reason: "r".into(), resolve_by: at, at };
    let mut given = worked(5);
    given.push(reopened);
    report(given)
        .when(SecurityReportCommand::ResolveSecurityReport { resolution: "Xong".into(), at })
        .then_expect_events(vec![SecurityReportEvent::SecurityReportResolved { resolution: "Xong".into(), at }]);
}

#[test]
fn nothing_is_overdue_within_the_deadlines() {
    report(worked(1)).when(check(later(Duration::hours(24)))).then_expect_events(vec![]);
}

#[test]
fn an_unacknowledged_report_becomes_overdue_once() {
    let now = later(Duration::hours(25));
    let overdue = SecurityReportEvent::SecurityReportAcknowledgementOverdue {
        acknowledge_by: later(Duration::hours(24)),
        at: now,
    };
    report(worked(1)).when(check(now)).then_expect_events(vec![overdue.clone()]);
    let mut given = worked(1);
    given.push(overdue);
    report(given).when(check(later(Duration::hours(30)))).then_expect_events(vec![]);
}

#[test]
fn an_acknowledged_report_is_never_late_to_be_acknowledged() {
    report(worked(2)).when(check(later(Duration::hours(30)))).then_expect_events(vec![]);
}

#[test]
fn a_forgotten_report_misses_both_deadlines_at_once() {
    let now = later(Duration::days(8));
    report(worked(1)).when(check(now)).then_expect_events(vec![
        SecurityReportEvent::SecurityReportAcknowledgementOverdue {
            acknowledge_by: later(Duration::hours(24)),
            at: now,
        },
        SecurityReportEvent::SecurityReportResolutionOverdue { resolve_by: later(Duration::days(7)), at: now },
    ]);
}

#[test]
fn a_resolved_report_is_never_late_to_be_resolved() {
    report(worked(4)).when(check(later(Duration::days(30)))).then_expect_events(vec![]);
}

#[test]
fn a_reopened_report_can_be_late_again() {
    let reopened_at = later(Duration::days(10));
    let mut given = worked(3);
    let first = later(Duration::days(8));
    given
        .push(SecurityReportEvent::SecurityReportResolutionOverdue { resolve_by: later(Duration::days(7)), at: first });
    let resolution = "Đã xử lý".into();
    given.push(SecurityReportEvent::SecurityReportResolved { resolution, at: later(Duration::days(9)) });
    given.push(SecurityReportEvent::SecurityReportReopened {
        reason: "Tái diễn".into(),
        resolve_by: reopened_at + Duration::days(7),
        at: reopened_at,
    });
    report(given.clone()).when(check(reopened_at + Duration::days(6))).then_expect_events(vec![]);
    let now = reopened_at + Duration::days(8);
    report(given).when(check(now)).then_expect_events(vec![SecurityReportEvent::SecurityReportResolutionOverdue {
        resolve_by: reopened_at + Duration::days(7),
        at: now,
    }]);
}

#[test]
fn deadlines_of_a_report_never_filed_are_not_checked() {
    report(vec![]).when(check(filed_at())).then_expect_error_message("this security report was never filed");
}
