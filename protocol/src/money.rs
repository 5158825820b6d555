//! Money: Vietnamese đồng in whole units (VND has no minor unit), with a sane upper bound.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// An amount in whole VND, `0 ..= Vnd::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Vnd(pub i64);

impl Vnd {
    /// Ten billion đồng: far above any bill or fee paid at a station.
    pub const MAX: i64 = 10_000_000_000;

    /// A fee, which may be zero (many procedures are free).
    pub fn fee(field: &str, amount: i64) -> Result<Self, FieldError> {
        if !(0..=Self::MAX).contains(&amount) {
            return Err(FieldError::new(field, format!("must be a whole number of VND from 0 to {}", Self::MAX)));
        }
        Ok(Self(amount))
    }

    /// A payment, which must be positive.
    pub fn payment(field: &str, amount: i64) -> Result<Self, FieldError> {
        if !(1..=Self::MAX).contains(&amount) {
            return Err(FieldError::new(field, format!("must be a whole number of VND from 1 to {}", Self::MAX)));
        }
        Ok(Self(amount))
    }
}

impl fmt::Display for Vnd {
    /// Vietnamese style: `1.234.567 ₫`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{out} ₫")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_display_with_dots_and_the_dong_sign() {
        assert_eq!(Vnd(1_234_567).to_string(), "1.234.567 ₫");
        assert_eq!(Vnd(0).to_string(), "0 ₫");
        assert_eq!(Vnd(500).to_string(), "500 ₫");
    }

    #[test]
    fn payments_must_be_positive_and_bounded() {
        assert!(Vnd::payment("amount_vnd", 0).is_err());
        assert!(Vnd::payment("amount_vnd", Vnd::MAX + 1).is_err());
        assert_eq!(Vnd::payment("amount_vnd", 450_000).unwrap(), Vnd(450_000));
        assert!(Vnd::fee("fee_vnd", 0).is_ok());
        assert_eq!(Vnd::fee("fee_vnd", -1).unwrap_err().field, "fee_vnd");
    }
}
