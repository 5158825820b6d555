//! How a checked station event becomes the command it carries, addressed to one aggregate. Each
//! aggregate routes its own kinds (`route` in its module); this is the one place that maps a
//! service of [`StationEvent`] to its aggregate, so a new service that is not routed does not build.

use chrono::{DateTime, Utc};
use protocol::citizen::{CitizenRef, StationCitizen};
use protocol::kinds::StationEvent;
use protocol::{Envelope, FieldError, StationId, WardCode};
use uuid::Uuid;

use super::*;

/// Where and when a station event was recorded: what every command from a station carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub event_id: Uuid,
    pub station: StationId,
    pub ward: WardCode,
    pub at: DateTime<Utc>,
    /// The hub's name for the resident whose ID the payload seals (`docs/PROTOCOL.md` section
    /// 11): its key id and pseudonym are taken; the age band and sex are the signed ones.
    pub citizen: Option<CitizenRef>,
}

impl Origin {
    pub fn of(envelope: &Envelope) -> Self {
        Self {
            event_id: envelope.id,
            station: envelope.station.clone(),
            ward: envelope.ward.clone(),
            at: envelope.time,
            citizen: None,
        }
    }

    /// The same origin, with the hub's name for a sealed resident.
    pub fn naming(self, citizen: Option<CitizenRef>) -> Self {
        Self { citizen, ..self }
    }

    /// The domain's reference to the payload's resident: as the station named them, or, sealed,
    /// under the hub's name ([`route`] refuses a sealed resident the hub has not named).
    pub(crate) fn resident(&self, citizen: StationCitizen) -> CitizenRef {
        match citizen {
            StationCitizen::Named(r) => r,
            StationCitizen::Sealed(s) => {
                let hub = self.citizen.as_ref();
                CitizenRef {
                    key_id: hub.map(|h| h.key_id.clone()).unwrap_or_default(),
                    pseudonym: hub.map(|h| h.pseudonym.clone()).unwrap_or_default(),
                    age_band: s.age_band,
                    sex: s.sex,
                }
            }
        }
    }
}

/// A command addressed to one aggregate instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub command: AnyCommand,
}

/// The command a checked station event carries; a payload sealing its resident's ID needs the
/// hub's name for them in `origin`.
pub fn route(event: StationEvent, origin: &Origin) -> Result<Routed, FieldError> {
    if event.citizen().is_some_and(StationCitizen::is_sealed) && origin.citizen.is_none() {
        return Err(FieldError::new("payload.citizen", "the hub has not named the resident whose ID is sealed"));
    }
    let (aggregate_id, command) = match event {
        StationEvent::Dossier(k) => to(dossier::route(k, origin), AnyCommand::Dossier),
        StationEvent::Payment(k) => to(payment::route(k, origin), AnyCommand::Payment),
        StationEvent::SecurityReport(k) => to(security_report::route(k, origin), AnyCommand::SecurityReport),
        StationEvent::HealthInsurance(k) => to(health_insurance::route(k, origin), AnyCommand::HealthInsurance),
        StationEvent::MedicalExam(k) => to(medical_exam::route(k, origin), AnyCommand::MedicalExam),
        StationEvent::FinancialService(k) => to(financial_service::route(k, origin), AnyCommand::FinancialService),
        StationEvent::Feedback(k) => to(feedback::route(k, origin), AnyCommand::Feedback),
        StationEvent::DataCorrection(k) => to(data_correction::route(k, origin), AnyCommand::DataCorrection),
        StationEvent::Lookup(k) => to(lookup::route(k, origin), AnyCommand::Lookup),
        StationEvent::Station(k) => to(station::route(k, origin), AnyCommand::Station),
        StationEvent::Vneid(k) => to(vneid::route(k, origin), AnyCommand::Vneid),
    };
    Ok(Routed { aggregate_type: command.aggregate_type(), aggregate_id, command })
}

fn to<C>((id, command): (String, C), any: impl FnOnce(C) -> AnyCommand) -> (String, AnyCommand) {
    (id, any(command))
}
#[cfg(test)]
mod tests {
    use protocol::kinds::examples::PAYMENT_ID;
    use protocol::kinds::*;

    use super::*;

    const EVENT_ID: &str = "0199cc3b-0000-7000-8000-000000000001";

