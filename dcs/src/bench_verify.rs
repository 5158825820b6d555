//! `dcs bench verify`: an audit bundle of N realistic entries (signed station events of 50
//! enrolled stations, the domain events ingest derives from them, a checkpoint every 100,000
//! entries), verified by `dcs audit verify`'s code, beside the machine's raw rates on the same
//! data in the same run: Ed25519 batch verification of the stations' signatures on every core,
//! and SHA-256 of the entries.

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use chrono::Utc;
use domain::aggregates::{AnyAggregate, AnyCommand, StationCommand};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use protocol::merkle::leaf_hash;
use protocol::tlog::{Checkpoint, Frontier, NoteSigner};
use sha2::Digest;
use store::NewEvent;
use uuid::Uuid;

/// What one run measured.
#[derive(Debug)]
pub struct VerifyFigures {
    pub entries: u64,
    pub station_events: u64,
    pub verify_rate: f64,
    pub ed25519_batch_rate: f64,
    pub sha256_rate: f64,
    pub sha256_mb_s: f64,
    pub failures: usize,
}

/// The 50 bench stations' planning and enrollment, as the log records them.
async fn enrollments(stations: &[(String, VerifyingKey)]) -> Vec<NewEvent> {
    let now = Utc::now();
    let mut rows = Vec::new();
    for (id, key) in stations {
        let mut agg = AnyAggregate::new("station").expect("station");
        let commands = [
            StationCommand::PlanStation {
                ward: protocol::WardCode::parse("27097").expect("a ward"),
                building: "Bench".into(),
                at: now,
            },
            StationCommand::EnrollStation { public_key: hex::encode(key.to_bytes()), at: now },
        ];
        for (seq, c) in commands.into_iter().enumerate() {
            for e in agg.execute(AnyCommand::Station(c)).await.expect("plans and enrolls") {
                rows.push(NewEvent {
                    event_id: Uuid::now_v7(),
                    aggregate_type: "station".into(),
                    aggregate_id: id.clone(),
                    aggregate_seq: seq as i64 + 1,
                    event_type: e.event_type,
                    event_version: e.event_version,
                    payload: e.payload,
                    metadata: serde_json::json!({"actor": "bench", "source": "staff", "ward": "27097"}),
                    station_id: None,
                    ward_code: Some("27097".into()),
                    occurred_at: now,
                    raw: None,
                    signature: None,
                });
            }
        }
    }
    rows
}

