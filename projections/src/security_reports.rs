//! The security-report work queue: one row per report with where it stands, who has it and its
//! deadlines, for PC06 and ward officers to work from and for the deadline watch to find reports
//! whose acknowledgement or resolution is overdue.

use chrono::{DateTime, Utc};
use domain::aggregates::{Aggregate, AnyEvent, SecurityReport, SecurityReportEvent};
use protocol::forgettable::Text;
use serde::Serialize;
use store::{LogEntry, Store, Value};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::projector::{Projection, Projector, Statement};
use crate::Result;

/// Statuses in which a report still needs work.
pub const OPEN: &[&str] = &["filed", "acknowledged", "assigned", "reopened"];

#[derive(Clone, Copy)]
pub struct Model;

fn name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

impl Projection for Model {
    const NAME: &'static str = "security_reports";
    const TABLES: &'static [&'static str] = &["security_reports"];

    fn project(&self, entries: &[LogEntry]) -> Vec<Statement> {
        let mut out = Vec::new();
        for e in entries.iter().filter(|e| e.aggregate_type == SecurityReport::TYPE) {
            match AnyEvent::read(&e.aggregate_type, &e.event_type, e.event_version, &e.payload) {
                Ok(AnyEvent::SecurityReport(event)) => out.push(statement(event, e)),
                _ => tracing::warn!(position = e.position, "a security-report event the queue cannot read"),
            }
        }
        out
    }
}

/// What one event of a report changes in its row.
fn statement(event: SecurityReportEvent, e: &LogEntry) -> Statement {
    let (id, pos) = (e.aggregate_id.clone(), e.position);
    let update = |sql: &'static str, mut args: Vec<crate::Value>| {
        args.extend([e.recorded_at.into(), pos.into(), id.clone().into()]);
        Statement::new(sql, args)
    };
    match event {
        SecurityReportEvent::SecurityReportFiled {
            category,
            severity,
            location,
            description,
            station,
            ward,
            at,
            acknowledge_by,
            resolve_by,
        } => Statement::new(
            "INSERT INTO security_reports (report_id, ward_code, station_id, category, severity, location, \
                 description, status, filed_at, acknowledge_by, resolve_by, updated_at, last_position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'filed', $8, $9, $10, $11, $12)",
            vec![
                id.clone().into(),
                ward.to_string().into(),
                station.to_string().into(),
                category.into(),
                name(&severity).into(),
                stored(&location).into(),
                stored(&description).into(),
                at.into(),
                acknowledge_by.into(),
                resolve_by.into(),
                e.recorded_at.into(),
                pos.into(),
            ],
        ),
        SecurityReportEvent::SecurityReportAcknowledged { at } => update(
            "UPDATE security_reports SET status = 'acknowledged', acknowledged_at = $1, \
                 updated_at = $2, last_position = $3 WHERE report_id = $4",
            vec![at.into()],
        ),
        SecurityReportEvent::SecurityReportAssigned { officer, .. } => update(
            "UPDATE security_reports SET status = 'assigned', officer = $1, \
                 updated_at = $2, last_position = $3 WHERE report_id = $4",
            vec![officer.into()],
        ),
        SecurityReportEvent::SecurityReportResolved { at, .. } => update(
            "UPDATE security_reports SET status = 'resolved', resolved_at = $1, \
                 updated_at = $2, last_position = $3 WHERE report_id = $4",
            vec![at.into()],
        ),
        SecurityReportEvent::SecurityReportClosed { .. } => update(
            "UPDATE security_reports SET status = 'closed', updated_at = $1, last_position = $2 \
                 WHERE report_id = $3",
            vec![],
        ),
        SecurityReportEvent::SecurityReportReopened { resolve_by, .. } => update(
            "UPDATE security_reports SET status = 'reopened', resolve_by = $1, resolved_at = NULL, \
                 resolution_overdue = $2, updated_at = $3, last_position = $4 WHERE report_id = $5",
            vec![resolve_by.into(), false.into()],
        ),
        SecurityReportEvent::SecurityReportAcknowledgementOverdue { .. } => update(
            "UPDATE security_reports SET acknowledgement_overdue = $1, updated_at = $2, last_position = $3 \
                 WHERE report_id = $4",
            vec![true.into()],
        ),
        SecurityReportEvent::SecurityReportResolutionOverdue { .. } => update(
            "UPDATE security_reports SET resolution_overdue = $1, updated_at = $2, last_position = $3 \
                 WHERE report_id = $4",
            vec![true.into()],
        ),
    }
}

/// A forgettable text as its column holds it: its JSON form, never opened.
fn stored(text: &Text) -> String {
    serde_json::to_string(text).expect("a text is JSON")
}

/// A forgettable text as a reader gets it: as the log holds it (read from its column, written by
/// [`stored`]), or opened through the hub's key table, or erased (its key is gone). In JSON: the
/// stored form, the text, or `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ShownText {
    Stored(Text),
    Opened(String),
    Erased,
}

impl TryFrom<String> for ShownText {
    type Error = serde_json::Error;
    fn try_from(column: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&column).map(Self::Stored)
    }
}

impl ShownText {
    /// The text, if it can be read: in clear, or opened.
    pub fn readable(&self) -> Option<&str> {
        match self {
            Self::Stored(t) => t.clear(),
            Self::Opened(t) => Some(t),
            Self::Erased => None,
        }
    }

