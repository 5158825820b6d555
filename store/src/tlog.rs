//! The audit log's storage: each event's entry bytes, the RFC 6962 tree over them kept as C2SP
//! tiles (`tlog_tiles`), written by the writer in the append's transaction, and what readers
//! make of it (roots, proofs, tiles, entry bundles), plus the signed checkpoints and cosignatures.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use protocol::merkle::{leaf_hash, Hash};
use protocol::tlog::entry::SignedBytes;
use protocol::tlog::tile::{self, extent, span, HEIGHT, WIDTH};
use protocol::tlog::{proof, AuditEntry, Frontier, Subtree};
use sqlx::Row;

use crate::dialect::sql;
use crate::*;

/// A time as the database keeps it: to the microsecond (rounded down), so that an entry and its
/// row say the same.
pub(crate) fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).expect("a time in range")
}

/// The entry bytes of `e` appended at `position`, committed at `at`.
pub fn entry_bytes(position: i64, e: &NewEvent, at: DateTime<Utc>) -> Result<Vec<u8>> {
    let entry = AuditEntry {
        dcs_entry: protocol::tlog::entry::ENTRY_VERSION,
        position,
        committed_at: at,
        event_id: e.event_id,
        aggregate_type: e.aggregate_type.clone(),
        aggregate_id: e.aggregate_id.clone(),
        aggregate_seq: e.aggregate_seq,
        event_type: e.event_type.clone(),
        event_version: e.event_version,
        payload: e.payload.clone(),
        metadata: e.metadata.clone(),
        station: e.station_id.clone(),
        ward: e.ward_code.clone(),
        occurred_at: micros(e.occurred_at),
        signed: match (&e.raw, &e.signature) {
            (Some(bytes), Some(signature)) => Some(SignedBytes { bytes: bytes.clone(), signature: signature.clone() }),
            _ => None,
        },
    };
    entry.encode().map_err(|e| StoreError::EntryTooLarge(e.to_string()))
}

/// One tile row to write: level, index, hashes.
pub(crate) type TileRow = (i16, i64, Vec<u8>);

/// The writer's view of the tree: its frontier and the partial tile at each tile level, and the
/// tiles the current batch changed.
#[derive(Debug, Clone, Default)]
pub(crate) struct TreeWriter {
    frontier: Frontier,
    partial: Vec<Vec<Hash>>,
    changed: BTreeMap<(u8, u64), Vec<Hash>>,
}

impl TreeWriter {
    pub fn push(&mut self, entry: &[u8]) {
        for (s, h) in self.frontier.push(leaf_hash(entry)) {
            if s.level % HEIGHT != 0 {
                continue;
            }
            let level = s.level / HEIGHT;
            if self.partial.len() <= level as usize {
                self.partial.resize(level as usize + 1, Vec::new());
            }
            let tile = &mut self.partial[level as usize];
            tile.push(h);
            self.changed.insert((level, s.index / WIDTH), tile.clone());
            if tile.len() as u64 == WIDTH {
                tile.clear();
            }
        }
    }

    /// The tiles changed since the last call, to write with the batch.
    pub fn take_tiles(&mut self) -> Vec<TileRow> {
        std::mem::take(&mut self.changed)
            .into_iter()
            .map(|((level, idx), hashes)| (level as i16, idx as i64, hashes.concat()))
            .collect()
    }

    /// The tree of `size` entries as stored.
    pub async fn load(db: &Db, size: u64) -> Result<Self> {
        let needed = proof::subtrees_read(|f| Frontier::at(size, f));
        let hashes = subtree_hashes(db, &needed).await?;
        let frontier = Frontier::at(size, |s| hashes[&s]);
        let mut partial = Vec::new();
        let mut level = 0u8;
        while size >> (HEIGHT as u32 * level as u32) > 0 {
            let (full, width) = extent(size, level);
            partial.push(if width == 0 { Vec::new() } else { tile_hashes(db, level, full, width as usize).await? });
            level += 1;
        }
        Ok(Self { frontier, partial, changed: BTreeMap::new() })
    }
}

