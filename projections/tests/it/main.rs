//! The read models against a real store, on SQLite and PostgreSQL.

mod security_reports;
mod ward_dashboard;
