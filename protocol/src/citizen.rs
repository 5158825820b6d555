//! Citizens: the 12-digit personal ID number read at a station, and the keyed pseudonym
//! ([`CitizenRef`]) that is all the hub ever receives. The number has so little entropy (about
//! 2.5e10 values, 1e6 once province, sex and year are known) that a plain hash is reversible, so
//! the pseudonym is an HMAC-SHA256 under a secret key, named by its `key_id` so keys can rotate.

mod provinces;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use hmac::{Hmac, Mac};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

pub use provinces::{birth_province, BIRTH_PROVINCES};

use crate::forgettable::Sealer;
use crate::sealed::{open_field, DataKey};
use crate::FieldError;

/// A personal ID number (số định danh cá nhân, the number of the căn cước card), checked.
/// Neither `Debug` nor anything else here prints the digits; only [`CitizenId::pseudonym`] uses them.
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenId {
    digits: String,
    /// The day it was read: the age band of its pseudonym is taken on that day.
    read_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Age bands for statistics, by the age reached in the current year (the birthday is not known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "0-17")]
    Under18,
    #[serde(rename = "18-39")]
    From18To39,
    #[serde(rename = "40-59")]
    From40To59,
    #[serde(rename = "60-74")]
    From60To74,
    #[serde(rename = "75+")]
    From75,
}

impl AgeBand {
    pub fn of_age(age: i32) -> Self {
        match age {
            ..=17 => Self::Under18,
            18..=39 => Self::From18To39,
            40..=59 => Self::From40To59,
            60..=74 => Self::From60To74,
            _ => Self::From75,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Under18 => "0-17",
            Self::From18To39 => "18-39",
            Self::From40To59 => "40-59",
            Self::From60To74 => "60-74",
            Self::From75 => "75+",
        }
    }
}

/// What the log keeps of a citizen: a keyed pseudonym (the same person under the same key always
/// gives the same one), and the age band and sex for statistics. Never the number itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitizenRef {
    /// Which pseudonym key was used, e.g. `k2025-10`.
    pub key_id: String,
    /// HMAC-SHA256(key, the 12 digits), 64 lowercase hex digits.
    pub pseudonym: String,
    pub age_band: AgeBand,
    pub sex: Sex,
}

/// A resident as a station's payload names them (`docs/PROTOCOL.md` section 11): their ID sealed
/// to the hub, which names them by a pseudonym under a key no station holds; or, from stations
/// recorded before that, the pseudonym the station computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StationCitizen {
    Sealed(SealedCitizen),
    Named(CitizenRef),
}

/// The 12 digits sealed under the event's data key (field `citizen`), with the age band and sex
/// in clear for statistics; the hub checks both against the digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedCitizen {
    #[serde(with = "crate::forgettable::base64_bytes")]
    pub sealed_id: Vec<u8>,
    pub age_band: AgeBand,
    pub sex: Sex,
}

/// A sealed ID's length: 12 digits, the nonce and the tag.
pub const SEALED_ID_LEN: usize = 12 + 24 + 16;

impl fmt::Debug for SealedCitizen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedCitizen").field("age_band", &self.age_band).field("sex", &self.sex).finish()
    }
}

impl SealedCitizen {
    /// Opens the ID with the event's data key and checks the age band and sex the station stated
    /// against it, taken on `read_on` (the event's local day).
    pub fn open(&self, key: &DataKey, event: Uuid, read_on: NaiveDate) -> Result<CitizenId, FieldError> {
        let digits = open_field(key, event, "citizen", &self.sealed_id)
            .map_err(|e| FieldError::new("citizen.sealed_id", e.to_string()))?;
        let id = CitizenId::parse(&digits, read_on).map_err(|e| FieldError::new("citizen.sealed_id", e.reason))?;
        if id.sex() != self.sex {
            return Err(FieldError::new("citizen.sex", "is not the sex the sealed ID gives"));
        }
        if id.age_band(read_on) != self.age_band {
            return Err(FieldError::new(
                "citizen.age_band",
                "is not the age band the sealed ID gives on the event's day",
            ));
        }
        Ok(id)
    }
}

impl StationCitizen {
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Self::Named(r) => r.validate().map_err(|e| e.under("citizen")),
            Self::Sealed(s) if s.sealed_id.len() == SEALED_ID_LEN => Ok(()),
            Self::Sealed(_) => {
                Err(FieldError::new("citizen.sealed_id", format!("must be {SEALED_ID_LEN} bytes (12 digits sealed)")))
            }
        }
    }

    pub fn is_sealed(&self) -> bool {
        matches!(self, Self::Sealed(_))
    }

    /// The sealed ID, when the hub is to name the resident.
    pub fn sealed(&self) -> Option<&SealedCitizen> {
        match self {
            Self::Sealed(s) => Some(s),
            Self::Named(_) => None,
        }
    }
}