    fn origin(id: &str) -> Origin {
        Origin {
            event_id: Uuid::parse_str(id).unwrap(),
            station: StationId::parse("st-27097-diamond-island").unwrap(),
            ward: WardCode::parse("27097").unwrap(),
            at: "2025-10-10T02:15:00Z".parse().unwrap(),
            citizen: None,
        }
    }

    /// Runs a future to completion on a fresh runtime (the tests are plain `#[test]`s).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn run(aggregate: &mut AnyAggregate, event: impl Into<StationEvent>, id: &str) -> Result<Vec<String>, DomainError> {
        let routed = route(event.into(), &origin(id)).unwrap();
        let events = block_on(aggregate.execute(routed.command))?;
        Ok(events.into_iter().map(|e| e.event_type).collect())
    }

    #[test]
    fn every_kind_goes_to_a_known_aggregate_that_opens_on_it_or_says_it_was_never_opened() {
        for example in StationEvent::examples() {
            let name = format!("{}/{}", example.kind(), example.schema());
            let routed = route(example.clone(), &origin(EVENT_ID)).unwrap();
            assert!(aggregate_types().contains(&routed.aggregate_type), "{name}");
            let mut fresh = AnyAggregate::new(routed.aggregate_type).unwrap();
            match block_on(fresh.execute(routed.command)) {
                Ok(events) => assert!(!events.is_empty(), "{name} opened nothing"),
                Err(e) => assert!(e.0.contains("never") || e.0.starts_with("no "), "{name}: {e}"),
            }
        }
    }

    #[test]
    fn the_event_a_kind_opens_a_case_with_is_a_visit_and_concerns_the_resident_it_names() {
        for example in StationEvent::examples() {
            let name = format!("{}/{}", example.kind(), example.schema());
            let names_a_resident = example.payload().get("citizen").is_some();
            let routed = route(example, &origin(EVENT_ID)).unwrap();
            let mut fresh = AnyAggregate::new(routed.aggregate_type).unwrap();
            let Ok(events) = block_on(fresh.execute(routed.command)) else { continue };
            let opening = &events[0].event;
            assert!(
                opening.kind().info().visit,
                "{name} opens a case with {}, which is not counted as a visit",
                opening.event_type()
            );
            assert_eq!(
                opening.citizen().is_some(),
                names_a_resident,
                "{name}: the resident of {}",
                opening.event_type()
            );
        }
    }

    #[test]
    fn every_event_type_reads_back_from_its_name_and_no_two_aggregates_share_one() {
        let all = AnyEventType::all();
        for t in &all {
            assert_eq!(AnyEventType::parse(t.name()), Some(*t), "{}", t.name());
            assert!(!t.info().label.is_empty(), "{} has no label", t.name());
            assert_eq!(all.iter().filter(|o| o.name() == t.name()).count(), 1, "{} is declared twice", t.name());
        }
        assert_eq!(AnyEventType::parse("WeatherReported"), None);
    }

    #[test]
    fn a_case_a_station_opens_is_named_by_the_opening_event() {
        let opened = [
            StationEvent::from(PaymentMade::example()),
            PaymentInitiation::example().into(),
            protocol::kinds::SecurityReport::example().into(),
            HealthInsuranceRequest::example().into(),
            MedicalExamBooking::example().into(),
            FinancialServiceRequest::example().into(),
            FeedbackSubmission::example().into(),
            DataCorrectionRequest::example().into(),
            protocol::kinds::Lookup::example().into(),
            VneidActivationRequest::example().into(),
        ];
        for event in opened {
            assert_eq!(route(event.clone(), &origin(EVENT_ID)).unwrap().aggregate_id, EVENT_ID, "{}", event.kind());
        }
    }

    #[test]
    fn a_dossier_is_named_by_its_portal_code_and_a_heartbeat_by_its_station() {
        let dossier = route(DossierSubmissionV2::example().into(), &origin(EVENT_ID)).unwrap();
        assert_eq!((dossier.aggregate_type, dossier.aggregate_id.as_str()), ("dossier", "000.00.25.H29-251010-0002"));
        let documents = route(DocumentsProvision::example().into(), &origin(EVENT_ID)).unwrap();
        assert_eq!(documents.aggregate_id, "000.00.25.H29-251010-0001");
        let beat = route(Heartbeat::example().into(), &origin(EVENT_ID)).unwrap();
        assert_eq!((beat.aggregate_type, beat.aggregate_id.as_str()), ("station", "st-27097-diamond-island"));
    }

    #[test]
    fn a_payment_outcome_lands_on_the_payment_its_station_initiated() {
        let mut payment = AnyAggregate::new("payment").unwrap();
        run(&mut payment, PaymentInitiation::example(), PAYMENT_ID).unwrap();
        assert_eq!(route(PaymentSuccess::example().into(), &origin(EVENT_ID)).unwrap().aggregate_id, PAYMENT_ID);
        assert_eq!(run(&mut payment, PaymentSuccess::example(), EVENT_ID).unwrap(), vec!["PaymentSucceeded"]);
        assert_eq!(
            run(&mut payment, PaymentFailure::example(), EVENT_ID).unwrap_err().0,
            "this payment succeeded; it cannot fail"
        );
    }

    #[test]
    fn documents_for_a_dossier_that_asked_for_none_are_refused() {
        let mut dossier = AnyAggregate::new("dossier").unwrap();
        run(&mut dossier, DossierSubmission::example(), EVENT_ID).unwrap();
        let err = run(&mut dossier, DocumentsProvision::example(), EVENT_ID).unwrap_err();
        assert!(err.0.contains("none were asked for"), "{err}");
    }

    #[test]
    fn a_field_the_station_sealed_reaches_the_log_sealed_naming_the_event_and_field_that_open_it() {
        use protocol::forgettable::seal_payload;
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let epoch = protocol::sealed::EpochSecret::generate("2026-12", &mut rng);
        let event_id = Uuid::parse_str(EVENT_ID).unwrap();
        let mut sealed_kinds = 0;
        for example in StationEvent::examples() {
            let fields = StationEvent::forgettable(example.kind(), example.schema());
            let mut payload = example.payload();
            if !seal_payload(fields, &mut payload, &epoch.public(), event_id, &mut rng).unwrap() {
                continue;
            }
            sealed_kinds += 1;
            let sealed = StationEvent::parse(example.kind(), example.schema(), &payload).unwrap();
            sealed.validate().unwrap();
            let routed = route(sealed, &origin(EVENT_ID)).unwrap();
            let command = format!("{:?}", routed.command);
            for field in fields {
                let clear = example.payload()[*field].as_str().unwrap().to_string();
                assert!(!command.contains(&clear), "{}: {field} in clear in {command}", example.kind());
                assert!(command.contains(&format!("Sealed({event_id}, {field})")), "{}: {command}", example.kind());
            }
        }
        assert_eq!(sealed_kinds, 7, "security report, feedback, four payment kinds, documents provided");
    }

    #[test]
    fn a_heartbeat_of_a_station_not_in_the_log_is_refused() {
        let mut station = AnyAggregate::new("station").unwrap();
        assert_eq!(run(&mut station, Heartbeat::example(), EVENT_ID).unwrap_err().0, "this station was never planned");
    }

    #[test]
    fn a_resident_whose_id_the_station_sealed_is_named_by_the_hub_with_the_signed_age_band_and_sex() {
        use protocol::citizen::{AgeBand, CitizenId, Sex};
        use protocol::forgettable::Sealer;
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let epoch = protocol::sealed::EpochSecret::generate("2026-12", &mut rng);
        let event_id = Uuid::parse_str(EVENT_ID).unwrap();
        let sealer = Sealer::new(&epoch.public(), event_id, &mut rng).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2025, 10, 10).unwrap();
        let id = CitizenId::parse("079151000001", day).unwrap();
        let mut payload = StationEvent::from(VneidActivationRequest::example()).payload();
        payload["citizen"] = serde_json::to_value(id.seal(&sealer, &mut rng)).unwrap();
        assert!(sealer.seal_payload(&[], &mut payload, &mut rng), "a sealed resident needs the sealed key");
        let event = StationEvent::parse(VneidActivationRequest::NAME, 1, &payload).unwrap();
        assert_eq!(route(event.clone(), &origin(EVENT_ID)).unwrap_err().field, "payload.citizen");
        let hub = id.pseudonym(b"the hub's own key", "pk-hub");
        let routed = route(event, &origin(EVENT_ID).naming(Some(hub.clone()))).unwrap();
        let AnyCommand::Vneid(vneid::VneidCommand::RequestVneidActivation { citizen, .. }) = routed.command else {
            panic!("routed to {:?}", routed.command)
        };
        assert_eq!(citizen, hub);
        assert_eq!((citizen.age_band, citizen.sex), (AgeBand::From60To74, Sex::Female), "born 1951, a woman");
    }
}
