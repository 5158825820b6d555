//! Step 4: payload and command. An authentic, in-chain event whose payload breaks its schema, or
//! whose command its aggregate refuses, is dead-lettered with a `rejected` receipt (it still
//! moved its station's chain); otherwise its command's events go to step 5.

use chrono::{DateTime, Utc};
use protocol::ReceiptStatus;
use store::AppendBatch;

use super::authenticate::Authentic;
use super::{append, refused, Fate, Received};
use crate::reasons::{COMMAND_REJECTED, INVALID_PAYLOAD};
use crate::{Ingest, IngestError};

impl Ingest {
    /// Runs the event's command on its aggregate; on success appends its events to `append`.
    pub(super) async fn apply(
        &mut self,
        d: Received<'_>,
        a: Authentic,
        append: &mut AppendBatch,
        now: DateTime<Utc>,
    ) -> Result<Fate, IngestError> {
        let rejected = |reason: &str, detail: String| refused(d, &a.env, ReceiptStatus::Rejected, reason, detail, now);
        let routed = match &a.routed {
            Ok(routed) => routed.clone(),
            Err(e) => {
                self.record_rejection(d, &a, INVALID_PAYLOAD, append, now).await?;
                return Ok(rejected(INVALID_PAYLOAD, e.to_string()));
            }
        };
        let cached = self.cache.get_mut(routed.aggregate_type, &routed.aggregate_id).expect("loaded with the batch");
        let events = match cached.state.execute(routed.command).await {
            Ok(events) => events,
            Err(e) => {
                self.record_rejection(d, &a, COMMAND_REJECTED, append, now).await?;
                return Ok(rejected(COMMAND_REJECTED, e.to_string()));
            }
        };
        if cached.ward.is_none() {
            cached.ward = Some(a.env.ward.to_string());
        }
        if let (Some(key), Some(keyring)) = (&a.data_key, &self.config.keyring) {
            append.data_keys.push(store::NewDataKey {
                event_id: a.env.id,
                citizen: a.pseudonym.clone(),
                aggregate_type: routed.aggregate_type.to_string(),
                aggregate_id: routed.aggregate_id.clone(),
                sealed_key: keyring.seal_data_key(key, a.env.id),
            });
        }
        let index = append.events.len();
        let first_seq = cached.version + 1;
        cached.version += events.len() as i64;
        let signed = append::Signed { env: &a.env, raw: d.bytes, signature: &a.signature };
        append.events.extend(append::new_events(
            signed,
            routed.aggregate_type,
            &routed.aggregate_id,
            first_seq,
            events,
        ));
        Ok(Fate::Accepted { env: a.env, index })
    }
}
