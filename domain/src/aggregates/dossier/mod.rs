//! The Dossier aggregate: an administrative-procedure dossier filed from a station, then worked by
//! the agency until its result is handed over, or it is returned or rejected. Its `history` is
//! what a resident sees when they look up the dossier's progress.

mod staff;
#[cfg(test)]
mod tests;

pub(crate) use staff::{staff_command, STAFF_COMMANDS};

use super::route::Origin;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use protocol::kinds::DossierKinds;
use protocol::{StationId, WardCode};
use serde::{Deserialize, Serialize};

use super::{Concerns, DomainError, EventInfo};
use protocol::citizen::CitizenRef;
use protocol::forgettable::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DossierCommand {
    /// From a station (`dossier.submitted`).
    SubmitDossier {
        dossier_code: String,
        procedure_code: String,
        fee_vnd: i64,
        citizen: Option<CitizenRef>,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    /// The agency took the dossier in.
    ReceiveDossier {
        at: DateTime<Utc>,
    },
    /// The agency needs more documents from the resident.
    RequestMoreDocuments {
        note: Text,
        at: DateTime<Utc>,
    },
    /// From a station (`dossier.documents_provided`): the resident brought them.
    ProvideDocuments {
        note: Option<Text>,
        station: StationId,
        at: DateTime<Utc>,
    },
    StartProcessing {
        at: DateTime<Utc>,
    },
    MarkResultReady {
        at: DateTime<Utc>,
    },
    /// The result was handed to the resident.
    CompleteDossier {
        at: DateTime<Utc>,
    },
    /// Given back without a decision (withdrawn, or not for this agency).
    ReturnDossier {
        reason: Text,
        at: DateTime<Utc>,
    },
    /// Refused on its merits.
    RejectDossier {
        reason: Text,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(DossierEventType),
    derive(Hash, PartialOrd, Ord, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)
)]
pub enum DossierEvent {
    DossierSubmitted {
        dossier_code: String,
        procedure_code: String,
        fee_vnd: i64,
        /// Added compatibly (optional, still version 1): absent from events of schema 1 stations.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        citizen: Option<CitizenRef>,
        station: StationId,
        ward: WardCode,
        at: DateTime<Utc>,
    },
    DossierReceived {
        at: DateTime<Utc>,
    },
    MoreDocumentsRequested {
        note: Text,
        at: DateTime<Utc>,
    },
    DocumentsProvided {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<Text>,
        station: StationId,
        at: DateTime<Utc>,
    },
    DossierProcessingStarted {
        at: DateTime<Utc>,
    },
    DossierResultReady {
        at: DateTime<Utc>,
    },
    DossierCompleted {
        at: DateTime<Utc>,
    },
    DossierReturned {
        reason: Text,
        at: DateTime<Utc>,
    },
    DossierRejected {
        reason: Text,
        at: DateTime<Utc>,
    },
}

version_one!(DossierEvent);

impl Concerns for DossierEvent {
    /// Exhaustive, so a new event says whether it names a resident.
    fn citizen(&self) -> Option<&CitizenRef> {
        match self {
            Self::DossierSubmitted { citizen, .. } => citizen.as_ref(),
            Self::DossierReceived { .. }
            | Self::MoreDocumentsRequested { .. }
            | Self::DocumentsProvided { .. }
            | Self::DossierProcessingStarted { .. }
            | Self::DossierResultReady { .. }
            | Self::DossierCompleted { .. }
            | Self::DossierReturned { .. }
            | Self::DossierRejected { .. } => None,
        }
    }

    fn staff_texts(&mut self) -> Vec<(&'static str, &mut Text)> {
        match self {
            Self::MoreDocumentsRequested { note, .. } => vec![("note", note)],
            Self::DossierReturned { reason, .. } => vec![("reason", reason)],
            Self::DossierRejected { reason, .. } => vec![("reason", reason)],
            _ => Vec::new(),
        }
    }
}

impl DossierEventType {
    /// How dashboards name and count this event.
    pub fn info(self) -> EventInfo {
        match self {
            Self::DossierSubmitted => EventInfo::visit("Hồ sơ: nộp tại trạm"),
            Self::DossierReceived => EventInfo::case("Hồ sơ: cơ quan tiếp nhận"),
            Self::MoreDocumentsRequested => EventInfo::case("Hồ sơ: yêu cầu bổ sung"),
            Self::DocumentsProvided => EventInfo::visit("Hồ sơ: bổ sung giấy tờ tại trạm"),
            Self::DossierProcessingStarted => EventInfo::case("Hồ sơ: đang xử lý"),
            Self::DossierResultReady => EventInfo::case("Hồ sơ: có kết quả"),
            Self::DossierCompleted => EventInfo::case("Hồ sơ: hoàn thành"),
            Self::DossierReturned => EventInfo::case("Hồ sơ: trả lại"),
            Self::DossierRejected => EventInfo::case("Hồ sơ: từ chối"),
        }
    }
}

/// Where a dossier stands. `Completed`, `Returned` and `Rejected` are final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Not submitted (no events).
    #[default]
    New,
    Submitted,
    Received,
    MoreDocumentsRequested,
    InProcessing,
    ResultReady,
    Completed,
    Returned,
    Rejected,
}

