//! The health insurance payload: a resident asks to buy or renew health insurance (BHYT).

use serde::{Deserialize, Serialize};

use super::examples::citizen;
use super::{example, Kind};
use crate::citizen::StationCitizen;
use crate::forgettable::SealedKey;
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of a health-insurance registration.
    pub enum HealthInsuranceKinds {
        Requested(HealthInsuranceRequest),
    }
}

/// `health_insurance.requested`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthInsuranceRequest {
    pub plan: HealthInsurancePlan,
    /// How many people the card covers: the household's members on the household plan
    /// (the second to fifth members pay 70 % to 40 % of the first), 1 for a student.
    pub household_size: u8,
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// The plans a resident buys for themselves (employees are insured by their employer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthInsurancePlan {
    /// BHYT hộ gia đình.
    Household,
    /// BHYT học sinh, sinh viên.
    Student,
}

impl HealthInsurancePlan {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Household => "BHYT hộ gia đình",
            Self::Student => "BHYT học sinh, sinh viên",
        }
    }
}

/// The largest household a station registers in one request.
pub const MAX_HOUSEHOLD: u8 = 20;

impl Kind for HealthInsuranceRequest {
    const NAME: &'static str = "health_insurance.requested";

    fn example() -> Self {
        example(json!({"plan":"household","household_size":4,"citizen":citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_household(self.plan, self.household_size)?;
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}

pub fn check_household(plan: HealthInsurancePlan, size: u8) -> Result<(), FieldError> {
    match plan {
        HealthInsurancePlan::Student if size != 1 => {
            Err(FieldError::new("household_size", "a student card covers one person: must be 1"))
        }
        _ if !(1..=MAX_HOUSEHOLD).contains(&size) => {
            Err(FieldError::new("household_size", format!("must be from 1 to {MAX_HOUSEHOLD}")))
        }
        _ => Ok(()),
    }
}
