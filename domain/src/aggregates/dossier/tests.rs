//! A dossier's lifecycle, given/when/then: each step of the happy path, and each refused one.

use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;

use super::*;
use crate::aggregates::testing::{station, ward};

const CODE: &str = "000.00.25.H29-251010-0001";

fn at(minutes: i64) -> DateTime<Utc> {
    "2025-10-10T02:15:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

fn submit() -> DossierCommand {
    DossierCommand::SubmitDossier {
        dossier_code: CODE.into(),
        procedure_code: "1.001193".into(),
        fee_vnd: 0,
        citizen: None,
        station: station(),
        ward: ward(),
        at: at(0),
    }
}

fn submitted() -> DossierEvent {
    let DossierCommand::SubmitDossier { dossier_code, procedure_code, fee_vnd, citizen, station, ward, at } = submit()
    else {
        unreachable!()
    };
    DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, citizen, station, ward, at }
}

fn received() -> DossierEvent {
    DossierEvent::DossierReceived { at: at(60) }
}

fn processing() -> DossierEvent {
    DossierEvent::DossierProcessingStarted { at: at(120) }
}

fn more_documents_requested() -> DossierEvent {
    DossierEvent::MoreDocumentsRequested { note: "Thiếu bản sao giấy chứng sinh".into(), at: at(180) }
}

fn result_ready() -> DossierEvent {
    DossierEvent::DossierResultReady { at: at(240) }
}

fn dossier(given: Vec<DossierEvent>) -> cqrs_es::test::AggregateTestExecutor<Dossier> {
    TestFramework::<Dossier>::with(()).given(given)
}

#[test]
fn a_new_dossier_is_submitted() {
    TestFramework::<Dossier>::with(()).given_no_previous_events().when(submit()).then_expect_events(vec![submitted()]);
}

#[test]
fn a_dossier_cannot_be_submitted_twice() {
    dossier(vec![submitted()])
        .when(submit())
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 was already submitted");
}

#[test]
fn a_submitted_dossier_is_received_by_the_agency() {
    dossier(vec![submitted()]).when(DossierCommand::ReceiveDossier { at: at(60) }).then_expect_events(vec![received()]);
}

#[test]
fn a_received_dossier_goes_into_processing() {
    dossier(vec![submitted(), received()])
        .when(DossierCommand::StartProcessing { at: at(120) })
        .then_expect_events(vec![processing()]);
}

#[test]
fn the_agency_asks_for_more_documents_while_processing() {
    dossier(vec![submitted(), received(), processing()])
        .when(DossierCommand::RequestMoreDocuments {
            note: "Thiếu bản sao giấy chứng sinh".into(), at: at(180)
        })
        .then_expect_events(vec![more_documents_requested()]);
}

#[test]
fn documents_brought_to_the_station_put_the_dossier_back_in_processing() {
    let provide = DossierCommand::ProvideDocuments { note: None, station: station(), at: at(200) };
    dossier(vec![submitted(), received(), processing(), more_documents_requested()])
        .when(provide)
        .then_expect_events(vec![DossierEvent::DocumentsProvided { note: None, station: station(), at: at(200) }]);
}

#[test]
fn a_dossier_in_processing_gets_its_result_and_the_result_is_handed_over() {
    dossier(vec![submitted(), received(), processing()])
        .when(DossierCommand::MarkResultReady { at: at(240) })
        .then_expect_events(vec![result_ready()]);
    dossier(vec![submitted(), received(), processing(), result_ready()])
        .when(DossierCommand::CompleteDossier { at: at(300) })
        .then_expect_events(vec![DossierEvent::DossierCompleted { at: at(300) }]);
}

#[test]
fn an_open_dossier_can_be_returned_and_a_received_one_rejected() {
    let reason = || protocol::forgettable::Text::from("Không thuộc thẩm quyền");
    dossier(vec![submitted()])
        .when(DossierCommand::ReturnDossier { reason: reason(), at: at(30) })
        .then_expect_events(vec![DossierEvent::DossierReturned { reason: reason(), at: at(30) }]);
    dossier(vec![submitted(), received(), processing()])
        .when(DossierCommand::RejectDossier { reason: reason(), at: at(150) })
        .then_expect_events(vec![DossierEvent::DossierRejected { reason: reason(), at: at(150) }]);
}

#[test]
fn nothing_happens_to_a_dossier_that_was_never_submitted() {
    dossier(vec![])
        .when(DossierCommand::ReceiveDossier { at: at(60) })
        .then_expect_error_message("this dossier was never submitted");
}