/// Writes tile rows inside an append's transaction.
macro_rules! write_tiles {
    ($tx:ident, $pg:expr, $tiles:expr) => {
        for (level, idx, hashes) in $tiles {
            sqlx::query(&$crate::dialect::sql(
                $pg,
                "INSERT INTO tlog_tiles (level, idx, hashes) VALUES ($1, $2, $3) \
                 ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes",
            ))
            .bind(*level)
            .bind(*idx)
            .bind(hashes)
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use write_tiles;

/// The first `width` hashes of a stored tile.
async fn tile_hashes(db: &Db, level: u8, idx: u64, width: usize) -> Result<Vec<Hash>> {
    let bytes = tile_bytes(db, level, idx).await?.unwrap_or_default();
    if bytes.len() < width * 32 {
        return Err(StoreError::Tree(format!("tile {level}/{idx} holds {} hashes, not {width}", bytes.len() / 32)));
    }
    Ok(bytes[..width * 32].chunks(32).map(|c| c.try_into().expect("32 bytes")).collect())
}

async fn tile_bytes(db: &Db, level: u8, idx: u64) -> Result<Option<Vec<u8>>> {
    on_db!(db, |pool, pg| {
        Ok(sqlx::query_scalar(&sql(pg, "SELECT hashes FROM tlog_tiles WHERE level = $1 AND idx = $2"))
            .bind(level as i16)
            .bind(idx as i64)
            .fetch_optional(pool)
            .await?)
    })
}

/// The hashes of perfect subtrees, read from their tiles.
pub(crate) async fn subtree_hashes(db: &Db, subtrees: &[Subtree]) -> Result<HashMap<Subtree, Hash>> {
    let spans: Vec<_> = subtrees.iter().map(|s| (*s, span(*s))).collect();
    let tiles: BTreeSet<(u8, u64)> = spans.iter().map(|(_, sp)| (sp.tile_level, sp.tile)).collect();
    let mut loaded = HashMap::new();
    for (level, idx) in tiles {
        loaded.insert((level, idx), tile_bytes(db, level, idx).await?.unwrap_or_default());
    }
    let mut out = HashMap::new();
    for (s, sp) in spans {
        let bytes = &loaded[&(sp.tile_level, sp.tile)];
        let want = (sp.offset + sp.count) * 32;
        if bytes.len() < want {
            return Err(StoreError::Tree(format!("tile {}/{} lacks the hashes of {s:?}", sp.tile_level, sp.tile)));
        }
        let hashes: Vec<Hash> =
            bytes[sp.offset * 32..want].chunks(32).map(|c| c.try_into().expect("32 bytes")).collect();
        out.insert(s, tile::fold(&hashes));
    }
    Ok(out)
}

/// Runs a computation over the stored tree: once to learn the subtrees it reads, then on them.
pub(crate) async fn over_tree<T>(db: &Db, run: impl Fn(&mut dyn FnMut(Subtree) -> Hash) -> T) -> Result<T> {
    let needed = proof::subtrees_read(&run);
    let hashes = subtree_hashes(db, &needed).await?;
    Ok(run(&mut |s| hashes[&s]))
}

/// The first position whose event has no entry yet (a log begun before the audit log), if any.
pub(crate) async fn first_without_entry(db: &Db) -> Result<Option<i64>> {
    on_db!(db, |pool, pg| {
        Ok(sqlx::query_scalar("SELECT MIN(position) FROM events WHERE entry IS NULL").fetch_one(pool).await?)
    })
}

/// Gives entries to the events from `from` on (a log begun before the audit log), in chunks,
/// each chunk's entries and tiles in one transaction.
pub(crate) async fn fill_in(db: &Db, tree: &mut TreeWriter, from: i64) -> Result<()> {
    let mut after = from - 1;
    loop {
        let events = match db {
            Db::Postgres(p) => pg::read_events(p, after, 1000).await?,
            Db::Sqlite(p) => sqlite::read_events(p, after, 1000).await?,
        };
        let Some(last) = events.last() else { return Ok(()) };
        after = last.position;
        let mut next = tree.clone();
        let mut rows = Vec::with_capacity(events.len());
        for e in &events {
            let entry = entry_bytes(e.position, &e.event, e.recorded_at)?;
            next.push(&entry);
            rows.push((e.position, entry));
        }
        let tiles = next.take_tiles();
        on_db!(db, |pool, pg| {
            let mut tx = pool.begin().await?;
            for (position, entry) in &rows {
                sqlx::query(&sql(pg, "UPDATE events SET entry = $1 WHERE position = $2"))
                    .bind(entry)
                    .bind(position)
                    .execute(&mut *tx)
                    .await?;
            }
            write_tiles!(tx, pg, &tiles);
            tx.commit().await?;
        });
        *tree = next;
        tracing::info!(through = after, "entries made for the log's earlier events");
    }
}

/// The entry bytes of the positions `from..from + count` that exist, in order.
pub(crate) async fn entries(db: &Db, from: i64, count: i64) -> Result<Vec<(i64, Vec<u8>)>> {
    on_db!(db, |pool, pg| {
        let rows = sqlx::query(&sql(
            pg,
            "SELECT position, entry FROM events WHERE position >= $1 AND position < $2 AND entry IS NOT NULL ORDER BY position",
        ))
        .bind(from)
        .bind(from + count)
        .fetch_all(pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    })
}

/// A stored tile's hashes as served: its first `width` hashes, if it has that many.
pub(crate) async fn tile(db: &Db, level: u8, idx: u64, width: u64) -> Result<Option<Vec<u8>>> {
    let bytes = tile_bytes(db, level, idx).await?;
    Ok(bytes.filter(|b| b.len() as u64 >= width * 32).map(|mut b| {
        b.truncate(width as usize * 32);
        b
    }))
}

/// A signed checkpoint as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheckpoint {
    pub tree_size: i64,
    pub root: Vec<u8>,
    pub note: String,
    pub signed_at: DateTime<Utc>,
}

/// A witness's cosignature of a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCosignature {
    pub tree_size: i64,
    pub witness: String,
    pub line: String,
    pub received_at: DateTime<Utc>,
}

pub(crate) async fn save_checkpoint(db: &Db, c: &StoredCheckpoint) -> Result<()> {
    on_db!(db, |pool, pg| {
        sqlx::query(&sql(
            pg,
            "INSERT INTO checkpoints (tree_size, root, note, signed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tree_size) DO NOTHING",
        ))
        .bind(c.tree_size)
        .bind(&c.root)
        .bind(&c.note)
        .bind(c.signed_at)
        .execute(pool)
        .await?;
        Ok(())
    })
}

/// Up to `limit` checkpoints with sizes in `from..=to`, newest first or oldest first.
pub(crate) async fn checkpoints(
    db: &Db,
    from: i64,
    to: i64,
    limit: i64,
    newest_first: bool,
) -> Result<Vec<StoredCheckpoint>> {
    let order = if newest_first { "DESC" } else { "ASC" };
    on_db!(db, |pool, pg| {
        let q = format!(
            "SELECT tree_size, root, note, signed_at FROM checkpoints WHERE tree_size >= $1 AND tree_size <= $2 \
             ORDER BY tree_size {order} LIMIT $3"
        );
        let rows = sqlx::query(&sql(pg, &q)).bind(from).bind(to).bind(limit).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                Ok(StoredCheckpoint {
                    tree_size: r.try_get(0)?,
                    root: r.try_get(1)?,
                    note: r.try_get(2)?,
                    signed_at: r.try_get(3)?,
                })
            })
            .collect()
    })
}

