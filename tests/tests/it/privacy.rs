//! Residents' personal data end to end: a station seals a report's location and description to
//! the hub's epoch key inside the signed bytes, so neither the station's outbox, the NATS stream
//! nor the log holds them in clear; the hub files the event's data key in its key table (sealed
//! under its KEK) and the ward's officers read the report in clear; no log line holds the text.
//! Forgotten, the report reads as erased everywhere, its key is gone, the counts stay and the
//! audit log still verifies. A resident's ID is sealed at the station and named by the hub with a
//! key no station holds. A resident's export holds their feedback until they are forgotten;
//! answered feedback loses its text when its keeping time ends.

use std::time::Duration;

use serde_json::json;
use testkit::{NatsServer, TestDb};

use crate::support::{AgentProcess, HubProcess};

const STATION: &str = "st-27097-privacy";
const LOCATION: &str = "Tháp C, căn hộ 18.07";
const DESCRIPTION: &str = "Hàng xóm đánh vợ con lúc nửa đêm, nghe tiếng kêu cứu";
const FEEDBACK: &str = "Tôi ở căn 18.07, xin gọi lại số 0903 123 456";
const CITIZEN_ID: &str = "079185001234";

#[tokio::test(flavor = "multi_thread")]
async fn a_report_is_sealed_from_the_kiosk_to_the_log_and_read_in_clear_only_by_its_wards_officers() {
    let db = TestDb::postgres().await;
    let nats = NatsServer::start();
    // Answered feedback keeps its text for 0 days here (180 by default), checked every second.
    let retention = [("DCS_RETENTION_DAYS", "feedback=0"), ("DCS_RETENTION_CHECK_SECS", "1")];
    let hub = HubProcess::start_with_env(&db.url, &nats.url(), &retention);
    let mut agent = AgentProcess::enroll_and_start(&hub, &nats.url(), STATION, "27097").await;

    // The station holds an old epoch's key (the hub rotated while it was off): the hub's signed
    // answers name the current one, and the station takes it up before it records.
    let config_path = agent.dir().join("station.json");
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    let current = config["epoch_key"].clone();
    assert!(current["epoch"].is_string(), "the epoch key comes with enrollment: {config}");
    agent.terminate(Duration::from_secs(30));
    let mut stale = config.clone();
    stale["epoch_key"] = json!({"epoch": "2025-01", "public": "11".repeat(32)});
    std::fs::write(&config_path, stale.to_string()).unwrap();
    // No station is given a pseudonym key; one an earlier version kept is destroyed at start.
    let old_key = agent.dir().join("pseudonym.key");
    assert!(!old_key.exists(), "enrollment gave the station a pseudonym key");
    std::fs::write(&old_key, r#"{"key_id":"k2025-10","key":"0909"}"#).unwrap();
    agent.start().await;
    assert!(!old_key.exists(), "the agent destroys a pseudonym key left by an earlier version");
    crate::support::eventually("the station to take up the current epoch key", Duration::from_secs(30), || async {
        let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config_path).ok()?).ok()?;
        (config["epoch_key"] == current).then_some(())
    })
    .await;
    let report =
        json!({"category": "domestic_violence", "severity": "high", "location": LOCATION, "description": DESCRIPTION});
    let (status, body) = agent.post("/api/v1/security-reports", &report).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(30)).await, 1, "{}", agent.log_tail());

    // The officers of the ward read it in clear.
    let reports = hub.json("/api/v1/wards/27097/security-reports?status=all").await;
    let report = &reports.as_array().unwrap()[0];
    assert_eq!(report["description"], DESCRIPTION, "{report}");
    assert_eq!(report["location"], LOCATION);

    // Nowhere else is it in clear: not on the station's disk, the stream, or the log.
    let outbox = std::fs::read(agent.dir().join("outbox.sqlite")).unwrap();
    for text in [DESCRIPTION, LOCATION] {
        assert!(!contains(&outbox, text), "the station's outbox holds {text:?}");
    }
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await.unwrap());
    let stream = js.get_stream(protocol::subjects::STREAM).await.unwrap();
    let message = stream.get_last_raw_message_by_subject(&protocol::subjects::events("27097", STATION)).await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
    assert!(sent["payload"]["description"]["sealed"].is_string(), "{sent}");
    assert!(sent["payload"]["sealed_key"]["wrapped"].is_string(), "{sent}");
    assert!(!contains(&message.payload, DESCRIPTION) && !contains(&message.payload, LOCATION));
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let (in_clear,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%' \
         OR position($2 in coalesce(raw, ''::bytea)) > 0",
    )
    .bind(DESCRIPTION)
    .bind(DESCRIPTION.as_bytes())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_clear, 0, "the log holds the description in clear");
    let (keys, epochs): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM data_keys WHERE aggregate_type = 'security_report'), \
         (SELECT count(*) FROM epoch_keys WHERE secret IS NOT NULL)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((keys, epochs), (1, 1), "the event's data key and the epoch's secret are in the key table");
    let (stored_key,): (Vec<u8>,) = sqlx::query_as("SELECT sealed_key FROM data_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(stored_key.len(), 24 + 32 + 16, "the data key is kept sealed under the KEK");

    // Forget the case: its key goes, the log says an erasure happened.
    let reports_before = hub.json("/api/v1/wards/27097/dashboard").await;
    let case = json!({"case": {"aggregate_type": "security_report", "aggregate_id": report["report_id"]}});
    let r = hub.client().post(format!("{}/api/v1/privacy/erasures", hub.url)).json(&case).send().await.unwrap();
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    let bad = json!({"pseudonym": "not hex"});
    let r = hub.client().post(format!("{}/api/v1/privacy/erasures", hub.url)).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["field"], "pseudonym");

    let reports = hub.json("/api/v1/wards/27097/security-reports?status=all").await;
    let erased = &reports.as_array().unwrap()[0];
    assert!(erased["description"].is_null() && erased["location"].is_null(), "erased: {erased}");
    let page = hub.get("/wards/27097").await.text().await.unwrap();
    assert!(page.contains("đã xoá theo yêu cầu") && !page.contains(LOCATION), "the ward's page shows it erased");
    let (keys,): (i64,) = sqlx::query_as("SELECT count(*) FROM data_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(keys, 0, "the database holds no way to open it");
    let (erasures, payload): (i64, String) = sqlx::query_as(
        "SELECT count(*), max(payload::text) FROM events WHERE aggregate_type = 'erasure' AND event_type = 'PersonalDataErased'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(erasures, 1, "the log records that an erasure happened");
    assert!(!payload.contains(DESCRIPTION) && payload.contains("security_report"), "{payload}");
    let reports_after = hub.json("/api/v1/wards/27097/dashboard").await;
    assert!(reports_before["ward"].is_object(), "{reports_before}");
    assert_eq!(reports_before["ward"], reports_after["ward"], "the counts do not change");

    // A resident's own feedback: their export holds it in clear until they are forgotten.
    let feedback = json!({"topic": "station", "text": FEEDBACK, "citizen_id": CITIZEN_ID});
    let (status, body) = agent.post("/api/v1/events/feedback.submitted", &feedback).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(agent.wait_all_confirmed(Duration::from_secs(30)).await, 2);
    let export = || async {
        let r =
            hub.client().post(format!("{}/api/v1/privacy/exports", hub.url)).json(&json!({"citizen_id": CITIZEN_ID}));
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.json::<serde_json::Value>().await.unwrap()
    };
    // The station sealed the ID: the stream holds neither it nor a pseudonym, only what the
    // statistics need; the hub named the resident.
    let message = stream.get_last_raw_message_by_subject(&protocol::subjects::events("27097", STATION)).await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&message.payload).unwrap();
    let citizen = &sent["payload"]["citizen"];
    assert!(citizen["sealed_id"].is_string() && citizen.get("pseudonym").is_none(), "{sent}");
    assert_eq!((citizen["age_band"].as_str(), citizen["sex"].as_str()), (Some("40-59"), Some("female")), "{sent}");
    assert!(!contains(&message.payload, CITIZEN_ID));
    let held = export().await;
    let cases = held["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1, "{held}");
    assert_eq!(cases[0]["aggregate_type"], "feedback");
    assert_eq!(cases[0]["events"][0]["payload"]["FeedbackSubmitted"]["text"], FEEDBACK, "{held}");
    let pseudonym =
        cases[0]["events"][0]["payload"]["FeedbackSubmitted"]["citizen"]["pseudonym"].as_str().unwrap().to_string();
    assert!(!contains(&message.payload, &pseudonym), "the pseudonym is the hub's, not in the signed bytes");
    // An officer answers them; forgetting the resident forgets the answer with their case.
    let their_case = format!("/api/v1/cases/feedback/{}", cases[0]["aggregate_id"].as_str().unwrap());
    let answer = json!({"command": "AnswerFeedback", "answer": "Đã gọi lại cho bà lúc 9 giờ"});
    let r = hub.client().post(format!("{}{their_case}/commands", hub.url)).json(&answer).send().await.unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // (Not read back here: answered feedback expires within a second in this test.)
    let forget = json!({"citizen_id": CITIZEN_ID});
    let r = hub.client().post(format!("{}/api/v1/privacy/erasures", hub.url)).json(&forget).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let held = export().await;
    assert!(held["cases"][0]["events"][0]["payload"]["FeedbackSubmitted"]["text"].is_null(), "{held}");
    assert!(held["cases"][0]["events"][1]["payload"]["FeedbackAnswered"]["answer"].is_null(), "{held}");
    assert!(!held.to_string().contains(CITIZEN_ID), "the ID is never kept");

    // Anonymous feedback, answered: past its keeping time its text goes, and the log says so.
    let feedback = json!({"topic": "station", "text": "Đèn sảnh tầng 3 hỏng"});
    let (status, recorded) = agent.post("/api/v1/events/feedback.submitted", &feedback).await;
    assert_eq!(status, 201, "{recorded}");
    agent.wait_all_confirmed(Duration::from_secs(30)).await;
    let case = format!("/api/v1/cases/feedback/{}", recorded["event_id"].as_str().unwrap());
    assert_eq!(hub.json(&case).await["events"][0]["payload"]["FeedbackSubmitted"]["text"], "Đèn sảnh tầng 3 hỏng");
    let answer = json!({"command": "AnswerFeedback", "answer": "Đã thay bóng đèn"});
    let r = hub.client().post(format!("{}{case}/commands", hub.url)).json(&answer).send().await.unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    // What the officer wrote is personal data too: the log holds it sealed, filed with the case.
    // (The case opens it only until it expires, within a second here: not raced for.)
    let (in_clear, sealed): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE payload::text LIKE '%bóng đèn%'), \
         count(*) FILTER (WHERE payload->'FeedbackAnswered'->'answer' ? 'sealed') FROM events",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((in_clear, sealed), (0, 2), "the log holds both officers' answers sealed, neither in clear");
    crate::support::eventually("the answered feedback's text to expire", Duration::from_secs(30), || async {
        let history = hub.json(&case).await;
        let text = &history["events"][0]["payload"]["FeedbackSubmitted"]["text"];
        let answer = &history["events"][1]["payload"]["FeedbackAnswered"]["answer"];
        (text.is_null() && answer.is_null()).then_some(())
    })
    .await;
    // Each answered case expires once: the anonymous one, and the resident's if the sweep reached
    // it before their erasure did (after it, nothing of theirs is left to expire).
    let (expired,): (i64,) = sqlx::query_as(
        "SELECT coalesce(sum((payload->'PersonalDataExpired'->>'cases')::bigint), 0)::bigint FROM events \
         WHERE event_type = 'PersonalDataExpired' AND payload::text LIKE '%feedback%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((1..=2).contains(&expired), "the log records each case's expiry once: {expired} cases");

    let log_key = crate::support::dcs_output(&["audit", "key", "--hub-key-file", &hub.key_file()]);
    let verified =
        crate::support::dcs_output(&["audit", "verify", "--database-url", &db.url, "--log-key", log_key.trim()]);
    assert!(verified.contains("verified: nothing altered, dropped or reordered"), "{verified}");

    for (who, log) in [("hub", hub.log_text()), ("agent", agent.log_text())] {
        for text in [DESCRIPTION, LOCATION, FEEDBACK, CITIZEN_ID, &pseudonym] {
            assert!(!log.contains(text), "the {who}'s log holds {text:?}");
        }
    }
}

fn contains(haystack: &[u8], text: &str) -> bool {
    haystack.windows(text.len()).any(|w| w == text.as_bytes())
}
