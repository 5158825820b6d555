//! The hub's key table: epochs' key pairs (secrets sealed under the key-encryption key, which
//! the database never sees) and each event's data key, sealed the same way and filed under the
//! resident and the case it concerns. Data keys are written with their events, in the append's
//! transaction (`AppendBatch::data_keys`); forgetting deletes them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::dialect::sql;
use crate::{on_db, Result, Store};

/// An event's data key, sealed under the key-encryption key, and whom it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataKey {
    pub event_id: Uuid,
    /// The resident's pseudonym, when the event names one.
    pub citizen: Option<String>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sealed_key: Vec<u8>,
}

/// Data keys to destroy, in the transaction that records the erasure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgetKeys {
    /// Every key filed under this pseudonym, and every other key of those cases (what staff
    /// wrote about the resident is filed under the case alone).
    Citizen(String),
    /// Every key of one case.
    Case { aggregate_type: String, aggregate_id: String },
}

impl ForgetKeys {
    /// The statement (PostgreSQL placeholders) and its arguments.
    pub(crate) fn statement(&self) -> (&'static str, Vec<&str>) {
        match self {
            Self::Citizen(p) => (
                "DELETE FROM data_keys WHERE citizen = $1 OR (aggregate_type, aggregate_id) IN \
                 (SELECT aggregate_type, aggregate_id FROM data_keys WHERE citizen = $2)",
                vec![p, p],
            ),
            Self::Case { aggregate_type, aggregate_id } => (
                "DELETE FROM data_keys WHERE aggregate_type = $1 AND aggregate_id = $2",
                vec![aggregate_type, aggregate_id],
            ),
        }
    }
}

