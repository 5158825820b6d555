//! A station's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;
use ed25519_dalek::SigningKey;

use super::*;
use crate::aggregates::testing::ward;

fn at(days: i64) -> DateTime<Utc> {
    "2025-10-01T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(days)
}

fn key(seed: u8) -> String {
    hex::encode(SigningKey::from_bytes(&[seed; 32]).verifying_key().to_bytes())
}

fn planned() -> StationLifecycleEvent {
    StationLifecycleEvent::StationPlanned { ward: ward(), building: "Diamond Island".into(), at: at(0) }
}

fn enrolled() -> StationLifecycleEvent {
    StationLifecycleEvent::StationEnrolled { public_key: key(1), at: at(5) }
}

fn activated() -> StationLifecycleEvent {
    StationLifecycleEvent::StationActivated { at: at(9) }
}

fn suspended() -> StationLifecycleEvent {
    StationLifecycleEvent::StationSuspended { reason: "Bảo trì".into(), at: at(20) }
}

fn heartbeat(day: i64) -> StationCommand {
    StationCommand::RecordHeartbeat {
        agent_version: "0.1.0".into(),
        outbox_depth: 3,
        clock_skew_ms: -120,
        log_alarm: None,
        at: at(day),
    }
}

fn station(given: Vec<StationLifecycleEvent>) -> cqrs_es::test::AggregateTestExecutor<Station> {
    TestFramework::<Station>::with(()).given(given)
}

#[test]
fn a_station_is_planned_enrolled_and_activated() {
    station(vec![])
        .when(StationCommand::PlanStation { ward: ward(), building: "Diamond Island".into(), at: at(0) })
        .then_expect_events(vec![planned()]);
    station(vec![planned()])
        .when(StationCommand::EnrollStation { public_key: key(1), at: at(5) })
        .then_expect_events(vec![enrolled()]);
    station(vec![planned(), enrolled()])
        .when(StationCommand::ActivateStation { at: at(9) })
        .then_expect_events(vec![activated()]);
}

#[test]
fn a_station_is_planned_once() {
    station(vec![planned()])
        .when(StationCommand::PlanStation { ward: ward(), building: "B".into(), at: at(1) })
        .then_expect_error_message("this station was already planned");
}

#[test]
fn a_station_is_enrolled_only_once_planned_and_only_once() {
    station(vec![])
        .when(StationCommand::EnrollStation { public_key: key(1), at: at(5) })
        .then_expect_error_message("this station was never planned");
    station(vec![planned(), enrolled()])
        .when(StationCommand::EnrollStation { public_key: key(2), at: at(6) })
        .then_expect_error_message("this station is already enrolled; rotate its key instead");
}

#[test]
fn a_station_is_not_activated_before_enrollment() {
    station(vec![planned()])
        .when(StationCommand::ActivateStation { at: at(2) })
        .then_expect_error_message("this station is planned but not enrolled; it cannot be activated");
}

#[test]
fn an_active_station_is_suspended_and_resumed() {
    station(vec![planned(), enrolled(), activated()])
        .when(StationCommand::SuspendStation { reason: "Bảo trì".into(), at: at(20) })
        .then_expect_events(vec![suspended()]);
    station(vec![planned(), enrolled(), activated(), suspended()])
        .when(StationCommand::ResumeStation { at: at(21) })
        .then_expect_events(vec![StationLifecycleEvent::StationResumed { at: at(21) }]);
}

#[test]
fn only_an_active_station_is_suspended_and_only_a_suspended_one_resumes() {
    station(vec![planned(), enrolled()])
        .when(StationCommand::SuspendStation { reason: "r".into(), at: at(6) })
        .then_expect_error_message("this station is enrolled but not active; it cannot be suspended");
    station(vec![planned(), enrolled(), activated()])
        .when(StationCommand::ResumeStation { at: at(10) })
        .then_expect_error_message("this station is active; it cannot resume");
}

#[test]
fn an_enrolled_or_active_station_records_heartbeats() {
    let recorded = |day| StationLifecycleEvent::StationHeartbeatRecorded {
        agent_version: "0.1.0".into(),
        outbox_depth: 3,
        clock_skew_ms: -120,
        log_alarm: None,
        at: at(day),
    };
    station(vec![planned(), enrolled()]).when(heartbeat(6)).then_expect_events(vec![recorded(6)]);
    station(vec![planned(), enrolled(), activated()]).when(heartbeat(10)).then_expect_events(vec![recorded(10)]);
}

#[test]
fn a_suspended_or_unenrolled_station_records_no_heartbeat() {
    station(vec![planned()])
        .when(heartbeat(1))
        .then_expect_error_message("this station is planned but not enrolled; it cannot record a heartbeat");
    station(vec![planned(), enrolled(), activated(), suspended()])
        .when(heartbeat(21))
        .then_expect_error_message("this station is suspended; it cannot record a heartbeat");
}

