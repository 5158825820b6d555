//! What read models need from the store, with the backend kept inside: statements with typed
//! values bound to `$1`-style placeholders (rewritten for SQLite here), typed rows back, and a
//! projection's checkpoint moved in the same transaction as its rows.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use crate::dialect::sql;
use crate::{on_db, Result, Store};

/// A value bound to a statement's placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
    MaybeInt(Option<i64>),
    Bool(bool),
    Time(DateTime<Utc>),
    MaybeTime(Option<DateTime<Utc>>),
    Day(NaiveDate),
}

macro_rules! value_from {
    ($($t:ty => $variant:ident),+ $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Self::$variant(v.into())
            }
        })+
    };
}

value_from! {
    &str => Text,
    String => Text,
    Option<String> => MaybeText,
    i64 => Int,
    Option<i64> => MaybeInt,
    bool => Bool,
    DateTime<Utc> => Time,
    Option<DateTime<Utc>> => MaybeTime,
    NaiveDate => Day,
}

/// One SQL statement with PostgreSQL-style placeholders and the values bound to them. The
/// placeholders appear in order, each once (`$1`, `$2`, ...): on SQLite they become `?`, bound by
/// position (checked in debug builds).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: Cow<'static, str>,
    pub args: Vec<Value>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>, args: Vec<Value>) -> Self {
        let statement = Self { sql: sql.into(), args };
        debug_assert!(statement.placeholders_in_order(), "placeholders out of order: {}", statement.sql);
        statement
    }

    /// `$1`, `$2`, ... each once and in order, as many as the values.
    fn placeholders_in_order(&self) -> bool {
        let numbers: Vec<usize> = self
            .sql
            .split('$')
            .skip(1)
            .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .collect();
        numbers.iter().enumerate().all(|(i, n)| *n == i + 1) && numbers.len() == self.args.len()
    }
}

/// A row type a read model reads back: decodable from both backends' rows (`#[derive(sqlx::FromRow)]`).
pub trait ReadRow: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin {}
impl<T> ReadRow for T where T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin {}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Value::Text(v) => q.bind(v.as_str()),
                Value::MaybeText(v) => q.bind(v.as_deref()),
                Value::Int(v) => q.bind(*v),
                Value::MaybeInt(v) => q.bind(*v),
                Value::Bool(v) => q.bind(*v),
                Value::Time(v) => q.bind(*v),
                Value::MaybeTime(v) => q.bind(*v),
                Value::Day(v) => q.bind(*v),
            };
        }
        q
    }};
}

impl Store {
    /// The rows a query returns, each read as a `T`.
    pub async fn fetch_rows<T: ReadRow>(&self, query: &Statement) -> Result<Vec<T>> {
        on_db!(self.db(), |pool, pg| {
            let text = sql(pg, &query.sql);
            Ok(bind_all!(sqlx::query_as::<_, T>(&text), &query.args).fetch_all(pool).await?)
        })
    }

    /// Where the read model `name` stands in the log (0 before its first chunk).
    pub async fn checkpoint(&self, name: &str) -> Result<i64> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(pg, "SELECT position FROM projection_checkpoints WHERE name = $1");
            let p: Option<i64> = sqlx::query_scalar(&q).bind(name).fetch_optional(pool).await?;
            Ok(p.unwrap_or(0))
        })
    }

    async fn ensure_checkpoint(&self, name: &str) -> Result<()> {
        on_db!(self.db(), |pool, pg| {
            let q = sql(
                pg,
                "INSERT INTO projection_checkpoints (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            );
            sqlx::query(&q).bind(name).execute(pool).await?;
            Ok(())
        })
    }

    /// Runs `statements` and moves the checkpoint of `name` from `from` to `to`, in one
    /// transaction, only if the checkpoint is still at `from`; `false` if another projector moved
    /// it first (and nothing was written).
    pub async fn apply_chunk(&self, name: &str, from: i64, to: i64, statements: &[Statement]) -> Result<bool> {
        self.ensure_checkpoint(name).await?;
        on_db!(self.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(&sql(
                pg,
                "UPDATE projection_checkpoints SET position = $1 WHERE name = $2 AND position = $3",
            ))
            .bind(to)
            .bind(name)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            for s in statements {
                let text = sql(pg, &s.sql);
                bind_all!(sqlx::query(&text), &s.args).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Empties a read model's `tables` and puts its checkpoint back to 0, in one transaction.
    pub async fn reset_read_model(&self, name: &str, tables: &[&str]) -> Result<()> {
        self.ensure_checkpoint(name).await?;
        on_db!(self.db(), |pool, pg| {
            let mut tx = pool.begin().await?;
            for table in tables {
                sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
            }
            sqlx::query(&sql(pg, "UPDATE projection_checkpoints SET position = 0 WHERE name = $1"))
                .bind(name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_must_come_in_order_each_once() {
        let s = |sql: &'static str, n: usize| Statement { sql: sql.into(), args: vec![Value::Int(0); n] };
        assert!(s("SELECT a FROM t WHERE b = $1 AND c = $2", 2).placeholders_in_order());
        assert!(!s("SELECT a FROM t WHERE b = $2 AND c = $1", 2).placeholders_in_order());
        assert!(!s("SELECT a FROM t WHERE b = $1 OR c = $1", 2).placeholders_in_order());
        assert!(!s("SELECT a FROM t WHERE b = $1", 2).placeholders_in_order());
    }
}
