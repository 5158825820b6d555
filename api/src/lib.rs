//! The hub's HTTP side and the wiring of the whole product: the axum server (dashboards, pages,
//! station enrollment, dead letters), the hub that runs ingest, projector and server together
//! with one shutdown, the embedded demo, and the `dcs` command line.

pub mod app;
pub mod bench;
pub mod cli;
pub mod deadlines;
pub mod demo;
pub mod error;
pub mod hub;
pub mod routes;
mod web;

pub use app::{AppState, Application};
pub use error::ApiError;
pub use hub::{Hub, HubOptions};
