//! The hub's HTTP side: the axum server (dashboards, pages, staff case API, station planning and
//! enrollment, dead letters) and the hub that runs ingest, projectors, deadline watch and server
//! together under one shutdown.

pub mod app;
pub mod attempts;
pub mod auth;
pub mod deadlines;
pub mod error;
pub mod extract;
pub mod hub;
pub mod limits;
mod opened;
pub mod password;
pub mod retention;
pub mod revocations;
pub mod routes;
pub mod sessions;
pub mod standby;
mod web;

pub use app::{AppState, Application};
pub use error::ApiError;
pub use hub::{Hub, HubOptions};
