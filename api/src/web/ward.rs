//! One ward's page: its services today and in total, the residents served, what staff did, the
//! open security reports with their deadlines, and each station with its activity and heartbeat.

use super::{
    esc, event_label, layout, num, percent, report_status_label, service_count, services, severity_label, when, Viewer,
};
use crate::routes::WardPage;

fn service_cards(p: &WardPage) -> String {
    services()
        .into_iter()
        .map(|(service, label)| {
            let (today, total) = service_count(&p.view.ward.by_kind, service);
            format!(
                "<div class=\"card\"><small>{label}</small><b>{}</b><small>hôm nay · tổng {}</small></div>",
                num(today),
                num(total)
            )
        })
        .collect()
}

/// VNeID accounts activated with a station's help, against the requests (a Project 06 target).
fn vneid_card(v: &projections::VneidFigures) -> String {
    format!(
        "<div class=\"card\"><small>VNeID đã kích hoạt</small><b>{}</b><small>{} yêu cầu · {} đạt · {} không thành công</small></div>",
        num(v.activated),
        num(v.requested),
        percent(v.activated, v.requested),
        num(v.failed)
    )
}

fn staff_rows(p: &WardPage) -> String {
    let rows: String = p
        .view
        .ward
        .staff_actions
        .iter()
        .map(|c| {
            format!(
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
                esc(event_label(&c.kind)),
                num(c.today),
                num(c.total)
            )
        })
        .collect();
    if rows.is_empty() {
        return "<tr><td colspan=3>Chưa có bước xử lý nào của cán bộ.</td></tr>".into();
    }
    rows
}

fn resident_rows(p: &WardPage) -> String {
    let w = &p.view.ward;
    let mut rows: String = w
        .residents_by_age
        .iter()
        .map(|c| {
            format!(
                "<tr><td>{} tuổi</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
                esc(&c.kind),
                num(c.today),
                num(c.total),
                percent(c.total, w.residents_total)
            )
        })
        .collect();
    for c in &w.residents_by_sex {
        let label = match c.kind.as_str() {
            "male" => "Nam",
            "female" => "Nữ",
            other => other,
        };
        rows.push_str(&format!(
            "<tr class=quiet><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>\n",
            esc(label),
            num(c.today),
            num(c.total),
            percent(c.total, w.residents_total)
        ));
    }
    if rows.is_empty() {
        return "<tr><td colspan=4>Chưa có lượt sử dụng nào có định danh.</td></tr>".into();
    }
    rows
}

/// Rows of a security-report queue; with `ward_column`, each row names and links its ward.
pub fn report_rows(reports: &[projections::QueuedReport], ward_column: bool) -> String {
    let rows: String = reports
        .iter()
        .map(|r| {
            let late = |overdue: bool| if overdue { " class=late" } else { "" };
            let ward = if ward_column {
                let name = protocol::WardCode::parse(&r.ward_code).map(|w| w.ward().name.clone()).unwrap_or_default();
                format!("<td><a href=\"/wards/{code}\">{name}</a></td>", code = esc(&r.ward_code), name = esc(&name))
            } else {
                String::new()
            };
            format!(
                "<tr>{ward}<td><a href=\"/api/v1/cases/security_report/{id}\">{category}</a><br><small>{location}</small></td>\
                 <td>{severity}</td><td>{status}</td><td>{officer}</td><td>{filed}</td>\
                 <td{ack_late}>{ack_by}</td><td{res_late}>{res_by}</td></tr>\n",
                id = esc(&r.report_id),
                category = esc(protocol::kinds::category_name(&r.category).unwrap_or(&r.category)),
                location = super::forgettable(&r.location),
                severity = esc(severity_label(&r.severity)),
                status = esc(report_status_label(&r.status)),
                officer = esc(r.officer.as_deref().unwrap_or("—")),
                filed = protocol::time::local_short(r.filed_at),
                ack_late = late(r.acknowledgement_overdue),
                ack_by = protocol::time::local_short(r.acknowledge_by),
                res_late = late(r.resolution_overdue),
                res_by = protocol::time::local_short(r.resolve_by),
            )
        })
        .collect();
    if rows.is_empty() {
        let span = if ward_column { 8 } else { 7 };
        return format!("<tr><td colspan={span}>Không có phản ánh nào đang chờ xử lý.</td></tr>");
    }
    rows
}

/// The header of a security-report queue table.
pub fn report_head(ward_column: bool) -> String {
    format!(
        "<thead><tr>{}<th>Loại / nơi</th><th>Mức độ</th><th>Trạng thái</th><th>Cán bộ</th><th>Tiếp nhận lúc</th>\
         <th>Hạn tiếp nhận</th><th>Hạn xử lý</th></tr></thead>",
        if ward_column { "<th>Phường, xã</th>" } else { "" }
    )
}

