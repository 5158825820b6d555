//! Server-rendered pages. Each page refreshes itself by fetching its own URL and swapping `<main>`,
//! so there is one rendering path and the page works without JavaScript too.

pub mod audit;
pub mod city;
pub mod login;
pub mod reports;
pub mod ward;

use chrono::{DateTime, Utc};
pub use domain::aggregates::services;
use domain::aggregates::AnyEventType;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A forgettable text on a page: as it reads; erased or still sealed, a mark saying so.
pub fn forgettable(text: &projections::ShownText) -> String {
    match (text.readable(), text) {
        (Some(t), _) => esc(t),
        (None, projections::ShownText::Erased) => "<i>(đã xoá theo yêu cầu)</i>".into(),
        (None, _) => "<i>(niêm phong)</i>".into(),
    }
}

/// Numbers the Vietnamese way: 1.234.567.
pub fn num(n: i64) -> String {
    let s = protocol::Vnd(n).to_string();
    s.trim_end_matches(" ₫").to_string()
}

pub fn when(at: Option<DateTime<Utc>>) -> String {
    at.map(protocol::time::local_display).unwrap_or_else(|| "—".into())
}

/// Today's and the total count of a service (an aggregate type of [`services`]): the residents'
/// visits to a station that its events record (a payment's later success is not counted again).
pub fn service_count(by_kind: &[projections::KindCount], aggregate_type: &str) -> (i64, i64) {
    let visit =
        |kind: &str| AnyEventType::parse(kind).is_some_and(|t| t.aggregate_type() == aggregate_type && t.info().visit);
    by_kind.iter().filter(|c| visit(&c.kind)).fold((0, 0), |(t, n), c| (t + c.today, n + c.total))
}

/// The Vietnamese label of an event type as the log stores it (an unknown one shows its name).
pub fn event_label(event_type: &str) -> &str {
    AnyEventType::parse(event_type).map_or(event_type, |t| t.info().label)
}

/// Vietnamese labels of a security report's severity and status.
pub fn severity_label(severity: &str) -> &str {
    match severity {
        "critical" => "Khẩn cấp",
        "high" => "Cao",
        "medium" => "Trung bình",
        "low" => "Thấp",
        other => other,
    }
}

pub fn report_status_label(status: &str) -> &str {
    match status {
        "filed" => "Chờ tiếp nhận",
        "acknowledged" => "Đã tiếp nhận",
        "assigned" => "Đã giao cán bộ",
        "resolved" => "Đã xử lý",
        "closed" => "Đã đóng",
        "reopened" => "Mở lại",
        other => other,
    }
}

/// A share as a percentage, or a dash when there is nothing to divide.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

/// The pages' style sheet and script, served as files so that the Content-Security-Policy needs
/// no inline style or script.
pub const STYLE: &str = include_str!("assets/app.css");
pub const SCRIPT: &str = include_str!("assets/app.js");

/// Who is looking at a page: named in its header, with the form that signs them out.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub name: String,
    pub roles: Vec<crate::auth::Role>,
    /// The session's CSRF token, for the page's forms and scripts.
    pub csrf: String,
}

impl Viewer {
    fn header(&self) -> String {
        let roles: Vec<&str> = self.roles.iter().map(|r| r.label()).collect();
        format!(
            "<div class=viewer><span>{name} <small>{roles}</small></span>\
             <form method=post action=\"/logout\"><input type=hidden name=csrf value=\"{csrf}\">\
             <button type=submit>Đăng xuất</button></form></div>",
            name = esc(&self.name),
            roles = esc(&roles.join(", ")),
            csrf = esc(&self.csrf),
        )
    }
}

/// A page: the header names the signed-in person (none on the sign-in page).
pub fn layout(title: &str, viewer: &Viewer, main: &str) -> String {
    page(title, &viewer.header(), &viewer.csrf, main)
}

pub fn page(title: &str, viewer: &str, csrf: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{csrf}">
<title>{title} · DCS</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header><a href="/">DCS · Trạm công dân số TP.HCM</a><span>Digital Citizen Stations of Ho Chi Minh City</span>{viewer}</header>
<main id="main">{main}</main>
<footer>Danh mục 168 phường, xã, đặc khu: Công văn 1027/CTK-CSCL (dvhcvn, MIT). Giờ hiển thị: Asia/Ho_Chi_Minh.</footer>
<script src="/assets/app.js" defer></script>
</body>
</html>"#,
        title = esc(title),
        csrf = esc(csrf),
    )
}

/// Lowercase, without diacritics, for the filter box (`Bình Trưng` → `binh trung`).
pub fn fold(s: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use domain::aggregates::PaymentEventType;

    use super::*;

    #[test]
    fn folding_drops_diacritics_and_case() {
        assert_eq!(fold("Phường Bình Trưng"), "phuong binh trung");
        assert_eq!(fold("Đặc khu Côn Đảo"), "dac khu con dao");
    }

    #[test]
    fn services_count_the_events_that_open_them() {
        let c = |kind: &str, today, total| projections::KindCount { kind: kind.into(), today, total };
        let [made, initiated, succeeded] =
            [PaymentEventType::PaymentMade, PaymentEventType::PaymentInitiated, PaymentEventType::PaymentSucceeded]
                .map(|t| AnyEventType::Payment(t).name());
        let by_kind = [c(made, 1, 5), c(initiated, 2, 3), c(succeeded, 2, 3)];
        assert_eq!(service_count(&by_kind, "payment"), (3, 8));
        assert_eq!(service_count(&by_kind, "dossier"), (0, 0));
        assert_eq!(event_label(made), "Thanh toán tại trạm");
        assert_eq!(event_label("SomethingNew"), "SomethingNew");
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(1, 0), "—");
    }

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
