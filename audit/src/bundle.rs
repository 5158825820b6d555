//! The auditor's bundle (`docs/AUDIT.md` section 3): a directory holding `manifest.json` (format,
//! origin, the log's verifier key, the range of positions), `entries` (the entries' bytes in
//! position order, each after its length as a big-endian u16, as in a C2SP entry bundle),
//! `checkpoints/<tree size>.note` (every signed checkpoint the range covers), when the range
//! begins after position 1 `start.json`, and when it ends between checkpoints `end.json`
//! (`crate::start`). Writing one from the store, and
//! verifying one or a live database.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use protocol::merkle::leaf_hash;
use protocol::tlog::{AuditEntry, NoteVerifier};
use serde::{Deserialize, Serialize};
use store::Store;

use crate::verify::{Failure, Report, Verifier};

pub const FORMAT: &str = "dcs-audit-bundle/1";
/// Entries read and checked at a time.
const CHUNK: i64 = 4096;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BundleError + '_ {
    move |e| BundleError::Io(path.display().to_string(), e)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub origin: String,
    /// The log's verifier key (C2SP signed-note).
    pub log_key: String,
    /// First and last position; after 1, `start.json` takes the log up to `from`.
    pub from: i64,
    pub to: i64,
}

/// Writes the entries `from..=to` (from 1 to the log's head by default), the checkpoints they
/// cover and, after 1, the start they need, to `dir`; reports progress as entries are written.
pub async fn export(
    store: &Store,
    log_key: &str,
    from: Option<i64>,
    to: Option<i64>,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Manifest, BundleError> {
    let verifier = NoteVerifier::parse(log_key).map_err(|e| BundleError::Invalid(e.to_string()))?;
    let head = store.head().await?;
    let to = to.unwrap_or(head).min(head);
    let from = from.unwrap_or(1);
    if from < 1 || from > to {
        return Err(BundleError::Invalid(format!("--from {from}: the log holds positions 1 to {to}")));
    }
    std::fs::create_dir_all(dir.join("checkpoints")).map_err(io(dir))?;
    let path = dir.join("entries");
    let mut out = BufWriter::new(std::fs::File::create(&path).map_err(io(&path))?);
    let mut touched = crate::start::Touched::default();
    let mut next = from;
    while next <= to {
        let count = CHUNK.min(to - next + 1);
        for (_, entry) in store.entries(next, count).await? {
            if from > 1 {
                let e = AuditEntry::decode(&entry).map_err(|e| BundleError::Invalid(format!("an entry: {e}")))?;
                touched.add(&e);
            }
            out.write_all(&(entry.len() as u16).to_be_bytes()).map_err(io(&path))?;
            out.write_all(&entry).map_err(io(&path))?;
        }
        next += count;
        progress(count as u64);
    }
    out.flush().map_err(io(&path))?;
    if from > 1 {
        let start = crate::start::gather(store, from, touched).await?;
        let path = dir.join(crate::start::FILE);
        std::fs::write(&path, serde_json::to_vec(&start).expect("serialises")).map_err(io(&path))?;
    }
    if let Some(end) = crate::start::end(store, to).await? {
        let path = dir.join(crate::start::END_FILE);
        std::fs::write(&path, serde_json::to_vec(&end).expect("serialises")).map_err(io(&path))?;
    }
    for c in store.checkpoints_between(from - 1, to).await? {
        let path = dir.join("checkpoints").join(format!("{}.note", c.tree_size));
        std::fs::write(&path, &c.note).map_err(io(&path))?;
    }
    let manifest = Manifest { format: FORMAT.into(), origin: verifier.name.clone(), log_key: log_key.into(), from, to };
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).expect("serialises")).map_err(io(&path))?;
    Ok(manifest)
}

/// A JSON file of a bundle.
fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, file: &str) -> Result<T, BundleError> {
    let path = dir.join(file);
    let text = std::fs::read(&path).map_err(io(&path))?;
    serde_json::from_slice(&text).map_err(|e| BundleError::Invalid(format!("{file}: {e}")))
}

/// The manifest of a bundle.
pub fn manifest(dir: &Path) -> Result<Manifest, BundleError> {
    let m: Manifest = read_json(dir, "manifest.json")?;
    if m.format != FORMAT || m.from < 1 || m.to < m.from - 1 {
        return Err(BundleError::Invalid(format!("manifest.json: not a {FORMAT} bundle")));
    }
    Ok(m)
}

