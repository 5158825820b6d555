//! The benchmark commands run (on a few events, so as to stay quick) and print each figure beside
//! its baseline: what `docs/PERFORMANCE.md` quotes must keep working.

use std::process::Command;

use testkit::TestDb;

use crate::support::binary;

fn run(args: &[&str]) -> String {
    let out = Command::new(binary("dcs")).args(args).env_remove("DATABASE_URL").output().expect("run dcs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "dcs {args:?}:\n{text}");
    text
}

#[tokio::test]
async fn the_append_benchmark_gives_the_store_beside_raw_copy_and_the_merkle_trees_cost() {
    let db = TestDb::postgres().await;
    let out =
        run(&["bench", "append", "--events", "500", "--rounds", "1", "--batch", "100", "--database-url", &db.url]);
    for line in ["store append", "without tree", "raw COPY", "× raw COPY", "Merkle tree cost"] {
        assert!(out.contains(line), "{line} in:\n{out}");
    }
    let sealed = run(&[
        "bench",
        "append",
        "--events",
        "500",
        "--rounds",
        "1",
        "--batch",
        "100",
        "--sealed",
        "--database-url",
        &db.url,
    ]);
    for line in ["sealed events", "hub unsealing", "Ed25519 verify", "× a signature check"] {
        assert!(sealed.contains(line), "{line} in:\n{sealed}");
    }
}

#[test]
fn the_verify_benchmark_verifies_every_entry_beside_raw_batch_verification() {
    let out = run(&["bench", "verify", "--entries", "2000"]);
    assert!(out.contains("2100 entries (2000 station events)") && out.contains(", 0 failures"), "{out}");
    assert!(out.contains("raw Ed25519 batch verification") && out.contains("ratio to Ed25519 batch"), "{out}");
}
