//! Step 6: commit the batch, then acknowledge each delivery and answer it. Nothing is acked
//! before its outcome is durable; a batch that cannot commit is delivered again whole.

use std::collections::HashMap;

use bus::Delivery;
use chrono::{DateTime, Utc};
use protocol::{subjects, ChainHash};
use store::StationCursor;

use super::{Batch, Processed, Reply};
use crate::receipts;
use crate::{Ingest, IngestError};

impl Ingest {
    /// The chain cursors the batch moved, for the append.
    pub(super) fn moved_cursors(
        &self,
        cursors: &HashMap<String, (u64, ChainHash)>,
        now: DateTime<Utc>,
    ) -> Vec<StationCursor> {
        cursors
            .iter()
            .filter(|(id, (seq, _))| self.stations.get(id).is_some_and(|s| s.last_seq != *seq))
            .map(|(id, (seq, hash))| StationCursor {
                station_id: id.clone(),
                last_seq: *seq as i64,
                last_hash: hash.to_hex(),
                last_seen_at: now,
            })
            .collect()
    }

    pub(super) async fn commit_and_answer(
        &mut self,
        deliveries: Vec<Delivery>,
        batch: Batch,
        cursors: HashMap<String, (u64, ChainHash)>,
    ) -> Result<Processed, IngestError> {
        let Batch { append, replies, report } = batch;
        let appended = if append.is_empty() {
            None
        } else {
            match self.writer.append(&append).await {
                Ok(a) => Some(a),
                Err(e) => {
                    self.cache.clear();
                    let _ = self.stations.reload(&self.store).await;
                    if e.refuses_the_data() {
                        return Ok(Processed::Refused(deliveries, e.to_string()));
                    }
                    for d in deliveries {
                        let _ = d.nak(std::time::Duration::from_millis(200)).await;
                    }
                    return Err(e.into());
                }
            }
        };
        for (id, (seq, hash)) in cursors {
            self.stations.set_cursor(&id, seq, hash);
        }
        for change in &append.registry {
            self.stations.apply(change);
        }
        if let Some(&last) = appended.as_ref().and_then(|a| a.positions.last()) {
            self.head.send_replace(last);
        }
        for (d, reply) in deliveries.into_iter().zip(replies) {
            let receipt = match reply {
                Reply::Hold => {
                    let _ = d.nak(self.config.hold_delay).await;
                    continue;
                }
                Reply::Ack => None,
                Reply::Answer(r) => Some(r),
                Reply::Accepted { env, index } => {
                    let a = appended.as_ref().expect("accepted events were appended");
                    Some(receipts::accepted(&env, &d.bytes, a.positions[index], a.recorded_at))
                }
            };
            if let Err(e) = d.ack().await {
                tracing::warn!(error = %e, "ack failed; the message will come again and be answered as a duplicate");
            }
            if let Some(r) = receipt {
                let ward = subjects::parse_events_subject(&d.subject).map(|(w, _)| w).unwrap_or_default();
                let sealed = protocol::receipt::Sealed::seal(&r, &self.config.hub_key);
                if let Err(e) = self.link.send_receipt(&subjects::receipts(ward, &r.station), &sealed).await {
                    tracing::warn!(error = %e, "receipt not sent; the station will look it up");
                }
            }
        }
        Ok(Processed::Committed(report))
    }
}
