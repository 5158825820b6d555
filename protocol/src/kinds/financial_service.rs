//! The financial service payload: a resident asks a partner (a bank, a lender, a mobile network)
//! for an account, a card, a loan, or the identification of a SIM card.

use serde::{Deserialize, Serialize};

use super::examples::citizen;
use super::{example, Kind};
use crate::check::text;
use crate::citizen::StationCitizen;
use crate::forgettable::SealedKey;
use crate::FieldError;
use serde_json::json;

kinds! {
    /// The kinds of a bank, loan or SIM service request.
    pub enum FinancialServiceKinds {
        Requested(FinancialServiceRequest),
    }
}

/// `financial_service.requested`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialServiceRequest {
    pub service: FinancialServiceKind,
    /// The partner asked, e.g. `Agribank`, `Viettel`.
    pub partner: String,
    pub citizen: StationCitizen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed_key: Option<SealedKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinancialServiceKind {
    BankAccount,
    CreditCard,
    ConsumerLoan,
    SimIdentification,
}

impl FinancialServiceKind {
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::BankAccount => "Mở tài khoản ngân hàng",
            Self::CreditCard => "Mở thẻ tín dụng",
            Self::ConsumerLoan => "Vay tiêu dùng",
            Self::SimIdentification => "Chuẩn hóa thông tin thuê bao di động",
        }
    }
}

impl Kind for FinancialServiceRequest {
    const NAME: &'static str = "financial_service.requested";

    fn example() -> Self {
        example(json!({"service":"bank_account","partner":"Agribank","citizen":citizen()}))
    }

    fn validate(&self) -> Result<(), FieldError> {
        text("partner", &self.partner, 100)?;
        self.citizen.validate()?;
        SealedKey::check_sealed(&self.sealed_key, self.citizen.is_sealed())
    }

    fn citizen(&self) -> Option<&StationCitizen> {
        Some(&self.citizen)
    }
}
