//! The event store suite, run against both SQLite and PostgreSQL.

mod fence;
mod suite;
