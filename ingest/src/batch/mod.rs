//! One batch of deliveries, in the steps of `docs/PROTOCOL.md` section 7, in delivery order and
//! one transaction: 1. structure and authentication ([`authenticate`]), 2. seen before
//! ([`seen`]), 3. sequence and chain ([`chain`]), 4. payload and command ([`payload`]),
//! 5. append ([`append`]), 6. commit, then acknowledge and answer ([`acknowledge`]). Each step
//! decides a delivery's [`Fate`]; [`Batch::settle`] records it in one place.

mod acknowledge;
mod append;
mod authenticate;
mod chain;
mod equivocation;
mod isolate;
mod payload;
mod rejection;
pub(crate) mod sample;
mod seen;

use std::collections::{HashMap, HashSet};

use bus::Delivery;
use chrono::{DateTime, Utc};
use protocol::{subjects, ChainHash, Envelope, Receipt, ReceiptStatus};
use store::{AppendBatch, NewDeadLetter};
use uuid::Uuid;

use crate::reasons::STATION_DECOMMISSIONED;
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

impl BatchReport {
    pub(crate) fn add(&mut self, other: &BatchReport) {
        self.accepted += other.accepted;
        self.duplicates += other.duplicates;
        self.dead_lettered += other.dead_lettered;
        self.held += other.held;
    }
}

/// What became of a batch: committed (then acked and answered), or refused whole by the
/// database because of a value it cannot store (nothing acked; see `isolate`).
pub(crate) enum Processed {
    Committed(BatchReport),
    Refused(Vec<Delivery>, String),
}

/// What becomes of one delivery.
enum Fate {
    /// To the dead-letter table with its reason; answered with this receipt when the sender is
    /// authenticated and in its chain.
    DeadLettered(Box<NewDeadLetter>, Option<Receipt>),
    /// Seen before with the same bytes: acked, and answered with its original receipt if any.
    Duplicate(Option<Receipt>),
    /// Ahead of a missing predecessor: delivered again shortly.
    Held,
    /// Appended at this index of the append: acked, and answered with its position.
    Accepted { env: Envelope, index: usize },
}

/// What to do with a delivery once the batch commits.
enum Reply {
    Ack,
    Answer(Receipt),
    Accepted { env: Envelope, index: usize },
    Hold,
}

/// The batch being built: the one append, and for each delivery in order what to do after it.
#[derive(Default)]
struct Batch {
    append: AppendBatch,
    replies: Vec<Reply>,
    report: BatchReport,
}

impl Batch {
    /// Records a delivery's fate: its dead letter in the append, its reply, its count.
    fn settle(&mut self, fate: Fate) {
        let reply = match fate {
            Fate::DeadLettered(letter, receipt) => {
                self.append.dead_letters.push(*letter);
                self.report.dead_lettered += 1;
                receipt.map_or(Reply::Ack, Reply::Answer)
            }
            Fate::Duplicate(receipt) => {
                self.report.duplicates += 1;
                receipt.map_or(Reply::Ack, Reply::Answer)
            }
            Fate::Held => {
                self.report.held += 1;
                Reply::Hold
            }
            Fate::Accepted { env, index } => {
                self.report.accepted += 1;
                Reply::Accepted { env, index }
            }
        };
        self.replies.push(reply);
    }
}

/// What arrived: a delivery's subject, signature header and bytes.
#[derive(Clone, Copy)]
pub(crate) struct Received<'a> {
    pub subject: &'a str,
    pub signature: Option<&'a str>,
    pub bytes: &'a [u8],
}

impl<'a> Received<'a> {
    fn of(d: &'a Delivery) -> Self {
        Self { subject: &d.subject, signature: d.signature.as_deref(), bytes: &d.bytes }
    }
}

/// A dead letter for a delivery, before anything in it could be read.
fn dead(d: Received<'_>, reason: &str, detail: String) -> NewDeadLetter {
    NewDeadLetter {
        subject: d.subject.to_string(),
        event_id: None,
        station_id: subjects::parse_events_subject(d.subject).map(|(_, s)| s.to_string()),
        station_seq: None,
        reason: reason.to_string(),
        detail,
        raw: d.bytes.to_vec(),
        signature: d.signature.map(str::to_string),
        chain_advanced: false,
        receipt_status: None,
    }
}

/// A dead letter for an event whose envelope was read: it names the event and its station.
fn dead_event(d: Received<'_>, env: &Envelope, reason: &str, detail: String) -> NewDeadLetter {
    NewDeadLetter {
        event_id: Some(env.id),
        station_id: Some(env.station.to_string()),
        station_seq: Some(env.seq as i64),
        ..dead(d, reason, detail)
    }
}

/// The fate of an authenticated event refused with `status`: a `rejected` one still moved its
/// station's chain; either is answered.
fn refused(
    d: Received<'_>,
    env: &Envelope,
    status: ReceiptStatus,
    reason: &str,
    detail: String,
    now: DateTime<Utc>,
) -> Fate {
    let receipt = receipts::dead_lettered(env, d.bytes, status, reason, &detail, now);
    let letter = NewDeadLetter {
        chain_advanced: status == ReceiptStatus::Rejected,
        receipt_status: Some(receipts::status_name(status).to_string()),
        ..dead_event(d, env, reason, detail)
    };
    Fate::DeadLettered(Box::new(letter), Some(receipt))
}

