//! The city page: every ward with today's and total counts, its stations and when it was last heard from.

use projections::CityDashboard;

use super::{esc, fold, layout, num, when, KINDS};

pub fn render(c: &CityDashboard) -> String {
    let wards_with_stations = c.wards.iter().filter(|w| w.stations > 0).count();
    let mut rows = String::new();
    for w in &c.wards {
        let count =
            |kind: &str| w.by_kind.iter().find(|k| k.kind == kind).map(|k| (k.today, k.total)).unwrap_or((0, 0));
        let kinds: String = KINDS
            .iter()
            .map(|(k, _)| {
                let (today, total) = count(k);
                format!("<td class=n>{} <small>/ {}</small></td>", num(today), num(total))
            })
            .collect();
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
    let kind_heads: String =
        KINDS.iter().map(|(_, label)| format!("<th class=n>{label}<br><small>hôm nay / tổng</small></th>")).collect();
    let main = format!(
        r#"<h1>Toàn thành phố</h1>
<p class="sub">Hôm nay {today} · số liệu đến vị trí nhật ký {position} · <span class="live">● tự cập nhật</span></p>
<div class="cards">
  <div class="card"><small>Giao dịch hôm nay</small><b>{total_today}</b></div>
  <div class="card"><small>Tổng giao dịch</small><b>{total}</b></div>
  <div class="card"><small>Trạm đang hoạt động</small><b>{stations}</b></div>
  <div class="card"><small>Phường, xã có trạm</small><b>{wards_with} / {wards}</b></div>
</div>
<div class="tools">
  <input id="filter" type="search" placeholder="Tìm phường, xã hoặc mã (vd. binh trung, 27097)" aria-label="Tìm phường, xã">
  <label><input id="only-active" type="checkbox"> Chỉ nơi có trạm hoặc giao dịch</label>
</div>
<table>
<thead><tr><th>Mã</th><th>Phường / xã / đặc khu</th><th class=n>Hôm nay</th><th class=n>Tổng</th>{kind_heads}<th class=n>Trạm</th><th>Lần cuối nhận</th></tr></thead>
<tbody>
{rows}</tbody>
</table>"#,
        today = c.today.format("%d/%m/%Y"),
        position = num(c.position),
        total_today = num(c.total_today),
        total = num(c.total),
        stations = num(c.active_stations),
        wards_with = wards_with_stations,
        wards = c.wards.len(),
    );
    layout("Toàn thành phố", &main)
}
