//! Test support shared by the crates' test suites. Everything here is real: a fresh database on
//! the machine's PostgreSQL, a SQLite file, a private `nats-server` process, a TCP link that can be
//! cut.

mod db;
mod link;
mod nats;

pub use db::{pg_admin_url, TestDb};
pub use link::Link;
pub use nats::{free_port, NatsServer};

/// Runs each named test, an `async fn(TestDb)`, once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::TestDb::sqlite().await).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name($crate::TestDb::postgres().await).await })*
        }
    };
}
