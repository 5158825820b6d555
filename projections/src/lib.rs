//! Read models fed from the log (ward dashboards, the security-report work queue), and the
//! catch-up projector that keeps them. A projector reads the log in global order from its
//! checkpoint and writes its rows and its new checkpoint in one transaction, so any read model
//! can be dropped and rebuilt by replay and equal the live one.

pub mod projector;
pub mod security_reports;
pub mod shadow;
pub mod ward_dashboard;

pub use projector::{Projection, Projector, Statement, Value};
pub use security_reports::{QueueFilter, QueuedReport, SecurityReports, ShownText};
pub use ward_dashboard::{
    CityDashboard, KindCount, StationActivity, StationHeartbeat, VneidFigures, WardDashboard, WardDashboardView,
    WardSummary,
};

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

pub type Result<T, E = ProjectionError> = std::result::Result<T, E>;
