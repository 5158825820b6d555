//! Step 4's refusals kept in the log: an authentic, in-chain event whose payload or command is
//! refused still moved its station's chain, so the station's log records it
//! (`StationEventRejected`, by the hub, with the reason code alone) and that entry carries the
//! event's signed bytes and signature: every station's chain is complete in the audit log.

use chrono::{DateTime, Utc};
use domain::aggregates::{Aggregate, AnyCommand, Station, StationCommand};
use serde_json::json;
use store::AppendBatch;

use super::authenticate::Authentic;
use super::Received;
use crate::{Ingest, IngestError};

/// Who records a rejection, in the event metadata.
pub const ACTOR: &str = "hub: rejection";

impl Ingest {
    pub(super) async fn record_rejection(
        &mut self,
        d: Received<'_>,
        a: &Authentic,
        reason: &str,
        append: &mut AppendBatch,
        now: DateTime<Utc>,
    ) -> Result<(), IngestError> {
        let env = &a.env;
        let station = env.station.to_string();
        self.cache.ensure(&self.store, &[(Station::TYPE, station.clone())]).await?;
        let cached = self.cache.get_mut(Station::TYPE, &station).expect("ensured");
        let command = StationCommand::RecordRejectedEvent {
            seq: env.seq,
            event: env.id,
            kind: env.kind.clone(),
            reason: reason.to_string(),
            at: now,
        };
        let events = match cached.state.execute(AnyCommand::Station(command)).await {
            Ok(events) => events,
            Err(why) => {
                tracing::warn!(station = %station, %why, "rejection not recorded on the station");
                return Ok(());
            }
        };
        let metadata = json!({
            "actor": ACTOR,
            "source": "hub",
            "station": station,
            "ward": env.ward.as_str(),
            "station_seq": env.seq,
            "source_event": env.id,
            "kind": env.kind,
        });
        let first_seq = cached.version + 1;
        cached.version += events.len() as i64;
        let ward = Some(env.ward.to_string());
        let mut entries = crate::staff::authored(Station::TYPE, &station, first_seq, events, &metadata, ward, now);
        if let Some(first) = entries.first_mut() {
            first.station_id = Some(station);
            first.raw = Some(d.bytes.to_vec());
            first.signature = Some(a.signature.to_vec());
        }
        append.events.extend(entries);
        Ok(())
    }
}
