//! The kinds of event a station records, with their payload schemas (v1). The station checks a
//! payload before it records it; the hub checks it again before it turns it into a command.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{FieldError, Vnd};

pub const DOSSIER_SUBMITTED: &str = "dossier.submitted";
pub const PAYMENT_MADE: &str = "payment.made";
pub const SECURITY_REPORT_FILED: &str = "security_report.filed";

/// Every kind this hub understands, with the schema versions it accepts.
pub const KINDS: &[(&str, &[u16])] = &[(DOSSIER_SUBMITTED, &[1]), (PAYMENT_MADE, &[1]), (SECURITY_REPORT_FILED, &[1])];

/// An administrative-procedure dossier filed to the public service portal from a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierSubmission {
    /// The portal's dossier code, e.g. `000.00.25.H29-251010-0001` (kept as given).
    pub dossier_code: String,
    /// The national procedure code, e.g. `1.001193` (đăng ký khai sinh).
    pub procedure_code: String,
    /// The fee in whole VND (0 for free procedures).
    pub fee_vnd: i64,
}

/// A bill or fee paid at a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMade {
    pub bill_type: BillType,
    /// Who is paid, e.g. `EVNHCMC`.
    pub provider: String,
    /// The bill's or customer's reference with the provider.
    pub bill_reference: String,
    pub amount_vnd: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillType {
    Electricity,
    Water,
    Internet,
    Telecom,
    Tuition,
    ApartmentManagementFee,
    ProcedureFee,
    HealthInsurance,
}

impl BillType {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Electricity => "Tiền điện",
            Self::Water => "Tiền nước",
            Self::Internet => "Cước internet",
            Self::Telecom => "Cước viễn thông",
            Self::Tuition => "Học phí",
            Self::ApartmentManagementFee => "Phí quản lý chung cư",
            Self::ProcedureFee => "Phí, lệ phí thủ tục hành chính",
            Self::HealthInsurance => "Bảo hiểm y tế",
        }
    }
}

/// A security and order issue reported at a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityReport {
    /// One of [`REPORT_CATEGORIES`].
    pub category: String,
    pub severity: Severity,
    /// Where in the building, e.g. `Tháp A, tầng 12`.
    pub location: String,
    pub description: String,
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

/// A station event's payload, read and checked according to its kind and schema version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StationEvent {
    DossierSubmitted(DossierSubmission),
    PaymentMade(PaymentMade),
    SecurityReportFiled(SecurityReport),
}

impl StationEvent {
    /// Reads and checks a payload. Errors name the field as `payload.<field>`.
    pub fn parse(kind: &str, schema: u16, payload: &serde_json::Value) -> Result<Self, FieldError> {
        let Some((_, versions)) = KINDS.iter().find(|(k, _)| *k == kind) else {
            let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            return Err(FieldError::new("kind", format!("`{kind}` is not a known kind ({})", known.join(", "))));
        };
        if !versions.contains(&schema) {
            return Err(FieldError::new("schema", format!("{kind} has no schema version {schema}")));
        }
        let event = match kind {
            DOSSIER_SUBMITTED => Self::DossierSubmitted(read(payload)?),
            PAYMENT_MADE => Self::PaymentMade(read(payload)?),
            _ => Self::SecurityReportFiled(read(payload)?),
        };
        event.validate().map_err(|e| e.under("payload"))?;
        Ok(event)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::DossierSubmitted(_) => DOSSIER_SUBMITTED,
            Self::PaymentMade(_) => PAYMENT_MADE,
            Self::SecurityReportFiled(_) => SECURITY_REPORT_FILED,
        }
    }

    pub fn schema(&self) -> u16 {
        1
    }

    pub fn payload(&self) -> serde_json::Value {
        match self {
            Self::DossierSubmitted(p) => serde_json::to_value(p),
            Self::PaymentMade(p) => serde_json::to_value(p),
            Self::SecurityReportFiled(p) => serde_json::to_value(p),
        }
        .expect("payloads always serialise")
    }

    /// The checks beyond the JSON shape; field names are relative to the payload.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Self::DossierSubmitted(d) => {
                check_dossier_code(&d.dossier_code)?;
                check_procedure_code(&d.procedure_code)?;
                Vnd::fee("fee_vnd", d.fee_vnd)?;
            }
            Self::PaymentMade(p) => {
                text("provider", &p.provider, 100)?;
                text("bill_reference", &p.bill_reference, 64)?;
                Vnd::payment("amount_vnd", p.amount_vnd)?;
            }
            Self::SecurityReportFiled(r) => {
                if !REPORT_CATEGORIES.iter().any(|(k, _)| *k == r.category) {
                    let keys: Vec<&str> = REPORT_CATEGORIES.iter().map(|(k, _)| *k).collect();
                    return Err(FieldError::new(
                        "category",
                        format!("`{}` is not a category ({})", r.category, keys.join(", ")),
                    ));
                }
                text("location", &r.location, 200)?;
                text("description", &r.description, 2000)?;
            }
        }
        Ok(())
    }
}

