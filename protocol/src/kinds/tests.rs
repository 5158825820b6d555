//! Station event kinds: what parses, and how a refusal names its field.

use serde_json::json;

use super::examples::{citizen, PAYMENT_ID};
use super::*;
use crate::Vnd;

#[test]
fn a_valid_payment_parses() {
    let p =
        json!({"bill_type":"electricity","provider":"EVNHCMC","bill_reference":"PE04000123456","amount_vnd":452000});
    let e = StationEvent::parse(PaymentMade::NAME, 1, &p).unwrap();
    assert_eq!(e.kind(), PaymentMade::NAME);
    assert_eq!(e.payload(), p);
}

#[test]
fn every_kind_and_schema_has_an_example_that_parses_and_reads_back() {
    let examples = StationEvent::examples();
    for (kind, schema) in StationEvent::kinds() {
        assert!(
            examples.iter().any(|e| (e.kind(), e.schema()) == (kind, schema)),
            "no example of {kind} schema {schema}"
        );
    }
    for example in examples {
        let (kind, schema, payload) = (example.kind(), example.schema(), example.payload());
        let e = StationEvent::parse(kind, schema, &payload).unwrap_or_else(|e| panic!("{kind}/{schema}: {e}"));
        assert_eq!(e, example, "{kind}/{schema} reads back as written");
        assert_eq!(e.payload(), payload, "{kind}/{schema} writes back as read");
    }
}

#[test]
fn kinds_are_named_service_dot_past_tense_and_declared_once_per_schema() {
    let kinds: Vec<_> = StationEvent::kinds().collect();
    for (i, (kind, schema)) in kinds.iter().enumerate() {
        let (service, what) = kind.split_once('.').unwrap_or_else(|| panic!("{kind} has no service"));
        assert!(
            !service.is_empty()
                && !what.is_empty()
                && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.'),
            "{kind}"
        );
        assert!(!kinds[..i].contains(&(kind, *schema)), "{kind} schema {schema} is declared twice");
    }
}

