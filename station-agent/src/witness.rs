//! The station as a witness of the hub's log (`docs/AUDIT.md` section 5). It keeps the latest
//! checkpoint it verified; when the hub announces a new one (and every minute regardless) it asks
//! for a consistency proof from the one it kept and inclusion proofs of its own accepted events,
//! and judges the answer with `protocol::tlog::witness::examine`. A consistent checkpoint is kept
//! and cosigned; a history that contradicts what it saw raises an alarm, kept on disk with both
//! checkpoints as evidence, shown in its status, its log and its heartbeats.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bus::StationLink;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use protocol::receipt::{LookupReply, LookupRequest};
use protocol::tlog::witness::{examine, Finding, WitnessRequest, MAX_POSITIONS};
use protocol::tlog::{cosignature, Checkpoint, Note, NoteVerifier};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::Agent;

/// How often a station witnesses the log when it hears of no new checkpoint.
pub const EVERY: Duration = Duration::from_secs(60);

/// A history inconsistent with what this station saw before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarm {
    pub since: DateTime<Utc>,
    /// What was found, in plain words (no personal data: sizes and positions only).
    pub what: String,
    /// Where the two checkpoints and the hub's answer are kept.
    pub evidence: PathBuf,
}

#[derive(Debug, Default)]
struct State {
    /// The latest checkpoint verified, and its note.
    kept: Option<(Checkpoint, String)>,
    /// Own accepted events up to this position were proved included.
    checked_through: i64,
    alarm: Option<Alarm>,
}

/// The witness's state, on disk under `<data dir>/witness/`.
pub struct Witness {
    dir: PathBuf,
    state: Mutex<State>,
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

impl Witness {
    pub fn open(data_dir: &Path) -> std::io::Result<Self> {
        let dir = data_dir.join("witness");
        std::fs::create_dir_all(&dir)?;
        let kept = read(&dir.join("checkpoint.note")).and_then(|note| {
            let text = Note::parse(&note).ok()?.text;
            Some((Checkpoint::parse(&text).ok()?, note))
        });
        let checked_through = read(&dir.join("checked-through")).and_then(|t| t.trim().parse().ok()).unwrap_or(0);
        let alarm = read(&dir.join("alarm.json")).and_then(|t| serde_json::from_str(&t).ok());
        Ok(Self { dir, state: Mutex::new(State { kept, checked_through, alarm }) })
    }

    /// The alarm raised, if any (it stays until an operator deals with it).
    pub fn alarm(&self) -> Option<Alarm> {
        self.state.lock().expect("witness lock").alarm.clone()
    }

    /// The size and root of the latest checkpoint this station verified.
    pub fn kept(&self) -> Option<Checkpoint> {
        self.state.lock().expect("witness lock").kept.as_ref().map(|(c, _)| c.clone())
    }

    fn keep(&self, c: Checkpoint, note: &str, checked_through: i64) -> std::io::Result<()> {
        write_atomically(&self.dir.join("checkpoint.note"), note.as_bytes())?;
        write_atomically(&self.dir.join("checked-through"), checked_through.to_string().as_bytes())?;
        let mut s = self.state.lock().expect("witness lock");
        s.kept = Some((c, note.to_string()));
        s.checked_through = checked_through;
        Ok(())
    }

