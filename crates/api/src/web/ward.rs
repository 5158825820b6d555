//! One ward's page: counts by kind, and each station with its activity and when it was last heard from.

use super::{esc, layout, num, when, KINDS};
use crate::routes::WardPage;

pub fn render(p: &WardPage) -> String {
    let w = &p.view.ward;
    let cards: String = KINDS
        .iter()
        .map(|(k, label)| {
            let (today, total) = w.by_kind.iter().find(|c| c.kind == *k).map(|c| (c.today, c.total)).unwrap_or((0, 0));
            format!(
                "<div class=\"card\"><small>{label}</small><b>{}</b><small>hôm nay · tổng {}</small></div>",
                num(today),
                num(total)
            )
        })
        .collect();
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
        rows.push_str(&format!(
            "<tr><td><code>{id}</code></td><td>{building}</td><td>{status}</td><td class=n>{events}</td><td>{seen}</td><td>{last}</td></tr>\n",
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
        ));
    }
    if rows.is_empty() {
        rows = "<tr><td colspan=6>Chưa có trạm nào trong kế hoạch của phường này.</td></tr>".into();
    }
    let main = format!(
        r#"<p class="sub"><a href="/">← Toàn thành phố</a></p>
<h1>{name}</h1>
<p class="sub">Mã {code} · hôm nay {today} · số liệu đến vị trí nhật ký {position} · <span class="live">● tự cập nhật</span></p>
<div class="cards">
  <div class="card"><small>Giao dịch hôm nay</small><b>{total_today}</b><small>tổng {total}</small></div>
  {cards}
</div>
<h2 style="font-size:17px">Trạm</h2>
<table>
<thead><tr><th>Mã trạm</th><th>Tòa nhà</th><th>Trạng thái</th><th class=n>Giao dịch</th><th>Lần cuối nhận</th><th>Giờ trạm (sự kiện cuối)</th></tr></thead>
<tbody>
{rows}</tbody>
</table>"#,
        name = esc(&w.name),
        code = esc(&w.code),
        today = p.view.today.format("%d/%m/%Y"),
        position = num(p.view.position),
        total_today = num(w.today),
        total = num(w.total),
    );
    layout(&w.name, &main)
}
