//! The security report payload: a security and order issue reported at a station.

use serde::{Deserialize, Serialize};

use super::{example, Kind};
use crate::forgettable::{Sealable, SealedKey};
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of a security report.
    pub enum SecurityReportKinds {
        Filed(SecurityReport),
    }
}

/// `security_report.filed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityReport {
    /// One of [`REPORT_CATEGORIES`].
    pub category: String,
    pub severity: Severity,
    /// Where in the building, e.g. `Tháp A, tầng 12`.
    pub location: Sealable,
    pub description: Sealable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// Security and order report categories (key, Vietnamese name), from the city's reference list.
pub const REPORT_CATEGORIES: &[(&str, &str)] = &[
    ("crime_denunciation", "Tố giác, tin báo về tội phạm"),
    ("theft", "Trộm cắp tài sản"),
    ("fraud", "Lừa đảo chiếm đoạt tài sản"),
    ("drugs", "Ma túy"),
    ("gambling", "Cờ bạc"),
    ("prostitution", "Mại dâm"),
    ("public_disorder", "Gây rối trật tự công cộng, đánh nhau"),
    ("loan_sharking", "Tín dụng đen, đòi nợ thuê"),
    ("street_racing", "Đua xe trái phép"),
    ("noise", "Gây ồn ào, karaoke quá giờ"),
    ("residence_violation", "Vi phạm quy định về cư trú"),
    ("fire_safety", "Nguy cơ cháy nổ, vi phạm PCCC"),
    ("traffic", "Tai nạn, vi phạm trật tự an toàn giao thông"),
    ("domestic_violence", "Bạo lực gia đình"),
    ("cyber", "Vi phạm an ninh mạng, lộ lọt dữ liệu cá nhân"),
    ("other", "Khác"),
];

/// The Vietnamese name of a report category key.
pub fn category_name(key: &str) -> Option<&'static str> {
    REPORT_CATEGORIES.iter().find(|(k, _)| *k == key).map(|(_, name)| *name)
}

impl Kind for SecurityReport {
    const NAME: &'static str = "security_report.filed";
    const FORGETTABLE: &'static [&'static str] = &["location", "description"];

    fn example() -> Self {
        example(json!({"category":"noise","severity":"low","location":"Tháp A, tầng 12",
            "description":"Karaoke sau 22 giờ"}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        if !REPORT_CATEGORIES.iter().any(|(k, _)| *k == self.category) {
            let keys: Vec<&str> = REPORT_CATEGORIES.iter().map(|(k, _)| *k).collect();
            return Err(FieldError::new(
                "category",
                format!("`{}` is not a category ({})", self.category, keys.join(", ")),
            ));
        }
        self.location.check("location", 200)?;
        self.description.check("description", 2000)?;
        SealedKey::check(&self.sealed_key, &[&self.location, &self.description])
    }
}
