//! Values the kinds' examples share: a resident's pseudonym and an initiating payment's id.

use serde_json::{json, Value};

pub const PSEUDONYM: &str = "02761d04480bba09e4e4e4f7076283ca16babdc7e0790b40bf7a44b721a7cad8";
pub const PAYMENT_ID: &str = "0199cc3a-7b5e-7a31-8c1d-3f0e2b9a4d10";

/// A resident as a station sends them: a keyed pseudonym, an age band and a sex.
pub fn citizen() -> Value {
    json!({"key_id": "k2025-10", "pseudonym": PSEUDONYM, "age_band": "40-59", "sex": "male"})
}
