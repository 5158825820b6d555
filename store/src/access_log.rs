//! The access log: who read or did what, when and from where. Append-only: the database refuses
//! any change to it (triggers), and the store offers none.

use chrono::{DateTime, Utc};

use crate::{on_db, Result, Statement, Store};

/// One access, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Access {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The signed-in person, or `anonymous`.
    pub actor: String,
    /// `GET /api/v1/cases/{aggregate_type}/{id}`: the route.
    pub action: String,
    /// The path as requested.
    pub target: String,
    /// The caller's address.
    pub remote: String,
    /// The answer's HTTP status.
    pub status: i32,
}

impl Store {
    pub async fn record_access(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        remote: &str,
        status: u16,
    ) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = crate::dialect::sql(
                pg,
                "INSERT INTO access_log (at, actor, action, target, remote, status) VALUES ($1, $2, $3, $4, $5, $6)",
            );
            sqlx::query(&q)
                .bind(Utc::now())
                .bind(actor)
                .bind(action)
                .bind(target)
                .bind(remote)
                .bind(i32::from(status))
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Newest first: up to `limit` with an id below `before`.
    pub async fn access_log(&self, before: Option<i64>, limit: i64) -> Result<Vec<Access>> {
        let q = "SELECT id, at, actor, action, target, remote, status FROM access_log WHERE id < $1 \
                 ORDER BY id DESC LIMIT $2";
        self.fetch_rows(&Statement::new(q, vec![before.unwrap_or(i64::MAX).into(), limit.into()])).await
    }
}