fn read<T: DeserializeOwned>(payload: &serde_json::Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(payload).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde reports a missing field at its parent; name the field itself.
        let missing = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()).map(str::to_string);
        let field = match (path.as_str(), missing) {
            (".", Some(m)) => format!("payload.{m}"),
            (".", None) => "payload".to_string(),
            (p, Some(m)) => format!("payload.{p}.{m}"),
            (p, None) => format!("payload.{p}"),
        };
        FieldError::new(field, message)
    })
}

fn text(field: &str, value: &str, max_chars: usize) -> Result<(), FieldError> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(FieldError::new(field, format!("must be at most {max_chars} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(())
}

/// Dossier codes as observed on the portals (Circular 01/2018/TT-VPCP art. 19, lenient form):
/// agency code, receipt date `YYMMDD`, sequence of the day.
pub fn check_dossier_code(code: &str) -> Result<(), FieldError> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^[0-9A-Z]{1,3}(?:\.[0-9A-Z]{1,3}){1,3}-\d{6}-\d{4,5}$").expect("valid regex")
    });
    if re.is_match(code) {
        Ok(())
    } else {
        Err(FieldError::new("dossier_code", format!("`{code}` is not a dossier code (e.g. 000.00.25.H29-251010-0001)")))
    }
}

/// National procedure codes (`1.001193`), optionally with the portal's agency suffix.
pub fn check_procedure_code(code: &str) -> Result<(), FieldError> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"^[1-3]\.\d{6}(?:\.[0-9A-Z]{1,3}){0,4}$").expect("valid regex"));
    if re.is_match(code) {
        Ok(())
    } else {
        Err(FieldError::new("procedure_code", format!("`{code}` is not a national procedure code (e.g. 1.001193)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_valid_payment_parses() {
        let p = json!({"bill_type":"electricity","provider":"EVNHCMC","bill_reference":"PE04000123456","amount_vnd":452000});
        let e = StationEvent::parse(PAYMENT_MADE, 1, &p).unwrap();
        assert_eq!(e.kind(), PAYMENT_MADE);
        assert_eq!(e.payload(), p);
    }

    #[test]
    fn payload_errors_name_the_field() {
        let cases = [
            (
                PAYMENT_MADE,
                json!({"bill_type":"electricity","provider":"EVN","bill_reference":"x","amount_vnd":0}),
                "payload.amount_vnd",
            ),
            (
                PAYMENT_MADE,
                json!({"bill_type":"gold","provider":"EVN","bill_reference":"x","amount_vnd":5}),
                "payload.bill_type",
            ),
            (
                PAYMENT_MADE,
                json!({"bill_type":"water","provider":"EVN","bill_reference":"x","amount_vnd":"5"}),
                "payload.amount_vnd",
            ),
            (PAYMENT_MADE, json!({"bill_type":"water","provider":"EVN","amount_vnd":5}), "payload.bill_reference"),
            (
                DOSSIER_SUBMITTED,
                json!({"dossier_code":"nope","procedure_code":"1.001193","fee_vnd":0}),
                "payload.dossier_code",
            ),
            (
                DOSSIER_SUBMITTED,
                json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"9.1","fee_vnd":0}),
                "payload.procedure_code",
            ),
            (
                SECURITY_REPORT_FILED,
                json!({"category":"aliens","severity":"low","location":"A","description":"d"}),
                "payload.category",
            ),
            (
                SECURITY_REPORT_FILED,
                json!({"category":"noise","severity":"low","location":"  ","description":"d"}),
                "payload.location",
            ),
        ];
        for (kind, payload, field) in cases {
            let err = StationEvent::parse(kind, 1, &payload).unwrap_err();
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn unknown_kinds_and_schemas_are_refused() {
        assert_eq!(StationEvent::parse("weather.reported", 1, &json!({})).unwrap_err().field, "kind");
        assert_eq!(StationEvent::parse(PAYMENT_MADE, 9, &json!({})).unwrap_err().field, "schema");
    }

    #[test]
    fn dossier_codes_follow_the_observed_forms() {
        assert!(check_dossier_code("000.00.25.H29-251010-0001").is_ok());
        assert!(check_dossier_code("38.98.H29-210519-0013").is_ok());
        assert!(check_dossier_code("H29-251010").is_err());
        assert!(check_procedure_code("1.000494.000.00.00.H29").is_ok());
    }
}
