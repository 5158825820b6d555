//! The city-wide security-report queue: every open report, crossed deadlines first, each linked
//! to its ward, so PC06 sees at a glance where a resident is waiting too long.

use projections::QueuedReport;

use super::ward::{report_head, report_rows};
use super::{layout, num, Viewer};

pub fn render(reports: &[QueuedReport], overdue_only: bool, viewer: &Viewer) -> String {
    let overdue = reports.iter().filter(|r| r.acknowledgement_overdue || r.resolution_overdue).count();
    let (this, other) = if overdue_only {
        ("Quá hạn", "<a href=\"/security-reports\">tất cả phản ánh đang mở</a>")
    } else {
        ("Đang mở", "<a href=\"/security-reports?overdue=true\">chỉ phản ánh quá hạn</a>")
    };
    let main = format!(
        r#"<p class="sub"><a href="/">← Toàn thành phố</a></p>
<h1>Phản ánh an ninh, trật tự · {this}</h1>
<p class="sub">{n} phản ánh, {overdue} quá hạn · xem {other} · <span class="live">● tự cập nhật</span></p>
<table>
{head}
<tbody>
{rows}</tbody>
</table>"#,
        n = num(reports.len() as i64),
        overdue = num(overdue as i64),
        head = report_head(true),
        rows = report_rows(reports, true),
    );
    layout("Phản ánh ANTT", viewer, &main)
}