/// Verifies a bundle offline against `log_key` (the bundle's own when `None`) and the pinned
/// checkpoints.
pub async fn verify_bundle(
    dir: &Path,
    log_key: Option<&str>,
    pins: &[String],
    progress: &dyn Fn(u64),
) -> Result<Report, BundleError> {
    let m = manifest(dir)?;
    let mut early = Vec::new();
    if let Some(k) = log_key {
        if k.trim() != m.log_key {
            early.push(Failure { position: None, what: "the bundle's log key is not the one given".into() });
        }
    }
    let key = NoteVerifier::parse(log_key.unwrap_or(&m.log_key))
        .map_err(|e| BundleError::Invalid(format!("log key: {e}")))?;
    let mut notes = Vec::new();
    let cdir = dir.join("checkpoints");
    for f in std::fs::read_dir(&cdir).map_err(io(&cdir))? {
        let path = f.map_err(io(&cdir))?.path();
        notes.push(std::fs::read_to_string(&path).map_err(io(&path))?);
    }
    let mut v = Verifier::new(&key, &notes, pins);
    if m.from > 1 {
        let start: crate::start::Start = read_json(dir, crate::start::FILE)?;
        if start.tree_size as i64 != m.from - 1 {
            return Err(BundleError::Invalid(format!(
                "{}: it starts from {} entries, the manifest from position {}",
                crate::start::FILE,
                start.tree_size,
                m.from
            )));
        }
        v.start_from(&start);
    }
    let path = dir.join("entries");
    let mut input = BufReader::new(std::fs::File::open(&path).map_err(io(&path))?);
    let mut position = m.from;
    loop {
        let mut chunk = Vec::new();
        while chunk.len() < CHUNK as usize {
            let mut len = [0u8; 2];
            match input.read(&mut len[..1]) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(io(&path)(e)),
            }
            input
                .read_exact(&mut len[1..])
                .map_err(|_| BundleError::Invalid(format!("entries: cut short at position {position}")))?;
            let mut entry = vec![0u8; u16::from_be_bytes(len) as usize];
            input
                .read_exact(&mut entry)
                .map_err(|_| BundleError::Invalid(format!("entries: cut short at position {position}")))?;
            chunk.push((position, entry));
            position += 1;
        }
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len() as u64;
        v.entries(chunk).await;
        progress(n);
    }
    if dir.join(crate::start::END_FILE).exists() {
        v.end_at(&read_json(dir, crate::start::END_FILE)?, &key);
    }
    let mut report = v.finish();
    if position - 1 != m.to {
        report.failures.push(Failure {
            position: None,
            what: format!("the manifest says it ends at position {}, the bundle's entries at {}", m.to, position - 1),
        });
    }
    early.append(&mut report.failures);
    report.failures = early;
    Ok(report)
}

/// Verifies the live database: every entry as in a bundle, and also that each event's row says
/// what its entry says, that the stored tree holds each entry's leaf, and that the station
/// registry holds the keys the log gave.
pub async fn verify_database(
    store: &Store,
    log_key: &str,
    pins: &[String],
    progress: &dyn Fn(u64),
) -> Result<Report, BundleError> {
    let key = NoteVerifier::parse(log_key).map_err(|e| BundleError::Invalid(format!("log key: {e}")))?;
    let head = store.head().await?;
    let notes: Vec<String> = store.checkpoints_between(1, i64::MAX).await?.into_iter().map(|c| c.note).collect();
    let mut v = Verifier::new(&key, &notes, pins);
    let mut rows_failures = Vec::new();
    let mut next = 1i64;
    while next <= head {
        let entries = store.entries(next, CHUNK).await?;
        let rows = store.read_events(next - 1, CHUNK).await?;
        for (position, entry) in &entries {
            match rows.iter().find(|r| r.position == *position) {
                Some(row) => {
                    if let Some(what) = crate::verify::row_differs(row, entry) {
                        rows_failures.push(Failure { position: Some(*position), what });
                    }
                }
                None => rows_failures.push(Failure { position: Some(*position), what: "no event row".into() }),
            }
        }
        // Each leaf against the stored tree's level-0 tiles.
        let leaves_from = (next - 1) as u64;
        let mut at = leaves_from;
        let end = leaves_from + entries.len() as u64;
        while at < end {
            let tile = at / 256;
            let width = ((tile + 1) * 256).min(head as u64) - tile * 256;
            let stored = store.tile(0, tile, width).await?.unwrap_or_default();
            while at < end && at < (tile + 1) * 256 {
                let (position, entry) = &entries[(at - leaves_from) as usize];
                let off = ((at % 256) * 32) as usize;
                if stored.get(off..off + 32) != Some(&leaf_hash(entry)[..]) {
                    rows_failures.push(Failure {
                        position: Some(*position),
                        what: "the entry's leaf differs from the stored tree's".into(),
                    });
                }
                at += 1;
            }
        }
        let n = entries.len() as u64;
        let last = entries.last().map(|(p, _)| *p);
        v.entries(entries).await;
        progress(n.max(1));
        next = match last {
            Some(p) if p >= next => p + 1,
            _ => next + CHUNK,
        };
    }
    let registry = store.stations().await?;
    let mut report = v.finish_with(|stations| {
        for s in &registry {
            let logged = stations.key_of(&s.station_id);
            let held: Option<[u8; 32]> = s.public_key.as_deref().and_then(|k| k.try_into().ok());
            if held.is_some() && logged != held {
                rows_failures.push(Failure {
                    position: None,
                    what: format!("the registry holds a key for station {} that the log never gave it", s.station_id),
                });
            }
        }
    });
    report.failures.splice(0..0, rows_failures);
    Ok(report)
}
