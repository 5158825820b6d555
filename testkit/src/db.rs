//! Test databases: a fresh PostgreSQL database per test (dropped afterwards), or a SQLite file in a
//! temporary directory.

use store::Store;

/// The PostgreSQL server the tests use; override with `DCS_TEST_PG`.
pub fn pg_admin_url() -> String {
    std::env::var("DCS_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestDb {
    pub url: String,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn postgres() -> Self {
        let admin = pg_admin_url();
        let name = format!("dcs_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not reachable at {admin} ({e}). Start it with: \
                 pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
            )
        });
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("DCS_TEST_PG must end with /database"),
        };
        Self { url, name: Some(name), _dir: None }
    }

    /// A new PostgreSQL database holding a copy of this one (whose sessions are ended).
    pub async fn copy(&self) -> Self {
        let source = self.name.as_deref().expect("a PostgreSQL test database");
        let admin = pg_admin_url();
        let name = format!("dcs_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap();
        // Sessions of a process just stopped may linger a moment: end them, and try again.
        for attempt in 0.. {
            sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                .bind(source)
                .execute(&mut conn)
                .await
                .unwrap();
            match sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {source}")).execute(&mut conn).await {
                Ok(_) => break,
                Err(e) if attempt < 20 => {
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Err(e) => panic!("cannot copy the test database: {e}"),
            }
        }
        let url = format!("{}/{name}", admin.rsplit_once('/').expect("ends with /database").0);
        Self { url, name: Some(name), _dir: None }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hub.sqlite").display());
        Self { url, name: None, _dir: Some(dir) }
    }

    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.name.take() {
            let admin = pg_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(mut c) = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await;
                    }
                })
            })
            .join();
        }
    }
}
