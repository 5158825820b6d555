//! Crafted requests get a JSON error naming the field at fault, fail alone, and change nothing.

use serde_json::{json, Value};
use testkit::TestDb;

use crate::support::TestHub;

/// `(status, field)` of a refusal; the body must be JSON with an `error`.
fn refusal((status, body): (u16, Value)) -> (u16, String) {
    assert!(body["error"].is_string(), "status {status}: not a JSON error: {body}");
    (status, body["field"].as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn bad_bodies_are_json_errors_naming_the_field_and_change_nothing() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let plan = |body: &'static [u8]| hub.post("/api/v1/stations").header("content-type", "application/json").body(body);
    let good = json!({"station_id": "st-27097-x", "ward_code": "27097", "building": "Tòa A"});
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes().leak();
    let huge = serde_json::to_vec(&json!({"station_id": "st-x", "ward_code": "27097", "building": "x".repeat(70_000)}))
        .unwrap()
        .leak();
    let cases: Vec<(&str, reqwest::RequestBuilder, (u16, &str))> = vec![
        ("malformed JSON", plan(b"{\"station_id\": "), (422, "body")),
        ("not UTF-8", plan(b"{\"station_id\": \"st-\xff\xfe\"}"), (422, "body")),
        ("nested 10,000 deep", plan(nested), (422, "body")),
        ("over the size limit", plan(huge), (413, "body")),
        ("a member missing", plan(br#"{"station_id": "st-27097-x", "ward_code": "27097"}"#), (422, "building")),
        (
            "an unknown member",
            plan(br#"{"station_id": "st-27097-x", "ward_code": "27097", "building": "A", "admin": true}"#),
            (422, "admin"),
        ),
        ("a wrong type", plan(br#"{"station_id": 5, "ward_code": "27097", "building": "A"}"#), (422, "station_id")),
        ("not JSON at all", hub.post("/api/v1/stations").body(good.to_string()), (415, "content-type")),
        ("an unknown query parameter", hub.get("/api/v1/security-reports?status=all&drop=table"), (422, "query")),
        ("a query of the wrong type", hub.get("/api/v1/dead-letters?limit=lots"), (422, "query")),
        (
            "an enrollment with an unknown member",
            hub.post("/api/v1/stations/st-27097-x/enrollment").json(&json!({"ward_code": "27097", "building": "A",
                "public_key": "00".repeat(32), "enrollment_code": "X", "role": "admin"})),
            (422, "role"),
        ),
        (
            "U+0000 in a building's name",
            plan(br#"{"station_id": "st-27097-x", "ward_code": "27097", "building": "T\u0000a"}"#),
            (422, "building"),
        ),
        ("U+0000 in a path", hub.get("/api/v1/cases/feedback/x%00y"), (422, "path")),
        ("U+0000 in a query", hub.get("/api/v1/security-reports?ward=27%0097"), (422, "query")),
        ("U+0000 in a page's path", hub.get("/wards/27%00097"), (422, "path")),
        ("a sign-in that is not a form", hub.post("/login").json(&json!({"name": "x"})), (415, "content-type")),
        (
            "a sign-in form with an unknown member",
            hub.post("/login").form(&[("name", "x"), ("password", "y"), ("csrf", "z"), ("role", "administrator")]),
            (422, "body"),
        ),
        ("a sign-in form with a member missing", hub.post("/login").form(&[("name", "x")]), (422, "body")),
        (
            "a staff command that is not JSON",
            hub.post("/api/v1/cases/feedback/x/commands").header("content-type", "application/json").body("{{{"),
            (422, "body"),
        ),
    ];
    for (what, request, (status, field)) in cases {
        assert_eq!(refusal(hub.send(request).await), (status, field.to_string()), "{what}");
    }
    let (status, stations) = hub.send(hub.get("/api/v1/stations")).await;
    assert_eq!((status, stations), (200, json!([])), "nothing was planned");
    let (_, city) = hub.send(hub.get("/api/v1/city/dashboard")).await;
    assert_eq!(city["position"], 0, "nothing reached the log");
    hub.stop().await;
}

#[tokio::test]
async fn injection_in_paths_and_queries_is_refused_or_finds_nothing() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let paths = [
        ("/api/v1/wards/27097'%20OR%20'1'='1/dashboard", 404),
        ("/api/v1/wards/%FF%FE/dashboard", 422),
        ("/api/v1/cases/security_report/x'%3B%20DROP%20TABLE%20events%3B--", 404),
        ("/api/v1/cases/dossier%3Bselect/1", 404),
        ("/api/v1/dossiers/..%2F..%2Fetc%2Fpasswd", 404),
        ("/api/v1/security-reports?ward=27097'%20OR%201=1--", 404),
        ("/api/v1/security-reports?status=all'--", 422),
        ("/wards/<script>alert(1)</script>", 404),
    ];
    for (path, status) in paths {
        let (got, body) = hub.send(hub.get(path)).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    let (_, city) = hub.send(hub.get("/api/v1/city/dashboard")).await;
    assert_eq!(city["position"], 0);
    hub.stop().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_pages_run_no_inline_script() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    for path in ["/", "/wards/27097", "/api/v1/city/dashboard", "/assets/app.js", "/no-such-page"] {
        let r = hub.get(path).send().await.unwrap();
        let h = r.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{path}");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
    }
    let page = hub.get("/wards/27097").send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<script src="/assets/app.js" defer></script>"#));
    assert!(!page.contains("<script>") && !page.contains("<style>") && !page.contains(" style="), "no inline code");
    let script = hub.get("/assets/app.js").send().await.unwrap();
    assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    hub.stop().await;
}

#[tokio::test]
async fn guessing_a_stations_enrollment_code_is_cut_off_after_five_tries() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let (status, planned) = hub
        .send(hub.post("/api/v1/stations").json(&json!({"station_id": "st-27097-guess", "ward_code": "27097",
            "building": "Tòa E"})))
        .await;
    assert_eq!(status, 201, "{planned}");
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"; // RFC 8032 test 1
    let enroll = |code: &str| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/stations/st-27097-guess/enrollment", hub.url))
            .json(&json!({"ward_code": "27097", "building": "Tòa E", "public_key": key, "enrollment_code": code}))
    };
    for _ in 0..5 {
        assert_eq!(refusal(hub.send(enroll("AAAA-BBBB-CCCC-DDDD")).await).0, 403);
    }
    let right = planned["enrollment_code"].as_str().unwrap();
    assert_eq!(refusal(hub.send(enroll(right)).await).0, 429, "even the right code waits out the window");
    let (_, stations) = hub.send(hub.get("/api/v1/stations")).await;
    assert_eq!(stations[0]["status"], "planned", "nothing enrolled");
    hub.stop().await;
}

#[tokio::test]
async fn an_administrator_issues_a_new_enrollment_code_and_the_old_one_stops_working() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let (status, planned) = hub
        .send(hub.post("/api/v1/stations").json(&json!({"station_id": "st-27097-again", "ward_code": "27097",
            "building": "Tòa F"})))
        .await;
    assert_eq!(status, 201, "{planned}");
    // The installer lost the code (or it expired): an administrator issues a new one.
    let (status, reissued) = hub.send(hub.post("/api/v1/stations/st-27097-again/enrollment-code")).await;
    assert_eq!(status, 201, "{reissued}");
    assert!(reissued["expires_at"].as_str().is_some());
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"; // RFC 8032 test 1
    let enroll = |code: &str| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/stations/st-27097-again/enrollment", hub.url))
            .json(&json!({"ward_code": "27097", "building": "Tòa F", "public_key": key, "enrollment_code": code}))
    };
    let old = planned["enrollment_code"].as_str().unwrap();
    assert_eq!(refusal(hub.send(enroll(old)).await).0, 403, "the earlier code no longer works");
    let (status, body) = hub.send(enroll(reissued["enrollment_code"].as_str().unwrap())).await;
    assert_eq!(status, 200, "{body}");
    // Once enrolled, a station gets no new code: that would be a key rotation.
    let (status, body) = hub.send(hub.post("/api/v1/stations/st-27097-again/enrollment-code")).await;
    assert_eq!((status, body["error"].as_str().unwrap().contains("already enrolled")), (409, true), "{body}");
    let (status, _) = hub.send(hub.post("/api/v1/stations/st-nowhere/enrollment-code")).await;
    assert_eq!(status, 404);
    hub.stop().await;
}
