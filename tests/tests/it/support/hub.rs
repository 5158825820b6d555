//! `dcs serve` as a child process on PostgreSQL and NATS.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{binary, kill9, tail, terminate};

/// The person the tests act as: administrator, PC06 staff and auditor at once.
pub const STAFF_NAME: &str = "Thượng úy Lê Văn A (PC06)";

pub struct HubProcess {
    child: Option<Child>,
    pub url: String,
    /// An API token of [`STAFF_NAME`].
    pub token: String,
    database_url: String,
    nats_url: String,
    env: Vec<(String, String)>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl HubProcess {
    pub fn start(database_url: &str, nats_url: &str) -> Self {
        Self::start_with_env(database_url, nats_url, &[])
    }

    /// Starts the hub with extra environment (settings such as `DCS_DEADLINE_CHECK_SECS`).
    pub fn start_with_env(database_url: &str, nats_url: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("hub.log");
        let key = dir.path().join("hub.key").display().to_string();
        let mut env: Vec<(&str, &str)> = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "DCS_HUB_KEY_FILE") {
            env.push(("DCS_HUB_KEY_FILE", &key));
        }
        let token = staff_token(database_url);
        let mut hub = Self {
            child: None,
            url: String::new(),
            token,
            database_url: database_url.into(),
            nats_url: nats_url.into(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            log,
            _dir: dir,
        };
        hub.restart();
        hub
    }

    /// Starts the hub (again) on the same database and NATS, on a new port.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "hub already running");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let mut child = Command::new(binary("dcs"))
            .args(["serve", "--listen", self.listen()])
            .env("DATABASE_URL", &self.database_url)
            .env("NATS_URL", &self.nats_url)
            .env("RUST_LOG", "info,sqlx=warn")
            .env("RUST_BACKTRACE", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start dcs serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DCS hub listening on ") {
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        self.url = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the hub did not start; its log:\n{}", tail(&self.log, 40)));
        self.child = Some(child);
    }

    /// Port 0 (any free port), unless the environment names `DCS_LISTEN`.
    fn listen(&self) -> &str {
        self.env.iter().find(|(k, _)| k == "DCS_LISTEN").map_or("127.0.0.1:0", |(_, v)| v.as_str())
    }

    /// The hub's key file (it signs receipts).
    pub fn key_file(&self) -> String {
        self.env.iter().find(|(k, _)| k == "DCS_HUB_KEY_FILE").map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill9(&mut c);
        }
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("hub running");
        terminate(&mut c, Duration::from_secs(30))
    }

    /// A client that signs in as [`STAFF_NAME`].
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {}", self.token).parse().unwrap());
        reqwest::Client::builder().default_headers(headers).build().unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client().get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let r = self.get(path).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// Plans a station and returns its enrollment code.
    pub async fn plan(&self, station: &str, ward: &str, building: &str) -> String {
        let r = self
            .client()
            .post(format!("{}/api/v1/stations", self.url))
            .json(&serde_json::json!({"station_id": station, "ward_code": ward, "building": building}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "planning {station}");
        let body: serde_json::Value = r.json().await.unwrap();
        body["enrollment_code"].as_str().unwrap().to_string()
    }

    /// The reasons of every dead letter, sorted.
    pub async fn dead_letter_reasons(&self) -> Vec<String> {
        let letters = self.json("/api/v1/dead-letters").await;
        let mut r: Vec<String> =
            letters.as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap().to_string()).collect();
        r.sort();
        r
    }

    /// Events of one station of ward 27097, as its ward's dashboard counts them (0 if none yet).
    pub async fn station_events(&self, station: &str) -> i64 {
        let w = self.json("/api/v1/wards/27097/dashboard").await;
        let stations = w["stations"].as_array().unwrap().clone();
        stations.iter().find(|s| s["station_id"] == station).map(|s| s["events"].as_i64().unwrap()).unwrap_or(0)
    }

    /// Total events on the city dashboard.
    pub async fn city_total(&self) -> i64 {
        self.json("/api/v1/city/dashboard").await["total"].as_i64().unwrap()
    }

    pub fn log_tail(&self) -> String {
        tail(&self.log, 60)
    }

    /// Everything the hub has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- hub log ---\n{}", self.log_tail());
        }
        self.kill9();
    }
}

/// Adds [`STAFF_NAME`] to the hub's database (once) and returns a fresh API token of theirs.
fn staff_token(database_url: &str) -> String {
    let dcs = |args: &[&str]| {
        let out = Command::new(binary("dcs")).args(args).env("DATABASE_URL", database_url).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_string(), out.stderr)
    };
    let (added, _, err) = dcs(&[
        "user",
        "add",
        "--name",
        STAFF_NAME,
        "--role",
        "administrator",
        "--role",
        "pc06_staff",
        "--role",
        "auditor",
    ]);
    assert!(added || String::from_utf8_lossy(&err).contains("already"), "{}", String::from_utf8_lossy(&err));
    let (ok, token, err) = dcs(&["user", "token", "--name", STAFF_NAME]);
    assert!(ok && token.starts_with("dcs_"), "{}", String::from_utf8_lossy(&err));
    token
}
