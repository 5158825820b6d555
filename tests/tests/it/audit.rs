//! The audit log as an auditor meets it: `dcs audit verify` passes an untouched log (a rejected
//! event and a `kill -9` of the hub between append and checkpoint included) and names the place
//! of each tampering an operator could try on the database: one byte of a station's bytes, a
//! domain event changed, a row deleted, two positions swapped, a station's key replaced in the
//! registry, the tail rewritten after the auditor pinned a checkpoint. Bundles too.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use ed25519_dalek::SigningKey;
use protocol::tlog::AuditEntry;
use protocol::{chain_hash, ChainHash, GENESIS};
use serde_json::{json, Value};
use testkit::{NatsServer, TestDb};
use uuid::Uuid;

use crate::support::{binary, crafted, eventually, HubProcess};

const STATION: &str = "st-27097-audited";
const WARD: &str = "27097";

fn payment(amount: i64) -> Value {
    json!({"bill_type": "water", "provider": "SAWACO", "bill_reference": "PN0012345", "amount_vnd": amount})
}

/// Signs and publishes the station's next payment; returns its bytes.
async fn pay(js: &async_nats::jetstream::Context, key: &SigningKey, seq: u64, prev: ChainHash, amount: i64) -> Vec<u8> {
    let bytes =
        crafted::event_bytes(STATION, WARD, Uuid::now_v7(), seq, prev, "payment.made", Utc::now(), payment(amount));
    crafted::publish(js, WARD, STATION, &bytes, key).await;
    bytes
}

