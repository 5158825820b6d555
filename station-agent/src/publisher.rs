//! Gets the outbox to the hub: publishes unconfirmed events in sequence order, takes receipts as
//! they come, and when receipts stop coming (a restart, an outage, a lost receipt) asks the hub
//! which events it has and sends the rest again, in order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bus::{OutgoingEvent, StationLink};
use futures::StreamExt;
use protocol::receipt::{LookupReply, LookupRequest, Sealed};
use protocol::{subjects, Receipt};
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::outbox::OutboxEvent;
use crate::Agent;

#[derive(Debug, Clone)]
pub struct PublisherConfig {
    /// Most events in flight at once.
    pub window: i64,
    /// How long to wait for receipts before asking the hub and resending.
    pub resend_after: Duration,
}

impl Default for PublisherConfig {
    fn default() -> Self {
        Self { window: 500, resend_after: Duration::from_secs(5) }
    }
}

/// Runs until `shutdown`. Events recorded meanwhile are picked up as they come.
pub async fn run(agent: Arc<Agent>, link: Arc<dyn StationLink>, config: PublisherConfig, shutdown: CancellationToken) {
    let (ward, station) = (agent.config.ward_code.clone(), agent.config.station_id.clone());
    let receipt_subject = subjects::receipts(&ward, &station);
    let lookup_subject = subjects::lookup(&ward, &station);
    // When the hub last answered anything (set by the receipt listener).
    let answered = Arc::new(Mutex::new(Instant::now()));
    let wake = Arc::new(Notify::new());

    let listener = tokio::spawn(listen_for_receipts(
        agent.clone(),
        link.clone(),
        receipt_subject,
        answered.clone(),
        wake.clone(),
        shutdown.clone(),
    ));

    // `next` is the first sequence number not yet published in this run; `waiting_since` is when
    // the oldest outstanding event started waiting for an answer.
    let mut next = 0u64;
    let mut waiting_since = Instant::now();
    let mut asked_at_start = false;
    let mut failures = 0u32;
    while !shutdown.is_cancelled() {
        let oldest = match agent.outbox.pending(0, config.window).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                sleep_or_stop(&shutdown, Duration::from_secs(1)).await;
                continue;
            }
        };
        let outstanding = oldest.first().is_some_and(|e| e.seq < next);
        let last_answer = *answered.lock().expect("clock lock");
        if !outstanding || last_answer > waiting_since {
            waiting_since = if outstanding { last_answer } else { Instant::now() };
        }
        // After a restart, or when answers stop: ask the hub, then resend what it lacks, in order.
        let stalled = outstanding && waiting_since.elapsed() >= config.resend_after;
        if stalled || (!asked_at_start && !oldest.is_empty()) {
            asked_at_start = true;
            // A stop does not wait for an answer that may never come (the link down).
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = ask_hub(&agent, link.as_ref(), &lookup_subject, &oldest) => {}
            }
            next = 0;
            waiting_since = Instant::now();
        }
        let to_send = agent.outbox.pending(next, config.window).await.unwrap_or_default();
        if !to_send.is_empty() {
            // Events are safe in the outbox: a stop need not wait for the bus's acks.
            let sent = tokio::select! {
                _ = shutdown.cancelled() => break,
                sent = publish_in_order(&agent, link.as_ref(), &to_send, &mut next) => sent,
            };
            if !sent {
                failures += 1;
                sleep_or_stop(&shutdown, Duration::from_millis(250 * u64::from(failures.min(8)))).await;
            } else {
                failures = 0;
            }
            continue;
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = agent.recorded.notified() => {}
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
    listener.abort();
}

/// Receipts, as the hub sends them: each is applied to the outbox, and wakes the publisher.
async fn listen_for_receipts(
    agent: Arc<Agent>,
    link: Arc<dyn StationLink>,
    receipt_subject: String,
    answered: Arc<Mutex<Instant>>,
    wake: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        match link.receipts(&receipt_subject).await {
            Ok(mut receipts) => loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    r = receipts.next() => match r {
                        Some(sealed) => {
                            let Some(r) = open::<Receipt>(&agent, &sealed) else { continue };
                            agent.observe_hub_clock(r.at);
                            apply(&agent, &r).await;
                            *answered.lock().expect("clock lock") = Instant::now();
                            wake.notify_one();
                        }
                        None => break,
                    }
                }
            },
            Err(e) => tracing::debug!(error = %e, "cannot subscribe to receipts yet"),
        }
        sleep_or_stop(&shutdown, Duration::from_secs(1)).await;
    }
}

/// Asks the hub what it has of these events and applies the receipts it gives.
async fn ask_hub(agent: &Agent, link: &dyn StationLink, lookup_subject: &str, events: &[OutboxEvent]) {
    let ids: Vec<Uuid> = events.iter().filter_map(|e| e.event_id.parse().ok()).collect();
    match link.lookup(lookup_subject, &LookupRequest { events: ids, witness: None }).await {
        Ok(sealed) => {
            let Some(reply) = open::<LookupReply>(agent, &sealed) else { return };
            agent.learn_epoch_key(reply.epoch_key.as_ref());
            for r in reply.receipts.iter().filter(|r| r.station == agent.config.station_id) {
                apply(agent, r).await;
            }
        }
        Err(e) => tracing::debug!(error = %e, "receipt lookup failed"),
    }
}

/// Publishes `events` in order, stopping at the first failure; `next` moves past each one sent.
/// Returns whether all were sent.
async fn publish_in_order(agent: &Agent, link: &dyn StationLink, events: &[OutboxEvent], next: &mut u64) -> bool {
    let outgoing: Vec<OutgoingEvent> = events.iter().map(|e| outgoing(agent, e)).collect();
    let results = link.publish(&outgoing).await;
    for (e, r) in events.iter().zip(&results) {
        match r {
            Ok(_) => *next = e.seq + 1,
            Err(err) => {
                tracing::debug!(error = %err, seq = e.seq, "publish failed; will retry");
                return false;
            }
        }
    }
    results.len() == events.len()
}

/// What the hub sent, if the hub signed it: anything else is refused and logged, and forgets
/// nothing.
fn open<T: serde::de::DeserializeOwned>(agent: &Agent, sealed: &Sealed) -> Option<T> {
    let Some(hub_key) = agent.config.hub_key() else {
        tracing::error!("this station has no hub key from enrollment: it cannot believe any receipt; enroll it again");
        return None;
    };
    match sealed.open(&hub_key) {
        Ok(value) => Some(value),
        Err(e) => {
            tracing::warn!(error = %e, "refused a receipt the hub did not sign");
            None
        }
    }
}

async fn apply(agent: &Agent, r: &Receipt) {
    match agent.outbox.confirm(r).await {
        Ok(true) => {
            if r.status != protocol::ReceiptStatus::Accepted {
                tracing::warn!(seq = r.seq, status = ?r.status, reason = ?r.reason, detail = ?r.detail, "the hub did not accept an event");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "cannot record a receipt"),
    }
}

fn outgoing(agent: &Agent, e: &OutboxEvent) -> OutgoingEvent {
    OutgoingEvent {
        subject: agent.events_subject(),
        // The signature, not the event id: JetStream's duplicate window spans the whole stream,
        // and only this station can make this signature, so no one else can have its event
        // taken for a duplicate.
        msg_id: e.signature.clone(),
        signature: e.signature.clone(),
        bytes: bytes::Bytes::from(e.bytes.clone()),
    }
}

async fn sleep_or_stop(shutdown: &CancellationToken, d: Duration) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(d) => {}
    }
}
