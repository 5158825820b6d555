//! Step 1: structure, subject, station and signature. A delivery that fails here is
//! dead-lettered unanswered: its sender is not authenticated. Its payload is read here, once.

use domain::aggregates::{route, Origin, Routed};
use protocol::citizen::{CitizenRef, StationCitizen};
use protocol::forgettable::OpenError;
use protocol::kinds::StationEvent;
use protocol::sealed::DataKey;
use protocol::signing::parse_signature_hex;
use protocol::time::local_day;
use protocol::{subjects, verify, Envelope, FieldError};
use store::NewDeadLetter;

use super::{dead, dead_event, Received};
use crate::reasons::*;
use crate::stations::StationState;
use crate::Ingest;

/// A delivery that passed the checks that need no chain: structure, subject, key, signature.
pub(super) struct Authentic {
    pub env: Envelope,
    pub signature: [u8; 64],
    /// Its payload read and routed to its aggregate, or why it cannot be.
    pub routed: Result<Routed, FieldError>,
    /// The data key of its sealed fields, unwrapped (filed in the key table with the event).
    pub data_key: Option<DataKey>,
    /// The pseudonym of the resident it names (its data key is filed under it).
    pub pseudonym: Option<String>,
}

/// What step 1 checks without keys: the envelope, signed by its enrolled station, and its
/// payload read.
pub(super) struct Signed {
    pub env: Envelope,
    pub signature: [u8; 64],
    pub event: Result<StationEvent, FieldError>,
}

/// A payload opened: its data key, and the hub's name for a resident whose ID it seals.
#[derive(Default)]
struct Unsealed {
    data_key: Option<DataKey>,
    citizen: Option<CitizenRef>,
}

impl Ingest {
    /// An `Err` is the dead letter for it (boxed: large, and rare).
    pub(super) async fn authenticate(&mut self, d: Received<'_>) -> Result<Authentic, Box<NewDeadLetter>> {
        let Signed { env, signature, event } = self.authenticate_station(d).await?;
        let mut unsealed = Unsealed::default();
        let routed = event.and_then(|event| {
            unsealed = self.unseal(&env, &event)?;
            route(event, &Origin::of(&env).naming(unsealed.citizen.clone()))
        });
        let pseudonym = match &routed {
            Ok(_) => unsealed.citizen.map(|c| c.pseudonym).or_else(|| named_pseudonym(&env)),
            Err(_) => None,
        };
        Ok(Authentic { env, signature, routed, data_key: unsealed.data_key, pseudonym })
    }

    /// Opens a payload's sealed fields to check their text, keeping the data key, and names the
    /// resident whose ID it seals by the hub's pseudonym (`docs/PROTOCOL.md` sections 10.5 and
    /// 11); a payload that cannot be opened, or whose text breaks its schema, is refused like any
    /// invalid payload.
    fn unseal(&self, env: &Envelope, event: &StationEvent) -> Result<Unsealed, FieldError> {
        if env.payload.get("sealed_key").is_none() {
            return Ok(Unsealed::default());
        }
        let fields = StationEvent::forgettable(&env.kind, env.schema);
        let Some(keyring) = &self.config.keyring else {
            return Err(FieldError::new("payload.sealed_key", "this hub holds no epoch keys to open it"));
        };
        let (data_key, clear) = match keyring.unseal(fields, &env.payload, env.id) {
            Ok(Some(opened)) => opened,
            Ok(None) => return Ok(Unsealed::default()),
            Err(OpenError::Field(field, e)) => return Err(FieldError::new(format!("payload.{field}"), e.to_string())),
            Err(e) => return Err(FieldError::new("payload.sealed_key", e.to_string())),
        };
        StationEvent::parse(&env.kind, env.schema, &clear)?;
        let citizen = match event.citizen().and_then(StationCitizen::sealed) {
            Some(sealed) => {
                let id = sealed.open(&data_key, env.id, local_day(env.time)).map_err(|e| e.under("payload"))?;
                Some(keyring.pseudonymise(&id))
            }
            None => None,
        };
        Ok(Unsealed { data_key: Some(data_key), citizen })
    }

    async fn authenticate_station(&mut self, d: Received<'_>) -> Result<Signed, Box<NewDeadLetter>> {
        let letter = match authenticate(d, |id| self.stations.get(id)) {
            Err(letter) if [UNKNOWN_STATION, STATION_NOT_ENROLLED].contains(&letter.reason.as_str()) => letter,
            checked => return checked,
        };
        // Planned or enrolled by another process since we last looked? One row, not the registry,
        // and once a batch: a flood from an unknown station costs one query.
        let id = letter.station_id.clone().unwrap_or_default();
        if !self.refreshed.insert(id.clone()) {
            return Err(letter);
        }
        if let Err(e) = self.stations.refresh(&self.store, &id).await {
            tracing::warn!(error = %e, "cannot read the station registry");
            return Err(letter);
        }
        authenticate(d, |id| self.stations.get(id))
    }
}

