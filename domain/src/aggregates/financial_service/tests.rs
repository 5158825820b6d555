//! A financial service request's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{citizen, station, ward};

fn at(hours: i64) -> DateTime<Utc> {
    "2025-10-10T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hours)
}

fn request() -> FinancialServiceCommand {
    FinancialServiceCommand::RequestFinancialService {
        service: FinancialServiceKind::SimIdentification,
        partner: "Viettel".into(),
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn requested() -> FinancialServiceEvent {
    FinancialServiceEvent::FinancialServiceRequested {
        service: FinancialServiceKind::SimIdentification,
        partner: "Viettel".into(),
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn forwarded() -> FinancialServiceEvent {
    FinancialServiceEvent::FinancialServiceForwarded { at: at(1) }
}

fn request_of(given: Vec<FinancialServiceEvent>) -> cqrs_es::test::AggregateTestExecutor<FinancialService> {
    TestFramework::<FinancialService>::with(()).given(given)
}

#[test]
fn a_resident_asks_a_partner_for_a_service() {
    request_of(vec![]).when(request()).then_expect_events(vec![requested()]);
    request_of(vec![requested()])
        .when(request())
        .then_expect_error_message("this financial service request was already made");
}

#[test]
fn staff_forward_the_request_once() {
    request_of(vec![requested()])
        .when(FinancialServiceCommand::ForwardToPartner { at: at(1) })
        .then_expect_events(vec![forwarded()]);
    request_of(vec![requested(), forwarded()])
        .when(FinancialServiceCommand::ForwardToPartner { at: at(2) })
        .then_expect_error_message("this financial service request is with the partner; it cannot be forwarded");
}

#[test]
fn the_partner_approves_a_forwarded_request() {
    request_of(vec![requested(), forwarded()])
        .when(FinancialServiceCommand::ApproveFinancialService { at: at(24) })
        .then_expect_events(vec![FinancialServiceEvent::FinancialServiceApproved { at: at(24) }]);
}

#[test]
fn a_request_is_not_approved_before_the_partner_has_it() {
    request_of(vec![requested()])
        .when(FinancialServiceCommand::ApproveFinancialService { at: at(2) })
        .then_expect_error_message("this financial service request is not forwarded yet; it cannot be approved");
}

#[test]
fn a_request_is_declined_before_or_after_forwarding() {
    let decline =
        || FinancialServiceCommand::DeclineFinancialService { reason: "Chưa đủ 18 tuổi".into(), at: at(3) };
    let declined =
        || FinancialServiceEvent::FinancialServiceDeclined { reason: "Chưa đủ 18 tuổi".into(), at: at(3) };
    request_of(vec![requested()]).when(decline()).then_expect_events(vec![declined()]);
    request_of(vec![requested(), forwarded()]).when(decline()).then_expect_events(vec![declined()]);
}

#[test]
fn approved_and_declined_requests_are_final() {
    let approved = FinancialServiceEvent::FinancialServiceApproved { at: at(24) };
    request_of(vec![requested(), forwarded(), approved])
        .when(FinancialServiceCommand::DeclineFinancialService { reason: "r".into(), at: at(25) })
        .then_expect_error_message("this financial service request is approved; it cannot be declined");
    let declined = FinancialServiceEvent::FinancialServiceDeclined { reason: "r".into(), at: at(3) };
    request_of(vec![requested(), declined])
        .when(FinancialServiceCommand::ForwardToPartner { at: at(4) })
        .then_expect_error_message("this financial service request is declined; it cannot be forwarded");
}

#[test]
fn a_request_never_made_is_not_forwarded() {
    request_of(vec![])
        .when(FinancialServiceCommand::ForwardToPartner { at: at(1) })
        .then_expect_error_message("this financial service request was never made");
}
