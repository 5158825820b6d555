//! The 168 commune-level units of Ho Chi Minh City (official codes since 1 July 2025), shipped as
//! data with the product: every dashboard is keyed by them and every ward code is checked against them.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// The official list: `data/hcmc_wards.csv` (source and licence in `data/LICENSE-dvhcvn`).
const WARDS_CSV: &str = include_str!("../../data/hcmc_wards.csv");

/// One ward, commune or special zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ward {
    pub code: String,
    pub name: String,
    /// `ward`, `commune` or `special_zone`.
    pub kind: String,
}

struct Registry {
    wards: Vec<Ward>,
    by_code: HashMap<String, usize>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let wards: Vec<Ward> = WARDS_CSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut cols = line.splitn(3, ',');
                let (code, name, kind) = (cols.next(), cols.next(), cols.next());
                Ward {
                    code: code.expect("ward code column").trim().to_string(),
                    name: name.expect("ward name column").trim().to_string(),
                    kind: kind.expect("ward type column").trim().to_string(),
                }
            })
            .collect();
        let by_code = wards.iter().enumerate().map(|(i, w)| (w.code.clone(), i)).collect();
        Registry { wards, by_code }
    })
}

/// All 168 units, in the order of their official codes.
pub fn all() -> &'static [Ward] {
    &registry().wards
}

/// The unit with this code, if it is on the official list.
pub fn find(code: &str) -> Option<&'static Ward> {
    let r = registry();
    r.by_code.get(code).map(|&i| &r.wards[i])
}

/// A ward code that is on the official list (five digits, e.g. `27097` for Phường Bình Trưng).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WardCode(String);

impl WardCode {
    pub fn parse(code: &str) -> Result<Self, FieldError> {
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new("ward", format!("`{code}` is not a ward code (five digits, e.g. 27097)")));
        }
        match find(code) {
            Some(_) => Ok(Self(code.to_string())),
            None => Err(FieldError::new("ward", format!("`{code}` is not one of the 168 wards of Ho Chi Minh City"))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn ward(&self) -> &'static Ward {
        find(&self.0).expect("a WardCode is always on the list")
    }
}

impl TryFrom<String> for WardCode {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WardCode> for String {
    fn from(value: WardCode) -> Self {
        value.0
    }
}

impl fmt::Display for WardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_list_has_168_units_with_unique_codes() {
        assert_eq!(all().len(), 168);
        assert_eq!(registry().by_code.len(), 168);
        let zones = all().iter().filter(|w| w.kind == "special_zone").count();
        assert_eq!(zones, 1);
    }

    #[test]
    fn binh_trung_is_27097() {
        let w = WardCode::parse("27097").unwrap();
        assert_eq!(w.ward().name, "Phường Bình Trưng");
    }

    #[test]
    fn unknown_and_malformed_codes_are_refused_naming_the_field() {
        let e = WardCode::parse("99999").unwrap_err();
        assert_eq!(e.field, "ward");
        assert!(e.reason.contains("168 wards"));
        assert!(WardCode::parse("2709").is_err());
        assert!(WardCode::parse("2709a").is_err());
    }
}