impl Ingest {
    pub(crate) async fn process(&mut self, deliveries: Vec<Delivery>) -> Result<Processed, IngestError> {
        let now = Utc::now();
        let mut batch = Batch::default();
        self.refreshed.clear();

        // 1. Structure and authentication, one by one; each payload read once.
        let mut checked = Vec::with_capacity(deliveries.len());
        for d in &deliveries {
            checked.push(self.authenticate(Received::of(d)).await);
        }

        // What the hub already did with these event ids, and the aggregates they address.
        let ids: Vec<Uuid> = checked.iter().filter_map(|c| c.as_ref().ok().map(|a| a.env.id)).collect();
        let outcomes: HashMap<Uuid, store::Outcome> =
            self.store.find_outcomes(&ids).await?.into_iter().map(|o| (o.event_id, o)).collect();
        let keys: Vec<(&'static str, String)> = checked
            .iter()
            .filter_map(|c| c.as_ref().ok()?.routed.as_ref().ok())
            .map(|r| (r.aggregate_type, r.aggregate_id.clone()))
            .collect();
        self.cache.ensure(&self.store, &keys).await?;

        let mut cursors: HashMap<String, (u64, ChainHash)> = HashMap::new();
        let mut in_batch: HashMap<Uuid, usize> = HashMap::new(); // event id -> delivery index
        let mut revoked: HashSet<String> = HashSet::new(); // stations whose key this batch revokes
        for (i, (d, c)) in deliveries.iter().map(Received::of).zip(checked).enumerate() {
            let a = match c {
                Ok(a) => a,
                Err(letter) => {
                    batch.settle(Fate::DeadLettered(letter, None));
                    continue;
                }
            };
            // 2. Seen before.
            let earlier = in_batch.get(&a.env.id).map(|&first| deliveries[first].bytes.as_ref());
            if let Some(fate) = seen::seen_before(d, &a.env, outcomes.get(&a.env.id), earlier) {
                batch.settle(fate);
                continue;
            }
            // 3. Sequence and chain.
            if revoked.contains(a.env.station.as_str()) {
                let detail =
                    format!("station {}'s key was revoked in this batch: it signed two histories", a.env.station);
                batch.settle(Fate::DeadLettered(Box::new(dead_event(d, &a.env, STATION_DECOMMISSIONED, detail)), None));
                continue;
            }
            let station = self.stations.get(a.env.station.as_str()).expect("authenticated stations are known");
            let cursor = *cursors.entry(a.env.station.to_string()).or_insert((station.last_seq, station.last_hash));
            if chain::equivocates(&a.env, cursor) {
                revoked.insert(a.env.station.to_string());
                let fate = self.equivocation(d, &a.env, &mut batch.append, now).await?;
                batch.settle(fate);
                continue;
            }
            if let Some(fate) = chain::out_of_chain(d, &a.env, cursor, now) {
                batch.settle(fate);
                continue;
            }
            // In the chain: from here on the station's cursor moves past this event, whatever its fate.
            cursors.insert(a.env.station.to_string(), chain::after(&a.env, d.bytes));
            in_batch.insert(a.env.id, i);
            // 4. Payload and command; 5. append.
            let fate = self.apply(d, a, &mut batch.append, now).await?;
            batch.settle(fate);
        }
        batch.append.cursors = self.moved_cursors(&cursors, now);
        self.sampler.thin(&mut batch.append, std::time::Instant::now());

        // 6. Commit, then acknowledge and answer.
        self.commit_and_answer(deliveries, batch, cursors).await
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! What the steps' unit tests share: an event as a station sent it.

    use protocol::{StationId, WardCode, GENESIS};

    use super::*;

    /// Bytes as they arrived on the station's subject.
    pub(crate) fn delivery(bytes: &'static [u8]) -> Received<'static> {
        Received { subject: "dcs.v1.events.27097.st-27097-diamond-island", signature: None, bytes }
    }

    /// Event 1 of the pilot station, first in its chain.
    pub(crate) fn envelope() -> Envelope {
        Envelope {
            id: Uuid::parse_str("0199cc3b-0000-7000-8000-000000000001").unwrap(),
            station: StationId::parse("st-27097-diamond-island").unwrap(),
            ward: WardCode::parse("27097").unwrap(),
            seq: 1,
            prev: GENESIS,
            time: "2025-10-10T02:15:00Z".parse().unwrap(),
            kind: "payment.made".into(),
            schema: 1,
            payload: serde_json::json!({}),
        }
    }

    #[test]
    fn each_fate_is_counted_once_and_its_dead_letter_goes_to_the_append() {
        let d = delivery(b"abc");
        let env = envelope();
        let mut batch = Batch::default();
        batch.settle(Fate::Held);
        batch.settle(Fate::Duplicate(None));
        batch.settle(refused(d, &env, ReceiptStatus::Rejected, "invalid_payload", "payload.x: bad".into(), Utc::now()));
        batch.settle(Fate::Accepted { env, index: 0 });
        assert_eq!(batch.report, BatchReport { accepted: 1, duplicates: 1, dead_lettered: 1, held: 1 });
        assert_eq!(batch.append.dead_letters.len(), 1);
        let letter = &batch.append.dead_letters[0];
        assert!(letter.chain_advanced, "a rejected event moved its station's chain");
        assert_eq!(letter.receipt_status.as_deref(), Some("rejected"));
        assert!(matches!(batch.replies[..], [Reply::Hold, Reply::Ack, Reply::Answer(_), Reply::Accepted { .. }]));
    }
}
