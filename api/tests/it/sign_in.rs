//! Signing in on the pages: Argon2id passwords, a session cookie that is HttpOnly and
//! SameSite=Strict, CSRF tokens on every form and on changes a session makes, sign-out, the
//! lockout after repeated failures and the rate limit per address.

use api::auth::Role;
use serde_json::json;
use testkit::TestDb;

use crate::support::{anonymous, person, with_cookie, TestHub};

const PASSWORD: &str = "mật khẩu của Khang 2026";

/// The session cookie a response sets (`name=value`), and the whole header.
fn session_cookie(r: &reqwest::Response) -> Option<(String, String)> {
    let header = r.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.starts_with("dcs_session=").then(|| v.to_string())
    })?;
    Some((header.split(';').next().unwrap().to_string(), header))
}

/// The value of the hidden field `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page.find(&format!("name={name} value=\"")).unwrap_or_else(|| panic!("no {name} in {page}"));
    let rest = &page[at + name.len() + 13..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Opens the sign-in page: the session cookie and the form's CSRF token.
async fn open_form(hub: &TestHub) -> (String, String) {
    let r = anonymous().get(format!("{}/login?next=/wards/27097", hub.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (cookie, header) = session_cookie(&r).expect("the sign-in page starts a session");
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    assert!(!header.contains("Secure"), "not over plain HTTP on loopback: {header}");
    let page = r.text().await.unwrap();
    (cookie, hidden(&page, "csrf"))
}

async fn post_login(hub: &TestHub, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    with_cookie(cookie).post(format!("{}/login", hub.url)).form(form).send().await.unwrap()
}

async fn officer(hub: &TestHub) {
    person(&hub.store, "Trung úy Nguyễn Minh Khang", &[Role::WardOfficer], &["27097"]).await;
    let (status, body) = hub
        .send(hub.post("/api/v1/users/Trung úy Nguyễn Minh Khang/password").json(&json!({
            "login": "khang", "password": PASSWORD})))
        .await;
    assert_eq!(status, 204, "{body}");
}

#[tokio::test]
async fn an_officer_signs_in_sees_their_name_works_with_the_csrf_token_and_signs_out() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    officer(&hub).await;
    let page = anonymous().get(format!("{}/wards/27097", hub.url)).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/login?next=%2Fwards%2F27097");

    let (cookie, csrf) = open_form(&hub).await;
    let fields = |csrf: &'static str, password: &'static str| {
        vec![("name", "khang"), ("password", password), ("csrf", csrf), ("next", "/wards/27097")]
    };
    let csrf: &'static str = Box::leak(csrf.into_boxed_str());
    // A form without this session's token (a cross-site post) is refused.
    assert_eq!(post_login(&hub, &cookie, &fields("forged", PASSWORD)).await.status(), 403);
    assert_eq!(post_login(&hub, &cookie, &fields(csrf, "not the password")).await.status(), 401);
    let r = post_login(&hub, &cookie, &fields(csrf, PASSWORD)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/wards/27097");
    let (signed, _) = session_cookie(&r).expect("a fresh session on sign-in");
    assert_ne!(signed, cookie, "the session id changes when someone signs in");
    assert_eq!(with_cookie(&cookie).get(format!("{}/wards/27097", hub.url)).send().await.unwrap().status(), 303);

    let page = with_cookie(&signed).get(format!("{}/wards/27097", hub.url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Trung úy Nguyễn Minh Khang") && page.contains("Cán bộ phường"), "who is signed in");
    assert!(page.contains("Đăng xuất"));
    let token = hidden(&page, "csrf");
    // Another ward is not theirs.
    assert_eq!(with_cookie(&signed).get(format!("{}/wards/26740", hub.url)).send().await.unwrap().status(), 403);

    // A change made with the session needs its CSRF token.
    let command = json!({"command": "RequestDataCorrection", "fields": ["date_of_birth"],
        "channel": "police_hotline", "ward_code": "27097", "citizen_id": "079095012345"});
    let url = format!("{}/api/v1/cases/data_correction/hotline-0007/commands", hub.url);
    let r = with_cookie(&signed).post(&url).json(&command).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = with_cookie(&signed).post(&url).header("x-csrf-token", "00").json(&command).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = with_cookie(&signed).post(&url).header("x-csrf-token", &token).json(&command).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, history) = hub.send(hub.get("/api/v1/cases/data_correction/hotline-0007")).await;
    assert_eq!(history["events"][0]["by"], "Trung úy Nguyễn Minh Khang");

    // Signing out needs the token too, and ends the session.
    let out = |csrf: String| with_cookie(&signed).post(format!("{}/logout", hub.url)).form(&[("csrf", csrf)]);
    assert_eq!(out("forged".into()).send().await.unwrap().status(), 403);
    assert_eq!(out(token).send().await.unwrap().status(), 303);
    assert_eq!(with_cookie(&signed).get(format!("{}/wards/27097", hub.url)).send().await.unwrap().status(), 303);
    hub.stop().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    officer(&hub).await;
    let (cookie, csrf) = open_form(&hub).await;
    for _ in 0..api::password::FREE_FAILURES {
        let r = post_login(&hub, &cookie, &[("name", "khang"), ("password", "wrong password"), ("csrf", &csrf)]).await;
        assert_eq!(r.status(), 401);
    }
    let r = post_login(&hub, &cookie, &[("name", "khang"), ("password", PASSWORD), ("csrf", &csrf)]).await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("tạm khóa"));
    let login = hub.store.login("khang").await.unwrap().unwrap();
    assert_eq!(login.failed_logins, 5);
    assert!(login.locked_until.unwrap() > chrono::Utc::now() + chrono::Duration::seconds(20));
    // An administrator setting a new password lifts the lockout.
    let (status, _) = hub
        .send(hub.post("/api/v1/users/Trung úy Nguyễn Minh Khang/password").json(&json!({
            "login": "khang", "password": "một mật khẩu mới hẳn"})))
        .await;
    assert_eq!(status, 204);
    let r =
        post_login(&hub, &cookie, &[("name", "khang"), ("password", "một mật khẩu mới hẳn"), ("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    hub.stop().await;
}

#[tokio::test]
async fn a_disabled_person_s_session_stops_working() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    officer(&hub).await;
    let (cookie, csrf) = open_form(&hub).await;
    let r = post_login(&hub, &cookie, &[("name", "khang"), ("password", PASSWORD), ("csrf", &csrf)]).await;
    let (signed, _) = session_cookie(&r).unwrap();
    assert_eq!(with_cookie(&signed).get(format!("{}/wards/27097", hub.url)).send().await.unwrap().status(), 200);
    let (status, _) = hub.send(hub.post("/api/v1/users/Trung úy Nguyễn Minh Khang/disable")).await;
    assert_eq!(status, 204);
    assert_eq!(with_cookie(&signed).get(format!("{}/wards/27097", hub.url)).send().await.unwrap().status(), 303);
    hub.stop().await;
}

#[tokio::test]
async fn sign_in_attempts_from_one_address_are_rate_limited_with_a_json_answer() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    let (cookie, csrf) = open_form(&hub).await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let name = format!("nobody-{i}");
        let r = post_login(&hub, &cookie, &[("name", &name), ("password", "whatever it is"), ("csrf", &csrf)]).await;
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            assert!(r.headers().contains_key("retry-after"));
            let body: serde_json::Value = r.json().await.unwrap();
            assert!(body["error"].as_str().unwrap().contains("too many requests"), "{body}");
        }
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(statuses[11], 429, "{statuses:?}");
    hub.stop().await;
}

#[tokio::test]
async fn an_unknown_name_and_a_wrong_password_get_the_same_answer() {
    let hub = TestHub::start(TestDb::sqlite().await).await;
    officer(&hub).await;
    let (cookie, csrf) = open_form(&hub).await;
    let a = post_login(&hub, &cookie, &[("name", "khang"), ("password", "wrong password"), ("csrf", &csrf)]).await;
    let b = post_login(&hub, &cookie, &[("name", "no-such-person"), ("password", "wrong"), ("csrf", &csrf)]).await;
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::UNAUTHORIZED, reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    hub.stop().await;
}
