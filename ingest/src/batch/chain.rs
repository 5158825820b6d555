//! Step 3: sequence and chain. An event ahead of its predecessor is held; a `prev` that is not the
//! last chain hash is refused; a second authentic event under a sequence number already used is
//! an equivocation ([`equivocates`], handled in `equivocation`).

use chrono::{DateTime, Utc};
use protocol::{chain_hash, ChainHash, Envelope, ReceiptStatus};

use super::{refused, Fate, Received};
use crate::reasons::BROKEN_CHAIN;

/// Whether this authentic event (not a resend: step 2 answered those) takes a sequence number the
/// station already used: its key signed two histories.
pub(super) fn equivocates(env: &Envelope, cursor: (u64, ChainHash)) -> bool {
    env.seq <= cursor.0
}

/// `None` when the event is the station's next one; otherwise its fate. `cursor` is the station's
/// last accepted `(seq, chain hash)`; an equivocation is decided before.
pub(super) fn out_of_chain(
    d: Received<'_>,
    env: &Envelope,
    cursor: (u64, ChainHash),
    now: DateTime<Utc>,
) -> Option<Fate> {
    let (last_seq, last_hash) = cursor;
    if env.seq > last_seq + 1 {
        return Some(Fate::Held);
    }
    if env.prev != last_hash {
        let detail =
            format!("prev is {}, but event {} of {} has chain hash {}", env.prev, last_seq, env.station, last_hash);
        return Some(refused(d, env, ReceiptStatus::Refused, BROKEN_CHAIN, detail, now));
    }
    None
}

/// The station's cursor once this in-chain event is taken, whatever its fate.
pub(super) fn after(env: &Envelope, bytes: &[u8]) -> (u64, ChainHash) {
    (env.seq, chain_hash(bytes))
}

#[cfg(test)]
mod tests {
    use protocol::GENESIS;

    use super::*;
    use crate::batch::tests::{delivery, envelope};

    #[test]
    fn the_next_event_in_the_chain_passes() {
        let (d, env) = (delivery(b"abc"), envelope()); // seq 1, prev GENESIS
        assert!(out_of_chain(d, &env, (0, GENESIS), Utc::now()).is_none());
        assert_eq!(after(&env, b"abc"), (1, chain_hash(b"abc")));
    }

    #[test]
    fn an_event_ahead_of_its_predecessor_is_held() {
        let (d, env) = (delivery(b"abc"), envelope());
        assert!(matches!(
            out_of_chain(
                d,
                &{
                    let mut e = env;
                    e.seq = 3;
                    e
                },
                (1, GENESIS),
                Utc::now()
            ),
            Some(Fate::Held)
        ));
    }

    #[test]
    fn a_used_sequence_is_an_equivocation_and_a_broken_chain_is_refused_with_a_receipt() {
        let (d, env) = (delivery(b"abc"), envelope()); // seq 1
        assert!(equivocates(&env, (1, GENESIS)) && equivocates(&env, (4, GENESIS)));
        assert!(!equivocates(&env, (0, GENESIS)));
        let Some(Fate::DeadLettered(letter, Some(receipt))) =
            out_of_chain(d, &env, (0, chain_hash(b"other")), Utc::now())
        else {
            panic!("a broken chain is refused")
        };
        assert_eq!((letter.reason.as_str(), receipt.status), (BROKEN_CHAIN, ReceiptStatus::Refused));
        assert!(!letter.chain_advanced);
    }
}
