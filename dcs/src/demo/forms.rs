//! Station forms for the services beyond dossiers, payments and reports: what a kiosk posts to its
//! agent (`kind`, body), with a citizen's 12-digit ID where the service needs one (the agent turns
//! it into a pseudonym before signing).

use chrono::{DateTime, Datelike, Utc};
use protocol::kinds::StationEvent;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

use super::catalog::random_event;

/// A plausible citizen ID: a birth-registration province, a birth year from 1940 to 2007.
pub fn citizen_id(rng: &mut impl Rng) -> String {
    let (province, _, _) = protocol::citizen::BIRTH_PROVINCES.choose(rng).expect("provinces");
    let province = if rng.gen_bool(0.6) { "079" } else { province };
    // Most residents at a kiosk are of working age; about one in four is 60 or older.
    let youngest = 2007.min(Utc::now().year() - 18);
    let year = if rng.gen_bool(0.25) { rng.gen_range(1940..=1965) } else { rng.gen_range(1966..=youngest) };
    let female = rng.gen_bool(0.5);
    let cg = if year >= 2000 { 2 } else { 0 } + u32::from(female);
    format!("{province}{cg}{:02}{:06}", year % 100, rng.gen_range(0..1_000_000))
}

/// One form of the services other than dossiers, payments and security reports.
pub fn random_form(rng: &mut impl Rng) -> (&'static str, Value) {
    use protocol::kinds::*;
    let citizen = citizen_id(rng);
    match rng.gen_range(0..100) {
        0..=19 if rng.gen_bool(0.2) => {
            (HealthInsuranceRequest::NAME, json!({"plan": "student", "household_size": 1, "citizen_id": citizen}))
        }
        0..=19 => (
            HealthInsuranceRequest::NAME,
            json!({"plan": "household", "household_size": rng.gen_range(1..=6), "citizen_id": citizen}),
        ),
        20..=39 => {
            let specialty = ["general_practice", "internal_medicine", "pediatrics", "cardiology", "dermatology"]
                .choose(rng)
                .expect("specialties");
            (MedicalExamBooking::NAME, json!({"specialty": specialty, "citizen_id": citizen}))
        }
        40..=54 => {
            let (service, partner) = [
                ("bank_account", "Agribank"),
                ("bank_account", "Vietcombank"),
                ("credit_card", "BIDV"),
                ("consumer_loan", "VietinBank"),
                ("sim_identification", "Viettel"),
            ]
            .choose(rng)
            .expect("services");
            (FinancialServiceRequest::NAME, json!({"service": service, "partner": partner, "citizen_id": citizen}))
        }
        55..=74 => {
            let (topic, text) = [
                ("living_environment", "Đèn hành lang tầng 5 bị hỏng"),
                ("public_services", "Đề nghị thêm giờ làm việc buổi tối"),
                ("station", "Máy in của trạm hết giấy"),
                ("security_order", "Đề nghị tăng cường tuần tra buổi tối"),
            ]
            .choose(rng)
            .expect("topics");
            (FeedbackSubmission::NAME, json!({"topic": topic, "text": text}))
        }
        75..=84 => {
            let field =
                ["full_name", "date_of_birth", "place_of_origin", "permanent_address"].choose(rng).expect("fields");
            (DataCorrectionRequest::NAME, json!({"fields": [field], "citizen_id": citizen}))
        }
        85..=94 => {
            let level = if rng.gen_bool(0.8) { 2 } else { 1 };
            (VneidActivationRequest::NAME, json!({"level": level, "citizen_id": citizen}))
        }
        _ => (Lookup::NAME, json!({"topic": "information"})),
    }
}

/// The next thing a resident does at a station: three times in four a dossier, a payment or a
/// security report, otherwise one of the other services, whose form's clear `citizen_id`
/// `seal_citizen` replaces as the station's agent does (false: it could not).
pub fn next_event(
    rng: &mut impl Rng,
    station_index: usize,
    n: u64,
    at: DateTime<Utc>,
    seal_citizen: impl FnOnce(&mut serde_json::Value) -> bool,
) -> Option<StationEvent> {
    if rng.gen_bool(0.75) {
        return Some(random_event(rng, station_index, n, at));
    }
    let (kind, mut body) = random_form(rng);
    if !seal_citizen(&mut body) {
        return None;
    }
    StationEvent::parse(kind, StationEvent::newest_schema(kind)?, &body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_citizen_ids_parse_and_forms_are_valid_once_their_ids_are_sealed() {
        let mut rng = rand::thread_rng();
        let today = protocol::time::local_day(Utc::now());
        let epoch = protocol::sealed::EpochSecret::generate("2026-12", &mut rng).public();
        for _ in 0..500 {
            let id = citizen_id(&mut rng);
            protocol::CitizenId::parse(&id, today).unwrap_or_else(|e| panic!("{id}: {e}"));
            let (kind, mut body) = random_form(&mut rng);
            let sealer = protocol::forgettable::Sealer::new(&epoch, uuid::Uuid::now_v7(), &mut rng).unwrap();
            protocol::citizen::seal_form(&mut body, Some(&sealer), today, &mut rng).unwrap();
            sealer.seal_payload(&[], &mut body, &mut rng);
            assert!(body.get("citizen_id").is_none(), "{body}");
            let schema = StationEvent::newest_schema(kind).unwrap();
            StationEvent::parse(kind, schema, &body).unwrap_or_else(|e| panic!("{kind} {body}: {e}"));
        }
    }
}
