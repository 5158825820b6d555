//! Step 3, its gravest case: an authentic event under a sequence number its station already used.
//! Two different events signed with one key for one place in the chain prove that the key signed
//! two histories (a cloned or stolen kiosk). The second is dead-lettered with its bytes and
//! signature; the station's log records the equivocation (`StationEquivocated`, by the hub) and
//! its key is revoked in the same append, so nothing it signs is accepted until an administrator
//! rotates the key.

use chrono::{DateTime, Utc};
use domain::aggregates::{Aggregate, AnyCommand, Station, StationCommand};
use protocol::{chain_hash, Envelope, ReceiptStatus};
use serde_json::json;
use store::AppendBatch;

use super::{refused, Fate, Received};
use crate::reasons::EQUIVOCATION;
use crate::{Ingest, IngestError};

/// Who records an equivocation, in the event metadata.
pub const ACTOR: &str = "hub: equivocation";

impl Ingest {
    /// Dead-letters the second event, and records the proof and the revocation in `append`.
    pub(super) async fn equivocation(
        &mut self,
        d: Received<'_>,
        env: &Envelope,
        append: &mut AppendBatch,
        now: DateTime<Utc>,
    ) -> Result<Fate, IngestError> {
        let station = env.station.to_string();
        let conflicting_chain = chain_hash(d.bytes).to_hex();
        tracing::error!(
            station = %station, seq = env.seq, event = %env.id,
            "equivocation: the station's key signed two events under one sequence number; revoking the key"
        );
        let detail = format!(
            "sequence {} of {} was already taken by another event signed with the same key; the key is revoked",
            env.seq, env.station
        );
        let fate = refused(d, env, ReceiptStatus::Refused, EQUIVOCATION, detail, now);

        self.cache.ensure(&self.store, &[(Station::TYPE, station.clone())]).await?;
        let cached = self.cache.get_mut(Station::TYPE, &station).expect("ensured");
        let command =
            StationCommand::RecordEquivocation { seq: env.seq, conflicting_event: env.id, conflicting_chain, at: now };
        let events = match cached.state.execute(AnyCommand::Station(command)).await {
            Ok(events) => events,
            Err(why) => {
                tracing::warn!(station = %station, %why, "equivocation not recorded on the station");
                return Ok(fate);
            }
        };
        append.registry.extend(crate::staff::registry_changes(&station, &events, None).unwrap_or_default());
        let metadata = json!({ "actor": ACTOR, "source": "hub", "ward": env.ward.as_str() });
        let first_seq = cached.version + 1;
        cached.version += events.len() as i64;
        let ward = Some(env.ward.to_string());
        append.events.extend(crate::staff::authored(Station::TYPE, &station, first_seq, events, &metadata, ward, now));
        Ok(fate)
    }
}
