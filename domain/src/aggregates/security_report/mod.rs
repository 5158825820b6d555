//! The SecurityReport aggregate: a security and order issue reported at a station, then
//! acknowledged, assigned to an officer, resolved and closed by the police, with deadlines by
//! severity ([`sla`]) whose breach is recorded once.

mod sla;
mod staff;
#[cfg(test)]
mod tests;

pub use sla::sla;
pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use protocol::kinds::SecurityReportKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;
use protocol::kinds::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecurityReportCommand {
    /// From a station (`security_report.filed`).
    FileSecurityReport {
        category: String,
        severity: Severity,
        location: Text,
        description: Text,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    AcknowledgeSecurityReport {
        at: DateTime<Utc>,
    },
    AssignSecurityReport {
        officer: String,
        at: DateTime<Utc>,
    },
    ResolveSecurityReport {
        resolution: Text,
        at: DateTime<Utc>,
    },
    CloseSecurityReport {
        note: Text,
        at: DateTime<Utc>,
    },
    ReopenSecurityReport {
        reason: Text,
        at: DateTime<Utc>,
    },
    /// Records the deadlines passed by `at` (now), each once.
    CheckSecurityReportDeadlines {
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(SecurityReportEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum SecurityReportEvent {
    /// Version 2: v1 had no deadlines (the upcaster adds them from `at` and the [`sla`] table).
    SecurityReportFiled {
        category: String,
        severity: Severity,
        location: Text,
        description: Text,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
        acknowledge_by: DateTime<Utc>,
        resolve_by: DateTime<Utc>,
    },
    SecurityReportAcknowledged {
        at: DateTime<Utc>,
    },
    SecurityReportAssigned {
        officer: String,
        at: DateTime<Utc>,
    },
    SecurityReportResolved {
        resolution: Text,
        at: DateTime<Utc>,
    },
    SecurityReportClosed {
        note: Text,
        at: DateTime<Utc>,
    },
    /// The resolution deadline starts again from `at`.
    SecurityReportReopened {
        reason: Text,
        resolve_by: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    SecurityReportAcknowledgementOverdue {
        acknowledge_by: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    SecurityReportResolutionOverdue {
        resolve_by: DateTime<Utc>,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for SecurityReportEvent {
    fn event_type(&self) -> String {
        <&'static str>::from(self).into()
    }
    fn event_version(&self) -> String {
        match self {
            Self::SecurityReportFiled { .. } => "2",
            _ => "1",
        }
        .into()
    }
}

impl Concerns for SecurityReportEvent {
    /// None of its events names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::SecurityReportFiled { .. }
            | Self::SecurityReportAcknowledged { .. }
            | Self::SecurityReportAssigned { .. }
            | Self::SecurityReportResolved { .. }
            | Self::SecurityReportClosed { .. }
            | Self::SecurityReportReopened { .. }
            | Self::SecurityReportAcknowledgementOverdue { .. }
            | Self::SecurityReportResolutionOverdue { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::SecurityReportResolved { resolution, .. } => vec![("resolution", resolution)],
            Self::SecurityReportClosed { note, .. } => vec![("note", note)],
            Self::SecurityReportReopened { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl SecurityReportEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::SecurityReportFiled => EventInfo::visit("ANTT: phản ánh tại trạm"),
            Self::SecurityReportAcknowledged => EventInfo::case("ANTT: tiếp nhận"),
            Self::SecurityReportAssigned => EventInfo::case("ANTT: giao cán bộ"),
            Self::SecurityReportResolved => EventInfo::case("ANTT: đã xử lý"),
            Self::SecurityReportClosed => EventInfo::case("ANTT: đóng"),
            Self::SecurityReportReopened => EventInfo::case("ANTT: mở lại"),
            Self::SecurityReportAcknowledgementOverdue => EventInfo::case("ANTT: quá hạn tiếp nhận"),
            Self::SecurityReportResolutionOverdue => EventInfo::case("ANTT: quá hạn xử lý"),
        }
    }
}

/// Where a report stands. A closed report can still be reopened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    #[default]
    New,
    Filed,
    Acknowledged,
    Assigned,
    Resolved,
    Closed,
    Reopened,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityReport {
    pub status: ReportStatus,
    pub category: String,
    pub severity: Option<Severity>,
    pub officer: Option<String>,
    pub acknowledge_by: Option<DateTime<Utc>>,
    pub resolve_by: Option<DateTime<Utc>>,
    /// Whether the breach of each deadline was recorded (the resolution one again after a reopen).
    pub acknowledgement_overdue: bool,
    pub resolution_overdue: bool,
}

impl SecurityReport {
    fn is_resolved(&self) -> bool {
        matches!(self.status, ReportStatus::Resolved | ReportStatus::Closed)
    }

    fn overdue(&self, now: DateTime<Utc>) -> Vec<SecurityReportEvent> {
        let mut events = Vec::new();
        if let Some(by) = self.acknowledge_by {
            if self.status == ReportStatus::Filed && now > by && !self.acknowledgement_overdue {
                events.push(SecurityReportEvent::SecurityReportAcknowledgementOverdue { acknowledge_by: by, at: now });
            }
        }
        if let Some(by) = self.resolve_by {
            if !self.is_resolved() && now > by && !self.resolution_overdue {
                events.push(SecurityReportEvent::SecurityReportResolutionOverdue { resolve_by: by, at: now });
            }
        }
        events
    }
}

fn refuse(message: &str) -> Result<(), DomainError> {
    Err(DomainError::new(message))
}

impl Aggregate for SecurityReport {
    const TYPE: &'static str = "security_report";
    type Command = SecurityReportCommand;
    type Event = SecurityReportEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use ReportStatus::*;
        if self.status == New && !matches!(command, SecurityReportCommand::FileSecurityReport { .. }) {
            return refuse("this security report was never filed");
        }
        let event = match command {
            SecurityReportCommand::FileSecurityReport {
                category,
                severity,
                location,
                description,
                station,
                ward,
                at,
            } => {
                if self.status != New {
                    return refuse("this security report was already filed");
                }
                let (to_acknowledge, to_resolve) = sla(severity);
                SecurityReportEvent::SecurityReportFiled {
                    category,
                    severity,
                    location,
                    description,
                    station,
                    ward,
                    at,
                    acknowledge_by: at + to_acknowledge,
                    resolve_by: at + to_resolve,
                }
            }
            SecurityReportCommand::AcknowledgeSecurityReport { at } => {
                match self.status {
                    Filed => {}
                    Resolved | Closed => return refuse("a resolved security report cannot be acknowledged"),
                    _ => return refuse("this security report was already acknowledged"),
                }
                SecurityReportEvent::SecurityReportAcknowledged { at }
            }
            SecurityReportCommand::AssignSecurityReport { officer, at } => {
                match self.status {
                    Acknowledged | Reopened => {}
                    Assigned if self.officer.as_deref() != Some(officer.as_str()) => {}
                    Assigned => {
                        return Err(DomainError::new(format!("this security report is already assigned to {officer}")))
                    }
                    Filed => return refuse("acknowledge this security report before assigning it"),
                    _ => return refuse("a resolved security report cannot be assigned; reopen it first"),
                }
                SecurityReportEvent::SecurityReportAssigned { officer, at }
            }
            SecurityReportCommand::ResolveSecurityReport { resolution, at } => {
                match self.status {
                    Assigned | Reopened => {}
                    Filed | Acknowledged => {
                        return refuse("assign this security report to an officer before resolving it")
                    }
                    _ => return refuse("this security report was already resolved"),
                }
                SecurityReportEvent::SecurityReportResolved { resolution, at }
            }
            SecurityReportCommand::CloseSecurityReport { note, at } => {
                match self.status {
                    Resolved => {}
                    Closed => return refuse("this security report was already closed"),
                    _ => return refuse("only a resolved security report can be closed"),
                }
                SecurityReportEvent::SecurityReportClosed { note, at }
            }
            SecurityReportCommand::ReopenSecurityReport { reason, at } => {
                if !self.is_resolved() {
                    return refuse("only a resolved or closed security report can be reopened");
                }
                let severity = self.severity.expect("a filed report has a severity");
                SecurityReportEvent::SecurityReportReopened { reason, resolve_by: at + sla(severity).1, at }
            }
            SecurityReportCommand::CheckSecurityReportDeadlines { at } => {
                for event in self.overdue(at) {
                    sink.write(event, self).await;
                }
                return Ok(());
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use ReportStatus::*;
        match event {
            SecurityReportEvent::SecurityReportFiled { category, severity, acknowledge_by, resolve_by, .. } => {
                self.status = Filed;
                self.category = category;
                self.severity = Some(severity);
                self.acknowledge_by = Some(acknowledge_by);
                self.resolve_by = Some(resolve_by);
            }
            SecurityReportEvent::SecurityReportAcknowledged { .. } => self.status = Acknowledged,
            SecurityReportEvent::SecurityReportAssigned { officer, .. } => {
                self.status = Assigned;
                self.officer = Some(officer);
            }
            SecurityReportEvent::SecurityReportResolved { .. } => self.status = Resolved,
            SecurityReportEvent::SecurityReportClosed { .. } => self.status = Closed,
            SecurityReportEvent::SecurityReportReopened { resolve_by, .. } => {
                self.status = Reopened;
                self.resolve_by = Some(resolve_by);
                self.resolution_overdue = false;
            }
            SecurityReportEvent::SecurityReportAcknowledgementOverdue { .. } => self.acknowledgement_overdue = true,
            SecurityReportEvent::SecurityReportResolutionOverdue { .. } => self.resolution_overdue = true,
        }
    }
}

/// Where a filed report goes: a new report named by the filing event.
pub(crate) fn route(kind: SecurityReportKinds, o: &Origin) -> (String, SecurityReportCommand) {
    match kind {
        SecurityReportKinds::Filed(r) => (
            o.event_id.to_string(),
            SecurityReportCommand::FileSecurityReport {
                category: r.category,
                severity: r.severity,
                location: r.location.into_text(o.event_id, "location"),
                description: r.description.into_text(o.event_id, "description"),
                station: o.station.clone(),
                ward: o.ward.clone(),
                at: o.at,
            },
        ),
    }
}
