//! Protocol v1 between a station and the hub (specified in `docs/PROTOCOL.md`): the signed event
//! bytes, the hash chain, the NATS subjects and headers, receipts and enrollment, and the kinds of
//! event a station records with their payload schemas and value types. This is the whole contract
//! a kiosk needs: a vendor writing in Rust can use this crate alone. It does no IO.

pub mod chain;
pub mod check;
pub mod citizen;
pub mod enrollment;
pub mod envelope;
pub mod forgettable;
pub mod kek;
pub mod kinds;
pub mod merkle;
pub mod money;
pub mod receipt;
pub mod sealed;
pub mod signing;
pub mod station;
pub mod subjects;
pub mod time;
pub mod tlog;
pub mod ward;

pub use chain::{chain_hash, ChainHash, GENESIS};
pub use citizen::{CitizenId, CitizenRef};
pub use envelope::{Envelope, EnvelopeError, UnsignedEvent};
pub use money::Vnd;
pub use receipt::{Receipt, ReceiptStatus};
pub use signing::{sign, verify, SignatureError};
pub use station::StationId;
pub use ward::{Ward, WardCode};

/// The protocol version this code speaks.
pub const VERSION: u8 = 1;

/// `s` with its control characters (newlines and tabs too) written as Rust escapes (`\u{0}`).
pub fn printable(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// A validation error that names the field at fault, so that a caller (a kiosk, an operator, a
/// vendor's integration) can show it next to the right input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    /// The field and reason may quote what was sent; control characters in them (a member named
    /// U+0000, say) are written as escapes, so that an error can be stored, logged and shown.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self { field: printable(field.into()), reason: printable(reason.into()) }
    }

    /// The same error, for a field nested under `parent` (`payload.amount_vnd`).
    pub fn under(self, parent: &str) -> Self {
        Self { field: format!("{parent}.{}", self.field), reason: self.reason }
    }
}
