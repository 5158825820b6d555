//! Protocol v1 between a station and the hub (specified in `docs/PROTOCOL.md`): the signed event
//! bytes, the hash chain, the NATS subjects and headers, and the receipt.

pub mod chain;
pub mod envelope;
pub mod receipt;
pub mod signing;
pub mod subjects;

pub use chain::{chain_hash, ChainHash, GENESIS};
pub use envelope::{Envelope, EnvelopeError, UnsignedEvent};
pub use receipt::{Receipt, ReceiptStatus};
pub use signing::{sign, verify, SignatureError};

/// The protocol version this code speaks.
pub const VERSION: u8 = 1;