pub(crate) async fn add_cosignature(db: &Db, c: &StoredCosignature) -> Result<()> {
    on_db!(db, |pool, pg| {
        sqlx::query(&sql(
            pg,
            "INSERT INTO cosignatures (tree_size, witness, line, received_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tree_size, witness) DO NOTHING",
        ))
        .bind(c.tree_size)
        .bind(&c.witness)
        .bind(&c.line)
        .bind(c.received_at)
        .execute(pool)
        .await?;
        Ok(())
    })
}

pub(crate) async fn cosignatures(db: &Db, tree_size: i64) -> Result<Vec<StoredCosignature>> {
    on_db!(db, |pool, pg| {
        let rows = sqlx::query(&sql(
            pg,
            "SELECT tree_size, witness, line, received_at FROM cosignatures WHERE tree_size = $1 ORDER BY witness",
        ))
        .bind(tree_size)
        .fetch_all(pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredCosignature {
                    tree_size: r.try_get(0)?,
                    witness: r.try_get(1)?,
                    line: r.try_get(2)?,
                    received_at: r.try_get(3)?,
                })
            })
            .collect()
    })
}

/// What auditors and the checkpoint signer read of the audit log.
impl Store {
    /// The tree's size: every appended event is an entry, so it is the head.
    pub async fn tree_size(&self) -> Result<u64> {
        Ok(common::head(self.db()).await? as u64)
    }

