//! The event store suite, run against both SQLite and PostgreSQL.

mod audit_log;
mod fence;
mod suite;
