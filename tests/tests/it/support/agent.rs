//! `station-agent` as a child process: enrolled with the hub through the real CLI, then run with
//! its loopback API on a free port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use super::{binary, eventually, kill9, tail, HubProcess};

pub struct AgentProcess {
    pub station: String,
    pub api: String,
    dir: tempfile::TempDir,
    nats_url: String,
    child: Option<Child>,
    http: reqwest::Client,
    heartbeat_secs: Option<u64>,
}

/// Runs `station-agent enroll`; returns its exit status and output.
pub fn enroll(dir: &Path, hub: &str, station: &str, ward: &str, building: &str, code: &str) -> std::process::Output {
    Command::new(binary("station-agent"))
        .arg("--data-dir")
        .arg(dir)
        .args(["enroll", "--hub", hub, "--station", station, "--ward", ward, "--building", building, "--code", code])
        .output()
        .expect("run station-agent enroll")
}

impl AgentProcess {
    /// Plans the station on the hub, enrolls it and starts it.
    pub async fn enroll_and_start(hub: &HubProcess, nats_url: &str, station: &str, ward: &str) -> Self {
        let code = hub.plan(station, ward, "Tòa nhà thử nghiệm").await;
        let dir = tempfile::tempdir().unwrap();
        let out = enroll(dir.path(), &hub.url, station, ward, "Tòa nhà thử nghiệm", &code);
        assert!(out.status.success(), "enroll failed: {}", String::from_utf8_lossy(&out.stderr));
        Self::start_in(dir, station, nats_url).await
    }

    /// Starts an agent whose data directory is already enrolled.
    pub async fn start_in(dir: tempfile::TempDir, station: &str, nats_url: &str) -> Self {
        let mut agent = Self {
            station: station.into(),
            api: String::new(),
            dir,
            nats_url: nats_url.into(),
            child: None,
            http: reqwest::Client::new(),
            heartbeat_secs: None,
        };
        agent.start().await;
        agent
    }

    /// The station's data directory (its keys, its NATS credentials, its outbox).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("agent.log")
    }

    /// Heartbeats every `secs` from the next start (the agent's default otherwise).
    pub fn set_heartbeat_secs(&mut self, secs: u64) {
        self.heartbeat_secs = Some(secs);
    }

    /// Starts (again) on the same data directory, with the API on a new free port.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "agent already running");
        let port = testkit::free_port();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log()).unwrap();
        let child = Command::new(binary("station-agent"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(["run", "--nats-url", &self.nats_url, "--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "info")
            .env("RUST_BACKTRACE", "0")
            .envs(self.heartbeat_secs.map(|s| ("DCS_HEARTBEAT_SECS", s.to_string())))
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start station-agent");
        self.child = Some(child);
        self.api = format!("http://127.0.0.1:{port}");
        let url = format!("{}/healthz", self.api);
        eventually("the station agent's API", Duration::from_secs(30), || {
            let url = url.clone();
            async move { reqwest::get(&url).await.ok().filter(|r| r.status().is_success()) }
        })
        .await;
    }

    /// SIGTERM; the agent must exit within `timeout` (the test fails otherwise).
    pub fn terminate(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("agent running");
        super::terminate(&mut c, timeout)
    }

    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            kill9(&mut c);
        }
    }

    /// Records one event through the loopback API; returns the status and body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{path}", self.api)).json(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Records the `i`-th event of a fixed mix: dossier, payment, security report, in turn.
    pub async fn record(&self, i: usize) -> Result<(), reqwest::Error> {
        let (path, body) = sample(&self.station, i);
        let r = self.http.post(format!("{}{path}", self.api)).json(&body).send().await?;
        assert_eq!(r.status(), 201, "{path}: {:?}", r.text().await);
        Ok(())
    }

    pub async fn status(&self) -> Value {
        self.http.get(format!("{}/api/v1/status", self.api)).send().await.unwrap().json().await.unwrap()
    }

    /// `station-agent status`, the command an operator runs.
    pub fn status_command(&self) -> String {
        let out = Command::new(binary("station-agent"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .arg("status")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Waits until the hub has answered every recorded event; returns how many were recorded.
    pub async fn wait_all_confirmed(&self, timeout: Duration) -> u64 {
        eventually(&format!("every event of {} to be confirmed", self.station), timeout, || async {
            let s = self.status().await;
            (s["pending"].as_i64() == Some(0)).then(|| s["last_seq"].as_u64().unwrap())
        })
        .await
    }

    /// Like `wait_all_confirmed`, but `None` on a timeout, for a caller that reports more.
    pub async fn confirmed_within(&self, timeout: Duration) -> Option<u64> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            let s = self.status().await;
            if s["pending"].as_i64() == Some(0) {
                return s["last_seq"].as_u64();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    }

    pub fn log_tail(&self) -> String {
        tail(&self.log(), 40)
    }

    /// Everything the agent has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- {} log ---\n{}", self.station, self.log_tail());
        }
        self.kill9();
    }
}

/// The `i`-th event of the fixed mix: (path, body). Dossier codes are unique per station and `i`.
pub fn sample(station: &str, i: usize) -> (&'static str, Value) {
    let h = station.bytes().fold(7u32, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
    let (a, b) = (h % 100, (h / 100) % 100);
    match i % 3 {
        0 => (
            "/api/v1/dossiers",
            json!({"dossier_code": format!("000.{a:02}.{b:02}.H29-251010-{:05}", i), "procedure_code": "1.001193", "fee_vnd": 0}),
        ),
        1 => (
            "/api/v1/payments",
            json!({"bill_type": "electricity", "provider": "EVNHCMC", "bill_reference": format!("PE{i:011}"), "amount_vnd": 452_000}),
        ),
        _ => (
            "/api/v1/security-reports",
            json!({"category": "noise", "severity": "low", "location": "Tháp A, tầng 12", "description": "Karaoke sau 22 giờ"}),
        ),
    }
}
