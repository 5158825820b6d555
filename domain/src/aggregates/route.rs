//! How a checked station event becomes the command it carries, addressed to one aggregate. An
//! aggregate a station event creates is named by that event's id; except a dossier (its portal
//! code), a station (its id), and a payment's outcome (the `payment_id` of its initiating event).

use super::*;
use protocol::kinds::{CorrectionChannel, StationEvent};
use protocol::Envelope;

/// A command addressed to one aggregate instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub command: AnyCommand,
}

pub fn route(event: StationEvent, envelope: &Envelope) -> Routed {
    let station = envelope.station.to_string();
    let ward = envelope.ward.to_string();
    let at = envelope.time;
    let this_event = envelope.id.to_string();
    let (aggregate_id, command) = match event {
        StationEvent::DossierSubmitted(d) => (
            d.dossier_code.clone(),
            AnyCommand::Dossier(DossierCommand::SubmitDossier {
                dossier_code: d.dossier_code,
                procedure_code: d.procedure_code,
                fee_vnd: d.fee_vnd,
                citizen: None,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::DossierSubmittedV2(d) => (
            d.dossier_code.clone(),
            AnyCommand::Dossier(DossierCommand::SubmitDossier {
                dossier_code: d.dossier_code,
                procedure_code: d.procedure_code,
                fee_vnd: d.fee_vnd,
                citizen: Some(d.citizen),
                station,
                ward,
                at,
            }),
        ),
        StationEvent::DossierDocumentsProvided(d) => {
            (d.dossier_code, AnyCommand::Dossier(DossierCommand::ProvideDocuments { note: d.note, station, at }))
        }
        StationEvent::PaymentMade(p) => (
            this_event,
            AnyCommand::Payment(PaymentCommand::MakePayment {
                bill_type: p.bill_type,
                provider: p.provider,
                bill_reference: p.bill_reference,
                amount_vnd: p.amount_vnd,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::PaymentInitiated(p) => (
            this_event,
            AnyCommand::Payment(PaymentCommand::InitiatePayment {
                bill_type: p.bill_type,
                provider: p.provider,
                bill_reference: p.bill_reference,
                amount_vnd: p.amount_vnd,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::PaymentSucceeded(p) => (
            p.payment_id,
            AnyCommand::Payment(PaymentCommand::RecordPaymentSuccess { transaction_ref: p.transaction_ref, at }),
        ),
        StationEvent::PaymentFailed(p) => {
            (p.payment_id, AnyCommand::Payment(PaymentCommand::RecordPaymentFailure { reason: p.reason, at }))
        }
        StationEvent::SecurityReportFiled(r) => (
            this_event,
            AnyCommand::SecurityReport(SecurityReportCommand::FileSecurityReport {
                category: r.category,
                severity: r.severity,
                location: r.location,
                description: r.description,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::HealthInsuranceRequested(h) => (
            this_event,
            AnyCommand::HealthInsurance(HealthInsuranceCommand::RequestHealthInsurance {
                plan: h.plan,
                household_size: h.household_size,
                citizen: h.citizen,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::MedicalExamBooked(m) => (
            this_event,
            AnyCommand::MedicalExam(MedicalExamCommand::BookMedicalExam {
                specialty: m.specialty,
                doctor: m.doctor,
                citizen: m.citizen,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::FinancialServiceRequested(f) => (
            this_event,
            AnyCommand::FinancialService(FinancialServiceCommand::RequestFinancialService {
                service: f.service,
                partner: f.partner,
                citizen: f.citizen,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::FeedbackSubmitted(f) => (
            this_event,
            AnyCommand::Feedback(FeedbackCommand::SubmitFeedback {
                topic: f.topic,
                text: f.text,
                citizen: f.citizen,
                station,
                ward,
                at,
            }),
        ),
        StationEvent::DataCorrectionRequested(d) => (
            this_event,
            AnyCommand::DataCorrection(DataCorrectionCommand::RequestDataCorrection {
                fields: d.fields,
                channel: CorrectionChannel::Station,
                citizen: d.citizen,
                station: Some(station),
                ward: Some(ward),
                at,
            }),
        ),
        StationEvent::LookupPerformed(l) => {
            (this_event, AnyCommand::Lookup(LookupCommand::RecordLookup { topic: l.topic, station, ward, at }))
        }
        StationEvent::StationHeartbeat(h) => (
            station,
            AnyCommand::Station(StationCommand::RecordHeartbeat {
                agent_version: h.agent_version,
                outbox_depth: h.outbox_depth,
                clock_skew_ms: h.clock_skew_ms,
                at,
            }),
        ),
    };
    Routed { aggregate_type: command.aggregate_type(), aggregate_id, command }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;
    use protocol::kinds::examples::{examples, PAYMENT_ID};
    use protocol::kinds::*;
    use protocol::GENESIS;
    use protocol::{StationId, WardCode};

    fn envelope(kind: &str, schema: u16, payload: &serde_json::Value, id: &str) -> Envelope {
        Envelope {
            id: Uuid::parse_str(id).unwrap(),
            station: StationId::parse("st-27097-diamond-island").unwrap(),
            ward: WardCode::parse("27097").unwrap(),
            seq: 1,
            prev: GENESIS,
            time: "2025-10-10T02:15:00Z".parse::<DateTime<Utc>>().unwrap(),
            kind: kind.into(),
            schema,
            payload: payload.clone(),
        }
    }

    const EVENT_ID: &str = "0199cc3b-0000-7000-8000-000000000001";

    #[test]
    fn each_kind_goes_to_its_aggregate_under_the_right_id() {
        let expected = [
            (DOSSIER_SUBMITTED, 1, "dossier", "000.00.25.H29-251010-0001"),
            (DOSSIER_SUBMITTED, 2, "dossier", "000.00.25.H29-251010-0002"),
            (DOSSIER_DOCUMENTS_PROVIDED, 1, "dossier", "000.00.25.H29-251010-0001"),
            (PAYMENT_MADE, 1, "payment", EVENT_ID),
            (PAYMENT_INITIATED, 1, "payment", EVENT_ID),
            (PAYMENT_SUCCEEDED, 1, "payment", PAYMENT_ID),
            (PAYMENT_FAILED, 1, "payment", PAYMENT_ID),
            (SECURITY_REPORT_FILED, 1, "security_report", EVENT_ID),
            (HEALTH_INSURANCE_REQUESTED, 1, "health_insurance", EVENT_ID),
            (MEDICAL_EXAM_BOOKED, 1, "medical_exam", EVENT_ID),
            (FINANCIAL_SERVICE_REQUESTED, 1, "financial_service", EVENT_ID),
            (FEEDBACK_SUBMITTED, 1, "feedback", EVENT_ID),
            (DATA_CORRECTION_REQUESTED, 1, "data_correction", EVENT_ID),
            (LOOKUP_PERFORMED, 1, "lookup", EVENT_ID),
            (STATION_HEARTBEAT, 1, "station", "st-27097-diamond-island"),
        ];
        let examples = examples();
        assert_eq!(expected.len(), examples.len(), "one expectation per example");
        for (kind, schema, payload) in examples {
            let (_, _, aggregate_type, id) =
                expected.iter().find(|(k, s, _, _)| *k == kind && *s == schema).expect("an expectation");
            let event = StationEvent::parse(kind, schema, &payload).unwrap();
            let routed = route(event, &envelope(kind, schema, &payload, EVENT_ID));
            assert_eq!(
                (routed.aggregate_type, routed.aggregate_id.as_str()),
                (*aggregate_type, *id),
                "{kind}/{schema}"
            );
            assert!(aggregate_types().contains(&routed.aggregate_type));
        }
    }

    fn run(aggregate: &mut AnyAggregate, kind: &str, schema: u16, id: &str) -> Result<Vec<String>, DomainError> {
        let (_, _, payload) = examples().into_iter().find(|(k, s, _)| *k == kind && *s == schema).unwrap();
        let routed = route(StationEvent::parse(kind, schema, &payload).unwrap(), &envelope(kind, schema, &payload, id));
        let events = block_on(aggregate.execute(routed.command))?;
        Ok(events.into_iter().map(|e| e.event_type).collect())
    }

    /// Runs a future to completion on a fresh runtime (the tests are plain `#[test]`s).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn each_station_created_case_opens_on_a_fresh_aggregate() {
        let opening = [
            (DOSSIER_SUBMITTED, 1, "DossierSubmitted"),
            (DOSSIER_SUBMITTED, 2, "DossierSubmitted"),
            (PAYMENT_MADE, 1, "PaymentMade"),
            (PAYMENT_INITIATED, 1, "PaymentInitiated"),
            (SECURITY_REPORT_FILED, 1, "SecurityReportFiled"),
            (HEALTH_INSURANCE_REQUESTED, 1, "HealthInsuranceRequested"),
            (MEDICAL_EXAM_BOOKED, 1, "MedicalExamBooked"),
            (FINANCIAL_SERVICE_REQUESTED, 1, "FinancialServiceRequested"),
            (FEEDBACK_SUBMITTED, 1, "FeedbackSubmitted"),
            (DATA_CORRECTION_REQUESTED, 1, "DataCorrectionRequested"),
            (LOOKUP_PERFORMED, 1, "LookupPerformed"),
        ];
        for (kind, schema, event_type) in opening {
            let (_, _, payload) = examples().into_iter().find(|(k, s, _)| *k == kind && *s == schema).unwrap();
            let routed = route(
                StationEvent::parse(kind, schema, &payload).unwrap(),
                &envelope(kind, schema, &payload, EVENT_ID),
            );
            let mut aggregate = AnyAggregate::new(routed.aggregate_type).unwrap();
            assert_eq!(run(&mut aggregate, kind, schema, EVENT_ID).unwrap(), vec![event_type], "{kind}/{schema}");
        }
    }

    #[test]
    fn a_payment_outcome_lands_on_the_payment_its_station_initiated() {
        let mut payment = AnyAggregate::new("payment").unwrap();
        run(&mut payment, PAYMENT_INITIATED, 1, PAYMENT_ID).unwrap();
        assert_eq!(run(&mut payment, PAYMENT_SUCCEEDED, 1, EVENT_ID).unwrap(), vec!["PaymentSucceeded"]);
        assert_eq!(
            run(&mut payment, PAYMENT_FAILED, 1, EVENT_ID).unwrap_err().0,
            "this payment succeeded; it cannot fail"
        );
    }

    #[test]
    fn documents_for_a_dossier_that_asked_for_none_are_refused() {
        let mut dossier = AnyAggregate::new("dossier").unwrap();
        run(&mut dossier, DOSSIER_SUBMITTED, 1, EVENT_ID).unwrap();
        let err = run(&mut dossier, DOSSIER_DOCUMENTS_PROVIDED, 1, EVENT_ID).unwrap_err();
        assert!(err.0.contains("none were asked for"), "{err}");
    }

    #[test]
    fn a_heartbeat_of_a_station_not_in_the_log_is_refused() {
        let mut station = AnyAggregate::new("station").unwrap();
        assert_eq!(run(&mut station, STATION_HEARTBEAT, 1, EVENT_ID).unwrap_err().0, "this station was never planned");
    }
}
