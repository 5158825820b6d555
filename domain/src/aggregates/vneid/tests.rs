//! A VNeID activation's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;
use serde_json::json;

use super::*;
use crate::aggregates::staff_command;
use crate::aggregates::testing::{citizen, station, ward};

fn at(minutes: i64) -> DateTime<Utc> {
    "2025-10-10T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

fn request(level: u8) -> VneidCommand {
    VneidCommand::RequestVneidActivation { level, citizen: citizen(), station: station(), ward: ward(), at: at(0) }
}

fn requested() -> VneidEvent {
    VneidEvent::VneidActivationRequested { level: 2, citizen: citizen(), station: station(), ward: ward(), at: at(0) }
}

fn activation(given: Vec<VneidEvent>) -> cqrs_es::test::AggregateTestExecutor<VneidActivation> {
    TestFramework::<VneidActivation>::with(()).given(given)
}

#[test]
fn a_resident_asks_the_station_to_activate_their_account() {
    activation(vec![]).when(request(2)).then_expect_events(vec![requested()]);
    activation(vec![requested()])
        .when(request(2))
        .then_expect_error_message("this VNeID activation was already requested");
    activation(vec![]).when(request(3)).then_expect_error_message("a VNeID account is of level 1 or 2");
}

#[test]
fn the_police_record_it_activated_at_the_level_asked_for() {
    activation(vec![requested()])
        .when(VneidCommand::RecordVneidActivated { at: at(30) })
        .then_expect_events(vec![VneidEvent::VneidActivated { level: 2, at: at(30) }]);
}

#[test]
fn or_failed_with_the_reason_and_either_is_final() {
    let failed = VneidEvent::VneidActivationFailed { reason: "Ảnh chân dung không khớp".into(), at: at(30) };
    activation(vec![requested()])
        .when(VneidCommand::RecordVneidActivationFailed { reason: "Ảnh chân dung không khớp".into(), at: at(30) })
        .then_expect_events(vec![failed.clone()]);
    activation(vec![requested(), failed])
        .when(VneidCommand::RecordVneidActivated { at: at(40) })
        .then_expect_error_message("this VNeID activation is failed; it cannot be activated");
    activation(vec![requested(), VneidEvent::VneidActivated { level: 2, at: at(30) }])
        .when(VneidCommand::RecordVneidActivationFailed { reason: "x".into(), at: at(40) })
        .then_expect_error_message("this VNeID activation is activated; it cannot fail");
    activation(vec![])
        .when(VneidCommand::RecordVneidActivated { at: at(40) })
        .then_expect_error_message("this VNeID activation was never requested");
}

#[test]
fn staff_name_the_reason_of_a_failure() {
    let failed = staff_command("vneid_activation", &json!({"command": "RecordVneidActivationFailed"}), at(1));
    assert_eq!(failed.unwrap_err().field, "reason");
    let activated = staff_command("vneid_activation", &json!({"command": "RecordVneidActivated"}), at(1)).unwrap();
    assert_eq!(activated, crate::aggregates::AnyCommand::Vneid(VneidCommand::RecordVneidActivated { at: at(1) }));
}
