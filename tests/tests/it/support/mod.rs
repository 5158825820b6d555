//! Processes under test and how to wait for them.

mod agent;
mod binaries;
pub mod crafted;
mod hub;
pub mod topology;

use std::future::Future;
use std::time::{Duration, Instant};

pub use agent::{enroll as agent_enroll, AgentProcess};
pub use binaries::binary;
pub use hub::HubProcess;

/// Polls `check` until it returns `Some`, or panics with `what` after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sends SIGKILL (`kill -9`): no cleanup, no flush.
pub fn kill9(child: &mut std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends SIGTERM and waits for the process to exit; returns its exit status.
pub fn terminate(child: &mut std::process::Child, timeout: Duration) -> std::process::ExitStatus {
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            kill9(child);
            panic!("process {} did not exit within {timeout:?} of SIGTERM", child.id());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last lines of a log file, for a failing test's report.
pub fn tail(path: &std::path::Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Runs `dcs` with these arguments (no database or key from the environment) and returns what it
/// printed, stdout then stderr.
pub fn dcs_output(args: &[&str]) -> String {
    let out = std::process::Command::new(binary("dcs"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("DCS_HUB_KEY_FILE")
        .output()
        .expect("run dcs");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}
