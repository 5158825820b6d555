//! The DCS domain: the station protocol (envelope bytes, signatures, hash chain, receipts),
//! value types (ward, station, VND, citizen pseudonym), the station event kinds, and the cqrs-es
//! aggregates.
//! This crate does no IO: no files, no network, no clock reads except where a caller passes time in.

pub mod aggregates;
mod check;
pub mod citizen;
pub mod kinds;
pub mod money;
pub mod protocol;
pub mod station;
pub mod time;
pub mod ward;

pub use citizen::{CitizenId, CitizenRef};
pub use money::Vnd;
pub use station::StationId;
pub use ward::{Ward, WardCode};

/// A validation error that names the field at fault, so that a caller (a kiosk, an operator, a
/// vendor's integration) can show it next to the right input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: field.into(), reason: reason.into() }
    }

    /// The same error, for a field nested under `parent` (`payload.amount_vnd`).
    pub fn under(self, parent: &str) -> Self {
        Self { field: format!("{parent}.{}", self.field), reason: self.reason }
    }
}
