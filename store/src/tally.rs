//! The dead-letter tally: every dead letter from an unauthenticated sender, counted by local day
//! and reason (the dead-letter table keeps only a sample of them).

use chrono::NaiveDate;

use crate::dialect::sql;
use crate::{on_db, Result, Store};

/// One day's count of one reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct TallyRow {
    pub day: NaiveDate,
    pub reason: String,
    pub count: i64,
}

impl Store {
    /// The tally since `since` (a local day), newest day first.
    pub async fn dead_letter_tally(&self, since: NaiveDate) -> Result<Vec<TallyRow>> {
        on_db!(self.db(), |pool, pg| {
            let q =
                sql(pg, "SELECT day, reason, count FROM dead_letter_tally WHERE day >= $1 ORDER BY day DESC, reason");
            Ok(sqlx::query_as(&q).bind(since).fetch_all(pool).await?)
        })
    }
}
