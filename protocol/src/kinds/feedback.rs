//! The feedback payload: feedback or a recommendation (phản ánh, kiến nghị) sent from a station.

use serde::{Deserialize, Serialize};

use super::{example, Kind};
use crate::citizen::StationCitizen;
use crate::forgettable::{Sealable, SealedKey};
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of feedback.
    pub enum FeedbackKinds {
        Submitted(FeedbackSubmission),
    }
}

/// `feedback.submitted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSubmission {
    pub topic: FeedbackTopic,
    pub text: Sealable,
    /// Who sent it, when they chose not to stay anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen: Option<StationCitizen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackTopic {
    PublicServices,
    SecurityOrder,
    Station,
    LivingEnvironment,
    Other,
}

impl FeedbackTopic {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::PublicServices => "Thủ tục hành chính, dịch vụ công",
            Self::SecurityOrder => "An ninh trật tự",
            Self::Station => "Trạm công dân số",
            Self::LivingEnvironment => "Môi trường sống, chung cư",
            Self::Other => "Khác",
        }
    }
}

impl Kind for FeedbackSubmission {
    const NAME: &'static str = "feedback.submitted";
    const FORGETTABLE: &'static [&'static str] = &["text"];

    fn example() -> Self {
        example(json!({"topic":"living_environment","text":"Đèn hành lang tầng 5 hỏng"}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        self.text.check("text", 2000)?;
        let sealed_resident = self.citizen.as_ref().is_some_and(StationCitizen::is_sealed);
        SealedKey::check_sealed(&self.sealed_key, self.text.is_sealed() || sealed_resident)?;
        self.citizen.as_ref().map_or(Ok(()), StationCitizen::validate)
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        self.citizen.as_ref()
    }
}
