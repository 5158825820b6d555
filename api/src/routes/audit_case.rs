//! A case as an auditor sees it (`GET /api/v1/audit/cases/{type}/{id}`): every event with its
//! proof status (the entry against the row, the station's signature under the key the log gave
//! it at that point, the link in the station's hash chain, inclusion in the latest checkpoint's
//! tree) and the case's state as of a position or a time of the log.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::aggregates::{Aggregate, AnyAggregate, AnyEvent, Station, StationLifecycleEvent};
use protocol::merkle::{leaf_hash, verify_inclusion};
use protocol::{chain_hash, Envelope, GENESIS};
use serde::{Deserialize, Serialize};
use store::StoredEvent;

use crate::extract::{PathParams, QueryParams};
use crate::{ApiError, AppState};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// The state after the entry at this position (default: the log's head).
    pub at_position: Option<i64>,
    /// The state at this time (RFC 3339): after every entry committed by then.
    pub at_time: Option<DateTime<Utc>>,
}

/// How one event stands up to the proofs.
#[derive(Serialize)]
pub struct ProofStatus {
    /// `matches`, or what differs between the row the dashboards read and the entry the tree holds.
    pub entry: String,
    /// `valid`, `invalid`, `no key` (the log gave the station none at that point), or `none` (a
    /// staff or hub event, signed by no station).
    pub signature: &'static str,
    /// `linked` to the station's previous event in the log, `broken`, or `none`.
    pub chain: &'static str,
    /// `proved` in the latest checkpoint's tree, `pending` (after it), or `fails`.
    pub included: &'static str,
}

#[derive(Serialize)]
pub struct AuditedEvent {
    pub position: i64,
    pub aggregate_seq: i64,
    pub event_type: String,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: Option<String>,
    pub payload: serde_json::Value,
    pub proof: ProofStatus,
}

#[derive(Serialize)]
pub struct CheckpointRef {
    pub tree_size: i64,
    pub root: String,
}

#[derive(Serialize)]
pub struct AuditedCase {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub ward_code: Option<String>,
    /// The checkpoint inclusion is proved against.
    pub checkpoint: Option<CheckpointRef>,
    /// The last position the state and history below include.
    pub as_of_position: Option<i64>,
    /// The case's state after those events, as the domain code rebuilds it.
    pub state: serde_json::Value,
    pub events: Vec<AuditedEvent>,
}

/// A station's keys as the log gave them: `(position, key)`, `None` when revoked.
type KeyHistory = Vec<(i64, Option<[u8; 32]>)>;

async fn station_keys(s: &AppState, station: &str) -> Result<KeyHistory, ApiError> {
    let mut keys = Vec::new();
    for e in s.store.load_aggregates(Station::TYPE, &[station.to_string()]).await? {
        let ev = &e.event;
        let key = match AnyEvent::read(&ev.aggregate_type, &ev.event_type, ev.event_version, &ev.payload) {
            Ok(AnyEvent::Station(
                StationLifecycleEvent::StationEnrolled { public_key, .. }
                | StationLifecycleEvent::StationKeyRotated { public_key, .. },
            )) => {
                let mut k = [0u8; 32];
                Some(hex::decode_to_slice(public_key, &mut k).is_ok().then_some(k))
            }
            Ok(AnyEvent::Station(
                StationLifecycleEvent::StationDecommissioned { .. } | StationLifecycleEvent::StationEquivocated { .. },
            )) => Some(None),
            _ => None,
        };
        if let Some(k) = key {
            keys.push((e.position, k));
        }
    }
    Ok(keys)
}

