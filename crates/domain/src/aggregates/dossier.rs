//! The Dossier aggregate: an administrative-procedure dossier filed from a station.

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DossierCommand {
    SubmitDossier {
        dossier_code: String,
        procedure_code: String,
        fee_vnd: i64,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DossierEvent {
    DossierSubmitted {
        dossier_code: String,
        procedure_code: String,
        fee_vnd: i64,
        station: String,
        ward: String,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for DossierEvent {
    fn event_type(&self) -> String {
        match self {
            Self::DossierSubmitted { .. } => "DossierSubmitted".into(),
        }
    }
    fn event_version(&self) -> String {
        "1".into()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub dossier_code: Option<String>,
    pub procedure_code: String,
    pub fee_vnd: i64,
    pub ward: String,
}

impl Aggregate for Dossier {
    const TYPE: &'static str = "dossier";
    type Command = DossierCommand;
    type Event = DossierEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        match command {
            DossierCommand::SubmitDossier { dossier_code, procedure_code, fee_vnd, station, ward, at } => {
                if let Some(code) = &self.dossier_code {
                    return Err(DomainError::new(format!("dossier {code} was already submitted")));
                }
                let event = DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, station, ward, at };
                sink.write(event, self).await;
            }
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, ward, .. } => {
                self.dossier_code = Some(dossier_code);
                self.procedure_code = procedure_code;
                self.fee_vnd = fee_vnd;
                self.ward = ward;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn submit() -> DossierCommand {
        DossierCommand::SubmitDossier {
            dossier_code: "000.00.25.H29-251010-0001".into(),
            procedure_code: "1.001193".into(),
            fee_vnd: 0,
            station: "st-27097-diamond-island".into(),
            ward: "27097".into(),
            at: "2025-10-10T02:15:00Z".parse().unwrap(),
        }
    }

    fn submitted() -> DossierEvent {
        let DossierCommand::SubmitDossier { dossier_code, procedure_code, fee_vnd, station, ward, at } = submit();
        DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, station, ward, at }
    }

    #[test]
    fn a_new_dossier_is_submitted() {
        TestFramework::<Dossier>::with(())
            .given_no_previous_events()
            .when(submit())
            .then_expect_events(vec![submitted()]);
    }

    #[test]
    fn a_dossier_cannot_be_submitted_twice() {
        TestFramework::<Dossier>::with(())
            .given(vec![submitted()])
            .when(submit())
            .then_expect_error_message("dossier 000.00.25.H29-251010-0001 was already submitted");
    }
}
