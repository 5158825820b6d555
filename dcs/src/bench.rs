//! `dcs bench append`: appends N realistic events through the event store, through the event store
//! without its Merkle tree, and the same rows by raw PostgreSQL `COPY`, in one run, in a scratch
//! database; prints the rates and their ratios.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use domain::aggregates::{route, AnyAggregate, Origin};
use ed25519_dalek::SigningKey;
use indicatif::{ProgressBar, ProgressStyle};
use protocol::citizen::{pseudonymise_form, seal_form};
use protocol::forgettable::Sealer;
use protocol::{chain_hash, sign, CitizenId, UnsignedEvent, GENESIS};
use serde_json::json;
use sqlx::{Connection, PgConnection};
use store::{AppendBatch, CopyEncoder, NewEvent, Store};
use uuid::Uuid;

use crate::demo::forms::next_event;

#[derive(Debug, Clone)]
pub struct AppendBench {
    /// A PostgreSQL server URL; the benchmark creates and drops its own database there.
    pub database_url: String,
    pub events: usize,
    pub batch: usize,
    pub rounds: usize,
    /// Seal forgettable fields as stations do, and file their data keys with the events.
    pub sealed: bool,
}

#[derive(Debug, Clone)]
pub struct AppendFigures {
    pub events: usize,
    pub payload_bytes: usize,
    /// Average size of the signed station event bytes kept with each row.
    pub signed_bytes: usize,
    pub store_rate: f64,
    /// The store's append without the Merkle tree (its hashes and tiles).
    pub treeless_rate: f64,
    pub copy_rate: f64,
    /// With `sealed`: how many events had sealed fields, the hub's unsealing rate on one core
    /// (unwrap, open, check, seal the data key under the KEK) and, beside it, Ed25519 strict
    /// verification of the same events' signatures on one core.
    pub sealing: Option<SealingFigures>,
}

#[derive(Debug, Clone)]
pub struct SealingFigures {
    pub sealed_events: usize,
    pub unseal_rate: f64,
    pub verify_rate: f64,
}

impl AppendFigures {
    pub fn ratio(&self) -> f64 {
        self.store_rate / self.copy_rate
    }

    /// What the Merkle tree costs: the share of the append rate it takes.
    pub fn tree_cost(&self) -> f64 {
        1.0 - self.store_rate / self.treeless_rate
    }
}

/// What sealing adds to generated rows: the epoch's secret and the KEK, each sealed row's data
/// key (by row index), and the sealed payloads to unseal again.
pub struct Sealing {
    pub epoch: protocol::sealed::EpochSecret,
    pub kek: protocol::kek::Kek,
    pub keys: Vec<(usize, store::NewDataKey)>,
    pub sealed: Vec<(Uuid, &'static [&'static str], serde_json::Value)>,
}

/// Signed station events turned into store rows exactly as ingest does, from 50 stations.
pub async fn realistic_rows(n: usize) -> Vec<NewEvent> {
    realistic_rows_sealed(n, None).await
}

/// A simulated resident's event at station `s`, with the hub's name for them: their ID sealed
/// as a station does when `sealer` is given, pseudonymised in the payload as before otherwise.
fn station_event(
    rng: &mut impl rand::Rng,
    s: usize,
    seq: u64,
    now: chrono::DateTime<Utc>,
    sealer: Option<&Sealer>,
) -> Option<(protocol::kinds::StationEvent, Option<protocol::CitizenRef>)> {
    let today = protocol::time::local_day(now);
    let mut hub_name = None;
    let form = |body: &mut serde_json::Value| {
        let digits = body.get("citizen_id").and_then(|d| d.as_str()).map(str::to_string);
        hub_name = digits.and_then(|d| CitizenId::parse(&d, today).ok()).map(|c| c.pseudonym(&[7; 32], "bench"));
        match sealer {
            Some(sealer) => seal_form(body, Some(sealer), today, &mut rand::thread_rng()).is_ok(),
            None => pseudonymise_form(body, Some((&[7; 32], "bench")), today).is_ok(),
        }
    };
    let event = next_event(rng, s, seq, now, form)?;
    Some((event, hub_name))
}