pub async fn run(n: usize) -> anyhow::Result<VerifyFigures> {
    let dir = std::env::temp_dir().join(format!("dcs-bench-verify-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("checkpoints"))?;
    let result = measure(n, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(n: usize, dir: &std::path::Path) -> anyhow::Result<VerifyFigures> {
    eprintln!("generating {n} signed station events…");
    let stations: Vec<(String, VerifyingKey)> = (0..50)
        .map(|i| (format!("st-27097-bench-{i}"), SigningKey::from_bytes(&[i as u8 + 1; 32]).verifying_key()))
        .collect();
    let mut rows = enrollments(&stations).await;
    rows.extend(crate::bench::realistic_rows(n).await);
    let (log_key, entries) = write_bundle(&mut rows, dir)?;

    // The verifier, as `dcs audit verify BUNDLE` runs it.
    let t = Instant::now();
    let report = audit::bundle::verify_bundle(dir, Some(&log_key), &[], &|_| {}).await?;
    let verify_secs = t.elapsed().as_secs_f64();
    for f in report.failures.iter().take(5) {
        eprintln!("  {f}");
    }
    let (signatures, ed_secs) = time_batch_verification(&rows, &stations);
    let (bytes, sha_secs) = time_sha256(&entries);
    Ok(VerifyFigures {
        entries: report.entries,
        station_events: report.station_events,
        verify_rate: report.entries as f64 / verify_secs,
        ed25519_batch_rate: signatures as f64 / ed_secs,
        sha256_rate: entries.len() as f64 / sha_secs,
        sha256_mb_s: bytes as f64 / sha_secs / 1e6,
        failures: report.failures.len(),
    })
}

/// Writes the rows as an audit bundle in `dir`, with a checkpoint every 100,000 entries and at the
/// end; gives the log key and the entries' bytes.
fn write_bundle(rows: &mut [NewEvent], dir: &std::path::Path) -> anyhow::Result<(String, Vec<Vec<u8>>)> {
    // Each aggregate's sequence as the log gives it.
    let mut seqs: HashMap<(String, String), i64> = HashMap::new();
    let hub = NoteSigner::new(audit::checkpoints::DEFAULT_ORIGIN, SigningKey::from_bytes(&[99; 32]))?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("entries"))?);
    let mut frontier = Frontier::new();
    let mut entries = Vec::with_capacity(rows.len());
    let at = Utc::now();
    let total = rows.len();
    for (i, row) in rows.iter_mut().enumerate() {
        let seq = seqs.entry((row.aggregate_type.clone(), row.aggregate_id.clone())).or_insert(0);
        *seq += 1;
        row.aggregate_seq = *seq;
        let entry = store::entry_bytes(i as i64 + 1, row, at)?;
        out.write_all(&(entry.len() as u16).to_be_bytes())?;
        out.write_all(&entry)?;
        frontier.push(leaf_hash(&entry));
        let size = frontier.size();
        if size.is_multiple_of(100_000) || i + 1 == total {
            let note = hub.sign(&Checkpoint::new(hub.name(), size, frontier.root()).text())?;
            std::fs::write(dir.join("checkpoints").join(format!("{size}.note")), note.encode())?;
        }
        entries.push(entry);
    }
    out.flush()?;
    let manifest = audit::bundle::Manifest {
        format: audit::bundle::FORMAT.into(),
        origin: hub.name().into(),
        log_key: hub.verifier().encode(),
        from: 1,
        to: total as i64,
    };
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest)?)?;
    Ok((manifest.log_key, entries))
}

/// Raw Ed25519 batch verification of the rows' signatures, in batches of 64, on every core: how
/// many, and the seconds it took.
fn time_batch_verification(rows: &[NewEvent], stations: &[(String, VerifyingKey)]) -> (usize, f64) {
    let signed: Vec<(&[u8], Signature, VerifyingKey)> = rows
        .iter()
        .filter_map(|r| {
            let (raw, sig, station) = (r.raw.as_ref()?, r.signature.as_ref()?, r.station_id.as_ref()?);
            let key = stations.iter().find(|(id, _)| id == station)?.1;
            Some((raw.as_slice(), Signature::from_slice(sig).ok()?, key))
        })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    std::thread::scope(|s| {
        for part in signed.chunks(signed.len().div_ceil(threads).max(1)) {
            s.spawn(move || {
                for chunk in part.chunks(64) {
                    let msgs: Vec<&[u8]> = chunk.iter().map(|c| c.0).collect();
                    let sigs: Vec<Signature> = chunk.iter().map(|c| c.1).collect();
                    let keys: Vec<VerifyingKey> = chunk.iter().map(|c| c.2).collect();
                    ed25519_dalek::verify_batch(&msgs, &sigs, &keys).expect("valid signatures");
                }
            });
        }
    });
    (signed.len(), t.elapsed().as_secs_f64())
}

/// SHA-256 of every entry, on one core (the verifier's tree is built in order): bytes hashed, and
/// the seconds it took.
fn time_sha256(entries: &[Vec<u8>]) -> (usize, f64) {
    let t = Instant::now();
    let mut sum = 0u8;
    let mut bytes = 0usize;
    for e in entries {
        sum ^= sha2::Sha256::digest(e)[0];
        bytes += e.len();
    }
    std::hint::black_box(sum);
    (bytes, t.elapsed().as_secs_f64())
}
