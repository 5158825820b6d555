//! The DCS domain: the cqrs-es aggregates, one per service of a station, how a station's event
//! becomes a command on one of them, the staff commands, and the upcasters of stored events. The
//! protocol, the kinds and the value types it builds on are the `protocol` crate's.
//! This crate does no IO: no files, no network, no clock reads except where a caller passes time in.

pub mod aggregates;
