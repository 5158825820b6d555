//! The hub's audit log as a transparency log, in the C2SP formats (tlog-checkpoint, signed-note,
//! tlog-cosignature, tlog-tiles) over the RFC 6962 tree of `crate::merkle`: what the hub signs and
//! serves, what a station witnesses and cosigns, and what an auditor checks offline. No IO.

pub mod checkpoint;
pub mod cosignature;
pub mod entry;
pub mod note;
pub mod proof;
pub mod tile;
pub mod witness;

pub use checkpoint::Checkpoint;
pub use entry::AuditEntry;
pub use note::{Note, NoteSigner, NoteVerifier};
pub use proof::{Frontier, Subtree};
