//! Read models rebuilt in the shadow of the live ones (`dcs replay --shadow`): on PostgreSQL the
//! read-model tables are copied empty into the schema `dcs_shadow`, and a second store whose
//! search path puts that schema first rebuilds them from the shared log; on SQLite the database is
//! copied (`VACUUM INTO`) and the copy rebuilt. Nothing the dashboards read is touched. The two are
//! then compared table by table, in one snapshot, at the same log position.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::Row;

use crate::{Db, Result, Store, StoreError};

const SCHEMA: &str = "dcs_shadow";

/// Where the shadow lives.
pub struct Shadow {
    pub store: Store,
    copy: Option<PathBuf>,
}

/// How one table of the shadow differs from the live one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDifference {
    pub table: String,
    /// Rows only the live table holds, and only the rebuilt one.
    pub only_live: i64,
    pub only_rebuilt: i64,
    /// A few of them, as JSON.
    pub examples: Vec<String>,
}

fn ident(name: &str) -> Result<&str> {
    if name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(name)
    } else {
        Err(StoreError::Shadow(format!("not a table name: {name}")))
    }
}

impl Store {
    /// A shadow of this store's read-model `tables` (and projection checkpoints), empty, sharing
    /// (PostgreSQL) or copying (SQLite) the log. `url` is this store's URL.
    pub async fn shadow(&self, url: &str, tables: &[&str]) -> Result<Shadow> {
        match self.db() {
            Db::Postgres(pool) => {
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {SCHEMA}")).execute(pool).await?;
                for t in tables.iter().copied().chain(["projection_checkpoints"]) {
                    let t = ident(t)?;
                    sqlx::query(&format!("DROP TABLE IF EXISTS {SCHEMA}.{t}")).execute(pool).await?;
                    sqlx::query(&format!("CREATE TABLE {SCHEMA}.{t} (LIKE public.{t} INCLUDING ALL)"))
                        .execute(pool)
                        .await?;
                }
                let opts = PgConnectOptions::from_str(url)?.options([("search_path", format!("{SCHEMA},public"))]);
                let pool = PgPoolOptions::new().max_connections(4).acquire_timeout(Duration::from_secs(10));
                let pool = pool.connect_with(opts).await?;
                Ok(Shadow { store: Store { db: Db::Postgres(pool) }, copy: None })
            }
            Db::Sqlite(pool) => {
                let dir = std::env::temp_dir().join(format!("dcs-shadow-{}", uuid::Uuid::new_v4().simple()));
                std::fs::create_dir_all(&dir).map_err(|e| StoreError::Shadow(e.to_string()))?;
                let path = dir.join("shadow.sqlite");
                sqlx::query("VACUUM INTO ?").bind(path.display().to_string()).execute(pool).await?;
                let store = Store::connect(&format!("sqlite://{}", path.display())).await?;
                Ok(Shadow { store, copy: Some(path) })
            }
        }
    }
}

async fn close(db: &Db) {
    match db {
        Db::Postgres(p) => p.close().await,
        Db::Sqlite(p) => p.close().await,
    }
}

impl Shadow {
    /// Compares the rebuilt `tables` of projection `name` with the live ones, in one snapshot;
    /// `None` if the two are not at the same log position in it (build on, and ask again).
    pub async fn compare(&self, live: &Store, name: &str, tables: &[&str]) -> Result<Option<Vec<TableDifference>>> {
        match (live.db(), &self.copy) {
            (Db::Postgres(pool), _) => compare_postgres(pool, name, tables).await,
            (Db::Sqlite(pool), Some(copy)) => compare_sqlite(pool, copy, name, tables).await,
            (Db::Sqlite(_), None) => Err(StoreError::Shadow("a SQLite shadow without its copy".into())),
        }
    }

