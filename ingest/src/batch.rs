//! One batch of deliveries: check each in order, build one append, commit, then ack and answer.

use std::collections::HashMap;

use bus::Delivery;
use chrono::Utc;
use domain::aggregates::{route, Origin};
use protocol::kinds::StationEvent;
use protocol::signing::parse_signature_hex;
use protocol::{chain_hash, subjects, verify, ChainHash, Envelope, Receipt, ReceiptStatus};
use serde_json::json;
use store::{AppendBatch, NewDeadLetter, NewEvent, OutcomeKind, StationCursor};
use uuid::Uuid;

use crate::reasons::*;
use crate::receipts;
use crate::{Ingest, IngestError};

/// What a batch did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub accepted: usize,
    pub duplicates: usize,
    pub dead_lettered: usize,
    pub held: usize,
}

/// A delivery that passed the checks that need no database: structure, subject, key, signature.
struct Authentic {
    env: Envelope,
    signature: [u8; 64],
}

/// What to do with each delivery once the batch commits.
enum Fate {
    Ack,
    /// Ack and send this receipt (for accepted events the position is filled in after the append).
    Answer(Receipt),
    /// Accepted: ack and send a receipt for the event at this index of the append.
    Accepted {
        env: Envelope,
        index: usize,
    },
    Hold,
}

fn dead(d: &Delivery, reason: &str, detail: String) -> NewDeadLetter {
    NewDeadLetter {
        subject: d.subject.clone(),
        event_id: None,
        station_id: subjects::parse_events_subject(&d.subject).map(|(_, s)| s.to_string()),
        station_seq: None,
        reason: reason.to_string(),
        detail,
        raw: d.bytes.to_vec(),
        signature: d.signature.clone(),
        chain_advanced: false,
        receipt_status: None,
    }
}

impl Ingest {
    /// Checks that need no database; an `Err` is the dead letter for it (large, and rare).
    #[allow(clippy::result_large_err)]
    async fn authenticate(&mut self, d: &Delivery) -> Result<Authentic, NewDeadLetter> {
        let signature = d
            .signature
            .as_deref()
            .ok_or_else(|| dead(d, MISSING_SIGNATURE, "no Dcs-Signature header".into()))
            .and_then(|s| {
                parse_signature_hex(s).map_err(|e| dead(d, MISSING_SIGNATURE, format!("Dcs-Signature: {e}")))
            })?;
        let env = Envelope::parse(&d.bytes).map_err(|e| dead(d, MALFORMED_EVENT, e.to_string()))?;
        let with_ids = |mut l: NewDeadLetter| {
            l.event_id = Some(env.id);
            l.station_id = Some(env.station.to_string());
            l.station_seq = Some(env.seq as i64);
            l
        };
        if subjects::parse_events_subject(&d.subject) != Some((env.ward.as_str(), env.station.as_str())) {
            let detail = format!("event of {} in ward {} arrived on {}", env.station, env.ward, d.subject);
            return Err(with_ids(dead(d, SUBJECT_MISMATCH, detail)));
        }
        if self.stations.get(env.station.as_str()).is_none_or(|s| !s.enrolled) {
            // Planned or enrolled by another process since we last looked? (One row, not the registry.)
            if let Err(e) = self.stations.refresh(&self.store, env.station.as_str()).await {
                tracing::warn!(error = %e, "cannot read the station registry");
            }
        }
        let Some(station) = self.stations.get(env.station.as_str()) else {
            return Err(with_ids(dead(
                d,
                UNKNOWN_STATION,
                format!("station {} is not on any ward's plan", env.station),
            )));
        };
        if !station.enrolled {
            return Err(with_ids(dead(
                d,
                STATION_NOT_ENROLLED,
                format!("station {} has not enrolled a key", env.station),
            )));
        }
        let Some(key) = station.public_key.as_deref() else {
            return Err(with_ids(dead(
                d,
                STATION_DECOMMISSIONED,
                format!("station {} was decommissioned; its key is revoked", env.station),
            )));
        };
        if station.ward != env.ward.as_str() {
            let detail = format!("station {} belongs to ward {}, not {}", env.station, station.ward, env.ward);
            return Err(with_ids(dead(d, WRONG_WARD, detail)));
        }
        verify(key, &d.bytes, &signature).map_err(|e| with_ids(dead(d, BAD_SIGNATURE, e.to_string())))?;
        Ok(Authentic { env, signature })
    }