fn station_rows(p: &WardPage) -> String {
    let mut rows = String::new();
    let mut ids: Vec<&str> = p.planned_stations.iter().map(|s| s.station_id.as_str()).collect();
    for s in &p.view.stations {
        if !ids.contains(&s.station_id.as_str()) {
            ids.push(&s.station_id);
        }
    }
    for id in ids {
        let plan = p.planned_stations.iter().find(|s| s.station_id == id);
        let act = p.view.stations.iter().find(|s| s.station_id == id);
        let beat = act.and_then(|a| a.heartbeat.as_ref());
        if let Some(since) = act.and_then(|a| a.key_revoked_at) {
            rows.push_str(&format!(
                "<tr class=alert><td colspan=9><b>Cảnh báo:</b> trạm <code>{id}</code> đã ký hai sự kiện khác nhau \
                 cho cùng một số thứ tự (lúc {at}): khóa của trạm đã bị thu hồi, mọi sự kiện sau đó bị từ chối cho \
                 đến khi quản trị viên đổi khóa.</td></tr>\n",
                id = esc(id),
                at = when(Some(since)),
            ));
        }
        if let Some(what) = beat.and_then(|b| b.log_alarm.as_deref()) {
            rows.push_str(&format!(
                "<tr class=alert><td colspan=9><b>Cảnh báo nhật ký kiểm toán:</b> trạm <code>{id}</code> được hub \
                 cho xem một lịch sử mâu thuẫn với lịch sử trạm đã xác minh trước đó ({what}). Trạm giữ cả hai \
                 điểm kiểm tra làm bằng chứng; báo ngay cho kiểm toán viên.</td></tr>\n",
                id = esc(id),
                what = esc(what),
            ));
        }
        rows.push_str(&format!(
            "<tr><td><code>{id}</code></td><td>{building}</td><td>{status}</td><td class=n>{events}</td><td>{seen}</td>\
             <td>{last}</td><td>{version}</td><td class=n>{outbox}</td><td class=n>{skew}</td></tr>\n",
            id = esc(id),
            building = esc(plan.map(|s| s.building.as_str()).unwrap_or("—")),
            status = match plan.map(|s| s.status.as_str()) {
                Some("enrolled") => "đã đăng ký",
                Some("planned") => "theo kế hoạch",
                _ => "—",
            },
            events = num(act.map(|a| a.events).unwrap_or(0)),
            seen = when(act.map(|a| a.last_seen_at)),
            last = when(act.map(|a| a.last_event_at)),
            version = esc(beat.map(|b| b.agent_version.as_str()).unwrap_or("—")),
            outbox = beat.map(|b| num(b.outbox_depth)).unwrap_or_else(|| "—".into()),
            skew = beat.map(|b| format!("{} ms", num(b.clock_skew_ms))).unwrap_or_else(|| "—".into()),
        ));
    }
    if rows.is_empty() {
        return "<tr><td colspan=9>Chưa có trạm nào trong kế hoạch của phường này.</td></tr>".into();
    }
    rows
}

pub fn render(p: &WardPage, viewer: &Viewer) -> String {
    let w = &p.view.ward;
    let main = format!(
        r#"<p class="sub"><a href="/">← Toàn thành phố</a></p>
<h1>{name}</h1>
<p class="sub">Mã {code} · hôm nay {today} · số liệu đến vị trí nhật ký {position} · <span class="live">● tự cập nhật</span></p>
<div class="cards">
  <div class="card"><small>Lượt sử dụng hôm nay</small><b>{total_today}</b><small>tổng {total}</small></div>
  <div class="card"><small>Người cao tuổi (60+)</small><b>{elderly}</b><small>{elderly_n} / {residents} lượt có định danh</small></div>
  {cards}
  {vneid}
</div>
<h2>Phản ánh an ninh, trật tự đang chờ xử lý</h2>
<table>
{report_head}
<tbody>
{reports}</tbody>
</table>
<div class="grid2">
<div><h2>Cán bộ xử lý</h2>
<table><thead><tr><th>Bước</th><th class=n>Hôm nay</th><th class=n>Tổng</th></tr></thead>
<tbody>
{staff}</tbody></table></div>
<div><h2>Người dân được phục vụ</h2>
<table><thead><tr><th>Nhóm</th><th class=n>Hôm nay</th><th class=n>Tổng</th><th class=n>Tỷ lệ</th></tr></thead>
<tbody>
{residents_rows}</tbody></table></div>
</div>
<h2>Trạm</h2>
<table>
<thead><tr><th>Mã trạm</th><th>Tòa nhà</th><th>Trạng thái</th><th class=n>Sự kiện</th><th>Lần cuối nhận</th><th>Giờ trạm (sự kiện cuối)</th><th>Phiên bản</th><th class=n>Chờ gửi</th><th class=n>Lệch giờ</th></tr></thead>
<tbody>
{stations}</tbody>
</table>"#,
        name = esc(&w.name),
        code = esc(&w.code),
        today = p.view.today.format("%d/%m/%Y"),
        position = num(p.view.position),
        total_today = num(w.today),
        total = num(w.total),
        elderly = percent(w.elderly_total, w.residents_total),
        elderly_n = num(w.elderly_total),
        residents = num(w.residents_total),
        cards = service_cards(p),
        vneid = vneid_card(&w.vneid),
        report_head = report_head(false),
        reports = report_rows(&p.open_security_reports, false),
        staff = staff_rows(p),
        residents_rows = resident_rows(p),
        stations = station_rows(p),
    );
    layout(&w.name, viewer, &main)
}
