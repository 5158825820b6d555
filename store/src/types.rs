//! The rows the store writes and reads.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An event to append. Its position is assigned by the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// 1 for an aggregate's first event, then gap-free.
    pub aggregate_seq: i64,
    pub event_type: String,
    pub event_version: i32,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
    pub station_id: Option<String>,
    pub ward_code: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// The exact bytes a station signed (station events only).
    pub raw: Option<Vec<u8>>,
    pub signature: Option<Vec<u8>>,
}

/// An event in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub position: i64,
    pub recorded_at: DateTime<Utc>,
    pub event: NewEvent,
}

/// An event as projectors read it in bulk: everything but the signed bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub event_type: String,
    pub event_version: i32,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
    pub station_id: Option<String>,
    pub ward_code: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// Where a station's hash chain stands after a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct StationCursor {
    pub station_id: String,
    pub last_seq: i64,
    pub last_hash: String,
    pub last_seen_at: DateTime<Utc>,
}

/// A change to the station registry, committed with the station's events that record it, so the
/// registry ingest verifies against and the log never disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistryChange {
    /// Put on its ward's rollout plan (fails if the station is already planned).
    Plan(NewStation),
    /// Its first key, registered with the one-time code (fails unless it is planned, not enrolled).
    Enroll { station_id: String, public_key: Vec<u8> },
    /// A new signing key (rotated), or `None` when its key is revoked (decommissioned).
    Key { station_id: String, public_key: Option<Vec<u8>> },
}

/// A message the hub could not accept.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDeadLetter {
    pub subject: String,
    pub event_id: Option<Uuid>,
    pub station_id: Option<String>,
    pub station_seq: Option<i64>,
    /// Machine-readable reason, e.g. `bad_signature`.
    pub reason: String,
    pub detail: String,
    pub raw: Vec<u8>,
    pub signature: Option<String>,
    pub chain_advanced: bool,
    /// `rejected` or `refused` when the station was sent a receipt for it.
    pub receipt_status: Option<String>,
}

impl NewDeadLetter {
    /// The letter as a database can keep it: what it quotes of the message came from anyone, so
    /// U+0000 (which PostgreSQL refuses in text) becomes U+FFFD and the detail is cut at 2,000
    /// characters. The raw bytes stay as they came.
    pub fn storable(&self) -> std::borrow::Cow<'_, Self> {
        let clean = |s: &str| s.replace('\0', "\u{FFFD}");
        let fine = |s: &str| !s.contains('\0');
        let texts = [Some(&self.subject), self.station_id.as_ref(), Some(&self.reason), self.signature.as_ref()];
        if texts.into_iter().flatten().all(|s| fine(s)) && fine(&self.detail) && self.detail.chars().count() <= 2000 {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut d = self.clone();
        d.subject = clean(&d.subject);
        d.station_id = d.station_id.as_deref().map(clean);
        d.reason = clean(&d.reason);
        d.signature = d.signature.as_deref().map(clean);
        d.detail = clean(&d.detail).chars().take(2000).collect();
        std::borrow::Cow::Owned(d)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub letter: NewDeadLetter,
}

/// What the hub already did with a station event.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub event_id: Uuid,
    /// The bytes as first received, to tell a resend from a different event reusing the id.
    pub raw: Vec<u8>,
    pub at: DateTime<Utc>,
    pub kind: OutcomeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeKind {
    Accepted {
        position: i64,
    },
    /// `rejected` or `refused`, with the dead letter's reason and detail.
    DeadLettered {
        status: String,
        reason: String,
        detail: String,
    },
}

/// A station to put on a ward's rollout plan.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStation {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
    /// SHA-256 (hex) of the one-time enrollment code given to the installer.
    pub enrollment_code_hash: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StationRecord {
    pub station_id: String,
    pub ward_code: String,
    pub building: String,
    /// `planned` or `enrolled`.
    pub status: String,
    pub enrollment_code_hash: String,
    pub public_key: Option<Vec<u8>>,
    pub planned_at: DateTime<Utc>,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub last_seq: i64,
    pub last_hash: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// When the current enrollment code was issued (at planning, or when an administrator issued a
    /// new one).
    pub code_issued_at: Option<DateTime<Utc>>,
}