/// As [`realistic_rows`], sealing forgettable fields when `sealing` is given.
pub async fn realistic_rows_sealed(n: usize, mut sealing: Option<&mut Sealing>) -> Vec<NewEvent> {
    let mut rng = rand::thread_rng();
    let stations: Vec<(String, SigningKey)> =
        (0..50).map(|i| (format!("st-27097-bench-{i}"), SigningKey::from_bytes(&[i as u8 + 1; 32]))).collect();
    let mut chains = vec![(0u64, GENESIS); stations.len()];
    let mut rows = Vec::with_capacity(n);
    let mut i = 0;
    while rows.len() < n {
        let s = i % stations.len();
        i += 1;
        let (seq, prev) = (chains[s].0 + 1, chains[s].1);
        let now = Utc::now();
        let id = Uuid::now_v7();
        let sealer = sealing.as_deref().map(|s| Sealer::new(&s.epoch.public(), id, &mut rand::thread_rng()));
        let sealer = sealer.transpose().expect("a sound key");
        let Some((mut event, hub_name)) = station_event(&mut rng, s, seq, now, sealer.as_ref()) else { continue };
        let mut payload = event.payload();
        let fields = protocol::kinds::StationEvent::forgettable(event.kind(), event.schema());
        let mut data_key = None;
        if let (Some(sealing), Some(sealer)) = (sealing.as_deref_mut(), &sealer) {
            if sealer.seal_payload(fields, &mut payload, &mut rng) {
                event = protocol::kinds::StationEvent::parse(event.kind(), event.schema(), &payload).expect("sealed");
                let (key, _) = protocol::forgettable::open_payload(fields, &payload, id, |_| Some(&sealing.epoch))
                    .expect("opens")
                    .expect("sealed");
                data_key = Some(key);
                sealing.sealed.push((id, fields, payload.clone()));
            }
        }
        let bytes = UnsignedEvent {
            v: 1,
            id,
            station: &stations[s].0,
            ward: "27097",
            seq,
            prev: prev.to_hex(),
            time: UnsignedEvent::format_time(now),
            kind: event.kind(),
            schema: event.schema(),
            payload: &payload,
        }
        .to_bytes();
        chains[s] = (seq, chain_hash(&bytes));
        let env = protocol::Envelope::parse(&bytes).expect("generated events parse");
        let pseudonym = hub_name.as_ref().map(|c| c.pseudonym.clone());
        let Ok(routed) = route(event, &Origin::of(&env).naming(hub_name)) else { continue };
        let mut agg = AnyAggregate::new(routed.aggregate_type).expect("known type");
        let Ok(events) = agg.execute(routed.command).await else { continue };
        let Some(e) = events.into_iter().next() else { continue };
        if let (Some(key), Some(sealing)) = (data_key, sealing.as_deref_mut()) {
            let filed = store::NewDataKey {
                event_id: id,
                citizen: pseudonym,
                aggregate_type: routed.aggregate_type.to_string(),
                aggregate_id: routed.aggregate_id.clone(),
                sealed_key: sealing.kek.seal_data_key(&key, id, &mut rng),
            };
            sealing.keys.push((rows.len(), filed));
        }
        rows.push(NewEvent {
            event_id: id,
            aggregate_type: routed.aggregate_type.to_string(),
            aggregate_id: routed.aggregate_id,
            aggregate_seq: 1,
            event_type: e.event_type,
            event_version: e.event_version,
            payload: e.payload,
            metadata: json!({"station": stations[s].0, "ward": "27097", "station_seq": seq, "source_event": id,
                              "kind": env.kind, "schema": env.schema}),
            station_id: Some(stations[s].0.clone()),
            ward_code: Some("27097".into()),
            occurred_at: now,
            signature: Some(sign(&stations[s].1, &bytes).to_vec()),
            raw: Some(bytes),
        });
    }
    rows
}

fn bar(len: usize, label: &str) -> ProgressBar {
    let pb = ProgressBar::new(len as u64);
    pb.set_style(
        ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {per_sec}")
            .expect("template")
            .progress_chars("=> "),
    );
    pb.set_prefix(label.to_string());
    pb
}

pub async fn run(b: &AppendBench) -> anyhow::Result<AppendFigures> {
    if !b.database_url.starts_with("postgres") {
        bail!("the append benchmark compares with PostgreSQL COPY: give a postgres:// URL");
    }
    let name = format!("dcs_bench_{}", Uuid::new_v4().simple());
    let (base, _) = b.database_url.rsplit_once('/').context("the URL must end with /database")?;
    let mut admin = PgConnection::connect(&b.database_url).await.context("cannot connect to PostgreSQL")?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
    let result = measure(b, &format!("{base}/{name}")).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await?;
    result
}