/// An epoch's key pair as the table keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EpochRow {
    pub epoch: String,
    pub public_key: Vec<u8>,
    /// Sealed under the key-encryption key; `None` once destroyed.
    pub secret: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
    pub destroyed_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Every epoch, oldest first.
    pub async fn epoch_keys(&self) -> Result<Vec<EpochRow>> {
        on_db!(self.db(), |pool, pg| {
            let q = "SELECT epoch, public_key, secret, created_at, destroyed_at FROM epoch_keys ORDER BY epoch";
            Ok(sqlx::query_as(q).fetch_all(pool).await?)
        })
    }

    /// Adds an epoch unless it exists (another hub made it first); returns the epoch's row as kept.
    pub async fn add_epoch_key(&self, row: &EpochRow) -> Result<EpochRow> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO epoch_keys (epoch, public_key, secret, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (epoch) DO NOTHING",
            );
            sqlx::query(&q)
                .bind(&row.epoch)
                .bind(&row.public_key)
                .bind(&row.secret)
                .bind(row.created_at)
                .execute(pool)
                .await?;
            let q =
                sql(pg, "SELECT epoch, public_key, secret, created_at, destroyed_at FROM epoch_keys WHERE epoch = $1");
            Ok(sqlx::query_as(&q).bind(&row.epoch).fetch_one(pool).await?)
        })
    }

    /// Destroys an epoch's secret: what was sealed to it opens only through the key table now.
    pub async fn destroy_epoch_secret(&self, epoch: &str, now: DateTime<Utc>) -> Result<bool> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "UPDATE epoch_keys SET secret = NULL, destroyed_at = $1 WHERE epoch = $2 AND secret IS NOT NULL",
            );
            Ok(sqlx::query(&q).bind(now).bind(epoch).execute(pool).await?.rows_affected() == 1)
        })
    }

    /// The sealed data keys of these events that the table still holds.
    pub async fn data_keys(&self, events: &[Uuid]) -> Result<Vec<(Uuid, Vec<u8>)>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        on_db!(self.db(), |pool, pg| {
            let marks: Vec<String> = (1..=events.len()).map(|i| format!("${i}")).collect();
            let q = sql(
                pg,
                &format!("SELECT event_id, sealed_key FROM data_keys WHERE event_id IN ({})", marks.join(", ")),
            )
            .into_owned();
            let mut query = sqlx::query_as::<_, (String, Vec<u8>)>(&q);
            for e in events {
                query = query.bind(e.hyphenated().to_string());
            }
            let rows = query.fetch_all(pool).await?;
            Ok(rows.into_iter().filter_map(|(id, key)| Some((Uuid::parse_str(&id).ok()?, key))).collect())
        })
    }

    /// Every pseudonym key the hub has issued (key id, key), so that a resident named by their ID
    /// is found under each.
    pub async fn pseudonym_keys(&self) -> Result<Vec<(String, Vec<u8>)>> {
        on_db!(self.db(), |pool, pg| {
            Ok(sqlx::query_as("SELECT key_id, key FROM pseudonym_keys ORDER BY key_id").fetch_all(pool).await?)
        })
    }

    /// The cases (aggregate type and id) with an event naming one of these pseudonyms, in the
    /// order they were opened. A scan of the log's payloads: for the right of access, not a page.
    pub async fn cases_naming(&self, pseudonyms: &[String]) -> Result<Vec<(String, String)>> {
        let mut cases: Vec<(i64, String, String)> = Vec::new();
        for p in pseudonyms {
            let found: Vec<(i64, String, String)> = on_db!(self.db(), |pool, pg| {
                let q = if pg {
                    "SELECT MIN(position), aggregate_type, aggregate_id FROM events \
                     WHERE strpos(payload::text, $1) > 0 GROUP BY aggregate_type, aggregate_id"
                } else {
                    "SELECT MIN(position), aggregate_type, aggregate_id FROM events \
                     WHERE instr(payload, ?) > 0 GROUP BY aggregate_type, aggregate_id"
                };
                Ok::<_, crate::StoreError>(sqlx::query_as(q).bind(format!("\"{p}\"")).fetch_all(pool).await?)
            })?;
            cases.extend(found);
        }
        cases.sort();
        cases.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
        Ok(cases.into_iter().map(|(_, t, id)| (t, id)).collect())
    }

    /// Cases of one kind that still have data keys and were closed (by one of `closing`) before
    /// `before`; at most `limit`.
    pub async fn expired_cases(
        &self,
        aggregate_type: &str,
        closing: &[&str],
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<String>> {
        if closing.is_empty() {
            return Ok(Vec::new());
        }
        on_db!(self.db(), |pool, pg| {
            // Placeholders in the order they appear (SQLite numbers them so).
            let marks: Vec<String> = (3..3 + closing.len()).map(|i| format!("${i}")).collect();
            let limit_mark = 3 + closing.len();
            let q = sql(
                pg,
                &format!(
                    "SELECT DISTINCT k.aggregate_id FROM data_keys k JOIN events e \
                     ON e.aggregate_type = k.aggregate_type AND e.aggregate_id = k.aggregate_id \
                     WHERE k.aggregate_type = $1 AND e.occurred_at < $2 AND e.event_type IN ({}) \
                     ORDER BY k.aggregate_id LIMIT ${limit_mark}",
                    marks.join(", ")
                ),
            )
            .into_owned();
            let mut query = sqlx::query_scalar::<_, String>(&q).bind(aggregate_type).bind(before);
            for t in closing {
                query = query.bind(*t);
            }
            Ok(query.bind(limit).fetch_all(pool).await?)
        })
    }

    /// Retires the active pseudonym key and makes `fresh` the active one, named by `now`; returns
    /// its key id. The hub names residents with it from its next key check (within ten minutes);
    /// the retired key stays, so a resident's
    /// pseudonyms under every key can still be found (`docs/PROTOCOL.md` section 11).
    pub async fn rotate_pseudonym_key(&self, fresh: [u8; 32], now: DateTime<Utc>) -> Result<String> {
        let key_id = format!("pk-{}", now.format("%Y%m%d-%H%M%S-%3f"));
        on_db!(self.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE pseudonym_keys SET active = FALSE WHERE active = TRUE").execute(&mut *tx).await?;
            let q = sql(pg, "INSERT INTO pseudonym_keys (key_id, key, created_at, active) VALUES ($1, $2, $3, TRUE)");
            sqlx::query(&q).bind(&key_id).bind(fresh.as_slice()).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(key_id.clone())
        })
    }
}
