//! A medical exam's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{citizen, station, ward};

fn at(hours: i64) -> DateTime<Utc> {
    "2025-10-10T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hours)
}

fn book() -> MedicalExamCommand {
    MedicalExamCommand::BookMedicalExam {
        specialty: Specialty::Pediatrics,
        doctor: None,
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn booked() -> MedicalExamEvent {
    MedicalExamEvent::MedicalExamBooked {
        specialty: Specialty::Pediatrics,
        doctor: None,
        citizen: citizen(),
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn schedule(slot: i64, doctor: Option<&str>) -> MedicalExamCommand {
    MedicalExamCommand::ScheduleMedicalExam { slot: at(slot), doctor: doctor.map(Into::into), at: at(1) }
}

fn scheduled() -> MedicalExamEvent {
    MedicalExamEvent::MedicalExamScheduled { slot: at(26), doctor: Some("BS. Nguyễn Thị C".into()), at: at(1) }
}

fn exam(given: Vec<MedicalExamEvent>) -> cqrs_es::test::AggregateTestExecutor<MedicalExamination> {
    TestFramework::<MedicalExamination>::with(()).given(given)
}

#[test]
fn a_resident_books_a_remote_consultation() {
    exam(vec![]).when(book()).then_expect_events(vec![booked()]);
    exam(vec![booked()]).when(book()).then_expect_error_message("this medical exam was already booked");
}

#[test]
fn the_clinic_gives_a_slot_and_a_doctor() {
    exam(vec![booked()]).when(schedule(26, Some("BS. Nguyễn Thị C"))).then_expect_events(vec![scheduled()]);
}

#[test]
fn a_slot_is_in_the_future_and_a_move_changes_something() {
    exam(vec![booked()])
        .when(schedule(0, None))
        .then_expect_error_message("a slot must be later than the moment it is given");
    exam(vec![booked(), scheduled()])
        .when(schedule(26, None))
        .then_expect_error_message("the medical exam is already scheduled so");
    exam(vec![booked(), scheduled()])
        .when(schedule(30, None))
        .then_expect_events(vec![MedicalExamEvent::MedicalExamScheduled { slot: at(30), doctor: None, at: at(1) }]);
}

#[test]
fn a_scheduled_exam_takes_place() {
    exam(vec![booked(), scheduled()])
        .when(MedicalExamCommand::CompleteMedicalExam { at: at(27) })
        .then_expect_events(vec![MedicalExamEvent::MedicalExamCompleted { at: at(27) }]);
}

#[test]
fn an_exam_without_a_slot_cannot_take_place() {
    exam(vec![booked()])
        .when(MedicalExamCommand::CompleteMedicalExam { at: at(27) })
        .then_expect_error_message("this medical exam is waiting for a slot; it cannot be completed");
}

#[test]
fn a_booked_or_scheduled_exam_is_cancelled() {
    let cancel = || MedicalExamCommand::CancelMedicalExam { reason: "Bệnh nhân bận".into(), at: at(5) };
    let cancelled = || MedicalExamEvent::MedicalExamCancelled { reason: "Bệnh nhân bận".into(), at: at(5) };
    exam(vec![booked()]).when(cancel()).then_expect_events(vec![cancelled()]);
    exam(vec![booked(), scheduled()]).when(cancel()).then_expect_events(vec![cancelled()]);
}

#[test]
fn completed_and_cancelled_exams_are_final() {
    let completed = MedicalExamEvent::MedicalExamCompleted { at: at(27) };
    exam(vec![booked(), scheduled(), completed])
        .when(MedicalExamCommand::CancelMedicalExam { reason: "r".into(), at: at(28) })
        .then_expect_error_message("this medical exam is completed; it cannot be cancelled");
    let cancelled = MedicalExamEvent::MedicalExamCancelled { reason: "r".into(), at: at(5) };
    exam(vec![booked(), cancelled])
        .when(schedule(30, None))
        .then_expect_error_message("this medical exam is cancelled; it cannot be scheduled");
}

#[test]
fn an_exam_never_booked_is_not_scheduled() {
    exam(vec![]).when(schedule(26, None)).then_expect_error_message("this medical exam was never booked");
}
