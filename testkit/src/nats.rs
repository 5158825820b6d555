//! A private `nats-server` with JetStream on a free port and its own store directory, killed on
//! drop; it can be stopped and started again on the same port to simulate an outage.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct NatsServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// A configuration file to run with (it names the port), instead of the command-line flags.
    config: Option<PathBuf>,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn binary() -> PathBuf {
    std::env::var_os("DCS_NATS_SERVER").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("nats-server"))
}

impl NatsServer {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> Self {
        let mut s = Self { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None, config: None };
        s.resume();
        s
    }

    /// Starts a server from a configuration file that makes it listen on `127.0.0.1:{port}`.
    pub fn with_config(port: u16, config: PathBuf) -> Self {
        let mut s = Self { port, dir: tempfile::tempdir().unwrap(), child: None, config: Some(config) };
        s.resume();
        s
    }

    /// A server that is not running yet (for "the bus is unreachable" tests); `resume` starts it.
    pub fn reserved() -> Self {
        Self { port: free_port(), dir: tempfile::tempdir().unwrap(), child: None, config: None }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port with the same store.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "already running");
        let mut command = Command::new(binary());
        match &self.config {
            Some(config) => command.arg("-c").arg(config),
            None => command.args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"]).arg(self.dir.path()),
        };
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run nats-server ({e}): install NATS 2.9+ (Debian: apt-get install nats-server) or set DCS_NATS_SERVER")
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server (an outage); its store stays for `resume`.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
