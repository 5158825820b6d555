//! The hub's receipt for a station event: only when it arrives may the station forget the event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What the hub did with the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// In the central log at `position`.
    Accepted,
    /// Authentic and in sequence, so it advanced the station's chain, but its payload or the
    /// command it carried was refused; kept in the dead-letter table with `reason`. Do not resend.
    Rejected,
    /// Authentic but out of chain (a reused sequence number, a wrong `prev`): the station needs an
    /// operator. Kept in the dead-letter table with `reason`. Do not resend.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub v: u8,
    pub event: Uuid,
    pub station: String,
    pub seq: u64,
    pub status: ReceiptStatus,
    /// Global log position of the event (accepted only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The chain hash the hub computed over the bytes it received.
    pub chain: String,
    /// Machine-readable reason (rejected and refused only), e.g. `invalid_payload`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable detail (rejected and refused only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When the hub recorded the outcome.
    pub at: DateTime<Utc>,
}

/// A station asking which of its events the hub already has (after a restart or a lost receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupRequest {
    pub events: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LookupReply {
    /// Receipts for the events the hub has an outcome for; the others it has not seen.
    pub receipts: Vec<Receipt>,
}