async fn proof_status(
    s: &AppState,
    e: &StoredEvent,
    checkpoint: Option<&store::StoredCheckpoint>,
    keys: &mut HashMap<String, KeyHistory>,
) -> Result<ProofStatus, ApiError> {
    let entry_bytes = s.store.entries(e.position, 1).await?.pop().map(|(_, b)| b);
    let entry = match &entry_bytes {
        None => "missing: the log holds no entry for this row".to_string(),
        Some(b) => audit::verify::row_differs(e, b).unwrap_or_else(|| "matches".into()),
    };
    let included = match (checkpoint, &entry_bytes) {
        (Some(c), Some(b)) if e.position <= c.tree_size => {
            let (index, size) = (e.position as u64 - 1, c.tree_size as u64);
            let proof = s.store.inclusion_proof(index, size).await?;
            let root: [u8; 32] = c.root.as_slice().try_into().map_err(|_| ApiError::internal("a stored root"))?;
            if verify_inclusion(index, size, &leaf_hash(b), &proof, &root).is_ok() {
                "proved"
            } else {
                "fails"
            }
        }
        (_, Some(_)) => "pending",
        (_, None) => "fails",
    };
    let (signature, chain) = match (&e.event.station_id, &e.event.raw, &e.event.signature) {
        (Some(station), Some(raw), Some(sig)) => {
            if !keys.contains_key(station) {
                keys.insert(station.clone(), station_keys(s, station).await?);
            }
            let key = keys[station].iter().take_while(|(p, _)| *p < e.position).last().and_then(|(_, k)| *k);
            let signature = match key {
                None => "no key",
                Some(k) if protocol::verify(&k, raw, sig).is_ok() => "valid",
                Some(_) => "invalid",
            };
            let linked = match Envelope::parse(raw) {
                Ok(env) => {
                    let prev = s.store.station_bytes_before(station, e.position).await?;
                    match prev {
                        Some(p) => {
                            Envelope::parse(&p).is_ok_and(|pe| pe.seq + 1 == env.seq) && chain_hash(&p) == env.prev
                        }
                        None => env.seq == 1 && env.prev == GENESIS,
                    }
                }
                Err(_) => false,
            };
            (signature, if linked { "linked" } else { "broken" })
        }
        _ => ("none", "none"),
    };
    Ok(ProofStatus { entry, signature, chain, included })
}

/// `GET /api/v1/audit/cases/{aggregate_type}/{id}?at_position=&at_time=`.
pub async fn case(
    State(s): State<AppState>,
    PathParams((t, id)): PathParams<(String, String)>,
    QueryParams(as_of): QueryParams<AsOf>,
) -> Result<Json<AuditedCase>, ApiError> {
    Ok(Json(audited_case(&s, &t, id, &as_of).await?))
}

/// A case with its proofs and its state as of a point of the log.
pub async fn audited_case(s: &AppState, t: &str, id: String, as_of: &AsOf) -> Result<AuditedCase, ApiError> {
    let t = super::cases::known_type(t)?;
    let mut events = s.store.load_aggregates(t, std::slice::from_ref(&id)).await?;
    if events.is_empty() {
        return Err(ApiError::NotFound(format!("no {t} `{id}` in the log")));
    }
    events.retain(|e| {
        as_of.at_position.is_none_or(|p| e.position <= p) && as_of.at_time.is_none_or(|at| e.recorded_at <= at)
    });
    let checkpoint = s.store.latest_checkpoint().await?;
    let mut state = AnyAggregate::new(t).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut keys = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for e in &events {
        let ev = &e.event;
        state
            .apply_stored(&ev.event_type, ev.event_version, &ev.payload)
            .map_err(|err| ApiError::internal(format!("position {}: {err}", e.position)))?;
        out.push(AuditedEvent {
            position: e.position,
            aggregate_seq: ev.aggregate_seq,
            event_type: ev.event_type.clone(),
            at: ev.occurred_at,
            recorded_at: e.recorded_at,
            by: ev.station_id.clone().or_else(|| ev.metadata["actor"].as_str().map(str::to_string)),
            payload: ev.payload.clone(),
            proof: proof_status(s, e, checkpoint.as_ref(), &mut keys).await?,
        });
    }
    use base64::Engine;
    Ok(AuditedCase {
        aggregate_type: t.to_string(),
        aggregate_id: id,
        ward_code: events.iter().find_map(|e| e.event.ward_code.clone()),
        checkpoint: checkpoint.as_ref().map(|c| CheckpointRef {
            tree_size: c.tree_size,
            root: base64::engine::general_purpose::STANDARD.encode(&c.root),
        }),
        as_of_position: events.last().map(|e| e.position),
        state: state.to_json(),
        events: out,
    })
}
