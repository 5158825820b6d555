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
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let total = |v: &serde_json::Value| v["total"].as_i64().unwrap();
    let first = eventually("the demo's first events", Duration::from_secs(60), || async {
        let v: serde_json::Value =
            reqwest::get(format!("{base}/api/v1/city/dashboard")).await.ok()?.json().await.ok()?;
        (total(&v) > 0).then_some(v)
    })
    .await;
    assert_eq!(first["wards"].as_array().unwrap().len(), 168);
    eventually("every kind of figure to move", Duration::from_secs(60), || async {
        let v: serde_json::Value =
            reqwest::get(format!("{base}/api/v1/city/dashboard")).await.ok()?.json().await.ok()?;
        let moved =
            total(&v) > total(&first) && v["staff_actions_today"].as_i64()? > 0 && v["residents_total"].as_i64()? > 0;
        moved.then_some(())
    })
    .await;
    let queue = reqwest::get(format!("{base}/security-reports")).await.unwrap();
    assert_eq!(queue.status(), 200);
    assert!(queue.text().await.unwrap().contains("Phản ánh an ninh, trật tự"));

    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Phường Bình Trưng") && html.contains("href=\"/wards/27097\""));
    let ward = reqwest::get(format!("{base}/wards/27097")).await.unwrap().text().await.unwrap();
    assert!(ward.contains("st-27097-diamond-island") && ward.contains("Diamond Island"));
    assert!(ward.contains("Người dân được phục vụ") && ward.contains("Cán bộ xử lý"));
    let missing = reqwest::get(format!("{base}/api/v1/wards/12345/dashboard")).await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("not one of the 168 wards"));
    let health: serde_json::Value = reqwest::get(format!("{base}/healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");

    let status = terminate(&mut child, Duration::from_secs(30));
    assert!(status.success(), "dcs demo exits cleanly on SIGTERM: {status}");
}
