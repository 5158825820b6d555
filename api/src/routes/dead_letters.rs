//! `GET /api/v1/dead-letters`: what the hub could not accept, newest first, with reason and bytes;
//! paged (`before` = the last id of the previous page) and capped (`limit` at most 200).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::extract::QueryParams;
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// At most this many (default 50, capped at 200).
    limit: Option<i64>,
    /// The page after the one that ended at this id.
    before: Option<i64>,
}

#[derive(Serialize)]
pub struct DeadLetterView {
    pub id: i64,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub subject: String,
    pub event_id: Option<uuid::Uuid>,
    pub station_id: Option<String>,
    pub station_seq: Option<i64>,
    pub reason: String,
    pub detail: String,
    pub receipt_status: Option<String>,
    /// The bytes as received, as text where they are UTF-8.
    pub raw: String,
}

pub async fn list(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<Params>,
) -> Result<Json<Vec<DeadLetterView>>, ApiError> {
    let limit = p.limit.unwrap_or(50).clamp(1, 200);
    let letters = s.store.dead_letters(p.before, limit).await?;
    Ok(Json(
        letters
            .into_iter()
            .map(|d| DeadLetterView {
                id: d.id,
                received_at: d.received_at,
                subject: d.letter.subject,
                event_id: d.letter.event_id,
                station_id: d.letter.station_id,
                station_seq: d.letter.station_seq,
                reason: d.letter.reason,
                detail: d.letter.detail,
                receipt_status: d.letter.receipt_status,
                raw: String::from_utf8_lossy(&d.letter.raw).into_owned(),
            })
            .collect(),
    ))
}

/// `GET /api/v1/dead-letters/tally`: every dead letter from an unauthenticated sender of the last
/// 30 local days, counted by day and reason (the list above keeps only a sample of those).
pub async fn tally(State(s): State<AppState>) -> Result<Json<Vec<store::TallyRow>>, ApiError> {
    let since = super::today() - chrono::Duration::days(30);
    Ok(Json(s.store.dead_letter_tally(since).await?))
}
