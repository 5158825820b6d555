//! The staff side of the demo: ward officers and PC06 staff working the cases the simulated
//! stations open, with the same commands as staff issue through the API (typed values, not
//! request bodies), after realistic delays.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::aggregates::{
    AnyCommand, DataCorrectionCommand, DossierCommand, FeedbackCommand, FinancialServiceCommand,
    HealthInsuranceCommand, MedicalExamCommand, PaymentCommand, SecurityReportCommand, VneidCommand,
};
use ingest::staff::{StaffCommand, StaffError};
use rand::Rng;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use api::AppState;

/// A case a station opened, for staff to work: its aggregate and the command that opened it.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: String,
    pub opened_by: AnyCommand,
}

const OFFICERS: &[&str] = &["Đại úy Trần Văn Bình", "Thượng úy Lê Thị Hoa", "Trung úy Nguyễn Minh Khang"];

/// One step of a case, as staff issue it at a moment.
type Step = Box<dyn Fn(DateTime<Utc>) -> AnyCommand + Send>;

fn step<C: Into<AnyCommand>>(command: impl Fn(DateTime<Utc>) -> C + Send + 'static) -> Step {
    Box::new(move |at| command(at).into())
}

/// The commands that take a case to its end, as staff would issue them (none for a case staff do
/// not work). Exhaustive: a new service must say how its cases are worked.
fn script(case: &AnyCommand, rng: &mut impl Rng) -> Vec<Step> {
    use AnyCommand as A;
    let officer = OFFICERS[rng.gen_range(0..OFFICERS.len())].to_string();
    match case {
        A::Dossier(_) if rng.gen_bool(0.1) => vec![
            step(|at| DossierCommand::ReceiveDossier { at }),
            step(|at| DossierCommand::ReturnDossier { reason: "Thiếu bản sao giấy tờ".into(), at }),
        ],
        A::Dossier(_) => vec![
            step(|at| DossierCommand::ReceiveDossier { at }),
            step(|at| DossierCommand::StartProcessing { at }),
            step(|at| DossierCommand::MarkResultReady { at }),
            step(|at| DossierCommand::CompleteDossier { at }),
        ],
        A::SecurityReport(_) => vec![
            step(|at| SecurityReportCommand::AcknowledgeSecurityReport { at }),
            step(move |at| SecurityReportCommand::AssignSecurityReport { officer: officer.clone(), at }),
            step(|at| SecurityReportCommand::ResolveSecurityReport {
                resolution: "Đã xác minh và xử lý".into(), at
            }),
            step(|at| SecurityReportCommand::CloseSecurityReport { note: "Cư dân xác nhận".into(), at }),
        ],
        A::HealthInsurance(_) => vec![
            step(|at| HealthInsuranceCommand::ScheduleAppointment { when: at + chrono::Duration::days(2), at }),
            step(|at| HealthInsuranceCommand::CompleteHealthInsurance { at }),
        ],
        A::MedicalExam(_) => vec![
            step(|at| MedicalExamCommand::ScheduleMedicalExam {
                slot: at + chrono::Duration::hours(20),
                doctor: None,
                at,
            }),
            step(|at| MedicalExamCommand::CompleteMedicalExam { at }),
        ],
        A::FinancialService(_) if rng.gen_bool(0.2) => vec![
            step(|at| FinancialServiceCommand::ForwardToPartner { at }),
            step(|at| FinancialServiceCommand::DeclineFinancialService {
                reason: "Chưa đủ điều kiện".into(), at
            }),
        ],
        A::FinancialService(_) => vec![
            step(|at| FinancialServiceCommand::ForwardToPartner { at }),
            step(|at| FinancialServiceCommand::ApproveFinancialService { at }),
        ],
        A::Feedback(_) => vec![step(|at| FeedbackCommand::AnswerFeedback {
            answer: "Ban quản lý đã tiếp nhận và xử lý".into(),
            at,
        })],
        A::DataCorrection(_) => vec![
            step(|at| DataCorrectionCommand::VerifyDataCorrection { at }),
            step(|at| DataCorrectionCommand::CorrectData { at }),
        ],
        A::Vneid(_) if rng.gen_bool(0.1) => vec![step(|at| VneidCommand::RecordVneidActivationFailed {
            reason: "Ảnh chân dung không khớp với CCCD".into(),
            at,
        })],
        A::Vneid(_) => vec![step(|at| VneidCommand::RecordVneidActivated { at })],
        A::Payment(_) if rng.gen_bool(0.03) => {
            vec![step(|at| PaymentCommand::RefundPayment { reason: "Thu trùng hóa đơn".into(), at })]
        }
        A::Payment(_) | A::Station(_) | A::Lookup(_) | A::Erasure(_) => Vec::new(),
    }
}

/// Works each case after a while, one step at a time; a step the case is not ready for (its
/// station event still on its way) is tried again a little later.
pub async fn work(state: AppState, mut cases: mpsc::UnboundedReceiver<Case>, pace: f64, shutdown: CancellationToken) {
    let Some(staff) = state.staff.clone() else { return };
    loop {
        let case = tokio::select! {
            _ = shutdown.cancelled() => return,
            c = cases.recv() => match c { Some(c) => c, None => return },
        };
        let (staff, shutdown) = (staff.clone(), shutdown.clone());
        tokio::spawn(async move {
            let steps = script(&case.opened_by, &mut rand::thread_rng());
            // One security report in five waits in the queue for 20 to 40 minutes, as on a busy
            // shift, so deadlines are crossed and the overdue figures move.
            let report = matches!(case.opened_by, AnyCommand::SecurityReport(_));
            let backlog = report && rand::thread_rng().gen_bool(0.2);
            for (i, command) in steps.into_iter().enumerate() {
                let mut wait = rand::thread_rng().gen_range(3.0..20.0) / pace.max(0.1);
                if backlog && i == 0 {
                    wait += rand::thread_rng().gen_range(1200.0..2400.0);
                }
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs_f64(wait)) => {}
                }
                for _attempt in 0..5 {
                    let at = Utc::now();
                    let actor = OFFICERS[rand::thread_rng().gen_range(0..OFFICERS.len())].to_string();
                    let c = StaffCommand {
                        aggregate_id: case.id.clone(),
                        command: command(at),
                        actor,
                        ward_code: None,
                        at,
                        enrollment_code_hash: None,
                    };
                    match staff.execute(c).await {
                        Ok(_) => break,
                        Err(StaffError::Refused(_)) => tokio::time::sleep(Duration::from_secs(2)).await,
                        Err(StaffError::Unavailable(_)) => return,
                    }
                }
            }
        });
    }
}
