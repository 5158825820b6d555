//! The hub's side of stations witnessing the log (`docs/AUDIT.md` section 5): a lookup that
//! carries a [`WitnessRequest`] stores the station's cosignature of the checkpoint it verified
//! (when it verifies under the station's key) and is answered with the latest checkpoint, a
//! consistency proof from the size the station saw, and its own events' entries with inclusion
//! proofs. A station is shown only its own entries.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use chrono::Utc;
use protocol::merkle::Hash;
use protocol::tlog::note::NoteSignature;
use protocol::tlog::witness::{Included, WitnessReply, WitnessRequest, MAX_POSITIONS};
use protocol::tlog::{cosignature, AuditEntry, Note};
use store::{Store, StoredCosignature};

fn b64(hashes: Vec<Hash>) -> Vec<String> {
    hashes.iter().map(|h| B64.encode(h)).collect()
}

/// Answers one station's witness request; `None` when there is no checkpoint yet, or the store
/// fails (the station asks again).
pub async fn answer(store: &Store, station: &str, req: &WitnessRequest) -> Option<WitnessReply> {
    if let Some(line) = &req.cosignature {
        keep_cosignature(store, station, req.seen, line).await;
    }
    let result = async {
        let Some(latest) = store.latest_checkpoint().await? else { return Ok(None) };
        let size = latest.tree_size as u64;
        let consistency = if req.seen > 0 && req.seen < size {
            b64(store.consistency_proof(req.seen, size).await?)
        } else {
            Vec::new()
        };
        let mut entries = Vec::new();
        for &position in req.positions.iter().take(MAX_POSITIONS) {
            if position < 1 || position as u64 > size {
                continue;
            }
            let Some((_, bytes)) = store.entries(position, 1).await?.pop() else { continue };
            let own = AuditEntry::decode(&bytes).is_ok_and(|e| e.station.as_deref() == Some(station));
            if !own {
                continue;
            }
            let proof = b64(store.inclusion_proof(position as u64 - 1, size).await?);
            entries.push(Included { position, entry: B64.encode(&bytes), proof });
        }
        Ok::<_, store::StoreError>(Some(WitnessReply { checkpoint: latest.note, consistency, entries }))
    }
    .await;
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot answer a station's witness request");
        None
    })
}

/// Stores a station's cosignature of the checkpoint of size `seen`, if it is one: made with the
/// station's registered key, over that checkpoint's text.
async fn keep_cosignature(store: &Store, station: &str, seen: u64, line: &str) {
    let checked = async {
        let key = store.station(station).await.ok()??.public_key?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&key.try_into().ok()?).ok()?;
        let checkpoint = store.checkpoints_between(seen as i64, seen as i64).await.ok()?.pop()?;
        let text = Note::parse(&checkpoint.note).ok()?.text;
        let sig = NoteSignature::parse_line(line)?;
        cosignature::verify(station, &key, &text, &sig).ok()?;
        Some(sig.line())
    }
    .await;
    let Some(line) = checked else {
        tracing::warn!(station, size = seen, "refused a cosignature that does not verify");
        return;
    };
    let c = StoredCosignature { tree_size: seen as i64, witness: station.to_string(), line, received_at: Utc::now() };
    if let Err(e) = store.add_cosignature(&c).await {
        tracing::warn!(error = %e, "cannot store a cosignature");
    }
}
