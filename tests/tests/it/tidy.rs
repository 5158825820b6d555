//! Tidy checks in the spirit of rust-analyzer's: the invariants of `ARCHITECTURE.md` that a
//! reading of the sources can prove, checked on every test run.

use std::path::{Path, PathBuf};

use domain::aggregates::AnyEventType;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds the tests crate").to_path_buf()
}

/// The workspace's crates: every top-level folder with a `Cargo.toml`.
fn crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace())
        .expect("workspace")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The product sources of a crate (`src/`, not its tests), with their text.
fn sources(krate: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&workspace().join(krate).join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            // A file's own unit tests may use what product code may not.
            let product = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or_default().to_string();
            (p, product)
        })
        .collect()
}

/// The `[dependencies]` a crate's manifest names (not its dev-dependencies).
fn dependencies(krate: &str) -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace().join(krate).join("Cargo.toml")).expect("manifest");
    let mut in_deps = false;
    let mut deps = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
        } else if in_deps {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                deps.push(name.trim().to_string());
            }
        }
    }
    deps
}

#[test]
fn no_crate_but_domain_names_an_event_type_in_a_string() {
    let types = AnyEventType::all();
    assert!(types.len() > 40, "the domain lists its event types");
    let mut found = Vec::new();
    for krate in crates().into_iter().filter(|c| c != "domain") {
        for (path, text) in sources(&krate) {
            for t in &types {
                if text.contains(&format!("\"{}\"", t.name())) {
                    found.push(format!("{} names \"{}\"", path.display(), t.name()));
                }
            }
        }
    }
    assert!(found.is_empty(), "read events through domain::aggregates::AnyEvent, not by name:\n{}", found.join("\n"));
}

#[test]
fn the_domain_and_the_protocol_do_no_io() {
    for krate in ["domain", "protocol"] {
        let deps = dependencies(krate);
        for io in ["tokio", "sqlx", "axum", "reqwest", "async-nats", "store", "bus"] {
            assert!(!deps.iter().any(|d| d == io), "{krate} depends on {io}");
        }
        for (path, text) in sources(krate) {
            for call in ["std::fs", "std::net", "Utc::now()", "SystemTime::now"] {
                assert!(!text.contains(call), "{} uses {call}", path.display());
            }
        }
    }
}

#[test]
fn a_station_needs_only_the_protocol_and_the_hub_never_needs_the_station() {
    let agent = dependencies("station-agent");
    assert!(agent.contains(&"protocol".to_string()));
    for hub_only in ["domain", "store", "ingest", "projections", "api"] {
        assert!(!agent.contains(&hub_only.to_string()), "station-agent depends on {hub_only}");
    }
    assert!(!dependencies("api").contains(&"station-agent".to_string()), "api depends on station-agent");
}

#[test]
fn only_api_knows_http_on_the_hub() {
    for krate in crates() {
        if dependencies(&krate).contains(&"axum".to_string()) {
            assert!(["api", "station-agent"].contains(&krate.as_str()), "{krate} depends on axum");
        }
    }
}
#[test]
fn the_database_backend_does_not_leak_out_of_the_store() {
    for krate in crates().into_iter().filter(|c| c != "store") {
        for (path, text) in sources(&krate) {
            for leak in ["on_db!", "store::dialect", "store::Db", ".db()"] {
                assert!(!text.contains(leak), "{} uses {leak}", path.display());
            }
        }
    }
}

#[test]
fn only_the_store_and_what_keeps_its_own_rows_talk_to_a_database() {
    // The store; the station's own outbox; typed rows of read models; the benchmark's raw COPY
    // baseline; test databases.
    let allowed = ["store", "station-agent", "projections", "dcs", "testkit", "migrations", "tests"];
    for krate in crates() {
        if dependencies(&krate).contains(&"sqlx".to_string()) {
            assert!(allowed.contains(&krate.as_str()), "{krate} depends on sqlx");
        }
    }
    assert!(!dependencies("api").contains(&"sqlx".to_string()));
}
