//! Test support shared by the crates' test suites. Everything here is real: a fresh database on
//! the machine's PostgreSQL, a SQLite file, a private `nats-server` process.

mod db;
mod nats;

pub use db::{pg_admin_url, TestDb};
pub use nats::{free_port, NatsServer};