#[test]
fn a_station_key_is_rotated_to_a_new_key() {
    station(vec![planned(), enrolled(), activated()])
        .when(StationCommand::RotateStationKey { public_key: key(2), at: at(30) })
        .then_expect_events(vec![StationLifecycleEvent::StationKeyRotated {
            public_key: key(2),
            previous_key: key(1),
            at: at(30),
        }]);
    station(vec![planned(), enrolled(), activated()])
        .when(StationCommand::RotateStationKey { public_key: key(1), at: at(30) })
        .then_expect_error_message("this is already the station's key");
    station(vec![planned()])
        .when(StationCommand::RotateStationKey { public_key: key(2), at: at(3) })
        .then_expect_error_message("this station is planned but not enrolled; it cannot have its key rotated");
}

#[test]
fn a_decommissioned_station_is_final() {
    let decommission =
        |day| StationCommand::DecommissionStation { reason: "Tòa nhà sửa chữa".into(), at: at(day) };
    let decommissioned =
        StationLifecycleEvent::StationDecommissioned { reason: "Tòa nhà sửa chữa".into(), at: at(40) };
    station(vec![planned(), enrolled(), activated()])
        .when(decommission(40))
        .then_expect_events(vec![decommissioned.clone()]);
    let gone = vec![planned(), enrolled(), activated(), decommissioned];
    station(gone.clone())
        .when(decommission(41))
        .then_expect_error_message("this station is decommissioned; it cannot be decommissioned");
    station(gone.clone())
        .when(heartbeat(41))
        .then_expect_error_message("this station is decommissioned; it cannot record a heartbeat");
    station(gone)
        .when(StationCommand::EnrollStation { public_key: key(3), at: at(42) })
        .then_expect_error_message("this station is decommissioned; it cannot be enrolled");
}

#[test]
fn only_usable_ed25519_keys_are_accepted() {
    assert!(check_public_key("public_key", &key(1)).is_ok());
    assert!(check_public_key("public_key", &key(1).to_uppercase()).is_err());
    assert!(check_public_key("public_key", "abcd").is_err());
    // The identity point has small order: a signature under it proves nothing.
    let identity = format!("01{}", "00".repeat(31));
    assert_eq!(check_public_key("public_key", &identity).unwrap_err().reason, "is not a usable Ed25519 public key");
}

fn equivocation(day: i64) -> StationCommand {
    StationCommand::RecordEquivocation {
        seq: 7,
        conflicting_event: uuid::Uuid::from_u128(7),
        conflicting_chain: "ab".repeat(32),
        at: at(day),
    }
}

fn equivocated(day: i64) -> StationLifecycleEvent {
    StationLifecycleEvent::StationEquivocated {
        seq: 7,
        conflicting_event: uuid::Uuid::from_u128(7),
        conflicting_chain: "ab".repeat(32),
        at: at(day),
    }
}

#[test]
fn a_station_that_signed_two_histories_is_recorded_once_until_its_key_is_rotated() {
    station(vec![planned(), enrolled(), activated()]).when(equivocation(30)).then_expect_events(vec![equivocated(30)]);
    station(vec![planned(), enrolled(), activated(), equivocated(30)])
        .when(equivocation(31))
        .then_expect_error_message("this station's key is already revoked for signing two histories");
    let rotated = StationLifecycleEvent::StationKeyRotated { public_key: key(2), previous_key: key(1), at: at(32) };
    station(vec![planned(), enrolled(), activated(), equivocated(30), rotated])
        .when(equivocation(33))
        .then_expect_events(vec![equivocated(33)]);
    station(vec![planned()])
        .when(equivocation(3))
        .then_expect_error_message("this station is planned but not enrolled; it cannot have its key revoked");
}

#[test]
fn an_authentic_event_refused_by_the_hub_is_kept_in_the_station_log_by_its_reason_alone() {
    let rejected = |seq| StationCommand::RecordRejectedEvent {
        seq,
        event: uuid::Uuid::from_u128(seq as u128),
        kind: "payment.made".into(),
        reason: "command_rejected".into(),
        at: at(20),
    };
    station(vec![planned(), enrolled(), activated()]).when(rejected(4)).then_expect_events(vec![
        StationLifecycleEvent::StationEventRejected {
            seq: 4,
            event: uuid::Uuid::from_u128(4),
            kind: "payment.made".into(),
            reason: "command_rejected".into(),
            at: at(20),
        },
    ]);
    station(vec![planned()])
        .when(rejected(1))
        .then_expect_error_message("this station is planned but not enrolled; it cannot have an event rejected");
}
