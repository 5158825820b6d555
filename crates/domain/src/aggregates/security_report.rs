//! The SecurityReport aggregate: a security and order issue reported at a station.

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::DomainError;
use crate::kinds::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecurityReportCommand {
    FileSecurityReport {
        category: String,
        severity: Severity,
        location: String,
        description: String,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecurityReportEvent {
    SecurityReportFiled {
        category: String,
        severity: Severity,
        location: String,
        description: String,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for SecurityReportEvent {
    fn event_type(&self) -> String {
        match self {
            Self::SecurityReportFiled { .. } => "SecurityReportFiled".into(),
        }
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityReport {
    pub filed: bool,
    pub category: String,
    pub severity: Option<Severity>,
}

impl Aggregate for SecurityReport {
    const TYPE: &'static str = "security_report";
    type Command = SecurityReportCommand;
    type Event = SecurityReportEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        match command {
            SecurityReportCommand::FileSecurityReport {
                category,
                severity,
                location,
                description,
                station,
                ward,
                at,
            } => {
                if self.filed {
                    return Err(DomainError::new("this security report was already filed"));
                }
                let event = SecurityReportEvent::SecurityReportFiled {
                    category,
                    severity,
                    location,
                    description,
                    station,
                    ward,
                    at,
                };
                sink.write(event, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            SecurityReportEvent::SecurityReportFiled { category, severity, .. } => {
                self.filed = true;
                self.category = category;
                self.severity = Some(severity);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn file() -> SecurityReportCommand {
        SecurityReportCommand::FileSecurityReport {
            category: "noise".into(),
            severity: Severity::Low,
            location: "Tháp A, tầng 12".into(),
            description: "Karaoke sau 22 giờ".into(),
            station: "st-27097-diamond-island".into(),
            ward: "27097".into(),
            at: "2025-10-10T15:30:00Z".parse().unwrap(),
        }
    }

    fn filed() -> SecurityReportEvent {
        let SecurityReportCommand::FileSecurityReport { category, severity, location, description, station, ward, at } =
            file();
        SecurityReportEvent::SecurityReportFiled { category, severity, location, description, station, ward, at }
    }

    #[test]
    fn a_security_report_is_filed() {
        TestFramework::<SecurityReport>::with(())
            .given_no_previous_events()
            .when(file())
            .then_expect_events(vec![filed()]);
    }

    #[test]
    fn a_security_report_cannot_be_filed_twice() {
        TestFramework::<SecurityReport>::with(())
            .given(vec![filed()])
            .when(file())
            .then_expect_error_message("this security report was already filed");
    }
}