    /// Removes the shadow.
    pub async fn remove(self, live: &Store) -> Result<()> {
        match (live.db(), self.copy) {
            (Db::Postgres(pool), _) => {
                close(self.store.db()).await;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")).execute(pool).await?;
            }
            (_, Some(copy)) => {
                close(self.store.db()).await;
                if let Some(dir) = copy.parent() {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The live tables in `public` against the rebuilt ones in the shadow schema.
async fn compare_postgres(pool: &sqlx::PgPool, name: &str, tables: &[&str]) -> Result<Option<Vec<TableDifference>>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
    let at = |schema: &str| {
        format!("SELECT COALESCE((SELECT position FROM {schema}.projection_checkpoints WHERE name = $1), 0)")
    };
    let a: i64 = sqlx::query_scalar(&at("public")).bind(name).fetch_one(&mut *tx).await?;
    let b: i64 = sqlx::query_scalar(&at(SCHEMA)).bind(name).fetch_one(&mut *tx).await?;
    if a != b {
        return Ok(None);
    }
    let mut out = Vec::new();
    for t in tables {
        let t = ident(t)?;
        let diff = |x: &str, y: &str| format!("SELECT * FROM {x}.{t} EXCEPT ALL SELECT * FROM {y}.{t}");
        let (live_only, rebuilt_only) = (diff("public", SCHEMA), diff(SCHEMA, "public"));
        let count = format!("SELECT (SELECT COUNT(*) FROM ({live_only}) a), (SELECT COUNT(*) FROM ({rebuilt_only}) b)");
        let row = sqlx::query(&count).fetch_one(&mut *tx).await?;
        let (only_live, only_rebuilt): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if only_live + only_rebuilt == 0 {
            continue;
        }
        let examples = format!(
            "(SELECT 'live: ' || row_to_json(a)::text FROM ({live_only}) a LIMIT 3) UNION ALL \
                 (SELECT 'rebuilt: ' || row_to_json(b)::text FROM ({rebuilt_only}) b LIMIT 3)"
        );
        let examples = sqlx::query_scalar(&examples).fetch_all(&mut *tx).await?;
        out.push(TableDifference { table: t.to_string(), only_live, only_rebuilt, examples });
    }
    Ok(Some(out))
}

/// The live database against its rebuilt copy, attached as `shadow`.
async fn compare_sqlite(
    pool: &sqlx::SqlitePool,
    copy: &std::path::Path,
    name: &str,
    tables: &[&str],
) -> Result<Option<Vec<TableDifference>>> {
    let mut conn = pool.acquire().await?;
    sqlx::query("ATTACH DATABASE ? AS shadow").bind(copy.display().to_string()).execute(&mut *conn).await?;
    let result = async {
        sqlx::query("BEGIN").execute(&mut *conn).await?;
        let at = |schema: &str| {
            format!("SELECT COALESCE((SELECT position FROM {schema}.projection_checkpoints WHERE name = ?), 0)")
        };
        let a: i64 = sqlx::query_scalar(&at("main")).bind(name).fetch_one(&mut *conn).await?;
        let b: i64 = sqlx::query_scalar(&at("shadow")).bind(name).fetch_one(&mut *conn).await?;
        if a != b {
            return Ok(None);
        }
        let mut out = Vec::new();
        for t in tables {
            let t = ident(t)?;
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{t}')")).fetch_all(&mut *conn).await?;
            let json = columns.iter().map(|c| format!("'{c}', {c}")).collect::<Vec<_>>().join(", ");
            let diff = |x: &str, y: &str| format!("SELECT * FROM {x}.{t} EXCEPT SELECT * FROM {y}.{t}");
            let mut counts = Vec::new();
            let mut examples = Vec::new();
            for (label, x, y) in [("live", "main", "shadow"), ("rebuilt", "shadow", "main")] {
                let d = diff(x, y);
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({d})")).fetch_one(&mut *conn).await?;
                let ex: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT '{label}: ' || json_object({json}) FROM ({d}) LIMIT 3"))
                        .fetch_all(&mut *conn)
                        .await?;
                counts.push(n);
                examples.extend(ex);
            }
            if counts[0] + counts[1] > 0 {
                out.push(TableDifference {
                    table: t.to_string(),
                    only_live: counts[0],
                    only_rebuilt: counts[1],
                    examples,
                });
            }
        }
        Ok::<_, StoreError>(Some(out))
    }
    .await;
    let _ = sqlx::query("COMMIT").execute(&mut *conn).await;
    let _ = sqlx::query("DETACH DATABASE shadow").execute(&mut *conn).await;
    result
}
