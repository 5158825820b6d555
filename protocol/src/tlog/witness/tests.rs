//! A station shown a consistent history keeps and cosigns its checkpoint; shown a forked one, a
//! rolled-back one, or its own event altered, it finds a fork; an unsigned answer proves nothing.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use ed25519_dalek::SigningKey;

use super::*;
use crate::merkle::node_hash;
use crate::tlog::entry::SignedBytes;
use crate::tlog::{proof, NoteSigner, Subtree};

const ORIGIN: &str = "dcs.example/log";

fn entry(position: i64, signed: &[u8]) -> Vec<u8> {
    AuditEntry {
        dcs_entry: crate::tlog::entry::ENTRY_VERSION,
        position,
        committed_at: "2025-10-10T02:15:00Z".parse().unwrap(),
        event_id: uuid::Uuid::from_u128(position as u128),
        aggregate_type: "payment".into(),
        aggregate_id: format!("p-{position}"),
        aggregate_seq: 1,
        event_type: "Made".into(),
        event_version: 1,
        payload: serde_json::json!({}),
        metadata: serde_json::json!({}),
        station: Some("st-1".into()),
        ward: Some("27097".into()),
        occurred_at: "2025-10-10T02:15:00Z".parse().unwrap(),
        signed: Some(SignedBytes { bytes: signed.to_vec(), signature: vec![1; 64] }),
    }
    .encode()
    .unwrap()
}

/// The station's own signed bytes at a position.
fn mine(position: i64) -> Vec<u8> {
    format!("event {position}").into_bytes()
}

fn mth(leaves: &[Hash]) -> Hash {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = 1 << (63 - (leaves.len() as u64 - 1).leading_zeros());
    node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
}

/// A log of entries, as a hub would answer from it.
struct Log {
    entries: Vec<Vec<u8>>,
    signer: NoteSigner,
}

impl Log {
    fn new(n: i64) -> Self {
        let signer = NoteSigner::new(ORIGIN, SigningKey::from_bytes(&[3; 32])).unwrap();
        Self { entries: (1..=n).map(|p| entry(p, &mine(p))).collect(), signer }
    }

    fn sub(&self, s: Subtree) -> Hash {
        let leaves: Vec<Hash> = self.entries.iter().map(|e| leaf_hash(e)).collect();
        let a = (s.index << s.level) as usize;
        mth(&leaves[a..a + (1 << s.level)])
    }

    fn checkpoint(&self) -> Checkpoint {
        let size = self.entries.len() as u64;
        Checkpoint::new(ORIGIN, size, proof::root(size, |s| self.sub(s)))
    }

    fn answer(&self, seen: u64, asked: &[i64]) -> WitnessReply {
        let size = self.entries.len() as u64;
        let b64 = |hs: Vec<Hash>| hs.iter().map(|h| B64.encode(h)).collect::<Vec<_>>();
        let consistency =
            if seen == 0 || seen >= size { vec![] } else { proof::consistency(seen, size, |s| self.sub(s)).unwrap() };
        WitnessReply {
            checkpoint: self.signer.sign(&self.checkpoint().text()).unwrap().encode(),
            consistency: b64(consistency),
            entries: asked
                .iter()
                .map(|&p| Included {
                    position: p,
                    entry: B64.encode(&self.entries[p as usize - 1]),
                    proof: b64(proof::inclusion(p as u64 - 1, size, |s| self.sub(s)).unwrap()),
                })
                .collect(),
        }
    }
}

fn judge(seen: Option<&Checkpoint>, asked: &[i64], reply: &WitnessReply) -> Result<Finding, Unreadable> {
    let key = Log::new(0).signer.verifier();
    examine(&key, seen, asked, reply, &|p| Some(mine(p)))
}

#[test]
fn a_station_keeps_a_first_checkpoint_and_every_one_that_extends_it() {
    let log = Log::new(5);
    let first = log.checkpoint();
    assert_eq!(judge(None, &[2, 4], &log.answer(0, &[2, 4])), Ok(Finding::Consistent(first.clone())));
    assert_eq!(judge(Some(&first), &[], &log.answer(5, &[])), Ok(Finding::Unchanged));
    let grown = Log::new(13);
    assert_eq!(judge(Some(&first), &[9], &grown.answer(5, &[9])), Ok(Finding::Consistent(grown.checkpoint())));
}

#[test]
fn a_history_rewritten_behind_a_checkpoint_is_a_fork() {
    let log = Log::new(5);
    let seen = log.checkpoint();
    let mut forked = Log::new(13);
    forked.entries[2] = entry(3, b"something else");
    let finding = judge(Some(&seen), &[], &forked.answer(5, &[])).unwrap();
    assert!(matches!(&finding, Finding::Fork(w) if w.contains("does not extend")), "{finding:?}");

    let mut same_size = Log::new(5);
    same_size.entries[4] = entry(5, b"other");
    let finding = judge(Some(&seen), &[], &same_size.answer(5, &[])).unwrap();
    assert_eq!(finding, Finding::Fork("two different logs of 5 entries".into()));

    let finding = judge(Some(&seen), &[], &Log::new(3).answer(0, &[])).unwrap();
    assert!(matches!(&finding, Finding::Fork(w) if w.contains("dropped")), "{finding:?}");
}

#[test]
fn a_station_whose_own_event_is_altered_or_unproven_finds_a_fork() {
    let mut log = Log::new(8);
    log.entries[5] = entry(6, b"not what the station signed");
    let finding = judge(None, &[6], &log.answer(0, &[6])).unwrap();
    assert!(matches!(&finding, Finding::Fork(w) if w.contains("position 6 is not the event")), "{finding:?}");

    let log = Log::new(8);
    let finding = judge(None, &[6], &log.answer(0, &[])).unwrap();
    assert!(matches!(&finding, Finding::Fork(w) if w.contains("does not prove")), "{finding:?}");
    // Not yet in a checkpoint: nothing to prove yet.
    assert_eq!(judge(None, &[9], &log.answer(0, &[])), Ok(Finding::Consistent(log.checkpoint())));
}

#[test]
fn an_answer_the_log_key_did_not_sign_proves_nothing() {
    let log = Log::new(4);
    let mut reply = log.answer(0, &[]);
    let forger = NoteSigner::new(ORIGIN, SigningKey::from_bytes(&[4; 32])).unwrap();
    reply.checkpoint = forger.sign(&log.checkpoint().text()).unwrap().encode();
    assert!(judge(None, &[], &reply).is_err());
}
