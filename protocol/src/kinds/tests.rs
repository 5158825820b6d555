//! Station event kinds: what parses, and how a refusal names its field.

use serde_json::json;

use super::examples::{citizen, examples, PAYMENT_ID};
use super::*;
use crate::Vnd;

#[test]
fn a_valid_payment_parses() {
    let p =
        json!({"bill_type":"electricity","provider":"EVNHCMC","bill_reference":"PE04000123456","amount_vnd":452000});
    let e = StationEvent::parse(PAYMENT_MADE, 1, &p).unwrap();
    assert_eq!(e.kind(), PAYMENT_MADE);
    assert_eq!(e.payload(), p);
}

#[test]
fn every_kind_and_schema_has_an_example_that_parses_and_reads_back() {
    let examples = examples();
    for (kind, versions) in KINDS {
        for v in *versions {
            assert!(examples.iter().any(|(k, s, _)| k == kind && s == v), "no example of {kind} schema {v}");
        }
    }
    for (kind, schema, payload) in examples {
        let e = StationEvent::parse(kind, schema, &payload).unwrap_or_else(|e| panic!("{kind}/{schema}: {e}"));
        assert_eq!((e.kind(), e.schema()), (kind, schema));
        assert_eq!(e.payload(), payload, "{kind}/{schema} reads back as written");
    }
}

#[test]
fn payload_errors_name_the_field() {
    let cases = [
        (
            PAYMENT_MADE,
            1,
            json!({"bill_type":"electricity","provider":"EVN","bill_reference":"x","amount_vnd":0}),
            "payload.amount_vnd",
        ),
        (
            PAYMENT_MADE,
            1,
            json!({"bill_type":"gold","provider":"EVN","bill_reference":"x","amount_vnd":5}),
            "payload.bill_type",
        ),
        (
            PAYMENT_MADE,
            1,
            json!({"bill_type":"water","provider":"EVN","bill_reference":"x","amount_vnd":"5"}),
            "payload.amount_vnd",
        ),
        (PAYMENT_MADE, 1, json!({"bill_type":"water","provider":"EVN","amount_vnd":5}), "payload.bill_reference"),
        (
            DOSSIER_SUBMITTED,
            1,
            json!({"dossier_code":"nope","procedure_code":"1.001193","fee_vnd":0}),
            "payload.dossier_code",
        ),
        (
            DOSSIER_SUBMITTED,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"9.1","fee_vnd":0}),
            "payload.procedure_code",
        ),
        (
            SECURITY_REPORT_FILED,
            1,
            json!({"category":"aliens","severity":"low","location":"A","description":"d"}),
            "payload.category",
        ),
        (
            SECURITY_REPORT_FILED,
            1,
            json!({"category":"noise","severity":"low","location":"  ","description":"d"}),
            "payload.location",
        ),
        (
            DOSSIER_SUBMITTED,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0,
                "citizen":citizen()}),
            "payload.citizen",
        ),
        (
            DOSSIER_SUBMITTED,
            2,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0}),
            "payload.citizen",
        ),
        (DOSSIER_DOCUMENTS_PROVIDED, 1, json!({"dossier_code":"000.00.25.H29-251010-0001","note":""}), "payload.note"),
        (
            PAYMENT_INITIATED,
            1,
            json!({"bill_type":"water","provider":"SAWACO","bill_reference":"K","amount_vnd":-5}),
            "payload.amount_vnd",
        ),
        (
            PAYMENT_INITIATED,
            1,
            json!({"bill_type":"water","provider":"SAWACO","bill_reference":"K","amount_vnd":Vnd::MAX + 1}),
            "payload.amount_vnd",
        ),
        (PAYMENT_SUCCEEDED, 1, json!({"payment_id":"42","transaction_ref":"T"}), "payload.payment_id"),
        (
            PAYMENT_SUCCEEDED,
            1,
            json!({"payment_id":PAYMENT_ID.to_uppercase(),"transaction_ref":"T"}),
            "payload.payment_id",
        ),
        (PAYMENT_FAILED, 1, json!({"payment_id":PAYMENT_ID}), "payload.reason"),
        (
            HEALTH_INSURANCE_REQUESTED,
            1,
            json!({"plan":"household","household_size":0,"citizen":citizen()}),
            "payload.household_size",
        ),
        (
            HEALTH_INSURANCE_REQUESTED,
            1,
            json!({"plan":"student","household_size":3,"citizen":citizen()}),
            "payload.household_size",
        ),
        (HEALTH_INSURANCE_REQUESTED, 1, json!({"plan":"household","household_size":2}), "payload.citizen"),
        (
            HEALTH_INSURANCE_REQUESTED,
            1,
            json!({"plan":"household","household_size":2,
                "citizen":{"key_id":"k1","pseudonym":"079085001234","age_band":"18-39","sex":"female"}}),
            "payload.citizen.pseudonym",
        ),
        (MEDICAL_EXAM_BOOKED, 1, json!({"specialty":"astrology","citizen":citizen()}), "payload.specialty"),
        (
            FINANCIAL_SERVICE_REQUESTED,
            1,
            json!({"service":"crypto","partner":"X","citizen":citizen()}),
            "payload.service",
        ),
        (
            FINANCIAL_SERVICE_REQUESTED,
            1,
            json!({"service":"consumer_loan","partner":" ","citizen":citizen()}),
            "payload.partner",
        ),
        (FEEDBACK_SUBMITTED, 1, json!({"topic":"other","text":"","citizen":citizen()}), "payload.text"),
        (DATA_CORRECTION_REQUESTED, 1, json!({"fields":[],"citizen":citizen()}), "payload.fields"),
        (DATA_CORRECTION_REQUESTED, 1, json!({"fields":["gender","gender"],"citizen":citizen()}), "payload.fields"),
        (DATA_CORRECTION_REQUESTED, 1, json!({"fields":["shoe_size"],"citizen":citizen()}), "payload.fields[0]"),
        (
            DATA_CORRECTION_REQUESTED,
            1,
            json!({"fields":["gender"],"channel":"vneid","citizen":citizen()}),
            "payload.channel",
        ),
        (
            LOOKUP_PERFORMED,
            1,
            json!({"topic":"dossier_progress","dossier_code":"000.00.25.H29-251010-0001"}),
            "payload.dossier_code",
        ),
        (STATION_HEARTBEAT, 1, json!({"agent_version":"","outbox_depth":0,"clock_skew_ms":0}), "payload.agent_version"),
        (
            STATION_HEARTBEAT,
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
    assert_eq!(StationEvent::parse(PAYMENT_MADE, 9, &json!({})).unwrap_err().field, "schema");
    assert_eq!(StationEvent::parse(DOSSIER_SUBMITTED, 3, &json!({})).unwrap_err().field, "schema");
}
