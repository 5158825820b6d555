//! Step 2: seen before. The same event id with the same bytes is a resend, answered with its
//! original receipt and never appended twice; the same id with other bytes is dead-lettered.

use protocol::Envelope;
use store::{Outcome, OutcomeKind};

use super::{dead_event, Fate, Received};
use crate::reasons::EVENT_ID_REUSED;
use crate::receipts;

/// `earlier` is the hub's outcome for this event id, if it has one; `in_batch` the bytes of an
/// earlier delivery of the same id in this batch (a redelivery). `None`: never seen.
pub(super) fn seen_before(
    d: Received<'_>,
    env: &Envelope,
    earlier: Option<&Outcome>,
    in_batch: Option<&[u8]>,
) -> Option<Fate> {
    let reused = |detail: String| Fate::DeadLettered(Box::new(dead_event(d, env, EVENT_ID_REUSED, detail)), None);
    if let Some(o) = earlier {
        if o.raw == d.bytes {
            return Some(Fate::Duplicate(receipts::from_outcome(o)));
        }
        let at = match &o.kind {
            OutcomeKind::Accepted { position } => format!("at position {position}"),
            OutcomeKind::DeadLettered { status, .. } => format!("({status})"),
        };
        return Some(reused(format!("event id {} was used {at} by other bytes", env.id)));
    }
    match in_batch {
        // Answered with the first delivery's receipt.
        Some(first) if first == d.bytes => Some(Fate::Duplicate(None)),
        Some(_) => Some(reused(format!("event id {} used twice with other bytes", env.id))),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::tests::{delivery, envelope};

    #[test]
    fn a_new_event_id_was_never_seen() {
        let (d, env) = (delivery(b"abc"), envelope());
        assert!(seen_before(d, &env, None, None).is_none());
    }

    #[test]
    fn the_same_bytes_twice_in_a_batch_are_a_duplicate_and_other_bytes_are_dead_lettered() {
        let (d, env) = (delivery(b"abc"), envelope());
        assert!(matches!(seen_before(d, &env, None, Some(b"abc")), Some(Fate::Duplicate(None))));
        let Some(Fate::DeadLettered(letter, None)) = seen_before(d, &env, None, Some(b"xyz")) else {
            panic!("other bytes under the same id are dead-lettered unanswered")
        };
        assert_eq!(letter.reason, EVENT_ID_REUSED);
        assert_eq!(letter.event_id, Some(env.id));
    }
}
