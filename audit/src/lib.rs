//! The audit log around the event store: the hub's signed checkpoints (`checkpoints`), the bundle
//! an auditor takes away (`bundle`, specified in `docs/AUDIT.md`), and the verifier that checks a
//! bundle or a live database offline (`verify`): signatures, chains, derived domain events, the
//! Merkle root against every checkpoint, and consistency with pinned checkpoints.

pub mod bundle;
pub mod checkpoints;
pub mod start;
pub mod verify;

pub use checkpoints::Checkpointer;
