//! `docs/audit-vectors/bundle` verifies to the root and checkpoint `docs/AUDIT.md` section 7
//! documents, and any one byte changed in its entries is caught.

use std::path::{Path, PathBuf};

use base64::Engine;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/audit-vectors/bundle")
}

fn doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/AUDIT.md")).unwrap()
}

#[tokio::test]
async fn the_documented_bundle_verifies_to_the_documented_root_and_checkpoint() {
    let m = audit::bundle::manifest(&vectors()).unwrap();
    let report = audit::bundle::verify_bundle(&vectors(), Some(&m.log_key), &[], &|_| {}).await.unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!((report.entries, report.station_events, report.checkpoints_checked), (53, 17, 1));
    let root = base64::engine::general_purpose::STANDARD.encode(report.root.unwrap());
    let doc = doc();
    assert!(
        doc.contains(&format!("| root of the 53 entries | `{root}` |")),
        "AUDIT.md section 7 gives the root {root}"
    );
    assert!(doc.contains(&format!("| log key | `{}` |", m.log_key)));
    let note = std::fs::read_to_string(vectors().join("checkpoints/53.note")).unwrap();
    assert!(doc.contains(&format!("```\n{note}```")), "AUDIT.md section 7 quotes the checkpoint");
}

#[tokio::test]
async fn any_byte_changed_in_the_documented_bundle_is_caught() {
    let entries = std::fs::read(vectors().join("entries")).unwrap();
    let m = audit::bundle::manifest(&vectors()).unwrap();
    // A sample of places across the file: length prefixes, JSON, base64 of signed bytes.
    for at in (0..entries.len()).step_by(997) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("checkpoints")).unwrap();
        std::fs::copy(vectors().join("manifest.json"), dir.path().join("manifest.json")).unwrap();
        std::fs::copy(vectors().join("checkpoints/53.note"), dir.path().join("checkpoints/53.note")).unwrap();
        let mut changed = entries.clone();
        changed[at] ^= 0x01;
        std::fs::write(dir.path().join("entries"), changed).unwrap();
        let caught = match audit::bundle::verify_bundle(dir.path(), Some(&m.log_key), &[], &|_| {}).await {
            Ok(report) => !report.ok(),
            Err(_) => true,
        };
        assert!(caught, "byte {at} changed and not caught");
    }
    // A stray byte after the last entry.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("checkpoints")).unwrap();
    std::fs::copy(vectors().join("manifest.json"), dir.path().join("manifest.json")).unwrap();
    let mut longer = entries.clone();
    longer.push(0);
    std::fs::write(dir.path().join("entries"), longer).unwrap();
    assert!(audit::bundle::verify_bundle(dir.path(), None, &[], &|_| {}).await.is_err());
}
