//! Step 5: the log entries of an accepted station event. The first keeps the event's id, the
//! bytes as signed and the signature; every one names its station, ward and source event.

use domain::aggregates::SerializedEvent;
use protocol::Envelope;
use serde_json::json;
use store::NewEvent;
use uuid::Uuid;

/// A station event as it arrived.
#[derive(Clone, Copy)]
pub(super) struct Signed<'a> {
    pub env: &'a Envelope,
    pub raw: &'a [u8],
    pub signature: &'a [u8; 64],
}

/// The entries for `events`, the first at aggregate sequence `first_seq`.
pub(super) fn new_events<'a>(
    signed: Signed<'a>,
    aggregate_type: &'static str,
    aggregate_id: &str,
    first_seq: i64,
    events: Vec<SerializedEvent>,
) -> impl Iterator<Item = NewEvent> + 'a {
    let env = signed.env;
    let metadata = json!({
        "station": env.station.as_str(),
        "ward": env.ward.as_str(),
        "station_seq": env.seq,
        "source_event": env.id,
        "kind": env.kind,
        "schema": env.schema,
    });
    let aggregate_id = aggregate_id.to_string();
    events.into_iter().enumerate().map(move |(k, e)| {
        let first = k == 0;
        NewEvent {
            event_id: if first { env.id } else { Uuid::now_v7() },
            aggregate_type: aggregate_type.to_string(),
            aggregate_id: aggregate_id.clone(),
            aggregate_seq: first_seq + k as i64,
            event_type: e.event_type,
            event_version: e.event_version,
            payload: e.payload,
            metadata: metadata.clone(),
            station_id: Some(env.station.to_string()),
            ward_code: Some(env.ward.to_string()),
            occurred_at: env.time,
            raw: first.then(|| signed.raw.to_vec()),
            signature: first.then(|| signed.signature.to_vec()),
        }
    })
}

#[cfg(test)]
mod tests {
    use domain::aggregates::{route, AnyAggregate, Origin};
    use protocol::kinds::{Kind, PaymentMade, StationEvent};

    use super::*;
    use crate::batch::tests::envelope;

    #[test]
    fn the_first_entry_keeps_the_signed_bytes_and_every_entry_names_its_source() {
        let env = envelope();
        let routed = route(StationEvent::from(PaymentMade::example()), &Origin::of(&env)).unwrap();
        let mut payment = AnyAggregate::new(routed.aggregate_type).unwrap();
        let events = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(payment.execute(routed.command))
            .unwrap();
        let signed = Signed { env: &env, raw: b"signed bytes", signature: &[7; 64] };
        let entries: Vec<NewEvent> = new_events(signed, "payment", &routed.aggregate_id, 1, events).collect();
        assert_eq!(entries.len(), 1);
        let e = &entries[0];
        assert_eq!((e.event_id, e.aggregate_seq, e.event_type.as_str()), (env.id, 1, "PaymentMade"));
        assert_eq!(e.raw.as_deref(), Some(&b"signed bytes"[..]));
        assert_eq!(e.signature.as_deref(), Some(&[7u8; 64][..]));
        assert_eq!(e.metadata["source_event"], json!(env.id));
        assert_eq!((e.station_id.as_deref(), e.ward_code.as_deref()), (Some(env.station.as_str()), Some("27097")));
    }
}