impl Serialize for StationCitizen {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Sealed(c) => c.serialize(s),
            Self::Named(c) => c.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StationCitizen {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = serde_json::Value::deserialize(d)?;
        if v.get("sealed_id").is_some() {
            serde_json::from_value(v).map(Self::Sealed).map_err(D::Error::custom)
        } else {
            serde_json::from_value(v).map(Self::Named).map_err(D::Error::custom)
        }
    }
}

impl From<CitizenRef> for StationCitizen {
    fn from(r: CitizenRef) -> Self {
        Self::Named(r)
    }
}

impl CitizenId {
    /// Reads a personal ID number: exactly 12 digits, `PPP` birth province, `C` century and sex,
    /// `YY` year of birth, six more digits. The year of birth must not be after `today`'s year.
    /// A prefix outside the 63 provinces is accepted (births registered abroad use other codes)
    /// and flagged by [`CitizenId::known_province`].
    pub fn parse(s: &str, today: NaiveDate) -> Result<Self, FieldError> {
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new("citizen_id", "must be exactly 12 digits (số định danh cá nhân)"));
        }
        let id = Self { digits: s.to_string(), read_on: today };
        if id.birth_year() > today.year() {
            return Err(FieldError::new(
                "citizen_id",
                format!("digits 4 to 6 give a year of birth ({}) after this year", id.birth_year()),
            ));
        }
        Ok(id)
    }

    fn digit(&self, i: usize) -> i32 {
        i32::from(self.digits.as_bytes()[i] - b'0')
    }

    /// Whether the first three digits are one of the 63 birth-registration provinces.
    pub fn known_province(&self) -> bool {
        birth_province(&self.digits[..3]).is_some()
    }

    /// The province where the birth was registered, and the province it belongs to now.
    pub fn birth_province(&self) -> Option<(&'static str, &'static str)> {
        birth_province(&self.digits[..3]).map(|(_, then, now)| (*then, *now))
    }

    /// Even century digits are men, odd ones women.
    pub fn sex(&self) -> Sex {
        if self.digit(3) % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 1900 + 100 × (century digit ÷ 2) + `YY`.
    pub fn birth_year(&self) -> i32 {
        1900 + 100 * (self.digit(3) / 2) + 10 * self.digit(4) + self.digit(5)
    }

    pub fn age_band(&self, today: NaiveDate) -> AgeBand {
        AgeBand::of_age(today.year() - self.birth_year())
    }

    /// The ID sealed for the hub with the event's `sealer` (section 11), with its age band and
    /// sex on the day it was read.
    pub fn seal(&self, sealer: &Sealer, rng: &mut (impl CryptoRng + RngCore)) -> SealedCitizen {
        SealedCitizen {
            sealed_id: sealer.seal("citizen", &self.digits, rng),
            age_band: self.age_band(self.read_on),
            sex: self.sex(),
        }
    }

    /// The pseudonym under `key` (at least 32 random bytes, kept by the stations and the hub's key
    /// custodian, never in the log), with the age band on the day the number was read.
    pub fn pseudonym(&self, key: &[u8], key_id: &str) -> CitizenRef {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(self.digits.as_bytes());
        CitizenRef {
            key_id: key_id.to_string(),
            pseudonym: hex::encode(mac.finalize().into_bytes()),
            age_band: self.age_band(self.read_on),
            sex: self.sex(),
        }
    }
}

/// Replaces a clear `citizen_id` in a kiosk's form (a JSON object) by the ID sealed for the hub
/// with the event's `sealer` (`citizen`, and the payload's `sealed_key`), as a station does
/// before signing; a station without the hub's epoch key cannot. A form without one is left alone.
pub fn seal_form(
    body: &mut serde_json::Value,
    sealer: Option<&Sealer>,
    today: NaiveDate,
    rng: &mut (impl CryptoRng + RngCore),
) -> Result<(), FieldError> {
    let Some(obj) = body.as_object_mut() else { return Ok(()) };
    let Some(id) = obj.remove("citizen_id") else { return Ok(()) };
    let id = id.as_str().ok_or_else(|| FieldError::new("citizen_id", "must be a string of 12 digits"))?;
    let citizen = CitizenId::parse(id, today)?;
    let sealer = sealer.ok_or_else(|| {
        FieldError::new("citizen_id", "this station has no epoch key of the hub yet; enroll it again")
    })?;
    let sealed = citizen.seal(sealer, rng);
    obj.insert("citizen".into(), serde_json::to_value(sealed).expect("a sealed citizen serialises"));
    sealer.seal_payload(&[], body, rng);
    Ok(())
}

/// Replaces a clear `citizen_id` in a form (a JSON object) by the citizen's pseudonym under
/// `key` (`citizen`), as the hub does with a staff member's form. A form without one is left alone.
pub fn pseudonymise_form(
    body: &mut serde_json::Value,
    key: Option<(&[u8], &str)>,
    today: NaiveDate,
) -> Result<(), FieldError> {
    let Some(obj) = body.as_object_mut() else { return Ok(()) };
    let Some(id) = obj.remove("citizen_id") else { return Ok(()) };
    let id = id.as_str().ok_or_else(|| FieldError::new("citizen_id", "must be a string of 12 digits"))?;
    let citizen = CitizenId::parse(id, today)?;
    let (key, key_id) =
        key.ok_or_else(|| FieldError::new("citizen_id", "this station has no pseudonym key yet; enroll it again"))?;
    let r = citizen.pseudonym(key, key_id);
    obj.insert("citizen".into(), serde_json::to_value(r).expect("a citizen reference serialises"));
    Ok(())
}

