//! Dead letters from senders nobody authenticated are counted by reason and day, every one, but
//! kept in full (with their raw bytes) only as a sample: at most [`SAMPLE_PER_MINUTE`] per reason
//! a minute. A flood of junk then grows a counter, not the dead-letter table.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use store::AppendBatch;

use crate::reasons::UNAUTHENTICATED;

pub const SAMPLE_PER_MINUTE: u32 = 100;

#[derive(Default)]
pub(crate) struct Sampler {
    /// Per reason: when its minute began and how many were kept in it.
    windows: HashMap<String, (Instant, u32)>,
}

impl Sampler {
    /// Counts the batch's unauthenticated dead letters into its tally and drops those beyond the
    /// sample.
    pub(crate) fn thin(&mut self, append: &mut AppendBatch, now: Instant) {
        let mut tally: HashMap<String, i64> = HashMap::new();
        append.dead_letters.retain(|d| {
            if !UNAUTHENTICATED.contains(&d.reason.as_str()) {
                return true;
            }
            *tally.entry(d.reason.clone()).or_default() += 1;
            let (start, kept) = self.windows.entry(d.reason.clone()).or_insert((now, 0));
            if now.duration_since(*start) >= Duration::from_secs(60) {
                (*start, *kept) = (now, 0);
            }
            *kept += 1;
            *kept <= SAMPLE_PER_MINUTE
        });
        let mut tally: Vec<(String, i64)> = tally.into_iter().collect();
        tally.sort();
        append.tally.extend(tally);
    }
}

#[cfg(test)]
mod tests {
    use store::NewDeadLetter;

    use super::*;
    use crate::reasons::{BAD_SIGNATURE, BROKEN_CHAIN};

    fn letter(reason: &str) -> NewDeadLetter {
        NewDeadLetter {
            subject: "dcs.v1.events.27097.st-x".into(),
            event_id: None,
            station_id: None,
            station_seq: None,
            reason: reason.into(),
            detail: String::new(),
            raw: vec![],
            signature: None,
            chain_advanced: false,
            receipt_status: None,
        }
    }

    #[test]
    fn junk_is_counted_whole_and_kept_as_a_sample_while_authenticated_letters_are_all_kept() {
        let (mut sampler, t0) = (Sampler::default(), Instant::now());
        let letters = (0..250).map(|_| letter(BAD_SIGNATURE)).chain((0..3).map(|_| letter(BROKEN_CHAIN))).collect();
        let mut append = AppendBatch { dead_letters: letters, ..Default::default() };
        sampler.thin(&mut append, t0);
        assert_eq!(append.tally, vec![(BAD_SIGNATURE.to_string(), 250)]);
        let kept = |a: &AppendBatch, r: &str| a.dead_letters.iter().filter(|d| d.reason == r).count();
        assert_eq!((kept(&append, BAD_SIGNATURE), kept(&append, BROKEN_CHAIN)), (100, 3));
        let mut next = AppendBatch { dead_letters: vec![letter(BAD_SIGNATURE)], ..Default::default() };
        sampler.thin(&mut next, t0 + Duration::from_secs(30));
        assert_eq!(kept(&next, BAD_SIGNATURE), 0, "the minute's sample is full");
        sampler.thin(&mut next, t0 + Duration::from_secs(61));
        let mut later = AppendBatch { dead_letters: vec![letter(BAD_SIGNATURE)], ..Default::default() };
        sampler.thin(&mut later, t0 + Duration::from_secs(62));
        assert_eq!(kept(&later, BAD_SIGNATURE), 1, "a new minute, a new sample");
    }
}