#[test]
fn a_dossier_cannot_be_received_twice() {
    dossier(vec![submitted(), received()])
        .when(DossierCommand::ReceiveDossier { at: at(61) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is received; it cannot be received");
}

#[test]
fn a_dossier_is_not_processed_before_it_is_received() {
    dossier(vec![submitted()])
        .when(DossierCommand::StartProcessing { at: at(120) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is submitted; it cannot start processing");
}

#[test]
fn more_documents_are_not_asked_for_before_the_dossier_is_received() {
    dossier(vec![submitted()])
        .when(DossierCommand::RequestMoreDocuments { note: "x".into(), at: at(5) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is submitted; it cannot ask for more documents");
}

#[test]
fn documents_nobody_asked_for_are_refused() {
    dossier(vec![submitted(), received(), processing()])
        .when(DossierCommand::ProvideDocuments { note: None, station: station(), at: at(130) })
        .then_expect_error_message(
            "dossier 000.00.25.H29-251010-0001 is in processing; it cannot take documents (none were asked for)",
        );
}

#[test]
fn a_result_is_not_ready_before_processing_nor_handed_over_before_it_is_ready() {
    dossier(vec![submitted(), received()])
        .when(DossierCommand::MarkResultReady { at: at(90) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is received; it cannot have its result ready");
    dossier(vec![submitted(), received(), processing()])
        .when(DossierCommand::CompleteDossier { at: at(150) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is in processing; it cannot be completed");
}

#[test]
fn a_dossier_is_not_rejected_before_it_is_received() {
    dossier(vec![submitted()])
        .when(DossierCommand::RejectDossier { reason: "x".into(), at: at(5) })
        .then_expect_error_message("dossier 000.00.25.H29-251010-0001 is submitted; it cannot be rejected");
}

#[test]
fn a_dossier_whose_result_is_ready_cannot_be_returned() {
    dossier(vec![submitted(), received(), processing(), result_ready()])
        .when(DossierCommand::ReturnDossier { reason: "x".into(), at: at(250) })
        .then_expect_error_message(
            "dossier 000.00.25.H29-251010-0001 is ready for the resident; it cannot be returned",
        );
}

#[test]
fn completed_returned_and_rejected_dossiers_are_final() {
    let ends = [
        ("completed", DossierEvent::DossierCompleted { at: at(300) }),
        ("returned", DossierEvent::DossierReturned { reason: "r".into(), at: at(300) }),
        ("rejected", DossierEvent::DossierRejected { reason: "r".into(), at: at(300) }),
    ];
    for (status, end) in ends {
        let commands = [
            (DossierCommand::ReceiveDossier { at: at(400) }, "be received"),
            (DossierCommand::StartProcessing { at: at(400) }, "start processing"),
            (DossierCommand::RequestMoreDocuments { note: "n".into(), at: at(400) }, "ask for more documents"),
            (DossierCommand::CompleteDossier { at: at(400) }, "be completed"),
            (DossierCommand::ReturnDossier { reason: "r".into(), at: at(400) }, "be returned"),
            (DossierCommand::RejectDossier { reason: "r".into(), at: at(400) }, "be rejected"),
        ];
        for (command, action) in commands {
            dossier(vec![submitted(), received(), processing(), result_ready(), end.clone()])
                .when(command)
                .then_expect_error_message(&format!("dossier {CODE} is {status}; it cannot {action}"));
        }
    }
}

#[test]
fn the_history_keeps_every_status_with_its_time() {
    let mut d = Dossier::default();
    for e in [submitted(), received(), processing(), more_documents_requested()] {
        d.apply(e);
    }
    assert_eq!(d.status, DossierStatus::MoreDocumentsRequested);
    assert_eq!(
        d.history,
        vec![
            (DossierStatus::Submitted, at(0)),
            (DossierStatus::Received, at(60)),
            (DossierStatus::InProcessing, at(120)),
            (DossierStatus::MoreDocumentsRequested, at(180)),
        ]
    );
}

#[test]
fn a_stored_submission_without_a_citizen_still_reads() {
    let stored = serde_json::json!({"DossierSubmitted": {"dossier_code": CODE, "procedure_code": "1.001193",
        "fee_vnd": 0, "station": "st-27097-diamond-island", "ward": "27097", "at": "2025-10-10T02:15:00Z"}});
    let event: DossierEvent = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(event, submitted());
    assert_eq!(serde_json::to_value(&event).unwrap(), stored, "and writes back the same");
}