    fn raise(&self, what: String, shown: &str, answer: &[u8]) -> std::io::Result<()> {
        let since = Utc::now();
        let evidence = self.dir.join("evidence").join(since.format("%Y%m%dT%H%M%S%.3fZ").to_string());
        std::fs::create_dir_all(&evidence)?;
        if let Some((_, note)) = &self.state.lock().expect("witness lock").kept {
            std::fs::write(evidence.join("kept.note"), note)?;
        }
        std::fs::write(evidence.join("shown.note"), shown)?;
        std::fs::write(evidence.join("answer.json"), answer)?;
        let alarm = Alarm { since, what, evidence };
        tracing::error!(what = %alarm.what, evidence = %alarm.evidence.display(), "the hub showed this station a history inconsistent with what it saw before");
        let mut s = self.state.lock().expect("witness lock");
        if s.alarm.is_none() {
            write_atomically(&self.dir.join("alarm.json"), &serde_json::to_vec_pretty(&alarm).expect("serialises"))?;
            s.alarm = Some(alarm);
        }
        Ok(())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

/// The log key: the hub's key under the checkpoint's origin (its first line).
fn log_key(agent: &Agent, note: &str) -> Option<NoteVerifier> {
    let origin = note.lines().next()?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&agent.config.hub_key()?).ok()?;
    NoteVerifier::new(origin, key).ok()
}

/// One round: asks, judges, keeps and cosigns or raises the alarm. Returns what it found.
pub async fn round(agent: &Agent, link: &dyn StationLink) -> Option<Finding> {
    let kept = agent.witness.kept();
    let checked_through = agent.witness.state.lock().expect("witness lock").checked_through;
    let own = agent.outbox.accepted_after(checked_through, MAX_POSITIONS as i64).await.ok()?;
    let asked: Vec<i64> = own.iter().map(|(p, _)| *p).collect();
    let subject = protocol::subjects::lookup(&agent.config.ward_code, &agent.config.station_id);
    let request =
        WitnessRequest { seen: kept.as_ref().map_or(0, |c| c.size), positions: asked.clone(), cosignature: None };
    let sealed = match link.lookup(&subject, &LookupRequest { events: vec![], witness: Some(request) }).await {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(error = %e, "cannot witness the log now");
            return None;
        }
    };
    let hub_key = agent.config.hub_key()?;
    let reply: LookupReply = sealed
        .open(&hub_key)
        .map_err(|e| tracing::warn!(error = %e, "refused a witness answer the hub did not sign"))
        .ok()?;
    agent.learn_epoch_key(reply.epoch_key.as_ref());
    let answer = reply.witness?;
    let key = log_key(agent, &answer.checkpoint)?;
    let mine = |p: i64| own.iter().find(|(q, _)| *q == p).map(|(_, b)| b.clone());
    let finding = match examine(&key, kept.as_ref(), &asked, &answer, &mine) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "a witness answer that proves nothing");
            return None;
        }
    };
    if let (Some(kept), Finding::Consistent(c)) = (&kept, &finding) {
        if c.origin != kept.origin {
            let what = format!("the hub's log is now `{}`, not `{}`", c.origin, kept.origin);
            let _ = agent.witness.raise(what.clone(), &answer.checkpoint, &sealed.bytes);
            return Some(Finding::Fork(what));
        }
    }
    match &finding {
        Finding::Consistent(c) => {
            let through = asked.iter().copied().filter(|&p| p as u64 <= c.size).max().unwrap_or(checked_through);
            if let Err(e) = agent.witness.keep(c.clone(), &answer.checkpoint, through.max(checked_through)) {
                tracing::error!(error = %e, "cannot keep the checkpoint");
                return None;
            }
            cosign(agent, link, &subject, c).await;
        }
        Finding::Unchanged => {}
        Finding::Fork(what) => {
            if let Err(e) = agent.witness.raise(what.clone(), &answer.checkpoint, &sealed.bytes) {
                tracing::error!(error = %e, "cannot keep the evidence of a fork");
            }
        }
    }
    Some(finding)
}

/// Sends the hub this station's cosignature of a checkpoint it verified.
async fn cosign(agent: &Agent, link: &dyn StationLink, subject: &str, c: &Checkpoint) {
    let Ok(sig) = cosignature::cosign(&agent.config.station_id, agent.key(), &c.text(), Utc::now().timestamp() as u64)
    else {
        return;
    };
    let request = WitnessRequest { seen: c.size, positions: vec![], cosignature: Some(sig.line()) };
    if let Err(e) = link.lookup(subject, &LookupRequest { events: vec![], witness: Some(request) }).await {
        tracing::debug!(error = %e, "cannot send a cosignature now");
    }
}

/// How soon a station tries again after a round that reached no verdict (the hub restarting, say);
/// the wait doubles after each such round, up to the regular interval.
pub const RETRY: Duration = Duration::from_secs(2);

/// Witnesses the log until `shutdown`: at each announced checkpoint and every `every`, and sooner
/// after a round that reached no verdict.
pub async fn run(agent: Arc<Agent>, link: Arc<dyn StationLink>, every: Duration, shutdown: CancellationToken) {
    let mut announced = match link.checkpoints().await {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::debug!(error = %e, "cannot hear checkpoint announcements; witnessing on a timer");
            None
        }
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut retry: Option<Duration> = None;
    loop {
        let again = async {
            match retry {
                Some(wait) => tokio::time::sleep(wait).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
            _ = again => {}
            heard = async { match announced.as_mut() { Some(s) => s.next().await, None => std::future::pending().await } } => {
                if heard.is_none() {
                    announced = None;
                }
            }
        }
        let verdict = tokio::select! {
            _ = shutdown.cancelled() => return,
            found = round(&agent, link.as_ref()) => found,
        };
        retry = match verdict {
            Some(_) => None,
            None => Some(retry.map_or(RETRY, |wait| (wait * 2).min(every))),
        };
    }
}