impl fmt::Debug for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CitizenId").field("known_province", &self.known_province()).finish_non_exhaustive()
    }
}

impl CitizenRef {
    /// The checks beyond the JSON shape, for a reference received from a station.
    pub fn validate(&self) -> Result<(), FieldError> {
        let key_ok = (1..=32).contains(&self.key_id.len())
            && self.key_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !key_ok {
            return Err(FieldError::new("key_id", "must be 1 to 32 characters of A-Z, a-z, 0-9, '-', '_' and '.'"));
        }
        let hex_ok =
            self.pseudonym.len() == 64 && self.pseudonym.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex_ok {
            return Err(FieldError::new("pseudonym", "must be 64 lowercase hex digits (HMAC-SHA256)"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"a test key of thirty-two bytes!!";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 10, 10).unwrap()
    }

    fn id(s: &str) -> CitizenId {
        CitizenId::parse(s, today()).unwrap()
    }

    #[test]
    fn a_number_tells_sex_and_year_of_birth() {
        let man_1985 = id("079085001234");
        assert_eq!((man_1985.sex(), man_1985.birth_year()), (Sex::Male, 1985));
        let woman_2003 = id("074303004321");
        assert_eq!((woman_2003.sex(), woman_2003.birth_year()), (Sex::Female, 2003));
        assert_eq!(woman_2003.birth_province(), Some(("Tỉnh Bình Dương", "Thành phố Hồ Chí Minh")));
    }

    #[test]
    fn age_bands_follow_the_year_reached() {
        assert_eq!(id("079308000001").age_band(today()), AgeBand::Under18);
        assert_eq!(id("079207000001").age_band(today()), AgeBand::From18To39);
        assert_eq!(id("079066000001").age_band(today()), AgeBand::From40To59);
        assert_eq!(id("079151000001").age_band(today()), AgeBand::From60To74);
        assert_eq!(id("079050000001").age_band(today()), AgeBand::From75);
        assert_eq!(serde_json::to_value(AgeBand::From75).unwrap(), "75+");
    }

    #[test]
    fn malformed_numbers_and_future_births_are_refused() {
        for bad in ["07908500123", "0790850012345", "07908500123a", " 79085001234", "079427001234"] {
            let err = CitizenId::parse(bad, today()).unwrap_err();
            assert_eq!(err.field, "citizen_id", "{bad}");
        }
        assert!(CitizenId::parse("079225001234", today()).is_ok(), "born in 2025 is fine in 2025");
        assert!(CitizenId::parse("079226001234", today()).is_err(), "born in 2026 is not");
    }

    #[test]
    fn unknown_province_prefixes_are_accepted_but_flagged() {
        assert!(id("079085001234").known_province());
        let abroad = id("704085001234");
        assert!(!abroad.known_province());
        assert_eq!(abroad.birth_province(), None);
    }

    #[test]
    fn the_pseudonym_is_a_keyed_hmac_and_stable() {
        let r = id("079085001234").pseudonym(KEY, "k2025-10");
        assert_eq!(r.pseudonym, id("079085001234").pseudonym(KEY, "k2025-10").pseudonym);
        assert_ne!(r.pseudonym, id("079085001234").pseudonym(b"another key", "k2026-01").pseudonym);
        assert_ne!(r.pseudonym, id("079085001235").pseudonym(KEY, "k2025-10").pseudonym);
        assert_eq!((r.key_id.as_str(), r.age_band, r.sex), ("k2025-10", AgeBand::From40To59, Sex::Male));
        assert!(r.validate().is_ok());
    }

    #[test]
    fn the_pseudonym_is_hmac_sha256_of_the_twelve_digits() {
        // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(KEY, b'079085001234',
        // hashlib.sha256).hexdigest())".
        assert_eq!(
            id("079085001234").pseudonym(KEY, "k2025-10").pseudonym,
            "02761d04480bba09e4e4e4f7076283ca16babdc7e0790b40bf7a44b721a7cad8"
        );
    }

    #[test]
    fn the_clear_number_never_shows() {
        let n = "079085001234";
        let citizen = id(n);
        let r = citizen.pseudonym(KEY, "k2025-10");
        assert!(!format!("{citizen:?}").contains(n));
        assert!(!format!("{r:?}").contains(n));
        assert!(!serde_json::to_string(&r).unwrap().contains(n));
    }

    #[test]
    fn a_received_reference_is_checked() {
        let mut r = id("079085001234").pseudonym(KEY, "k2025-10");
        r.pseudonym = "079085001234".into();
        assert_eq!(r.validate().unwrap_err().field, "pseudonym");
        r.key_id = String::new();
        assert_eq!(r.validate().unwrap_err().field, "key_id");
    }
}
