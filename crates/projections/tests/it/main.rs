//! The ward dashboard projection against a real store, on SQLite and PostgreSQL.

mod ward_dashboard;
