//! A health insurance registration's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{citizen, station, ward};

fn at(hours: i64) -> DateTime<Utc> {
    "2025-10-10T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hours)
}

fn request(plan: HealthInsurancePlan, household_size: u8) -> HealthInsuranceCommand {
    HealthInsuranceCommand::RequestHealthInsurance {
        plan,
        household_size,
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn requested() -> HealthInsuranceEvent {
    HealthInsuranceEvent::HealthInsuranceRequested {
        plan: HealthInsurancePlan::Household,
        household_size: 4,
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn scheduled() -> HealthInsuranceEvent {
    HealthInsuranceEvent::HealthInsuranceAppointmentScheduled { when: at(48), at: at(1) }
}

fn registration(given: Vec<HealthInsuranceEvent>) -> cqrs_es::test::AggregateTestExecutor<HealthInsuranceRegistration> {
    TestFramework::<HealthInsuranceRegistration>::with(()).given(given)
}

#[test]
fn a_household_asks_for_health_insurance() {
    registration(vec![]).when(request(HealthInsurancePlan::Household, 4)).then_expect_events(vec![requested()]);
}

#[test]
fn a_request_is_made_once() {
    registration(vec![requested()])
        .when(request(HealthInsurancePlan::Household, 4))
        .then_expect_error_message("this health insurance registration was already requested");
}

#[test]
fn a_student_card_covers_one_person() {
    registration(vec![])
        .when(request(HealthInsurancePlan::Student, 2))
        .then_expect_error_message("household_size: a student card covers one person: must be 1");
}

#[test]
fn staff_give_an_appointment_and_may_move_it() {
    registration(vec![requested()])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(48), at: at(1) })
        .then_expect_events(vec![scheduled()]);
    registration(vec![requested(), scheduled()])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(72), at: at(5) })
        .then_expect_events(vec![HealthInsuranceEvent::HealthInsuranceAppointmentScheduled {
            when: at(72),
            at: at(5),
        }]);
}

#[test]
fn an_appointment_is_in_the_future_and_moves_to_another_time() {
    registration(vec![requested()])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(1), at: at(1) })
        .then_expect_error_message("an appointment must be later than the moment it is given");
    registration(vec![requested(), scheduled()])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(48), at: at(2) })
        .then_expect_error_message("the appointment is already at that time");
}

#[test]
fn a_scheduled_registration_is_completed() {
    registration(vec![requested(), scheduled()])
        .when(HealthInsuranceCommand::CompleteHealthInsurance { at: at(48) })
        .then_expect_events(vec![HealthInsuranceEvent::HealthInsuranceCompleted { at: at(48) }]);
}

#[test]
fn a_registration_is_not_completed_without_an_appointment() {
    registration(vec![requested()])
        .when(HealthInsuranceCommand::CompleteHealthInsurance { at: at(2) })
        .then_expect_error_message(
            "this health insurance registration is waiting for an appointment; it cannot be completed",
        );
}

#[test]
fn an_open_registration_is_cancelled() {
    let cancel = || HealthInsuranceCommand::CancelHealthInsurance { reason: "Đã mua qua VssID".into(), at: at(3) };
    let cancelled =
        || HealthInsuranceEvent::HealthInsuranceCancelled { reason: "Đã mua qua VssID".into(), at: at(3) };
    registration(vec![requested()]).when(cancel()).then_expect_events(vec![cancelled()]);
    registration(vec![requested(), scheduled()]).when(cancel()).then_expect_events(vec![cancelled()]);
}

#[test]
fn completed_and_cancelled_registrations_are_final() {
    let completed = HealthInsuranceEvent::HealthInsuranceCompleted { at: at(48) };
    registration(vec![requested(), scheduled(), completed])
        .when(HealthInsuranceCommand::CancelHealthInsurance { reason: "r".into(), at: at(50) })
        .then_expect_error_message("this health insurance registration is completed; it cannot be cancelled");
    let cancelled = HealthInsuranceEvent::HealthInsuranceCancelled { reason: "r".into(), at: at(3) };
    registration(vec![requested(), cancelled])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(48), at: at(4) })
        .then_expect_error_message("this health insurance registration is cancelled; it cannot be scheduled");
}

#[test]
fn nothing_is_scheduled_for_a_registration_never_requested() {
    registration(vec![])
        .when(HealthInsuranceCommand::ScheduleAppointment { when: at(48), at: at(1) })
        .then_expect_error_message("this health insurance registration was never requested");
}