#[test]
fn payload_errors_name_the_field() {
    let cases = [
        (
            PaymentMade::NAME,
            1,
            json!({"bill_type":"electricity","provider":"EVN","bill_reference":"x","amount_vnd":0}),
            "payload.amount_vnd",
        ),
        (
            PaymentMade::NAME,
            1,
            json!({"bill_type":"gold","provider":"EVN","bill_reference":"x","amount_vnd":5}),
            "payload.bill_type",
        ),
        (
            PaymentMade::NAME,
            1,
            json!({"bill_type":"water","provider":"EVN","bill_reference":"x","amount_vnd":"5"}),
            "payload.amount_vnd",
        ),
        (PaymentMade::NAME, 1, json!({"bill_type":"water","provider":"EVN","amount_vnd":5}), "payload.bill_reference"),
        (
            DossierSubmission::NAME,
            1,
            json!({"dossier_code":"nope","procedure_code":"1.001193","fee_vnd":0}),
            "payload.dossier_code",
        ),
        (
            DossierSubmission::NAME,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"9.1","fee_vnd":0}),
            "payload.procedure_code",
        ),
        (
            SecurityReport::NAME,
            1,
            json!({"category":"aliens","severity":"low","location":"A","description":"d"}),
            "payload.category",
        ),
        (
            SecurityReport::NAME,
            1,
            json!({"category":"noise","severity":"low","location":"  ","description":"d"}),
            "payload.location",
        ),
        (
            DossierSubmission::NAME,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0,
                "citizen":citizen()}),
            "payload.citizen",
        ),
        (
            DossierSubmission::NAME,
            2,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0}),
            "payload.citizen",
        ),
        (DocumentsProvision::NAME, 1, json!({"dossier_code":"000.00.25.H29-251010-0001","note":""}), "payload.note"),
        (
            PaymentInitiation::NAME,
            1,
            json!({"bill_type":"water","provider":"SAWACO","bill_reference":"K","amount_vnd":-5}),
            "payload.amount_vnd",
        ),
        (
            PaymentInitiation::NAME,
            1,
            json!({"bill_type":"water","provider":"SAWACO","bill_reference":"K","amount_vnd":Vnd::MAX + 1}),
            "payload.amount_vnd",
        ),
        (PaymentSuccess::NAME, 1, json!({"payment_id":"42","transaction_ref":"T"}), "payload.payment_id"),
        (
            PaymentSuccess::NAME,
            1,
            json!({"payment_id":PAYMENT_ID.to_uppercase(),"transaction_ref":"T"}),
            "payload.payment_id",
        ),
        (PaymentFailure::NAME, 1, json!({"payment_id":PAYMENT_ID}), "payload.reason"),
        (
            HealthInsuranceRequest::NAME,
            1,
            json!({"plan":"household","household_size":0,"citizen":citizen()}),
            "payload.household_size",
        ),
        (
            HealthInsuranceRequest::NAME,
            1,
            json!({"plan":"student","household_size":3,"citizen":citizen()}),
            "payload.household_size",
        ),
        (HealthInsuranceRequest::NAME, 1, json!({"plan":"household","household_size":2}), "payload.citizen"),
        (
            HealthInsuranceRequest::NAME,
            1,
            json!({"plan":"household","household_size":2,
                "citizen":{"key_id":"k1","pseudonym":"079085001234","age_band":"18-39","sex":"female"}}),
            "payload.citizen.pseudonym",
        ),
        (MedicalExamBooking::NAME, 1, json!({"specialty":"astrology","citizen":citizen()}), "payload.specialty"),
        (
            FinancialServiceRequest::NAME,
            1,
            json!({"service":"crypto","partner":"X","citizen":citizen()}),
            "payload.service",
        ),
        (
            FinancialServiceRequest::NAME,
            1,
            json!({"service":"consumer_loan","partner":" ","citizen":citizen()}),
            "payload.partner",
        ),
        (FeedbackSubmission::NAME, 1, json!({"topic":"other","text":"","citizen":citizen()}), "payload.text"),
        (DataCorrectionRequest::NAME, 1, json!({"fields":[],"citizen":citizen()}), "payload.fields"),
        (DataCorrectionRequest::NAME, 1, json!({"fields":["gender","gender"],"citizen":citizen()}), "payload.fields"),
        (DataCorrectionRequest::NAME, 1, json!({"fields":["shoe_size"],"citizen":citizen()}), "payload.fields[0]"),
        (
            DataCorrectionRequest::NAME,
            1,
            json!({"fields":["gender"],"channel":"vneid","citizen":citizen()}),
            "payload.channel",
        ),
        (
            Lookup::NAME,
            1,
            json!({"topic":"dossier_progress","dossier_code":"000.00.25.H29-251010-0001"}),
            "payload.dossier_code",
        ),
        (Heartbeat::NAME, 1, json!({"agent_version":"","outbox_depth":0,"clock_skew_ms":0}), "payload.agent_version"),
        (
            Heartbeat::NAME,
            1,
            json!({"agent_version":"0.1.0","outbox_depth":-1,"clock_skew_ms":0}),
            "payload.outbox_depth",
        ),
    ];
    for (kind, schema, payload, field) in cases {
        let err = StationEvent::parse(kind, schema, &payload).unwrap_err();
        assert_eq!(err.field, field, "{kind}/{schema}: {err}");
    }
}

#[test]
fn unknown_kinds_and_schemas_are_refused() {
    assert_eq!(StationEvent::parse("weather.reported", 1, &json!({})).unwrap_err().field, "kind");
    assert_eq!(StationEvent::parse(PaymentMade::NAME, 9, &json!({})).unwrap_err().field, "schema");
    assert_eq!(StationEvent::parse(DossierSubmission::NAME, 3, &json!({})).unwrap_err().field, "schema");
}
