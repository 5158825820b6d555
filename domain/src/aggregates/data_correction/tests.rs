//! A data correction's lifecycle, given/when/then.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;

use super::*;
use crate::aggregates::testing::{citizen, station, ward};

fn at(hours: i64) -> DateTime<Utc> {
    "2025-10-10T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hours)
}

fn request_at_the_station(fields: Vec<CitizenField>) -> DataCorrectionCommand {
    DataCorrectionCommand::RequestDataCorrection {
        fields,
        channel: CorrectionChannel::Station,
        citizen: citizen(),
        station: Some(station()),
        ward: Some(ward()),
        at: at(0),
    }
}

fn requested() -> DataCorrectionEvent {
    DataCorrectionEvent::DataCorrectionRequested {
        fields: vec![CitizenField::FullName, CitizenField::PlaceOfOrigin],
        channel: CorrectionChannel::Station,
        citizen: citizen(),
        station: Some(station()),
        ward: Some(ward()),
        at: at(0),
    }
}

fn verified() -> DataCorrectionEvent {
    DataCorrectionEvent::DataCorrectionVerified { at: at(24) }
}

fn correction(given: Vec<DataCorrectionEvent>) -> cqrs_es::test::AggregateTestExecutor<DataCorrection> {
    TestFramework::<DataCorrection>::with(()).given(given)
}

#[test]
fn a_resident_asks_at_the_station_to_correct_two_fields() {
    correction(vec![])
        .when(request_at_the_station(vec![CitizenField::FullName, CitizenField::PlaceOfOrigin]))
        .then_expect_events(vec![requested()]);
}

#[test]
fn staff_record_a_request_made_on_the_police_hotline() {
    let by_phone = || DataCorrectionCommand::RequestDataCorrection {
        fields: vec![CitizenField::DateOfBirth],
        channel: CorrectionChannel::PoliceHotline,
        citizen: citizen(),
        station: None,
        ward: None,
        at: at(0),
    };
    correction(vec![]).when(by_phone()).then_expect_events(vec![DataCorrectionEvent::DataCorrectionRequested {
        fields: vec![CitizenField::DateOfBirth],
        channel: CorrectionChannel::PoliceHotline,
        citizen: citizen(),
        station: None,
        ward: None,
        at: at(0),
    }]);
}

#[test]
fn a_request_names_at_least_one_field_each_once() {
    correction(vec![])
        .when(request_at_the_station(vec![]))
        .then_expect_error_message("fields: name at least one field to correct");
    correction(vec![])
        .when(request_at_the_station(vec![CitizenField::Gender, CitizenField::Gender]))
        .then_expect_error_message("fields: name each field once");
}

#[test]
fn a_request_names_a_station_only_when_it_came_through_one() {
    let mut command = request_at_the_station(vec![CitizenField::Religion]);
    if let DataCorrectionCommand::RequestDataCorrection { channel, .. } = &mut command {
        *channel = CorrectionChannel::Vneid;
    }
    correction(vec![])
        .when(command)
        .then_expect_error_message("a request names its station if and only if it came through one");
}

#[test]
fn a_request_is_made_once() {
    correction(vec![requested()])
        .when(request_at_the_station(vec![CitizenField::FullName]))
        .then_expect_error_message("this data correction was already requested");
}

#[test]
fn the_police_verify_then_correct() {
    correction(vec![requested()])
        .when(DataCorrectionCommand::VerifyDataCorrection { at: at(24) })
        .then_expect_events(vec![verified()]);
    correction(vec![requested(), verified()])
        .when(DataCorrectionCommand::CorrectData { at: at(48) })
        .then_expect_events(vec![DataCorrectionEvent::DataCorrected { at: at(48) }]);
}

#[test]
fn data_is_not_corrected_before_verification() {
    correction(vec![requested()])
        .when(DataCorrectionCommand::CorrectData { at: at(2) })
        .then_expect_error_message("this data correction is waiting for verification; it cannot be carried out");
}

#[test]
fn a_request_is_verified_once() {
    correction(vec![requested(), verified()])
        .when(DataCorrectionCommand::VerifyDataCorrection { at: at(25) })
        .then_expect_error_message("this data correction is verified; it cannot be verified");
}

#[test]
fn a_request_is_rejected_before_or_after_verification() {
    let reject =
        || DataCorrectionCommand::RejectDataCorrection { reason: "Giấy tờ không hợp lệ".into(), at: at(30) };
    let rejected =
        || DataCorrectionEvent::DataCorrectionRejected { reason: "Giấy tờ không hợp lệ".into(), at: at(30) };
    correction(vec![requested()]).when(reject()).then_expect_events(vec![rejected()]);
    correction(vec![requested(), verified()]).when(reject()).then_expect_events(vec![rejected()]);
}

#[test]
fn corrected_and_rejected_requests_are_final() {
    correction(vec![requested(), verified(), DataCorrectionEvent::DataCorrected { at: at(48) }])
        .when(DataCorrectionCommand::RejectDataCorrection { reason: "r".into(), at: at(50) })
        .then_expect_error_message("this data correction is done; it cannot be rejected");
    correction(vec![requested(), DataCorrectionEvent::DataCorrectionRejected { reason: "r".into(), at: at(3) }])
        .when(DataCorrectionCommand::VerifyDataCorrection { at: at(4) })
        .then_expect_error_message("this data correction is rejected; it cannot be verified");
}

#[test]
fn a_request_never_made_is_not_verified() {
    correction(vec![])
        .when(DataCorrectionCommand::VerifyDataCorrection { at: at(1) })
        .then_expect_error_message("this data correction was never requested");
}