    /// The stored text, if not yet opened.
    pub fn stored(&self) -> Option<&Text> {
        match self {
            Self::Stored(t) => Some(t),
            _ => None,
        }
    }
}

/// One report in the queue. Its location and description are as the log holds them: sealed
/// ones are opened (or found erased) by whoever shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct QueuedReport {
    pub report_id: String,
    pub ward_code: String,
    pub station_id: String,
    pub category: String,
    pub severity: String,
    #[sqlx(try_from = "String")]
    pub location: ShownText,
    #[sqlx(try_from = "String")]
    pub description: ShownText,
    pub status: String,
    pub officer: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub acknowledge_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub acknowledgement_overdue: bool,
    pub resolution_overdue: bool,
    pub last_position: i64,
}

impl QueuedReport {
    pub fn is_open(&self) -> bool {
        OPEN.contains(&self.status.as_str())
    }

    /// Whether a deadline has passed by `now` that the log does not record as crossed yet.
    pub fn has_unrecorded_breach(&self, now: DateTime<Utc>) -> bool {
        let ack = self.status == "filed" && now > self.acknowledge_by && !self.acknowledgement_overdue;
        let resolve = self.is_open() && now > self.resolve_by && !self.resolution_overdue;
        ack || resolve
    }
}

/// The columns of a [`QueuedReport`].
const COLUMNS: &str = "report_id, ward_code, station_id, category, severity, location, description, status, officer, \
     filed_at, acknowledge_by, resolve_by, acknowledged_at, resolved_at, acknowledgement_overdue, \
     resolution_overdue, last_position";

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub ward: Option<String>,
    /// Only reports that still need work.
    pub open: bool,
    /// Only reports with a crossed deadline.
    pub overdue: bool,
    pub limit: i64,
}

#[derive(Clone)]
pub struct SecurityReports {
    projector: Projector<Model>,
}

impl SecurityReports {
    pub fn new(store: Store) -> Self {
        Self { projector: Projector::new(store, Model) }
    }

    pub fn projector(&self) -> &Projector<Model> {
        &self.projector
    }

    pub async fn catch_up(&self) -> Result<i64> {
        self.projector.catch_up().await
    }

    pub async fn run(self, head: watch::Receiver<i64>, shutdown: CancellationToken) {
        self.projector.run(head, shutdown).await
    }

    /// The `WHERE` clause of a filter and its arguments.
    fn filter(f: &QueueFilter) -> (String, Vec<Value>) {
        let mut conditions = Vec::new();
        if f.ward.is_some() {
            conditions.push("ward_code = $1".to_string());
        }
        if f.open {
            let statuses: Vec<String> = OPEN.iter().map(|s| format!("'{s}'")).collect();
            conditions.push(format!("status IN ({})", statuses.join(", ")));
        }
        if f.overdue {
            conditions.push("(acknowledgement_overdue OR resolution_overdue)".into());
        }
        let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        (filter, f.ward.iter().map(|w| w.as_str().into()).collect())
    }

    /// Reports, most urgent first: crossed deadlines, then the nearest resolution deadline.
    pub async fn list(&self, f: &QueueFilter) -> Result<Vec<QueuedReport>> {
        let (filter, args) = Self::filter(f);
        let limit = if f.limit > 0 { f.limit } else { 500 };
        let q = format!(
            "SELECT {COLUMNS} FROM security_reports {filter} \
             ORDER BY (CASE WHEN acknowledgement_overdue OR resolution_overdue THEN 0 ELSE 1 END), \
             resolve_by, report_id LIMIT {limit}"
        );
        Ok(self.projector.store().fetch_rows(&Statement::new(q, args)).await?)
    }

    /// How many reports the filter selects, exactly (its `limit` plays no part).
    pub async fn count(&self, f: &QueueFilter) -> Result<i64> {
        let (filter, args) = Self::filter(f);
        let q = format!("SELECT COUNT(*) FROM security_reports {filter}");
        let rows: Vec<(i64,)> = self.projector.store().fetch_rows(&Statement::new(q, args)).await?;
        Ok(rows.first().map_or(0, |r| r.0))
    }

    /// Open reports with a deadline passed by `now` and not yet recorded as crossed.
    /// Only those rows are read, through the index on `(status, resolve_by)` and the
    /// acknowledgement deadline of filed reports.
    pub async fn due(&self, now: DateTime<Utc>) -> Result<Vec<QueuedReport>> {
        let statuses: Vec<String> = OPEN.iter().map(|s| format!("'{s}'")).collect();
        let q = format!(
            "SELECT {COLUMNS} FROM security_reports WHERE \
             (status = 'filed' AND acknowledge_by < $1 AND NOT acknowledgement_overdue) \
             OR (status IN ({}) AND resolve_by < $2 AND NOT resolution_overdue) ORDER BY report_id",
            statuses.join(", ")
        );
        let query = Statement::new(q, vec![Value::Time(now), Value::Time(now)]);
        let due: Vec<QueuedReport> = self.projector.store().fetch_rows(&query).await?;
        Ok(due.into_iter().filter(|r| r.has_unrecorded_breach(now)).collect())
    }
}