    /// The root of the tree of the first `size` entries (`size` at most the tree's size).
    pub async fn tree_root(&self, size: u64) -> Result<Hash> {
        over_tree(self.db(), |f| proof::root(size, f)).await
    }

    /// The right edge of the tree of the first `size` entries (where a bundle that starts after
    /// position 1 takes the tree up).
    pub async fn frontier(&self, size: u64) -> Result<Frontier> {
        over_tree(self.db(), |f| Frontier::at(size, f)).await
    }

    /// The inclusion proof of leaf `index` (position `index + 1`) in the tree of `size` entries.
    pub async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>> {
        over_tree(self.db(), |f| proof::inclusion(index, size, f)).await?.map_err(|e| StoreError::Tree(e.to_string()))
    }

    /// The consistency proof from the tree of `size1` entries to that of `size2`.
    pub async fn consistency_proof(&self, size1: u64, size2: u64) -> Result<Vec<Hash>> {
        over_tree(self.db(), |f| proof::consistency(size1, size2, f))
            .await?
            .map_err(|e| StoreError::Tree(e.to_string()))
    }

    /// The entry bytes of positions `from..from + count`, in order (those that exist).
    pub async fn entries(&self, from: i64, count: i64) -> Result<Vec<(i64, Vec<u8>)>> {
        entries(self.db(), from, count).await
    }

    /// A tile as C2SP tlog-tiles serves it: the first `width` hashes of tile `idx` at `level`,
    /// or `None` while the tree has fewer.
    pub async fn tile(&self, level: u8, idx: u64, width: u64) -> Result<Option<Vec<u8>>> {
        tile(self.db(), level, idx, width).await
    }

    pub async fn save_checkpoint(&self, c: &StoredCheckpoint) -> Result<()> {
        save_checkpoint(self.db(), c).await
    }

    /// The newest checkpoint, if any.
    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        Ok(checkpoints(self.db(), 0, i64::MAX, 1, true).await?.pop())
    }

    /// Up to `limit` checkpoints of size at most `at_most`, newest first.
    pub async fn checkpoints(&self, at_most: i64, limit: i64) -> Result<Vec<StoredCheckpoint>> {
        checkpoints(self.db(), 0, at_most, limit, true).await
    }

    /// The checkpoints with sizes in `from..=to`, oldest first.
    pub async fn checkpoints_between(&self, from: i64, to: i64) -> Result<Vec<StoredCheckpoint>> {
        checkpoints(self.db(), from, to, i64::MAX, false).await
    }

    pub async fn add_cosignature(&self, c: &StoredCosignature) -> Result<()> {
        add_cosignature(self.db(), c).await
    }

    pub async fn cosignatures(&self, tree_size: i64) -> Result<Vec<StoredCosignature>> {
        cosignatures(self.db(), tree_size).await
    }
}
