//! The audit log for auditors and transparency-log clients: the latest signed checkpoint and the
//! tree's hash tiles under `/tlog/` (C2SP tlog-tiles; public: hashes say nothing about residents),
//! entry bundles and entries (auditors only, logged), checkpoints with their cosignatures,
//! inclusion and consistency proofs under `/api/v1/audit/`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use protocol::merkle::leaf_hash;
use protocol::tlog::tile::{TilePath, WIDTH};
use serde::{Deserialize, Serialize};
use store::StoredCheckpoint;

use crate::extract::{PathParams, QueryParams};
use crate::{ApiError, AppState};

fn bytes(content_type: &'static str, body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

async fn latest(s: &AppState) -> Result<StoredCheckpoint, ApiError> {
    s.store.latest_checkpoint().await?.ok_or_else(|| ApiError::NotFound("no checkpoint has been signed yet".into()))
}

/// `GET /tlog/checkpoint`: the latest signed checkpoint, as a C2SP signed note.
pub async fn checkpoint(State(s): State<AppState>) -> Result<Response, ApiError> {
    Ok(bytes("text/plain; charset=utf-8", latest(&s).await?.note.into_bytes()))
}

#[derive(Deserialize)]
pub struct TileParams {
    path: String,
}

fn tile_path(prefix: &str, rest: &str) -> Result<TilePath, ApiError> {
    TilePath::parse(&format!("{prefix}{rest}"))
        .ok_or_else(|| ApiError::Invalid { field: "path".into(), message: "not a C2SP tile path".into() })
}

/// `GET /tlog/tile/{L}/{N}[.p/{W}]`: a hash tile.
pub async fn hash_tile(State(s): State<AppState>, PathParams(p): PathParams<TileParams>) -> Result<Response, ApiError> {
    let t = tile_path("tile/", &p.path)?;
    let level = t.level.ok_or_else(|| ApiError::NotFound("entry bundles are under /tlog/tile/entries/".into()))?;
    let hashes =
        s.store.tile(level, t.index, t.width).await?.ok_or_else(|| ApiError::NotFound("no such tile yet".into()))?;
    Ok(bytes("application/octet-stream", hashes))
}

/// `GET /tlog/tile/entries/{N}[.p/{W}]`: an entry bundle.
pub async fn entry_bundle(
    State(s): State<AppState>,
    PathParams(p): PathParams<TileParams>,
) -> Result<Response, ApiError> {
    let t = tile_path("tile/entries/", &p.path)?;
    let from = (t.index * WIDTH + 1) as i64;
    let entries = s.store.entries(from, t.width as i64).await?;
    if entries.len() as u64 != t.width {
        return Err(ApiError::NotFound("no such entry bundle yet".into()));
    }
    Ok(bytes("application/octet-stream", protocol::tlog::tile::bundle(entries.iter().map(|(_, e)| e.as_slice()))))
}

#[derive(Serialize)]
pub struct CheckpointView {
    pub tree_size: i64,
    /// Base64, as in the note.
    pub root: String,
    pub note: String,
    pub signed_at: chrono::DateTime<chrono::Utc>,
    pub cosignatures: Vec<CosignatureView>,
}

#[derive(Serialize)]
pub struct CosignatureView {
    pub witness: String,
    pub line: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

async fn view(s: &AppState, c: StoredCheckpoint) -> Result<CheckpointView, ApiError> {
    let cosignatures = s
        .store
        .cosignatures(c.tree_size)
        .await?
        .into_iter()
        .map(|c| CosignatureView { witness: c.witness, line: c.line, received_at: c.received_at })
        .collect();
    Ok(CheckpointView {
        tree_size: c.tree_size,
        root: B64.encode(&c.root),
        note: c.note,
        signed_at: c.signed_at,
        cosignatures,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// At most this many (default 20, capped at 200).
    limit: Option<i64>,
    /// Checkpoints of this size or smaller.
    at_most: Option<i64>,
}

/// `GET /api/v1/audit/checkpoints`: the latest checkpoints, newest first, with cosignatures.
pub async fn checkpoints(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<ListParams>,
) -> Result<Json<Vec<CheckpointView>>, ApiError> {
    let list = s.store.checkpoints(p.at_most.unwrap_or(i64::MAX), p.limit.unwrap_or(20).clamp(1, 200)).await?;
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        out.push(view(&s, c).await?);
    }
    Ok(Json(out))
}

/// `POST /api/v1/audit/checkpoints`: signs a checkpoint of the log as it stands now.
pub async fn sign(State(s): State<AppState>) -> Result<Json<CheckpointView>, ApiError> {
    let signer = s.checkpoints.clone().ok_or_else(|| ApiError::internal("no checkpoint signer"))?;
    let c = signer.sign_now().await.map_err(ApiError::internal)?;
    let c = c.ok_or_else(|| ApiError::Conflict("the log is empty: there is nothing to sign".into()))?;
    Ok(Json(view(&s, c).await?))
}

/// The tree size a proof is for: the one asked for, or the latest checkpoint's.
async fn size_or_latest(s: &AppState, size: Option<i64>, field: &str) -> Result<u64, ApiError> {
    let size = match size {
        Some(n) => n,
        None => latest(s).await?.tree_size,
    };
    let tree = s.store.tree_size().await? as i64;
    if size < 1 || size > tree {
        return Err(ApiError::Invalid {
            field: field.into(),
            message: format!("must be a tree size from 1 to {tree}"),
        });
    }
    Ok(size as u64)
}

fn b64_all(hashes: &[[u8; 32]]) -> Vec<String> {
    hashes.iter().map(|h| B64.encode(h)).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    position: i64,
    /// The tree size (default: the latest checkpoint's).
    size: Option<i64>,
}

#[derive(Serialize)]
pub struct InclusionView {
    pub position: i64,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
}

/// `GET /api/v1/audit/proofs/inclusion?position=&size=`: the inclusion proof of an entry.
pub async fn inclusion(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<InclusionParams>,
) -> Result<Json<InclusionView>, ApiError> {
    let size = size_or_latest(&s, p.size, "size").await?;
    if p.position < 1 || p.position as u64 > size {
        return Err(ApiError::Invalid {
            field: "position".into(),
            message: format!("must be from 1 to the tree size {size}"),
        });
    }
    let index = p.position as u64 - 1;
    let (_, entry) = s.store.entries(p.position, 1).await?.pop().ok_or_else(|| ApiError::internal("entry missing"))?;
    let proof = s.store.inclusion_proof(index, size).await?;
    Ok(Json(InclusionView {
        position: p.position,
        leaf_index: index,
        tree_size: size,
        leaf_hash: B64.encode(leaf_hash(&entry)),
        proof: b64_all(&proof),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    from: i64,
    /// The larger tree size (default: the latest checkpoint's).
    to: Option<i64>,
}

#[derive(Serialize)]
pub struct ConsistencyView {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}

/// `GET /api/v1/audit/proofs/consistency?from=&to=`: the consistency proof between two sizes.
pub async fn consistency(
    State(s): State<AppState>,
    QueryParams(p): QueryParams<ConsistencyParams>,
) -> Result<Json<ConsistencyView>, ApiError> {
    let to = size_or_latest(&s, p.to, "to").await?;
    if p.from < 1 || p.from as u64 > to {
        return Err(ApiError::Invalid { field: "from".into(), message: format!("must be a tree size from 1 to {to}") });
    }
    let proof = s.store.consistency_proof(p.from as u64, to).await?;
    Ok(Json(ConsistencyView { from: p.from as u64, to, proof: b64_all(&proof) }))
}

#[derive(Deserialize)]
pub struct EntryPath {
    position: i64,
}

/// `GET /api/v1/audit/entries/{position}`: an entry's exact bytes.
pub async fn entry(State(s): State<AppState>, PathParams(p): PathParams<EntryPath>) -> Result<Response, ApiError> {
    let (_, entry) = s
        .store
        .entries(p.position, 1)
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("no entry at position {}", p.position)))?;
    Ok(bytes("application/json", entry))
}
