//! Dossier payloads: a dossier filed to the public service portal (schemas 1 and 2), and the
//! documents a resident brings back when the agency asks for more.

use serde::{Deserialize, Serialize};

use super::examples::citizen;
use super::{example, Kind};
use crate::citizen::StationCitizen;
use crate::forgettable::{Sealable, SealedKey};
use crate::{FieldError, Vnd};
use serde_json::json;

kinds! {
    /// The kinds a dossier is filed and followed with.
    pub enum DossierKinds {
        Submitted(DossierSubmission),
        SubmittedV2(DossierSubmissionV2),
        DocumentsProvided(DocumentsProvision),
    }
}

/// `dossier.submitted` schema 1: an administrative-procedure dossier filed to the public service
/// portal from a station.
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

/// `dossier.submitted` schema 2: schema 1 and the applicant's pseudonym (required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierSubmissionV2 {
    pub dossier_code: String,
    pub procedure_code: String,
    pub fee_vnd: i64,
    /// The applicant, as the station's pseudonym.
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// `dossier.documents_provided`: the resident brought the documents the agency asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsProvision {
    pub dossier_code: String,
    /// What was brought, e.g. `Bản sao giấy chứng sinh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Sealable>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

impl Kind for DossierSubmission {
    const NAME: &'static str = "dossier.submitted";

    fn example() -> Self {
        example(json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_dossier_code(&self.dossier_code)?;
        check_procedure_code(&self.procedure_code)?;
        Vnd::fee("fee_vnd", self.fee_vnd)?;
        Ok(())
    }
}

impl Kind for DossierSubmissionV2 {
    const NAME: &'static str = "dossier.submitted";
    const SCHEMA: u16 = 2;

    fn example() -> Self {
        example(json!({"dossier_code":"000.00.25.H29-251010-0002","procedure_code":"1.004222","fee_vnd":20000,
            "citizen":citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_dossier_code(&self.dossier_code)?;
        check_procedure_code(&self.procedure_code)?;
        Vnd::fee("fee_vnd", self.fee_vnd)?;
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}

impl Kind for DocumentsProvision {
    const NAME: &'static str = "dossier.documents_provided";
    const FORGETTABLE: &'static [&'static str] = &["note"];

    fn example() -> Self {
        example(json!({"dossier_code":"000.00.25.H29-251010-0001","note":"Bản sao giấy chứng sinh"}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_dossier_code(&self.dossier_code)?;
        match &self.note {
            Some(note) => {
                note.check("note", 500)?;
                SealedKey::check(&self.sealed_key, &[note])
            }
            None => SealedKey::check(&self.sealed_key, &[]),
        }
    }
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

    #[test]
    fn dossier_codes_follow_the_observed_forms() {
        assert!(check_dossier_code("000.00.25.H29-251010-0001").is_ok());
        assert!(check_dossier_code("38.98.H29-210519-0013").is_ok());
        assert!(check_dossier_code("H29-251010").is_err());
        assert!(check_procedure_code("1.000494.000.00.00.H29").is_ok());
    }
}
