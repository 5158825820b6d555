//! Staff request bodies: what reads into a command, and how a refusal names its field.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};

use super::*;
use protocol::kinds::examples::citizen;

fn now() -> DateTime<Utc> {
    "2025-10-10T08:00:00Z".parse().unwrap()
}

fn key() -> String {
    hex::encode(SigningKey::from_bytes(&[9; 32]).verifying_key().to_bytes())
}

/// A valid body for every staff command of every aggregate type.
fn bodies() -> Vec<(&'static str, Value)> {
    vec![
        ("dossier", json!({"command": "ReceiveDossier"})),
        ("dossier", json!({"command": "RequestMoreDocuments", "note": "Thiếu bản sao giấy chứng sinh"})),
        ("dossier", json!({"command": "StartProcessing"})),
        ("dossier", json!({"command": "MarkResultReady"})),
        ("dossier", json!({"command": "CompleteDossier"})),
        ("dossier", json!({"command": "ReturnDossier", "reason": "Không thuộc thẩm quyền"})),
        ("dossier", json!({"command": "RejectDossier", "reason": "Không đủ điều kiện"})),
        ("payment", json!({"command": "RefundPayment", "reason": "Thu trùng"})),
        ("security_report", json!({"command": "AcknowledgeSecurityReport"})),
        ("security_report", json!({"command": "AssignSecurityReport", "officer": "Đại úy Trần Văn B"})),
        ("security_report", json!({"command": "ResolveSecurityReport", "resolution": "Đã nhắc nhở"})),
        ("security_report", json!({"command": "CloseSecurityReport", "note": "Cư dân xác nhận"})),
        ("security_report", json!({"command": "ReopenSecurityReport", "reason": "Tái diễn"})),
        ("security_report", json!({"command": "CheckSecurityReportDeadlines"})),
        ("health_insurance", json!({"command": "ScheduleAppointment", "when": "2025-10-12T02:00:00Z"})),
        ("health_insurance", json!({"command": "CompleteHealthInsurance"})),
        ("health_insurance", json!({"command": "CancelHealthInsurance", "reason": "Đã mua qua VssID"})),
        ("medical_exam", json!({"command": "ScheduleMedicalExam", "slot": "2025-10-11T09:30:00+07:00"})),
        ("medical_exam", json!({"command": "ScheduleMedicalExam", "slot": "2025-10-11T02:30:00Z", "doctor": "BS. C"})),
        ("medical_exam", json!({"command": "CompleteMedicalExam"})),
        ("medical_exam", json!({"command": "CancelMedicalExam", "reason": "Bệnh nhân bận"})),
        ("financial_service", json!({"command": "ForwardToPartner"})),
        ("financial_service", json!({"command": "ApproveFinancialService"})),
        ("financial_service", json!({"command": "DeclineFinancialService", "reason": "Chưa đủ 18 tuổi"})),
        ("feedback", json!({"command": "AnswerFeedback", "answer": "Đã thay đèn"})),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["full_name"], "channel": "police_hotline",
                "citizen": citizen()}),
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["religion"], "channel": "vneid",
                "citizen": citizen(), "ward": "27097"}),
        ),
        ("data_correction", json!({"command": "VerifyDataCorrection"})),
        ("data_correction", json!({"command": "CorrectData"})),
        ("data_correction", json!({"command": "RejectDataCorrection", "reason": "Giấy tờ không hợp lệ"})),
        ("station", json!({"command": "PlanStation", "ward": "27097", "building": "Diamond Island"})),
        ("station", json!({"command": "EnrollStation", "public_key": key()})),
        ("station", json!({"command": "ActivateStation"})),
        ("station", json!({"command": "SuspendStation", "reason": "Bảo trì"})),
        ("station", json!({"command": "ResumeStation"})),
        ("station", json!({"command": "DecommissionStation", "reason": "Tòa nhà sửa chữa"})),
        ("station", json!({"command": "RotateStationKey", "public_key": key()})),
        ("vneid_activation", json!({"command": "RecordVneidActivated"})),
        ("vneid_activation", json!({"command": "RecordVneidActivationFailed", "reason": "Ảnh không khớp"})),
    ]
}

#[test]
fn every_listed_staff_command_reads_from_a_body() {
    let bodies = bodies();
    for t in aggregate_types() {
        for name in staff_commands(t) {
            assert!(bodies.iter().any(|(bt, b)| bt == t && b["command"] == *name), "no sample body for {t}/{name}");
        }
    }
    for (t, body) in bodies {
        let command = staff_command(t, &body, now()).unwrap_or_else(|e| panic!("{t} {body}: {e}"));
        assert_eq!(command.aggregate_type(), t);
    }
}

