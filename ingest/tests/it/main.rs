//! Ingest against a real database: crafted and random messages never stall or crash it.

mod fuzz;
mod keyring;
mod sealed_residents;
