//! How long the station keeps what it recorded: an event stays in the outbox until the hub has
//! answered for it, then `keep` longer (for the operator's status and the witness's inclusion
//! checks), then it is deleted and overwritten. The chain's head always stays.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::Agent;

/// The default time a confirmed event stays on the station's disk.
pub const KEEP_DAYS: u64 = 7;

/// Purges at start and every hour until `shutdown`.
pub async fn run(agent: Arc<Agent>, keep: Duration, shutdown: CancellationToken) {
    loop {
        let before = Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::days(KEEP_DAYS as i64));
        match agent.outbox.purge_confirmed(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "deleted confirmed events past their keeping time"),
            Err(e) => tracing::warn!(error = %e, "cannot purge the outbox"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::outbox::{Outbox, OutboxEvent};
    use protocol::{Receipt, ReceiptStatus};

    fn event(seq: u64) -> OutboxEvent {
        OutboxEvent {
            seq,
            event_id: uuid::Uuid::from_u128(seq as u128).to_string(),
            kind: "payment.made".into(),
            bytes: b"{}".to_vec(),
            signature: "00".into(),
            chain_hash: format!("{seq:064x}"),
        }
    }

    #[tokio::test]
    async fn confirmed_events_past_their_time_go_and_pending_ones_and_the_head_stay() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite")).await.unwrap();
        for seq in 1..=4 {
            outbox.insert(&event(seq), chrono::Utc::now()).await.unwrap();
        }
        for seq in [1, 2, 4] {
            let e = event(seq);
            let receipt = Receipt {
                v: 1,
                event: e.event_id.parse().unwrap(),
                station: "st-27097-a".into(),
                seq,
                status: ReceiptStatus::Accepted,
                position: Some(seq as i64),
                chain: e.chain_hash.clone(),
                reason: None,
                detail: None,
                at: chrono::Utc::now(),
            };
            assert!(outbox.confirm(&receipt).await.unwrap());
        }
        assert_eq!(outbox.purge_confirmed(chrono::Utc::now() - chrono::Duration::hours(1)).await.unwrap(), 0);
        assert_eq!(outbox.purge_confirmed(chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap(), 2);
        let status = outbox.status().await.unwrap();
        assert_eq!((status.pending, status.accepted, status.last_seq), (1, 1, 4), "seq 3 waits; seq 4 is the head");
    }
}