#[test]
fn the_time_of_the_request_becomes_the_commands_time() {
    let c = staff_command("security_report", &json!({"command": "AcknowledgeSecurityReport"}), now()).unwrap();
    assert_eq!(c, AnyCommand::SecurityReport(SecurityReportCommand::AcknowledgeSecurityReport { at: now() }));
    let body = json!({"command": "AssignSecurityReport", "officer": "Đại úy Trần Văn B"});
    let c = staff_command("security_report", &body, now()).unwrap();
    assert_eq!(
        c,
        AnyCommand::SecurityReport(SecurityReportCommand::AssignSecurityReport {
            officer: "Đại úy Trần Văn B".into(),
            at: now()
        })
    );
}

#[test]
fn a_staff_recorded_correction_carries_its_channel_and_no_station() {
    let body = json!({"command": "RequestDataCorrection", "fields": ["gender"], "channel": "police_station",
        "citizen": citizen(), "ward": "27097"});
    let AnyCommand::DataCorrection(DataCorrectionCommand::RequestDataCorrection { channel, station, ward, .. }) =
        staff_command("data_correction", &body, now()).unwrap()
    else {
        panic!("a data correction request")
    };
    assert_eq!(
        (channel, station, ward.as_ref().map(|w| w.as_str())),
        (protocol::kinds::CorrectionChannel::PoliceStation, None, Some("27097"))
    );
}

#[test]
fn refusals_name_the_field_at_fault() {
    let cases = [
        ("weather", json!({"command": "AcknowledgeSecurityReport"}), "aggregate_type"),
        ("security_report", json!({}), "command"),
        ("security_report", json!("AcknowledgeSecurityReport"), "command"),
        ("security_report", json!({"command": 7}), "command"),
        ("security_report", json!({"command": "FlySecurityReport"}), "command"),
        ("security_report", json!({"command": "FileSecurityReport", "category": "noise"}), "command"),
        ("dossier", json!({"command": "SubmitDossier"}), "command"),
        ("dossier", json!({"command": "ProvideDocuments"}), "command"),
        ("payment", json!({"command": "MakePayment"}), "command"),
        ("station", json!({"command": "RecordHeartbeat"}), "command"),
        ("lookup", json!({"command": "RecordLookup"}), "command"),
        ("dossier", json!({"command": "AcknowledgeSecurityReport"}), "command"),
        ("security_report", json!({"command": "AssignSecurityReport"}), "officer"),
        ("security_report", json!({"command": "AssignSecurityReport", "officer": 5}), "officer"),
        ("security_report", json!({"command": "AssignSecurityReport", "officer": "  "}), "officer"),
        ("security_report", json!({"command": "AssignSecurityReport", "officer": "B", "rank": "x"}), "rank"),
        ("security_report", json!({"command": "AcknowledgeSecurityReport", "at": "2020-01-01T00:00:00Z"}), "at"),
        ("dossier", json!({"command": "ReturnDossier"}), "reason"),
        ("health_insurance", json!({"command": "ScheduleAppointment", "when": "tomorrow"}), "when"),
        ("medical_exam", json!({"command": "ScheduleMedicalExam"}), "slot"),
        (
            "medical_exam",
            json!({"command": "ScheduleMedicalExam", "slot": "2025-10-11T02:30:00Z", "doctor": ""}),
            "doctor",
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["gender"], "channel": "station",
                "citizen": citizen()}),
            "channel",
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": [], "channel": "vneid", "citizen": citizen()}),
            "fields",
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["gender"], "channel": "vneid",
                "citizen": citizen(), "ward": "99999"}),
            "ward",
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["gender"], "channel": "vneid",
                "citizen": {"key_id": "k1", "pseudonym": "079085001234", "age_band": "18-39", "sex": "male"}}),
            "citizen.pseudonym",
        ),
        (
            "data_correction",
            json!({"command": "RequestDataCorrection", "fields": ["gender"], "channel": "vneid"}),
            "citizen",
        ),
        ("station", json!({"command": "PlanStation", "ward": "12", "building": "B"}), "ward"),
        ("station", json!({"command": "PlanStation", "ward": "27097", "building": ""}), "building"),
        ("station", json!({"command": "EnrollStation", "public_key": "abc"}), "public_key"),
        ("station", json!({"command": "RotateStationKey"}), "public_key"),
    ];
    for (t, body, field) in cases {
        let err = staff_command(t, &body, now()).unwrap_err();
        assert_eq!(err.field, field, "{t} {body}: {err}");
    }
}

#[test]
fn the_lists_say_what_is_accepted() {
    assert!(staff_commands("security_report").contains(&"CheckSecurityReportDeadlines"));
    assert!(staff_commands("data_correction").contains(&"RequestDataCorrection"));
    assert!(!staff_commands("dossier").contains(&"SubmitDossier"));
    assert!(staff_commands("lookup").is_empty());
    assert!(staff_commands("weather").is_empty());
    let err = staff_command("lookup", &json!({"command": "RecordLookup"}), now()).unwrap_err();
    assert_eq!(
        err.reason,
        "`RecordLookup` is not a staff command on a lookup: there are no staff commands on a lookup"
    );
}
