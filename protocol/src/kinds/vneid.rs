//! The VNeID payload: a resident asks the station to help activate their electronic-identification
//! account in the VNeID app (level 1 or 2), which the city counts as a Project 06 target.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::examples::citizen;
use super::{example, Kind};
use crate::citizen::StationCitizen;
use crate::forgettable::SealedKey;
use crate::FieldError;

kinds! {
    /// The kinds of a VNeID account activation.
    pub enum VneidKinds {
        ActivationRequested(VneidActivationRequest),
    }
}

/// `vneid.activation_requested`: the resident, by pseudonym, and the level asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VneidActivationRequest {
    /// 1: an account identified by the citizen ID alone; 2: with the photo and fingerprints of
    /// the căn cước card, verified by the police (what most public services need).
    pub level: u8,
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

impl Kind for VneidActivationRequest {
    const NAME: &'static str = "vneid.activation_requested";

    fn example() -> Self {
        example(json!({"level": 2, "citizen": citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        if !matches!(self.level, 1 | 2) {
            return Err(FieldError::new("level", "must be 1 or 2"));
        }
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}