async fn measure(b: &AppendBench, url: &str) -> anyhow::Result<AppendFigures> {
    eprintln!("generating {} signed events{}…", b.events, if b.sealed { ", sealed" } else { "" });
    let mut sealing = b.sealed.then(|| Sealing {
        epoch: protocol::sealed::EpochSecret::generate("2026-12", &mut rand::rngs::OsRng),
        kek: protocol::kek::Kek::generate(&mut rand::rngs::OsRng),
        keys: Vec::new(),
        sealed: Vec::new(),
    });
    let rows = realistic_rows_sealed(b.events, sealing.as_mut()).await;
    let keys_of = |range: std::ops::Range<usize>| -> Vec<store::NewDataKey> {
        sealing
            .as_ref()
            .map_or(Vec::new(), |s| s.keys.iter().filter(|(i, _)| range.contains(i)).map(|(_, k)| k.clone()).collect())
    };
    let payload_bytes = rows.iter().map(|r| r.payload.to_string().len()).sum::<usize>() / rows.len().max(1);
    let signed_bytes = rows.iter().map(|r| r.raw.as_ref().map_or(0, Vec::len)).sum::<usize>() / rows.len().max(1);
    let store = Store::connect(url).await?;
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query("CREATE TABLE events_copy (LIKE events INCLUDING ALL)").execute(&mut conn).await?;
    let (mut store_times, mut treeless_times, mut copy_times) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=b.rounds {
        // Through the store: the single writer, one transaction per batch; then without the tree.
        for (tree, times) in [(true, &mut store_times), (false, &mut treeless_times)] {
            sqlx::query("TRUNCATE events, events_copy, tlog_tiles, data_keys").execute(&mut conn).await?;
            let mut writer = store.writer().await?;
            if !tree {
                writer = writer.without_tree_for_benchmark();
            }
            let label = if tree { "store" } else { "no tree" };
            let pb = bar(rows.len(), &format!("{label} #{round}"));
            let t = Instant::now();
            for (c, chunk) in rows.chunks(b.batch).enumerate() {
                let data_keys = keys_of(c * b.batch..c * b.batch + chunk.len());
                writer.append(&AppendBatch { events: chunk.to_vec(), data_keys, ..Default::default() }).await?;
                pb.inc(chunk.len() as u64);
            }
            times.push(t.elapsed());
            pb.finish();
        }
        copy_times.push(copy_round(&mut conn, &rows, b.batch, round).await?);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let n = rows.len() as f64;
    let sealing = sealing.map(|s| unsealing(&s, &rows));
    Ok(AppendFigures {
        events: rows.len(),
        payload_bytes,
        signed_bytes,
        store_rate: n / median(&mut store_times).as_secs_f64(),
        treeless_rate: n / median(&mut treeless_times).as_secs_f64(),
        copy_rate: n / median(&mut copy_times).as_secs_f64(),
        sealing,
    })
}

/// The baseline of one round: the same rows, already encoded, by raw COPY, one transaction per
/// batch; its time.
async fn copy_round(
    conn: &mut PgConnection,
    rows: &[NewEvent],
    batch: usize,
    round: usize,
) -> anyhow::Result<Duration> {
    let recorded_at = Utc::now();
    let buffers: Vec<Vec<u8>> = rows
        .chunks(batch)
        .enumerate()
        .map(|(c, chunk)| {
            let mut enc = CopyEncoder::with_capacity(chunk.len() * 1200);
            for (i, e) in chunk.iter().enumerate() {
                let position = (c * batch + i + 1) as i64;
                let entry = store::entry_bytes(position, e, recorded_at).expect("entries fit");
                enc.event(position, e, &recorded_at, &entry);
            }
            enc.buf
        })
        .collect();
    let pb = bar(rows.len(), &format!("COPY #{round}"));
    let t = Instant::now();
    for (buf, chunk) in buffers.into_iter().zip(rows.chunks(batch)) {
        let mut tx = conn.begin().await?;
        let mut copy = tx.copy_in_raw(&format!("COPY events_copy ({}) FROM STDIN", store::EVENT_COLUMNS)).await?;
        copy.send(buf).await?;
        copy.finish().await?;
        tx.commit().await?;
        pb.inc(chunk.len() as u64);
    }
    let elapsed = t.elapsed();
    pb.finish();
    Ok(elapsed)
}

/// The hub's work per sealed event on one core (unwrap the data key, open and check the fields,
/// seal the data key under the KEK), beside Ed25519 strict verification of the same events.
fn unsealing(s: &Sealing, rows: &[NewEvent]) -> SealingFigures {
    let t = Instant::now();
    for (id, fields, payload) in &s.sealed {
        let (key, clear) = protocol::forgettable::open_payload(fields, payload, *id, |_| Some(&s.epoch))
            .expect("opens")
            .expect("sealed");
        std::hint::black_box((clear, s.kek.seal_data_key(&key, *id, &mut rand::rngs::OsRng)));
    }
    let unseal_rate = s.sealed.len() as f64 / t.elapsed().as_secs_f64();
    let sealed_rows: Vec<&NewEvent> =
        rows.iter().filter(|r| s.sealed.iter().any(|(id, _, _)| *id == r.event_id)).take(s.sealed.len()).collect();
    let keys: std::collections::HashMap<String, ed25519_dalek::VerifyingKey> = (0..50)
        .map(|i| (format!("st-27097-bench-{i}"), SigningKey::from_bytes(&[i as u8 + 1; 32]).verifying_key()))
        .collect();
    let t = Instant::now();
    for r in &sealed_rows {
        let (raw, sig) = (r.raw.as_ref().expect("signed"), r.signature.as_ref().expect("signed"));
        let sig = ed25519_dalek::Signature::from_slice(sig).expect("64 bytes");
        let key = &keys[r.station_id.as_deref().expect("a station")];
        assert!(key.verify_strict(raw, &sig).is_ok(), "the benchmark's own signature verifies");
    }
    let verify_rate = sealed_rows.len() as f64 / t.elapsed().as_secs_f64();
    SealingFigures { sealed_events: s.sealed.len(), unseal_rate, verify_rate }
}
