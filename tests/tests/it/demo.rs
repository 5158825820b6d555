//! `dcs demo` on a fresh machine: one command, the whole product, pages that answer, figures that move.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{binary, eventually, terminate};

#[tokio::test(flavor = "multi_thread")]
async fn dcs_demo_serves_the_city_and_ward_pages_with_moving_figures_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = testkit::free_port();
    let mut child = Command::new(binary("dcs"))
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--stations", "6", "--peak-per-minute", "600"])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let logins = demo_logins(child.stdout.take().unwrap());
    // PC06 staff, signed in on the pages; their API token for the JSON.
    let (_, pc06_login, pc06_password, pc06_token) =
        logins.iter().find(|p| p.0 == "pc06_staff").cloned().expect("the demo prints a PC06 login");
    assert_eq!(logins.len(), 4, "one demo person per role: {logins:?}");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {pc06_token}").parse().unwrap());
    let api = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let total = |v: &serde_json::Value| v["total"].as_i64().unwrap();
    let first = eventually("the demo's first events", Duration::from_secs(60), || async {
        let v: serde_json::Value =
            api.get(format!("{base}/api/v1/city/dashboard")).send().await.ok()?.json().await.ok()?;
        (total(&v) > 0).then_some(v)
    })
    .await;
    assert_eq!(first["wards"].as_array().unwrap().len(), 168);
    eventually("every kind of figure to move", Duration::from_secs(60), || async {
        let v: serde_json::Value =
            api.get(format!("{base}/api/v1/city/dashboard")).send().await.ok()?.json().await.ok()?;
        let moved =
            total(&v) > total(&first) && v["staff_actions_today"].as_i64()? > 0 && v["residents_total"].as_i64()? > 0;
        moved.then_some(())
    })
    .await;
    // Pages need a sign-in: the browser is sent to the sign-in page, signs in, and comes back.
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let form = browser.get(format!("{base}/security-reports")).send().await.unwrap();
    assert_eq!(form.url().path(), "/login");
    let form = form.text().await.unwrap();
    let csrf = form.split("name=csrf value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let signed = browser
        .post(format!("{base}/login"))
        .form(&[
            ("name", pc06_login.as_str()),
            ("password", &pc06_password),
            ("csrf", &csrf),
            ("next", "/security-reports"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.url().path(), "/security-reports");
    let queue = browser.get(format!("{base}/security-reports")).send().await.unwrap();
    assert_eq!(queue.status(), 200);
    assert!(queue.text().await.unwrap().contains("Phản ánh an ninh, trật tự"));

    let page = browser.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Phường Bình Trưng") && html.contains("href=\"/wards/27097\""));
    assert!(html.contains("Đại úy Trần Văn Bình (PC06)"), "the page names who is signed in");
    let ward = browser.get(format!("{base}/wards/27097")).send().await.unwrap().text().await.unwrap();
    assert!(ward.contains("st-27097-diamond-island") && ward.contains("Diamond Island"));
    assert!(ward.contains("Người dân được phục vụ") && ward.contains("Cán bộ xử lý"));
    let missing = api.get(format!("{base}/api/v1/wards/12345/dashboard")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("not one of the 168 wards"));
    let health: serde_json::Value = reqwest::get(format!("{base}/healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");

    let status = terminate(&mut child, Duration::from_secs(30));
    assert!(status.success(), "dcs demo exits cleanly on SIGTERM: {status}");
}

/// The demo's people as it prints them: (role, login, password, API token).
fn demo_logins(stdout: std::process::ChildStdout) -> Vec<(String, String, String, String)> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(stdout).lines().map_while(Result::ok);
    let mut people: Vec<(String, String, String, String)> = Vec::new();
    for line in lines.by_ref() {
        if line.contains("Sign in at") {
            break;
        }
    }
    for line in lines.by_ref().take(4) {
        let f: Vec<&str> = line.split_whitespace().collect();
        people.push((f[0].into(), f[1].into(), f[2].into(), String::new()));
    }
    lines.next();
    for (person, line) in people.iter_mut().zip(lines.by_ref().take(4)) {
        person.3 = line.split_whitespace().nth(1).unwrap_or_default().into();
    }
    // Keep reading so that the demo never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    people
}
