//! The city page: every ward with today's and total counts, its stations and when it was last heard from.

use projections::CityDashboard;

use super::{esc, fold, layout, num, percent, service_count, services, when, Viewer};

/// The services the city table shows one column each; the rest share a column.
const COLUMNS: usize = 3;

/// `overdue` is the number of open security reports with a crossed deadline.
pub fn render(c: &CityDashboard, overdue: i64, viewer: &Viewer) -> String {
    let wards_with_stations = c.wards.iter().filter(|w| w.stations > 0).count();
    let services = services();
    let mut rows = String::new();
    // Where something happens first (busiest today), then the other wards by code.
    let mut wards: Vec<_> = c.wards.iter().collect();
    wards.sort_by_key(|w| (w.total == 0 && w.stations == 0, std::cmp::Reverse(w.today), w.code.clone()));
    for w in wards {
        let cell =
            |(today, total): (i64, i64)| format!("<td class=n>{} <small>/ {}</small></td>", num(today), num(total));
        let mut kinds: String =
            services[..COLUMNS].iter().map(|(service, _)| cell(service_count(&w.by_kind, service))).collect();
        let others = services[COLUMNS..].iter().map(|(service, _)| service_count(&w.by_kind, service));
        kinds.push_str(&cell(others.fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))));
        let active = w.total > 0 || w.stations > 0;
        rows.push_str(&format!(
            "<tr data-name=\"{name_folded}\" data-code=\"{code}\" data-active=\"{active}\"{quiet}>\
             <td>{code}</td><td><a href=\"/wards/{code}\">{name}</a></td>\
             <td class=n><b>{today}</b></td><td class=n>{total}</td>{kinds}<td class=n>{stations}</td><td>{last}</td></tr>\n",
            name_folded = esc(&fold(&w.name)),
            code = esc(&w.code),
            active = u8::from(active),
            quiet = if active { "" } else { " class=quiet" },
            name = esc(&w.name),
            today = num(w.today),
            total = num(w.total),
            stations = w.stations,
            last = when(w.last_seen_at),
        ));
    }
    let head = |label: &str| format!("<th class=n>{label}<br><small>hôm nay / tổng</small></th>");
    let mut kind_heads: String = services[..COLUMNS].iter().map(|(_, label)| head(label)).collect();
    kind_heads.push_str(&head("Dịch vụ khác"));
    let main = format!(
        r#"<h1>Toàn thành phố</h1>
<p class="sub">Hôm nay {today} · số liệu đến vị trí nhật ký {position} · <span class="live">● tự cập nhật</span></p>
<div class="cards">
  <div class="card"><small>Lượt sử dụng hôm nay</small><b>{total_today}</b><small>tổng {total}</small></div>
  <div class="card"><small>Trạm đang hoạt động</small><b>{stations}</b><small>ở {wards_with} / {wards} phường, xã</small></div>
  <div class="card"><small>Cán bộ xử lý hôm nay</small><b>{staff_today}</b><small>bước xử lý hồ sơ, phản ánh…</small></div>
  <div class="card"><small>Phản ánh ANTT quá hạn</small><b class="{late_class}">{overdue}</b><small><a href="/security-reports?overdue=true">danh sách</a> · <a href="/security-reports">tất cả đang mở</a></small></div>
  <div class="card"><small>Người cao tuổi (60+)</small><b>{elderly}</b><small>{elderly_n} / {residents} lượt có định danh</small></div>
</div>
<div class="tools">
  <input id="filter" type="search" placeholder="Tìm phường, xã hoặc mã (vd. binh trung, 27097)" aria-label="Tìm phường, xã">
  <label><input id="only-active" type="checkbox"> Chỉ nơi có trạm hoặc giao dịch</label>
</div>
<table>
<thead><tr><th>Mã</th><th>Phường / xã / đặc khu</th><th class=n>Lượt hôm nay</th><th class=n>Tổng</th>{kind_heads}<th class=n>Trạm</th><th>Lần cuối nhận</th></tr></thead>
<tbody>
{rows}</tbody>
</table>"#,
        today = c.today.format("%d/%m/%Y"),
        position = num(c.position),
        total_today = num(c.total_today),
        total = num(c.total),
        stations = num(c.active_stations),
        staff_today = num(c.staff_actions_today),
        late_class = if overdue > 0 { "late" } else { "" },
        elderly = percent(c.elderly_total, c.residents_total),
        elderly_n = num(c.elderly_total),
        residents = num(c.residents_total),
        wards_with = wards_with_stations,
        wards = c.wards.len(),
    );
    layout("Toàn thành phố", viewer, &main)
}