impl DossierStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Returned | Self::Rejected)
    }

    /// As a resident reads it on the progress lookup.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::New => "Chưa nộp",
            Self::Submitted => "Đã nộp",
            Self::Received => "Đã tiếp nhận",
            Self::MoreDocumentsRequested => "Cần bổ sung hồ sơ",
            Self::InProcessing => "Đang giải quyết",
            Self::ResultReady => "Đã có kết quả",
            Self::Completed => "Đã trả kết quả",
            Self::Returned => "Đã trả lại hồ sơ",
            Self::Rejected => "Từ chối giải quyết",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::New => "not submitted",
            Self::Submitted => "submitted",
            Self::Received => "received",
            Self::MoreDocumentsRequested => "waiting for more documents",
            Self::InProcessing => "in processing",
            Self::ResultReady => "ready for the resident",
            Self::Completed => "completed",
            Self::Returned => "returned",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub dossier_code: Option<String>,
    pub procedure_code: String,
    pub fee_vnd: i64,
    pub ward: Option<WardCode>,
    pub status: DossierStatus,
    /// Every status the dossier went through, with when.
    pub history: Vec<(DossierStatus, DateTime<Utc>)>,
}

impl Dossier {
    /// Refuses `action` unless the dossier is in one of `allowed`.
    fn require(&self, allowed: &[DossierStatus], action: &str) -> Result<(), DomainError> {
        if allowed.contains(&self.status) {
            return Ok(());
        }
        let code = self.dossier_code.as_deref().unwrap_or_default();
        Err(DomainError::new(match self.status {
            DossierStatus::New => "this dossier was never submitted".to_string(),
            s => format!("dossier {code} is {}; it cannot {action}", s.describe()),
        }))
    }

    fn enter(&mut self, status: DossierStatus, at: DateTime<Utc>) {
        self.status = status;
        self.history.push((status, at));
    }
}

impl Aggregate for Dossier {
    const TYPE: &'static str = "dossier";
    type Command = DossierCommand;
    type Event = DossierEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), DomainError> {
        use DossierStatus::*;
        let event = match command {
            DossierCommand::SubmitDossier { dossier_code, procedure_code, fee_vnd, citizen, station, ward, at } => {
                if let Some(code) = &self.dossier_code {
                    return Err(DomainError::new(format!("dossier {code} was already submitted")));
                }
                DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, citizen, station, ward, at }
            }
            DossierCommand::ReceiveDossier { at } => {
                self.require(&[Submitted], "be received")?;
                DossierEvent::DossierReceived { at }
            }
            DossierCommand::RequestMoreDocuments { note, at } => {
                self.require(&[Received, InProcessing], "ask for more documents")?;
                DossierEvent::MoreDocumentsRequested { note, at }
            }
            DossierCommand::ProvideDocuments { note, station, at } => {
                self.require(&[MoreDocumentsRequested], "take documents (none were asked for)")?;
                DossierEvent::DocumentsProvided { note, station, at }
            }
            DossierCommand::StartProcessing { at } => {
                self.require(&[Received], "start processing")?;
                DossierEvent::DossierProcessingStarted { at }
            }
            DossierCommand::MarkResultReady { at } => {
                self.require(&[InProcessing], "have its result ready")?;
                DossierEvent::DossierResultReady { at }
            }
            DossierCommand::CompleteDossier { at } => {
                self.require(&[ResultReady], "be completed")?;
                DossierEvent::DossierCompleted { at }
            }
            DossierCommand::ReturnDossier { reason, at } => {
                self.require(&[Submitted, Received, MoreDocumentsRequested, InProcessing], "be returned")?;
                DossierEvent::DossierReturned { reason, at }
            }
            DossierCommand::RejectDossier { reason, at } => {
                self.require(&[Received, MoreDocumentsRequested, InProcessing], "be rejected")?;
                DossierEvent::DossierRejected { reason, at }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use DossierStatus::*;
        match event {
            DossierEvent::DossierSubmitted { dossier_code, procedure_code, fee_vnd, ward, at, .. } => {
                self.dossier_code = Some(dossier_code);
                self.procedure_code = procedure_code;
                self.fee_vnd = fee_vnd;
                self.ward = Some(ward);
                self.enter(Submitted, at);
            }
            DossierEvent::DossierReceived { at } => self.enter(Received, at),
            DossierEvent::MoreDocumentsRequested { at, .. } => self.enter(MoreDocumentsRequested, at),
            DossierEvent::DocumentsProvided { at, .. } => self.enter(InProcessing, at),
            DossierEvent::DossierProcessingStarted { at } => self.enter(InProcessing, at),
            DossierEvent::DossierResultReady { at } => self.enter(ResultReady, at),
            DossierEvent::DossierCompleted { at } => self.enter(Completed, at),
            DossierEvent::DossierReturned { at, .. } => self.enter(Returned, at),
            DossierEvent::DossierRejected { at, .. } => self.enter(Rejected, at),
        }
    }
}

/// Where the dossier's station kinds go: the dossier named by its portal code.
pub(crate) fn route(kind: DossierKinds, o: &Origin) -> (String, DossierCommand) {
    let submit = |dossier_code: String, procedure_code, fee_vnd, citizen| {
        let command = DossierCommand::SubmitDossier {
            dossier_code: dossier_code.clone(),
            procedure_code,
            fee_vnd,
            citizen,
            station: o.station.clone(),
            ward: o.ward.clone(),
            at: o.at,
        };
        (dossier_code, command)
    };
    match kind {
        DossierKinds::Submitted(d) => submit(d.dossier_code, d.procedure_code, d.fee_vnd, None),
        DossierKinds::SubmittedV2(d) => {
            submit(d.dossier_code, d.procedure_code, d.fee_vnd, Some(o.resident(d.citizen)))
        }
        DossierKinds::DocumentsProvided(d) => (
            d.dossier_code,
            DossierCommand::ProvideDocuments {
                note: d.note.map(|n| n.into_text(o.event_id, "note")),
                station: o.station.clone(),
                at: o.at,
            },
        ),
    }
}
