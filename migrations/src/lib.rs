//! SQL migrations of the hub's database, for PostgreSQL (production) and SQLite (embedded mode),
//! embedded at compile time and applied at start-up.

use sqlx::migrate::Migrator;

/// Migrations in `postgres/`.
pub static POSTGRES: Migrator = sqlx::migrate!("./postgres");

/// Migrations in `sqlite/`: the same tables with SQLite's types.
pub static SQLITE: Migrator = sqlx::migrate!("./sqlite");
