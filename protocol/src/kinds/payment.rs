//! Payment payloads: a bill or fee paid in one step (`payment.made`), or in two: initiated, then
//! succeeded or failed (the follow-ups name the initiating event by `payment_id`).

use serde::{Deserialize, Serialize};

use super::examples::PAYMENT_ID;
use super::{example, Kind};
use crate::check::{event_id, text};
use crate::forgettable::{Sealable, SealedKey};
use crate::{FieldError, Vnd};
use serde_json::json;

kinds! {
    /// The kinds of a payment: in one step, or initiated then settled.
    pub enum PaymentKinds {
        Made(PaymentMade),
        Initiated(PaymentInitiation),
        Succeeded(PaymentSuccess),
        Failed(PaymentFailure),
    }
}

/// `payment.made`: a bill or fee paid at a station, initiated and confirmed in one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMade {
    pub bill_type: BillType,
    /// Who is paid, e.g. `EVNHCMC`.
    pub provider: String,
    /// The bill's or customer's reference with the provider.
    pub bill_reference: Sealable,
    pub amount_vnd: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// `payment.initiated`: a payment started at a station; its outcome follows in another event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInitiation {
    pub bill_type: BillType,
    pub provider: String,
    pub bill_reference: Sealable,
    pub amount_vnd: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// `payment.succeeded`: the provider confirmed the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSuccess {
    /// The id of the `payment.initiated` event.
    pub payment_id: String,
    /// The provider's or gateway's transaction reference.
    pub transaction_ref: Sealable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

/// `payment.failed`: the payment did not go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentFailure {
    /// The id of the `payment.initiated` event.
    pub payment_id: String,
    /// Why, as the gateway said it, e.g. `Thẻ không đủ số dư`.
    pub reason: Sealable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillType {
    Electricity,
    Water,
    Internet,
    Telecom,
    Tuition,
    ApartmentManagementFee,
    ProcedureFee,
    HealthInsurance,
}

impl BillType {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Electricity => "Tiền điện",
            Self::Water => "Tiền nước",
            Self::Internet => "Cước internet",
            Self::Telecom => "Cước viễn thông",
            Self::Tuition => "Học phí",
            Self::ApartmentManagementFee => "Phí quản lý chung cư",
            Self::ProcedureFee => "Phí, lệ phí thủ tục hành chính",
            Self::HealthInsurance => "Bảo hiểm y tế",
        }
    }
}

fn check_bill(
    provider: &str,
    bill_reference: &Sealable,
    amount_vnd: i64,
    key: &Option<SealedKey>,
) -> Result<(), FieldError> {
    text("provider", provider, 100)?;
    bill_reference.check("bill_reference", 64)?;
    Vnd::payment("amount_vnd", amount_vnd)?;
    SealedKey::check(key, &[bill_reference])
}

impl Kind for PaymentMade {
    const NAME: &'static str = "payment.made";
    const FORGETTABLE: &'static [&'static str] = &["bill_reference"];

    fn example() -> Self {
        example(json!({"bill_type":"electricity","provider":"EVNHCMC","bill_reference":"PE04000123456",
            "amount_vnd":452000}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_bill(&self.provider, &self.bill_reference, self.amount_vnd, &self.sealed_key)
    }
}

impl Kind for PaymentInitiation {
    const NAME: &'static str = "payment.initiated";
    const FORGETTABLE: &'static [&'static str] = &["bill_reference"];

    fn example() -> Self {
        example(json!({"bill_type":"water","provider":"SAWACO","bill_reference":"KH0123456","amount_vnd":186000}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        check_bill(&self.provider, &self.bill_reference, self.amount_vnd, &self.sealed_key)
    }
}

impl Kind for PaymentSuccess {
    const NAME: &'static str = "payment.succeeded";
    const FORGETTABLE: &'static [&'static str] = &["transaction_ref"];

    fn example() -> Self {
        example(json!({"payment_id":PAYMENT_ID,"transaction_ref":"VNPAY-14503321"}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        event_id("payment_id", &self.payment_id)?;
        self.transaction_ref.check("transaction_ref", 64)?;
        SealedKey::check(&self.sealed_key, &[&self.transaction_ref])
    }
}

impl Kind for PaymentFailure {
    const NAME: &'static str = "payment.failed";
    const FORGETTABLE: &'static [&'static str] = &["reason"];

    fn example() -> Self {
        example(json!({"payment_id":PAYMENT_ID,"reason":"Thẻ không đủ số dư"}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        event_id("payment_id", &self.payment_id)?;
        self.reason.check("reason", 200)?;
        SealedKey::check(&self.sealed_key, &[&self.reason])
    }
}
