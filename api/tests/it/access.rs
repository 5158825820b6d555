//! The role × route matrix: every route of the router's table, under no credentials, an expired
//! token, a forged token, a forged session cookie, each role, and a ward officer of another ward. A route added without a
//! rule cannot exist (the router is built from the table), and every cell's outcome is asserted.

use api::auth::{new_token, token_hash, Access, Role};
use axum::http::Method;
use serde_json::json;
use testkit::TestDb;

use crate::support::{anonymous, person, signed_in, with_cookie, TestHub};

/// A concrete path for a route's pattern.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("{code}", "27097")
        .replace("{aggregate_type}", "data_correction")
        .replace("{id}", "hotline-0001")
        .replace("{*path}", "000.p/1")
        .replace("{position}", "1")
}

#[tokio::test]
async fn every_route_answers_each_caller_exactly_as_its_rule_says() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let store = &hub.store;
    // A case of ward 27097, opened by PC06 staff.
    let (status, body) = hub
        .send(hub.post("/api/v1/cases/data_correction/hotline-0001/commands").json(&json!({
            "command": "RequestDataCorrection", "fields": ["date_of_birth"], "channel": "police_hotline",
            "ward_code": "27097", "citizen_id": "079095012345"})))
        .await;
    assert_eq!(status, 200, "{body}");

    let expired = new_token();
    person(store, "Hết hạn", &[Role::Administrator], &[]).await;
    store.add_token(&token_hash(&expired), "Hết hạn", chrono::Utc::now() - chrono::Duration::hours(1)).await.unwrap();
    let mut callers: Vec<(String, Option<reqwest::Client>, Option<Role>)> = vec![
        ("no credentials".into(), Some(anonymous()), None),
        ("an expired token".into(), Some(signed_in(&expired)), None),
        ("a forged token".into(), Some(signed_in(&new_token())), None),
        ("a forged session cookie".into(), Some(with_cookie("dcs_session=AAAAAAAAAAAAAAAAAAAAAA")), None),
    ];
    for role in Role::ALL {
        let wards: &[&str] = if role == Role::WardOfficer { &["27097"] } else { &[] };
        let token = person(store, role.name(), &[role], wards).await;
        callers.push((role.name().into(), Some(signed_in(&token)), Some(role)));
    }
    let elsewhere = person(store, "Cán bộ phường khác", &[Role::WardOfficer], &["26740"]).await;
    let elsewhere = signed_in(&elsewhere);

    let mut cells = 0;
    for api::routes::Route { method, path: pattern, access, .. } in api::routes::table() {
        let path = concrete(pattern);
        for (who, client, role) in &callers {
            let client = client.as_ref().unwrap();
            let request = client.request(method.clone(), format!("{}{path}", hub.url));
            let request = if method == Method::POST { request.json(&json!({})) } else { request };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let expected = match (access, role) {
                (Access::Public, _) => None,
                // A page leads to the sign-in page, and back here after it.
                (Access::Roles(_), None) if api::auth::is_page(pattern) => {
                    let to = response.headers()["location"].to_str().unwrap().to_string();
                    assert!(to.starts_with("/login?next=%2F"), "{method} {pattern} by {who}: {to}");
                    Some(303)
                }
                (Access::Roles(_), None) => Some(401),
                (Access::Roles(roles), Some(r)) if !roles.contains(r) => Some(403),
                // The sample case is a data correction: an administrator's commands are a station's.
                (Access::Roles(_), Some(Role::Administrator)) if pattern.ends_with("/commands") => Some(403),
                // A ward officer opening the city page is taken to their ward.
                (Access::Roles(_), Some(Role::WardOfficer)) if pattern == "/" => Some(303),
                (Access::Roles(_), Some(_)) => None,
            };
            match expected {
                Some(code) => assert_eq!(status, code, "{method} {pattern} by {who}"),
                None => assert!(status != 401 && status != 403, "{method} {pattern} by {who}: {status}"),
            }
            cells += 1;
        }
        // A ward officer of another ward: the ward's pages and queues are not theirs.
        if pattern.contains("{code}") && access != Access::Public && !pattern.starts_with("/api/v1/dossiers/") {
            let status = elsewhere.get(format!("{}{path}", hub.url)).send().await.unwrap().status();
            assert_eq!(status, 403, "{method} {pattern} by an officer of 26740");
            cells += 1;
        }
        // A ward officer of another ward: a case of 27097 does not exist for them.
        if pattern.starts_with("/api/v1/cases/") {
            let request = elsewhere.request(method.clone(), format!("{}{path}", hub.url));
            let request = if method == Method::POST {
                request.json(&json!({"command": "VerifyDataCorrection"}))
            } else {
                request
            };
            assert_eq!(request.send().await.unwrap().status(), 404, "{method} {pattern} by an officer of 26740");
            cells += 1;
        }
    }
    assert!(cells >= 8 * api::routes::table().len(), "{cells} cells");
    println!("{cells} cells of the role × route matrix asserted");

    // The officer of the case's own ward sees it and works it.
    let officer = person(store, "Cán bộ phường Bình Trưng", &[Role::WardOfficer], &["27097"]).await;
    let officer = signed_in(&officer);
    let r = officer.get(format!("{}/api/v1/cases/data_correction/hotline-0001", hub.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = officer
        .post(format!("{}/api/v1/cases/data_correction/hotline-0001/commands", hub.url))
        .json(&json!({"command": "VerifyDataCorrection"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let history: serde_json::Value = hub
        .client
        .get(format!("{}/api/v1/cases/data_correction/hotline-0001", hub.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["events"][1]["by"], "Cán bộ phường Bình Trưng", "the signed-in caller is the actor");
    // Station keys are the administrators': PC06 staff may not rotate one.
    let staff = person(store, "Cán bộ PC06", &[Role::Pc06Staff], &[]).await;
    let r = signed_in(&staff)
        .post(format!("{}/api/v1/cases/station/st-27097-x/commands", hub.url))
        .json(&json!({"command": "RotateStationKey", "public_key": "00".repeat(32)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    hub.stop().await;
}

#[test]
fn the_matrix_in_the_security_document_is_the_one_the_code_uses() {
    let doc = include_str!("../../../docs/SECURITY.md");
    let matrix = api::routes::access_matrix();
    assert!(doc.contains(&matrix), "docs/SECURITY.md must hold this matrix:\n{matrix}");
}

#[tokio::test]
async fn reads_of_cases_and_raw_bytes_and_every_command_are_in_an_append_only_access_log_for_auditors() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let store = &hub.store;
    let (status, _) = hub
        .send(hub.post("/api/v1/cases/data_correction/hotline-0002/commands").json(&json!({
            "command": "RequestDataCorrection", "fields": ["full_name"], "channel": "police_hotline",
            "ward_code": "27097", "citizen_id": "079095012345"})))
        .await;
    assert_eq!(status, 200);
    let officer = signed_in(&person(store, "Cán bộ phường Bình Trưng", &[Role::WardOfficer], &["27097"]).await);
    officer.get(format!("{}/api/v1/cases/data_correction/hotline-0002", hub.url)).send().await.unwrap();
    reqwest::get(format!("{}/api/v1/dead-letters", hub.url)).await.unwrap(); // refused, and logged
    reqwest::get(format!("{}/api/v1/city/dashboard", hub.url)).await.unwrap(); // not a record: not logged

    let auditor = signed_in(&person(store, "Kiểm toán viên", &[Role::Auditor], &[]).await);
    let log: Vec<serde_json::Value> =
        auditor.get(format!("{}/api/v1/access-log", hub.url)).send().await.unwrap().json().await.unwrap();
    let seen: Vec<(String, String, String, i64)> = log
        .iter()
        .rev()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap().to_string();
            (s("actor"), s("action"), s("target"), a["status"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "Quản trị viên".into(),
                "POST /api/v1/cases/{aggregate_type}/{id}/commands".into(),
                "/api/v1/cases/data_correction/hotline-0002/commands".into(),
                200
            ),
            (
                "Cán bộ phường Bình Trưng".into(),
                "GET /api/v1/cases/{aggregate_type}/{id}".into(),
                "/api/v1/cases/data_correction/hotline-0002".into(),
                200
            ),
            ("anonymous".into(), "GET /api/v1/dead-letters".into(), "/api/v1/dead-letters".into(), 401),
        ]
    );
    assert!(log.iter().all(|a| a["remote"] == "127.0.0.1"), "{log:?}");
    let r = officer.get(format!("{}/api/v1/access-log", hub.url)).send().await.unwrap();
    assert_eq!(r.status(), 403, "only auditors read the access log");
    hub.stop().await;
}

#[tokio::test]
async fn an_administrator_adds_people_issues_their_tokens_and_disables_them() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let (status, added) = hub
        .send(hub.post("/api/v1/users").json(&json!({"name": "Cán bộ phường Thủ Đức", "roles": ["ward_officer"],
            "wards": ["26824"]})))
        .await;
    assert_eq!(status, 201, "{added}");
    let (status, body) =
        hub.send(hub.post("/api/v1/users").json(&json!({"name": "X", "roles": ["ward_officer"]}))).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("wards")), "a ward officer needs a ward");
    let (status, body) = hub.send(hub.post("/api/v1/users").json(&json!({"name": "Y", "roles": ["superuser"]}))).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("roles")));
    let path = "/api/v1/users/C%C3%A1n%20b%E1%BB%99%20ph%C6%B0%E1%BB%9Dng%20Th%E1%BB%A7%20%C4%90%E1%BB%A9c";
    let (status, issued) = hub.send(hub.post(&format!("{path}/tokens")).json(&json!({"days": 7}))).await;
    assert_eq!(status, 201, "{issued}");
    let officer = signed_in(issued["token"].as_str().unwrap());
    let case = format!("{}/api/v1/cases/data_correction/x", hub.url);
    assert_eq!(officer.get(&case).send().await.unwrap().status(), 404, "signed in: no such case");
    assert_eq!(hub.send(hub.post(&format!("{path}/disable")).json(&json!({}))).await.0, 204);
    assert_eq!(officer.get(&case).send().await.unwrap().status(), 401, "a disabled person's token stops working");
    let (status, _) = hub.send(hub.post("/api/v1/users/nobody/tokens").json(&json!({}))).await;
    assert_eq!(status, 404);
    hub.stop().await;
}
