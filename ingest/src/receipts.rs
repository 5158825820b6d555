//! Receipts: built for new outcomes as a batch commits, rebuilt from the store for resends and
//! for stations' lookups.

use std::sync::Arc;

use bus::LookupCall;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use futures::StreamExt;
use protocol::receipt::LookupReply;
use protocol::receipt::Sealed;
use protocol::{chain_hash, subjects, Envelope, Receipt, ReceiptStatus};
use store::{Outcome, OutcomeKind, Store};

pub fn accepted(env: &Envelope, raw: &[u8], position: i64, at: DateTime<Utc>) -> Receipt {
    Receipt {
        v: 1,
        event: env.id,
        station: env.station.to_string(),
        seq: env.seq,
        status: ReceiptStatus::Accepted,
        position: Some(position),
        chain: chain_hash(raw).to_hex(),
        reason: None,
        detail: None,
        at,
    }
}

pub fn dead_lettered(
    env: &Envelope,
    raw: &[u8],
    status: ReceiptStatus,
    reason: &str,
    detail: &str,
    at: DateTime<Utc>,
) -> Receipt {
    Receipt {
        v: 1,
        event: env.id,
        station: env.station.to_string(),
        seq: env.seq,
        status,
        position: None,
        chain: chain_hash(raw).to_hex(),
        reason: Some(reason.to_string()),
        detail: Some(detail.to_string()),
        at,
    }
}

pub fn status_name(status: ReceiptStatus) -> &'static str {
    match status {
        ReceiptStatus::Accepted => "accepted",
        ReceiptStatus::Rejected => "rejected",
        ReceiptStatus::Refused => "refused",
    }
}

/// The receipt the hub gave (or would have given) for an earlier outcome.
pub fn from_outcome(o: &Outcome) -> Option<Receipt> {
    let env = Envelope::parse(&o.raw).ok()?;
    Some(match &o.kind {
        OutcomeKind::Accepted { position } => accepted(&env, &o.raw, *position, o.at),
        OutcomeKind::DeadLettered { status, reason, detail } => {
            let status = if status == "rejected" { ReceiptStatus::Rejected } else { ReceiptStatus::Refused };
            dead_lettered(&env, &o.raw, status, reason, detail, o.at)
        }
    })
}

/// Answers stations' lookups until the stream ends: for each event id asked about, the receipt
/// if the hub has an outcome for it. A station only learns about its own events.
pub async fn serve_lookups(
    store: Store,
    hub_key: Arc<ed25519_dalek::SigningKey>,
    keyring: Option<Arc<crate::keyring::Keyring>>,
    mut calls: BoxStream<'static, LookupCall>,
) {
    let store = Arc::new(store);
    while let Some(call) = calls.next().await {
        let (store, hub_key) = (store.clone(), hub_key.clone());
        let epoch_key = keyring.as_ref().map(|k| protocol::enrollment::EpochPublicKey::of(&k.current()));
        tokio::spawn(async move {
            let station = subjects::parse_lookup_subject(&call.subject).map(|(_, s)| s.to_string());
            let ids: Vec<_> = call.request.events.iter().take(1000).copied().collect();
            let receipts = match store.find_outcomes(&ids).await {
                Ok(outcomes) => {
                    outcomes.iter().filter_map(from_outcome).filter(|r| Some(&r.station) == station.as_ref()).collect()
                }
                Err(e) => {
                    tracing::warn!(error = %e, "lookup failed");
                    return;
                }
            };
            let witness = match (&call.request.witness, &station) {
                (Some(req), Some(station)) => crate::witness::answer(&store, station, req).await,
                _ => None,
            };
            let _ = call.reply.send(Sealed::seal(&LookupReply { receipts, witness, epoch_key }, &hub_key));
        });
    }
}
