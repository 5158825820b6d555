//! The data correction payload: a resident asks to correct their record in the national
//! population database (Cơ sở dữ liệu quốc gia về dân cư).

use serde::{Deserialize, Serialize};

use super::examples::citizen;
use super::{example, Kind};
use crate::citizen::StationCitizen;
use crate::forgettable::SealedKey;
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of a citizen-data correction.
    pub enum DataCorrectionKinds {
        Requested(DataCorrectionRequest),
    }
}

/// `data_correction.requested` (the channel is the station itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataCorrectionRequest {
    /// Which fields are wrong (not their values: those are checked in person).
    pub fields: Vec<CitizenField>,
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// The fields of a citizen's record that a correction may concern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CitizenField {
    FullName,
    DateOfBirth,
    Gender,
    PlaceOfBirth,
    PlaceOfOrigin,
    PermanentAddress,
    Ethnicity,
    Religion,
    Nationality,
}

/// Where a correction was asked for: at a station, at the commune police, by the city police's
/// data hotline (069.318.7111), or in the VNeID app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionChannel {
    Station,
    PoliceStation,
    PoliceHotline,
    Vneid,
}

impl Kind for DataCorrectionRequest {
    const NAME: &'static str = "data_correction.requested";

    fn example() -> Self {
        example(json!({"fields":["full_name","place_of_origin"],"citizen":citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_fields(&self.fields)?;
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}

/// At least one field, each named once.
pub fn check_fields(fields: &[CitizenField]) -> Result<(), FieldError> {
    if fields.is_empty() {
        return Err(FieldError::new("fields", "name at least one field to correct"));
    }
    let mut sorted = fields.to_vec();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != fields.len() {
        return Err(FieldError::new("fields", "name each field once"));
    }
    Ok(())
}