/// The checks of step 1 against the registry's view of a station (`registry`).
pub(super) fn authenticate<'s>(
    d: Received<'_>,
    registry: impl Fn(&str) -> Option<&'s StationState>,
) -> Result<Signed, Box<NewDeadLetter>> {
    let unsigned = |detail: String| Box::new(dead(d, MISSING_SIGNATURE, detail));
    let signature = d.signature.ok_or_else(|| unsigned("no Dcs-Signature header".into()))?;
    let signature = parse_signature_hex(signature).map_err(|e| unsigned(format!("Dcs-Signature: {e}")))?;
    let env = Envelope::parse(d.bytes).map_err(|e| Box::new(dead(d, MALFORMED_EVENT, e.to_string())))?;
    let refuse = |reason: &str, detail: String| Box::new(dead_event(d, &env, reason, detail));
    if subjects::parse_events_subject(d.subject) != Some((env.ward.as_str(), env.station.as_str())) {
        let detail = format!("event of {} in ward {} arrived on {}", env.station, env.ward, d.subject);
        return Err(refuse(SUBJECT_MISMATCH, detail));
    }
    let Some(station) = registry(env.station.as_str()) else {
        return Err(refuse(UNKNOWN_STATION, format!("station {} is not on any ward's plan", env.station)));
    };
    if !station.enrolled {
        return Err(refuse(STATION_NOT_ENROLLED, format!("station {} has not enrolled a key", env.station)));
    }
    let Some(key) = station.public_key.as_deref() else {
        let detail = format!("station {}'s key is revoked (decommissioned, or it signed two histories)", env.station);
        return Err(refuse(STATION_DECOMMISSIONED, detail));
    };
    if station.ward != env.ward.as_str() {
        let detail = format!("station {} belongs to ward {}, not {}", env.station, station.ward, env.ward);
        return Err(refuse(WRONG_WARD, detail));
    }
    verify(key, d.bytes, &signature).map_err(|e| refuse(BAD_SIGNATURE, e.to_string()))?;
    let event = StationEvent::parse(&env.kind, env.schema, &env.payload);
    Ok(Signed { env, signature, event })
}

/// The pseudonym a payload names its resident by, when the station computed it (events recorded
/// before stations sealed IDs).
fn named_pseudonym(env: &Envelope) -> Option<String> {
    let pseudonym = env.payload.get("citizen")?.get("pseudonym")?.as_str()?;
    Some(pseudonym.to_string())
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use protocol::kinds::{Kind, PaymentMade};
    use protocol::{sign, UnsignedEvent, GENESIS};

    use super::*;

    const SUBJECT: &str = "dcs.v1.events.27097.st-27097-diamond-island";

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[5; 32])
    }

    fn signed(payload: serde_json::Value) -> (Vec<u8>, String) {
        let bytes = UnsignedEvent {
            v: protocol::VERSION,
            id: uuid::Uuid::now_v7(),
            station: "st-27097-diamond-island",
            ward: "27097",
            seq: 1,
            prev: GENESIS.to_hex(),
            time: UnsignedEvent::format_time(chrono::Utc::now()),
            kind: PaymentMade::NAME,
            schema: 1,
            payload: &payload,
        }
        .to_bytes();
        let signature = hex::encode(sign(&key(), &bytes));
        (bytes, signature)
    }

    fn enrolled() -> StationState {
        StationState {
            ward: "27097".into(),
            enrolled: true,
            public_key: Some(key().verifying_key().to_bytes().to_vec()),
            last_seq: 0,
            last_hash: GENESIS,
        }
    }

    fn reason(d: Received<'_>, station: Option<StationState>) -> String {
        match authenticate(d, |_| station.as_ref()) {
            Ok(_) => "authentic".into(),
            Err(letter) => letter.reason,
        }
    }

    #[test]
    fn a_signed_event_of_an_enrolled_station_is_authentic_and_its_payload_read_once() {
        let (bytes, sig) = signed(serde_json::to_value(PaymentMade::example()).unwrap());
        let d = Received { subject: SUBJECT, signature: Some(&sig), bytes: &bytes };
        let station = enrolled();
        let a = authenticate(d, |_| Some(&station)).unwrap();
        assert_eq!(a.event.unwrap().kind(), PaymentMade::NAME);
        let (bytes, sig) = signed(serde_json::json!({"amount_vnd": "lots"}));
        let d = Received { subject: SUBJECT, signature: Some(&sig), bytes: &bytes };
        let a = authenticate(d, |_| Some(&station)).unwrap();
        assert_eq!(a.event.unwrap_err().field, "payload.amount_vnd", "authentic, with its payload refused later");
    }

    #[test]
    fn each_failure_of_step_one_has_its_reason() {
        let (bytes, sig) = signed(serde_json::to_value(PaymentMade::example()).unwrap());
        let ok = Received { subject: SUBJECT, signature: Some(&sig), bytes: &bytes };
        assert_eq!(reason(Received { signature: None, ..ok }, Some(enrolled())), MISSING_SIGNATURE);
        assert_eq!(reason(Received { bytes: b"{not json", ..ok }, Some(enrolled())), MALFORMED_EVENT);
        assert_eq!(reason(Received { subject: "dcs.v1.events.26740.st-x", ..ok }, Some(enrolled())), SUBJECT_MISMATCH);
        assert_eq!(reason(ok, None), UNKNOWN_STATION);
        assert_eq!(reason(ok, Some(StationState { enrolled: false, ..enrolled() })), STATION_NOT_ENROLLED);
        assert_eq!(reason(ok, Some(StationState { public_key: None, ..enrolled() })), STATION_DECOMMISSIONED);
        assert_eq!(reason(ok, Some(StationState { ward: "26740".into(), ..enrolled() })), WRONG_WARD);
        let other = SigningKey::from_bytes(&[6; 32]).verifying_key().to_bytes().to_vec();
        assert_eq!(reason(ok, Some(StationState { public_key: Some(other), ..enrolled() })), BAD_SIGNATURE);
        assert_eq!(reason(ok, Some(enrolled())), "authentic");
    }
}
