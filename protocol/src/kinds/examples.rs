//! One valid payload of every kind and schema, for tests here and in the aggregates.

use serde_json::{json, Value};

use super::*;

pub const PSEUDONYM: &str = "02761d04480bba09e4e4e4f7076283ca16babdc7e0790b40bf7a44b721a7cad8";
pub const PAYMENT_ID: &str = "0199cc3a-7b5e-7a31-8c1d-3f0e2b9a4d10";

pub fn citizen() -> Value {
    json!({"key_id": "k2025-10", "pseudonym": PSEUDONYM, "age_band": "40-59", "sex": "male"})
}

/// `(kind, schema, payload)` for every entry of [`KINDS`].
pub fn examples() -> Vec<(&'static str, u16, Value)> {
    vec![
        (
            DOSSIER_SUBMITTED,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","procedure_code":"1.001193","fee_vnd":0}),
        ),
        (
            DOSSIER_SUBMITTED,
            2,
            json!({"dossier_code":"000.00.25.H29-251010-0002","procedure_code":"1.004222","fee_vnd":20000,
                "citizen":citizen()}),
        ),
        (
            PAYMENT_MADE,
            1,
            json!({"bill_type":"electricity","provider":"EVNHCMC","bill_reference":"PE04000123456",
                "amount_vnd":452000}),
        ),
        (
            SECURITY_REPORT_FILED,
            1,
            json!({"category":"noise","severity":"low","location":"Tháp A, tầng 12",
                "description":"Karaoke sau 22 giờ"}),
        ),
        (
            DOSSIER_DOCUMENTS_PROVIDED,
            1,
            json!({"dossier_code":"000.00.25.H29-251010-0001","note":"Bản sao giấy chứng sinh"}),
        ),
        (
            PAYMENT_INITIATED,
            1,
            json!({"bill_type":"water","provider":"SAWACO","bill_reference":"KH0123456","amount_vnd":186000}),
        ),
        (PAYMENT_SUCCEEDED, 1, json!({"payment_id":PAYMENT_ID,"transaction_ref":"VNPAY-14503321"})),
        (PAYMENT_FAILED, 1, json!({"payment_id":PAYMENT_ID,"reason":"Thẻ không đủ số dư"})),
        (HEALTH_INSURANCE_REQUESTED, 1, json!({"plan":"household","household_size":4,"citizen":citizen()})),
        (MEDICAL_EXAM_BOOKED, 1, json!({"specialty":"pediatrics","doctor":"BS. Nguyễn Thị C","citizen":citizen()})),
        (FINANCIAL_SERVICE_REQUESTED, 1, json!({"service":"bank_account","partner":"Agribank","citizen":citizen()})),
        (FEEDBACK_SUBMITTED, 1, json!({"topic":"living_environment","text":"Đèn hành lang tầng 5 hỏng"})),
        (DATA_CORRECTION_REQUESTED, 1, json!({"fields":["full_name","place_of_origin"],"citizen":citizen()})),
        (LOOKUP_PERFORMED, 1, json!({"topic":"dossier_progress"})),
        (STATION_HEARTBEAT, 1, json!({"agent_version":"0.1.0","outbox_depth":3,"clock_skew_ms":-120})),
    ]
}
