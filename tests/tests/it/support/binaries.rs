//! The binaries under test, built once per test process from the current sources (so a test never
//! runs a stale binary), found next to the test executable's directory.

use std::path::PathBuf;
use std::sync::OnceLock;

static BUILT: OnceLock<PathBuf> = OnceLock::new();

/// Path of a workspace binary (`dcs` or `station-agent`).
pub fn binary(name: &str) -> PathBuf {
    let dir = BUILT.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "dcs", "-p", "station-agent", "--bins"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo build");
        assert!(status.success(), "building the binaries under test failed");
        // target/debug/deps/it-<hash> -> target/debug
        let exe = std::env::current_exe().expect("test executable");
        exe.parent().and_then(|p| p.parent()).expect("target dir").to_path_buf()
    });
    let path = dir.join(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}