fn dcs(args: &[&str]) -> Output {
    std::process::Command::new(binary("dcs"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("DCS_HUB_KEY_FILE")
        .output()
        .expect("run dcs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn verify_database(url: &str, log_key: &str, pins: &[&Path]) -> Output {
    let mut args = vec!["audit", "verify", "--database-url", url, "--log-key", log_key];
    for p in pins {
        args.extend(["--pin", p.to_str().unwrap()]);
    }
    dcs(&args)
}

fn assert_verified(out: &Output) {
    assert!(out.status.success(), "the log verifies:\n{}", text(out));
    assert!(text(out).contains("verified: nothing altered, dropped or reordered"), "{}", text(out));
}

/// `dcs audit verify` fails, and its report names `position` with `what`.
fn assert_caught(out: &Output, position: i64, what: &str) {
    let said = text(out);
    assert_eq!(out.status.code(), Some(1), "the tampering is caught:\n{said}");
    assert!(said.contains(&format!("position {position}: {what}")), "position {position}: {what}, in:\n{said}");
}

async fn sign_checkpoint(hub: &HubProcess) -> Value {
    let r = hub.client().post(format!("{}/api/v1/audit/checkpoints", hub.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Sets the amount of a stored `PaymentMade` (its payload is `{"<type>": {fields}}`).
fn set_amount(payload: &mut Value, amount: i64) {
    let fields = payload.as_object_mut().and_then(|o| o.values_mut().next()).expect("a tagged event");
    fields["amount_vnd"] = json!(amount);
}

async fn entry_at(pool: &sqlx::PgPool, position: i64) -> AuditEntry {
    let bytes: Vec<u8> = sqlx::query_scalar("SELECT entry FROM events WHERE position = $1")
        .bind(position)
        .fetch_one(pool)
        .await
        .unwrap();
    AuditEntry::decode(&bytes).unwrap()
}

/// Rewrites an entry and its row alike, as an operator covering their tracks would.
async fn rewrite(pool: &sqlx::PgPool, e: &AuditEntry) {
    let signed = e.signed.as_ref();
    sqlx::query("UPDATE events SET entry = $1, payload = $2, raw = $3, signature = $4 WHERE position = $5")
        .bind(e.encode().unwrap())
        .bind(&e.payload)
        .bind(signed.map(|s| s.bytes.clone()))
        .bind(signed.map(|s| s.signature.clone()))
        .bind(e.position)
        .execute(pool)
        .await
        .unwrap();
}

/// A copy of the log's database with `tamper` done to it.
async fn tampered<F, Fut>(db: &TestDb, tamper: F) -> TestDb
where
    F: FnOnce(sqlx::PgPool) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let copy = db.copy().await;
    let pool = sqlx::PgPool::connect(&copy.url).await.unwrap();
    tamper(pool.clone()).await;
    pool.close().await;
    copy
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untouched_log_verifies_and_every_tampering_is_named_by_its_position() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    // Checkpoints on request only, so that the hub can be killed between append and checkpoint.
    let mut hub = HubProcess::start_with_env(&db.url, &nats.url(), &[("DCS_CHECKPOINT_SECS", "3600")]);
    let key = SigningKey::from_bytes(&[42; 32]);
    crafted::enroll_key(&hub, STATION, WARD, "Diamond Island", &key).await;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());

    // Three payments and, between them, one the hub rejects (amount 0): it moved the chain.
    let e1 = pay(&js, &key, 1, GENESIS, 120_000).await;
    let e2 = pay(&js, &key, 2, chain_hash(&e1), 0).await;
    let e3 = pay(&js, &key, 3, chain_hash(&e2), 75_000).await;
    let e4 = pay(&js, &key, 4, chain_hash(&e3), 30_000).await;
    eventually("three payments on the dashboard", Duration::from_secs(30), || async {
        (hub.city_total().await == 3).then_some(())
    })
    .await;
    assert_eq!(hub.dead_letter_reasons().await, ["invalid_payload"]);

    let log_key = String::from_utf8(dcs(&["audit", "key", "--hub-key-file", &hub.key_file()]).stdout).unwrap();
    let log_key = log_key.trim().to_string();
    assert!(log_key.starts_with("dcs.hcmc.gov.vn/audit-log+"), "{log_key}");

    // The auditor pins a checkpoint.
    let pinned = sign_checkpoint(&hub).await;
    let pinned_size = pinned["tree_size"].as_i64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pin = dir.path().join("pinned.note");
    std::fs::write(&pin, pinned["note"].as_str().unwrap()).unwrap();

    // One more event, appended; the hub is killed before it signs a checkpoint over it.
    pay(&js, &key, 5, chain_hash(&e4), 55_000).await;
    eventually("the fifth event on the dashboard", Duration::from_secs(30), || async {
        (hub.city_total().await == 4).then_some(())
    })
    .await;
    hub.kill9();
    let out = verify_database(&db.url, &log_key, &[&pin]);
    assert_verified(&out);
    // The pinned checkpoint, and any the hub signed on its own at start (its timer's first tick).
    assert!(text(&out).contains(" signed checkpoints and 1 pinned checked"), "{}", text(&out));

    // Started again, the hub signs a next checkpoint consistent with the last.
    hub.restart();
    let next = sign_checkpoint(&hub).await;
    assert!(next["tree_size"].as_i64().unwrap() > pinned_size, "{next}");
    let proof =
        hub.json(&format!("/api/v1/audit/proofs/consistency?from={pinned_size}&to={}", next["tree_size"])).await;
    assert!(proof["proof"].is_array(), "{proof}");
    assert_verified(&verify_database(&db.url, &log_key, &[&pin]));

    // A bundle verifies offline; one byte changed in it does not.
    let bundle = dir.path().join("bundle");
    let out = dcs(&[
        "audit",
        "export",
        "--database-url",
        &db.url,
        "--hub-key-file",
        &hub.key_file(),
        bundle.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    // The auditor's view of a case: each event's proofs, and the state as of a position.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let (payment, third): (String, i64) = sqlx::query_as(
        "SELECT aggregate_id, position FROM events WHERE raw IS NOT NULL AND aggregate_type = 'payment' \
         ORDER BY position OFFSET 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    let case = hub.json(&format!("/api/v1/audit/cases/payment/{payment}")).await;
    let proof = &case["events"][0]["proof"];
    assert_eq!(
        (&proof["entry"], &proof["signature"], &proof["chain"], &proof["included"]),
        (&json!("matches"), &json!("valid"), &json!("linked"), &json!("proved")),
        "the payment after the rejected event is linked to it: {case}"
    );
    assert_eq!(case["as_of_position"], third);
    assert!(case["state"].is_object(), "{case}");
    let before = hub.json(&format!("/api/v1/audit/cases/payment/{payment}?at_position={}", third - 1)).await;
    assert_eq!(before["events"], json!([]), "nothing of the case before its first event");
    let page = hub.get(&format!("/audit?type=payment&id={payment}")).await.text().await.unwrap();
    assert!(page.contains(&log_key) && page.contains("✓ khớp") && page.contains("✓ nối liền"), "{page}");
    assert!(page.contains("✓ đã chứng minh") && !page.contains("✗"), "the auditor's page shows every proof holding");
    // The page's export link: a range as one tar archive, which verifies offline once unpacked.
    assert!(page.contains("action=\"/api/v1/audit/bundle\""), "{page}");
    let download = hub.get(&format!("/api/v1/audit/bundle?from={third}")).await;
    assert_eq!(download.headers()["content-type"], "application/x-tar");
    let archive = dir.path().join("download.tar");
    std::fs::write(&archive, download.bytes().await.unwrap()).unwrap();
    let unpacked = std::process::Command::new("tar")
        .args(["xf", archive.to_str().unwrap(), "-C", dir.path().to_str().unwrap()])
        .status()
        .unwrap();
    assert!(unpacked.success());
    let head = sign_checkpoint(&hub).await["tree_size"].as_i64().unwrap();
    let downloaded = dir.path().join(format!("dcs-audit-{third}-{head}"));
    assert_verified(&dcs(&["audit", "verify", downloaded.to_str().unwrap(), "--log-key", &log_key]));
    let refused = hub.get("/api/v1/audit/bundle?from=0").await;
    assert_eq!(refused.status(), 422);
    assert_eq!(refused.json::<Value>().await.unwrap()["field"], "from");
    // Every read model rebuilt in the shadow of the live ones equals them; a live row altered is
    // reported, and left as it is.
    let out = dcs(&["replay", "--shadow", "--database-url", &db.url]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out).matches("equal to the live one").count(), 2, "{}", text(&out));
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::query("UPDATE station_activity SET events = events + 5 WHERE station_id = $1")
        .bind(STATION)
        .execute(&pool)
        .await
        .unwrap();
    let out = dcs(&["replay", "--shadow", "--database-url", &db.url]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("station_activity: 1 rows only live, 1 only rebuilt"), "{}", text(&out));
    let events: i64 = sqlx::query_scalar("SELECT events FROM station_activity WHERE station_id = $1")
        .bind(STATION)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(events > 5, "the live row is left as it was");
    pool.close().await;
    hub.terminate();
    let out =
        dcs(&["audit", "verify", bundle.to_str().unwrap(), "--log-key", &log_key, "--pin", pin.to_str().unwrap()]);
    assert_verified(&out);
    let entries = bundle.join("entries");
    let mut bytes = std::fs::read(&entries).unwrap();
    let at = bytes.windows(10).position(|w| w == b"amount_vnd").unwrap();
    bytes[at + 13] ^= 1; // a digit of an amount
    std::fs::write(&entries, bytes).unwrap();
    let out = dcs(&["audit", "verify", bundle.to_str().unwrap(), "--log-key", &log_key]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // The positions of the station's events.
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let signed: Vec<(i64, String)> =
        sqlx::query_as("SELECT position, aggregate_type FROM events WHERE raw IS NOT NULL ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert_eq!(signed.len(), 5, "four payments and the rejected event: {signed:?}");
    let (first, rejected, last_pinned) = (signed[0].0, signed[1].0, signed[3].0);
    assert_eq!(signed[1].1, "station", "the rejected event is kept on the station's aggregate");
    assert!(last_pinned <= pinned_size);
    range_bundles_verify_from_their_proved_start(&db.url, &hub.key_file(), &log_key, &pin, signed[2].0, rejected);

    // One byte of a station's signed bytes, in the entry and its row alike.
    let copy = tampered(&db, |pool| async move {
        let mut e = entry_at(&pool, first).await;
        e.signed.as_mut().unwrap().bytes[40] ^= 1;
        rewrite(&pool, &e).await;
    })
    .await;
    assert_caught(&verify_database(&copy.url, &log_key, &[]), first, "the signature does not verify");

    // The domain event changed in the row only (JSONB, what dashboards read).
    let copy = tampered(&db, |pool| async move {
        let mut payload = entry_at(&pool, first).await.payload;
        set_amount(&mut payload, 1);
        sqlx::query("UPDATE events SET payload = $1 WHERE position = $2")
            .bind(payload)
            .bind(first)
            .execute(&pool)
            .await
            .unwrap();
    })
    .await;
    assert_caught(&verify_database(&copy.url, &log_key, &[]), first, "the event's row differs from its entry");

    // The domain event changed in the entry and the row alike, the signed bytes left as they are.
    let copy = tampered(&db, |pool| async move {
        let mut e = entry_at(&pool, first).await;
        set_amount(&mut e.payload, 1);
        rewrite(&pool, &e).await;
    })
    .await;
    assert_caught(
        &verify_database(&copy.url, &log_key, &[]),
        first,
        "the domain event is not what the signed bytes give",
    );

    // A row deleted: the rejected event.
    let copy = tampered(&db, |pool| async move {
        sqlx::query("DELETE FROM events WHERE position = $1").bind(rejected).execute(&pool).await.unwrap();
    })
    .await;
    assert_caught(&verify_database(&copy.url, &log_key, &[]), rejected, "missing");

    // Two positions swapped.
    let copy = tampered(&db, |pool| async move {
        for (from, to) in [(first, -1), (rejected, first), (-1, rejected)] {
            sqlx::query("UPDATE events SET position = $1 WHERE position = $2")
                .bind(to)
                .bind(from)
                .execute(&pool)
                .await
                .unwrap();
        }
    })
    .await;
    assert_caught(
        &verify_database(&copy.url, &log_key, &[]),
        first,
        &format!("the entry says it is position {rejected}"),
    );

    // The station's key replaced in the registry (so that forged events would pass ingest).
    let copy = tampered(&db, |pool| async move {
        let forger = SigningKey::from_bytes(&[7; 32]).verifying_key().to_bytes().to_vec();
        sqlx::query("UPDATE stations SET public_key = $1 WHERE station_id = $2")
            .bind(forger)
            .bind(STATION)
            .execute(&pool)
            .await
            .unwrap();
    })
    .await;
    let out = verify_database(&copy.url, &log_key, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("the registry holds a key for station {STATION} that the log never gave it")),
        "{}",
        text(&out)
    );

    // The tail rewritten after the auditor pinned a checkpoint, and the signed checkpoints that
    // would betray it deleted: the pin still does.
    let copy = tampered(&db, |pool| async move {
        let mut e = entry_at(&pool, last_pinned).await;
        set_amount(&mut e.payload, 3_000_000);
        rewrite(&pool, &e).await;
        sqlx::query("DELETE FROM checkpoints").execute(&pool).await.unwrap();
    })
    .await;
    let out = verify_database(&copy.url, &log_key, &[&pin]);
    assert_caught(
        &out,
        pinned_size,
        &format!("the tree of {pinned_size} entries does not have the root of the pinned checkpoint"),
    );
}

/// A bundle from `from` (a payment after the station's rejected event) on verifies from the
/// earlier entries it holds, each proved in the tree before it; without the station's last event
/// before the range, or with one byte of an earlier entry changed, it does not.
fn range_bundles_verify_from_their_proved_start(
    url: &str,
    hub_key_file: &str,
    log_key: &str,
    pin: &Path,
    from: i64,
    rejected: i64,
) {
    let dir = tempfile::tempdir().unwrap();
    let range = dir.path().join("range");
    let from_arg = from.to_string();
    let args = ["audit", "export", "--database-url", url, "--hub-key-file", hub_key_file, "--from", &from_arg];
    let out = dcs(&[&args[..], &[range.to_str().unwrap()]].concat());
    assert!(text(&out).contains(&format!("wrote entries {from} to ")), "{}", text(&out));
    let verify =
        || dcs(&["audit", "verify", range.to_str().unwrap(), "--log-key", log_key, "--pin", pin.to_str().unwrap()]);
    let out = verify();
    assert_verified(&out);
    assert!(text(&out).contains("1 pinned checked"), "{}", text(&out));

    let path = range.join("start.json");
    let start: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(start["context"].as_array().unwrap().iter().any(|c| c["position"] == rejected), "{start}");
    let mut cut = start.clone();
    cut["context"].as_array_mut().unwrap().retain(|c| c["position"] != rejected);
    std::fs::write(&path, cut.to_string()).unwrap();
    assert_caught(&verify(), from, &format!("station {STATION}'s sequence jumps from 0 to 3"));

    let mut changed = start.clone();
    let position = changed["context"][0]["position"].as_i64().unwrap();
    let entry = &mut changed["context"][0]["entry"];
    let mut bytes = base64::engine::general_purpose::STANDARD.decode(entry.as_str().unwrap()).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    *entry = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    std::fs::write(&path, changed.to_string()).unwrap();
    assert_caught(&verify(), position, "the bundle's start: a context entry is not proved");

    // A range that ends between checkpoints is tied to the next one by a consistency proof.
    let short = dir.path().join("short");
    let out = dcs(&[&args[..], &["--to", &from_arg, short.to_str().unwrap()]].concat());
    assert!(text(&out).contains(&format!("wrote entries {from} to {from} ")), "{}", text(&out));
    let out = dcs(&["audit", "verify", short.to_str().unwrap(), "--log-key", log_key]);
    assert_verified(&out);
    let path = short.join("end.json");
    let mut end: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    end["proof"] = json!([base64::engine::general_purpose::STANDARD.encode([0u8; 32])]);
    std::fs::write(&path, end.to_string()).unwrap();
    let out = dcs(&["audit", "verify", short.to_str().unwrap(), "--log-key", log_key]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = format!("the bundle's end: the tree of {from} entries is not consistent with the signed checkpoint");
    assert!(text(&out).contains(&said), "{}", text(&out));

    // What cannot be verified is not reported as tampered: exit code 2.
    let out = dcs(&["audit", "verify", dir.path().join("nothing here").to_str().unwrap(), "--log-key", log_key]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("could not verify"), "{}", text(&out));
}
