//! The staff side of the demo: ward officers and PC06 staff working the cases the simulated
//! stations open, through the same staff commands as the API, after realistic delays.

use std::time::Duration;

use chrono::Utc;
use ingest::staff::{StaffCommand, StaffError};
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use api::AppState;

/// A case a station opened, for staff to work.
#[derive(Debug, Clone)]
pub struct Case {
    pub aggregate_type: &'static str,
    pub id: String,
}

const OFFICERS: &[&str] = &["Đại úy Trần Văn Bình", "Thượng úy Lê Thị Hoa", "Trung úy Nguyễn Minh Khang"];

/// The commands that take a case of this type to its end, as staff would issue them.
fn script(aggregate_type: &str, rng: &mut impl Rng) -> Vec<Value> {
    let officer = OFFICERS[rng.gen_range(0..OFFICERS.len())];
    match aggregate_type {
        "dossier" if rng.gen_bool(0.1) => vec![
            json!({"command": "ReceiveDossier"}),
            json!({"command": "ReturnDossier", "reason": "Thiếu bản sao giấy tờ"}),
        ],
        "dossier" => ["ReceiveDossier", "StartProcessing", "MarkResultReady", "CompleteDossier"]
            .iter()
            .map(|c| json!({"command": c}))
            .collect(),
        "security_report" => vec![
            json!({"command": "AcknowledgeSecurityReport"}),
            json!({"command": "AssignSecurityReport", "officer": officer}),
            json!({"command": "ResolveSecurityReport", "resolution": "Đã xác minh và xử lý"}),
            json!({"command": "CloseSecurityReport", "note": "Cư dân xác nhận"}),
        ],
        "health_insurance" => vec![
            json!({"command": "ScheduleAppointment", "when": (Utc::now() + chrono::Duration::days(2)).to_rfc3339()}),
            json!({"command": "CompleteHealthInsurance"}),
        ],
        "medical_exam" => vec![
            json!({"command": "ScheduleMedicalExam", "slot": (Utc::now() + chrono::Duration::hours(20)).to_rfc3339()}),
            json!({"command": "CompleteMedicalExam"}),
        ],
        "financial_service" if rng.gen_bool(0.2) => {
            vec![
                json!({"command": "ForwardToPartner"}),
                json!({"command": "DeclineFinancialService", "reason": "Chưa đủ điều kiện"}),
            ]
        }
        "financial_service" => {
            vec![json!({"command": "ForwardToPartner"}), json!({"command": "ApproveFinancialService"})]
        }
        "feedback" => vec![json!({"command": "AnswerFeedback", "answer": "Ban quản lý đã tiếp nhận và xử lý"})],
        "data_correction" => vec![json!({"command": "VerifyDataCorrection"}), json!({"command": "CorrectData"})],
        "vneid_activation" if rng.gen_bool(0.1) => {
            vec![json!({"command": "RecordVneidActivationFailed", "reason": "Ảnh chân dung không khớp với CCCD"})]
        }
        "vneid_activation" => vec![json!({"command": "RecordVneidActivated"})],
        "payment" if rng.gen_bool(0.03) => vec![json!({"command": "RefundPayment", "reason": "Thu trùng hóa đơn"})],
        _ => Vec::new(),
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
            let steps = script(case.aggregate_type, &mut rand::thread_rng());
            // One security report in five waits in the queue for 20 to 40 minutes, as on a busy
            // shift, so deadlines are crossed and the overdue figures move.
            let backlog = case.aggregate_type == "security_report" && rand::thread_rng().gen_bool(0.2);
            for (i, body) in steps.into_iter().enumerate() {
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
                    let Ok(command) = domain::aggregates::staff_command(case.aggregate_type, &body, at) else { return };
                    let actor = OFFICERS[rand::thread_rng().gen_range(0..OFFICERS.len())].to_string();
                    let c = StaffCommand {
                        aggregate_id: case.id.clone(),
                        command,
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