    pub(crate) async fn process(&mut self, deliveries: Vec<Delivery>) -> Result<BatchReport, IngestError> {
        let mut report = BatchReport::default();
        let mut append = AppendBatch::default();
        let mut fates: Vec<Fate> = Vec::with_capacity(deliveries.len());

        // 1. Authenticity, one by one.
        let mut checked = Vec::with_capacity(deliveries.len());
        for d in &deliveries {
            checked.push(self.authenticate(d).await);
        }

        // 2. What the hub already did with these event ids, and the aggregates they address.
        let ids: Vec<Uuid> = checked.iter().filter_map(|c| c.as_ref().ok().map(|a| a.env.id)).collect();
        let outcomes: HashMap<Uuid, store::Outcome> =
            self.store.find_outcomes(&ids).await?.into_iter().map(|o| (o.event_id, o)).collect();
        let keys: Vec<(&'static str, String)> = checked
            .iter()
            .filter_map(|c| c.as_ref().ok())
            .filter_map(|a| {
                let ev = StationEvent::parse(&a.env.kind, a.env.schema, &a.env.payload).ok()?;
                let r = route(ev, &Origin::of(&a.env));
                Some((r.aggregate_type, r.aggregate_id))
            })
            .collect();
        self.cache.ensure(&self.store, &keys).await?;

        // 3. Sequence, chain, payload and command, in delivery order.
        let now = Utc::now();
        let mut cursors: HashMap<String, (u64, ChainHash)> = HashMap::new();
        let mut in_batch: HashMap<Uuid, usize> = HashMap::new(); // event id -> delivery index
        for (i, (d, c)) in deliveries.iter().zip(checked).enumerate() {
            let a = match c {
                Ok(a) => a,
                Err(letter) => {
                    append.dead_letters.push(letter);
                    report.dead_lettered += 1;
                    fates.push(Fate::Ack);
                    continue;
                }
            };
            let env = a.env;
            let letter = |reason: &str, detail: String, status: Option<ReceiptStatus>| NewDeadLetter {
                event_id: Some(env.id),
                station_id: Some(env.station.to_string()),
                station_seq: Some(env.seq as i64),
                chain_advanced: status == Some(ReceiptStatus::Rejected),
                receipt_status: status.map(|s| receipts::status_name(s).to_string()),
                ..dead(d, reason, detail)
            };

            // Seen before: a resend gets its original receipt; other bytes under the same id are refused.
            if let Some(o) = outcomes.get(&env.id) {
                if o.raw == d.bytes {
                    report.duplicates += 1;
                    fates.push(receipts::from_outcome(o).map_or(Fate::Ack, Fate::Answer));
                } else {
                    let at = match &o.kind {
                        OutcomeKind::Accepted { position } => format!("at position {position}"),
                        OutcomeKind::DeadLettered { status, .. } => format!("({status})"),
                    };
                    append.dead_letters.push(letter(
                        EVENT_ID_REUSED,
                        format!("event id {} was used {at} by other bytes", env.id),
                        None,
                    ));
                    report.dead_lettered += 1;
                    fates.push(Fate::Ack);
                }
                continue;
            }
            if let Some(&first) = in_batch.get(&env.id) {
                // The same message twice in one batch (a redelivery): answer it like the first.
                report.duplicates += 1;
                fates.push(if deliveries[first].bytes == d.bytes {
                    Fate::Ack
                } else {
                    append.dead_letters.push(letter(
                        EVENT_ID_REUSED,
                        format!("event id {} used twice with other bytes", env.id),
                        None,
                    ));
                    report.dead_lettered += 1;
                    Fate::Ack
                });
                continue;
            }

            let station = self.stations.get(env.station.as_str()).expect("authenticated stations are known");
            let (last_seq, last_hash) =
                *cursors.entry(env.station.to_string()).or_insert((station.last_seq, station.last_hash));
            if env.seq > last_seq + 1 {
                report.held += 1;
                fates.push(Fate::Hold);
                continue;
            }
            if env.seq <= last_seq {
                let detail = format!("sequence {} of {} is already taken by another event", env.seq, env.station);
                let status = ReceiptStatus::Refused;
                fates.push(Fate::Answer(receipts::dead_lettered(
                    &env,
                    &d.bytes,
                    status,
                    SEQUENCE_REUSED,
                    &detail,
                    now,
                )));
                append.dead_letters.push(letter(SEQUENCE_REUSED, detail, Some(status)));
                report.dead_lettered += 1;
                continue;
            }
            if env.prev != last_hash {
                let detail = format!(
                    "prev is {}, but event {} of {} has chain hash {}",
                    env.prev, last_seq, env.station, last_hash
                );
                let status = ReceiptStatus::Refused;
                fates.push(Fate::Answer(receipts::dead_lettered(&env, &d.bytes, status, BROKEN_CHAIN, &detail, now)));
                append.dead_letters.push(letter(BROKEN_CHAIN, detail, Some(status)));
                report.dead_lettered += 1;
                continue;
            }
            // In the chain: from here on the station's cursor moves past this event, whatever its fate.
            cursors.insert(env.station.to_string(), (env.seq, chain_hash(&d.bytes)));
            in_batch.insert(env.id, i);

            let rejected = |reason: &str, detail: String| {
                let status = ReceiptStatus::Rejected;
                (
                    receipts::dead_lettered(&env, &d.bytes, status, reason, &detail, now),
                    letter(reason, detail, Some(status)),
                )
            };
            let event = match StationEvent::parse(&env.kind, env.schema, &env.payload) {
                Ok(e) => e,
                Err(e) => {
                    let (receipt, l) = rejected(INVALID_PAYLOAD, e.to_string());
                    append.dead_letters.push(l);
                    fates.push(Fate::Answer(receipt));
                    report.dead_lettered += 1;
                    continue;
                }
            };
            let routed = route(event, &Origin::of(&env));
            let cached = self.cache.get_mut(routed.aggregate_type, &routed.aggregate_id).expect("loaded in step 2");
            match cached.state.execute(routed.command).await {
                Err(e) => {
                    let (receipt, l) = rejected(COMMAND_REJECTED, e.to_string());
                    append.dead_letters.push(l);
                    fates.push(Fate::Answer(receipt));
                    report.dead_lettered += 1;
                }
                Ok(events) => {
                    let metadata = json!({
                        "station": env.station.as_str(),
                        "ward": env.ward.as_str(),
                        "station_seq": env.seq,
                        "source_event": env.id,
                        "kind": env.kind,
                        "schema": env.schema,
                    });
                    fates.push(Fate::Accepted { env: env.clone(), index: append.events.len() });
                    if cached.ward.is_none() {
                        cached.ward = Some(env.ward.to_string());
                    }
                    for (k, e) in events.into_iter().enumerate() {
                        cached.version += 1;
                        append.events.push(NewEvent {
                            event_id: if k == 0 { env.id } else { Uuid::now_v7() },
                            aggregate_type: routed.aggregate_type.to_string(),
                            aggregate_id: routed.aggregate_id.clone(),
                            aggregate_seq: cached.version,
                            event_type: e.event_type,
                            event_version: e.event_version,
                            payload: e.payload,
                            metadata: metadata.clone(),
                            station_id: Some(env.station.to_string()),
                            ward_code: Some(env.ward.to_string()),
                            occurred_at: env.time,
                            raw: (k == 0).then(|| d.bytes.to_vec()),
                            signature: (k == 0).then(|| a.signature.to_vec()),
                        });
                    }
                    report.accepted += 1;
                }
            }
        }
        append.cursors = cursors
            .iter()
            .filter(|(id, (seq, _))| self.stations.get(id).is_some_and(|s| s.last_seq != *seq))
            .map(|(id, (seq, hash))| StationCursor {
                station_id: id.clone(),
                last_seq: *seq as i64,
                last_hash: hash.to_hex(),
                last_seen_at: now,
            })
            .collect();

        // 4. Commit, then ack and answer. Nothing is acked before its outcome is durable.
        let appended = if append.is_empty() {
            None
        } else {
            match self.writer.append(&append).await {
                Ok(a) => Some(a),
                Err(e) => {
                    self.cache.clear();
                    let _ = self.stations.reload(&self.store).await;
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
        if let Some(a) = &appended {
            if let Some(&last) = a.positions.last() {
                self.head.send_replace(last);
            }
        }
        for (d, fate) in deliveries.into_iter().zip(fates) {
            let receipt = match fate {
                Fate::Hold => {
                    let _ = d.nak(self.config.hold_delay).await;
                    continue;
                }
                Fate::Ack => None,
                Fate::Answer(r) => Some(r),
                Fate::Accepted { env, index } => {
                    let a = appended.as_ref().expect("accepted events were appended");
                    Some(receipts::accepted(&env, &d.bytes, a.positions[index], a.recorded_at))
                }
            };
            if let Err(e) = d.ack().await {
                tracing::warn!(error = %e, "ack failed; the message will come again and be answered as a duplicate");
            }
            if let Some(r) = receipt {
                let ward = subjects::parse_events_subject(&d.subject).map(|(w, _)| w).unwrap_or_default();
                if let Err(e) = self.link.send_receipt(&subjects::receipts(ward, &r.station), &r).await {
                    tracing::warn!(error = %e, "receipt not sent; the station will look it up");
                }
            }
        }
        Ok(report)
    }
}
