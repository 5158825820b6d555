//! Server-rendered pages. Each page refreshes itself by fetching its own URL and swapping `<main>`,
//! so there is one rendering path and the page works without JavaScript too.

pub mod city;
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

pub fn layout(title: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · DCS</title>
<style>
:root {{ --ink:#1b2430; --muted:#5b6776; --line:#e3e7ec; --brand:#b3261e; --bg:#f6f7f9; --card:#fff; --ok:#1f7a3a; }}
* {{ box-sizing: border-box; }}
body {{ margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }}
header {{ background:var(--brand); color:#fff; padding:14px 24px; display:flex; align-items:baseline; gap:16px; flex-wrap:wrap; }}
header a {{ color:#fff; text-decoration:none; font-weight:600; font-size:18px; }}
header span {{ opacity:.85; font-size:13px; }}
main {{ padding:20px 24px; max-width:1200px; margin:0 auto; }}
h1 {{ font-size:22px; margin:0 0 4px; }}
.sub {{ color:var(--muted); margin:0 0 18px; font-size:13px; }}
.cards {{ display:grid; grid-template-columns:repeat(auto-fit, minmax(170px, 1fr)); gap:12px; margin-bottom:18px; }}
.card {{ background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }}
.card b {{ display:block; font-size:24px; font-variant-numeric:tabular-nums; }}
.card small {{ color:var(--muted); }}
table {{ width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }}
th, td {{ padding:7px 10px; border-bottom:1px solid var(--line); text-align:left; }}
th {{ background:#eef1f4; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); position:sticky; top:0; }}
td.n, th.n {{ text-align:right; font-variant-numeric:tabular-nums; }}
h2 {{ font-size:17px; margin:22px 0 8px; }}
.late {{ color:var(--brand); font-weight:600; }}
.grid2 {{ display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:16px; }}
tr.quiet td {{ color:#9aa4af; }}
tr:hover td {{ background:#fafbfc; }}
a {{ color:#0b57d0; }}
.tools {{ display:flex; gap:12px; align-items:center; margin-bottom:10px; flex-wrap:wrap; }}
.tools input[type=search] {{ padding:7px 10px; border:1px solid var(--line); border-radius:6px; min-width:360px; font:inherit; }}
.live {{ color:var(--ok); font-size:12px; }}
footer {{ color:var(--muted); font-size:12px; padding:18px 24px 30px; max-width:1200px; margin:0 auto; }}
</style>
</head>
<body>
<header><a href="/">DCS · Trạm công dân số TP.HCM</a><span>Digital Citizen Stations of Ho Chi Minh City</span></header>
<main id="main">{main}</main>
<footer>Danh mục 168 phường, xã, đặc khu: Công văn 1027/CTK-CSCL (dvhcvn, MIT). Giờ hiển thị: Asia/Ho_Chi_Minh.</footer>
<script>
// Refresh the figures every few seconds, keeping what the user typed in the filter.
function applyFilter() {{
  const box = document.getElementById('filter'); if (!box) return;
  const only = document.getElementById('only-active');
  const q = box.value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
  document.querySelectorAll('tr[data-name]').forEach(tr => {{
    const hit = tr.dataset.name.includes(q) || tr.dataset.code.includes(q);
    const active = !only || !only.checked || tr.dataset.active === '1';
    tr.style.display = hit && active ? '' : 'none';
  }});
}}
async function refresh() {{
  try {{
    const r = await fetch(location.href, {{ headers: {{ 'Accept': 'text/html' }} }});
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    const fresh = doc.getElementById('main');
    const keep = {{ q: document.getElementById('filter')?.value, only: document.getElementById('only-active')?.checked }};
    document.getElementById('main').innerHTML = fresh.innerHTML;
    if (keep.q !== undefined) document.getElementById('filter').value = keep.q;
    if (keep.only !== undefined) document.getElementById('only-active').checked = keep.only;
    bind(); applyFilter();
  }} catch (e) {{ /* the hub may be restarting; try again next time */ }}
}}
function bind() {{
  document.getElementById('filter')?.addEventListener('input', applyFilter);
  document.getElementById('only-active')?.addEventListener('change', applyFilter);
}}
bind(); applyFilter(); setInterval(refresh, 3000);
</script>
</body>
</html>"#,
        title = esc(title),
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
