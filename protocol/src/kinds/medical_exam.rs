//! The medical examination payload: a resident books a remote consultation with a doctor.

use serde::{Deserialize, Serialize};

use super::examples::citizen;
use super::{example, Kind};
use crate::check::text;
use crate::citizen::StationCitizen;
use crate::forgettable::SealedKey;
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of a remote medical examination.
    pub enum MedicalExamKinds {
        Booked(MedicalExamBooking),
    }
}

/// `medical_exam.booked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicalExamBooking {
    pub specialty: Specialty,
    /// A doctor the resident asked for by name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor: Option<String>,
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specialty {
    GeneralPractice,
    InternalMedicine,
    Pediatrics,
    ObstetricsGynecology,
    Cardiology,
    Endocrinology,
    Dermatology,
    Ophthalmology,
    Otorhinolaryngology,
    Dentistry,
    MentalHealth,
    TraditionalMedicine,
}

impl Specialty {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::GeneralPractice => "Khám đa khoa",
            Self::InternalMedicine => "Nội khoa",
            Self::Pediatrics => "Nhi khoa",
            Self::ObstetricsGynecology => "Sản phụ khoa",
            Self::Cardiology => "Tim mạch",
            Self::Endocrinology => "Nội tiết",
            Self::Dermatology => "Da liễu",
            Self::Ophthalmology => "Mắt",
            Self::Otorhinolaryngology => "Tai mũi họng",
            Self::Dentistry => "Răng hàm mặt",
            Self::MentalHealth => "Sức khỏe tâm thần",
            Self::TraditionalMedicine => "Y học cổ truyền",
        }
    }
}

impl Kind for MedicalExamBooking {
    const NAME: &'static str = "medical_exam.booked";

    fn example() -> Self {
        example(json!({"specialty":"pediatrics","doctor":"BS. Nguyễn Thị C","citizen":citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        if let Some(doctor) = &self.doctor {
            text("doctor", doctor, 100)?;
        }
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}
