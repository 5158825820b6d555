//! The auditor's page (`/audit`): the log's verifier key, the latest signed checkpoints with the
//! stations' cosignatures, the proof status of any case as of any position, and how to export and
//! verify a range offline.

use store::StoredCheckpoint;

use super::{esc, event_label, layout, num, when, Viewer};
use crate::routes::AuditedCase;

/// What the page shows.
pub struct AuditPage {
    pub log_key: String,
    pub tree_size: u64,
    /// Newest first, each with the witnesses that cosigned it.
    pub checkpoints: Vec<(StoredCheckpoint, Vec<String>)>,
    /// The case asked for: `(type, id, at position)`, and what was found or why not.
    pub asked: Option<(String, String, Option<i64>)>,
    pub case: Option<Result<AuditedCase, String>>,
}

fn mark(ok: bool, text: &str) -> String {
    format!("<span class=\"{}\">{} {}</span>", if ok { "ok" } else { "bad" }, if ok { "✓" } else { "✗" }, esc(text))
}

fn case_table(c: &AuditedCase) -> String {
    let mut rows = String::new();
    for e in &c.events {
        let p = &e.proof;
        rows.push_str(&format!(
            "<tr><td class=n>{pos}</td><td class=n>{seq}</td><td>{label}</td><td>{at}</td><td>{by}</td>\
             <td>{entry}</td><td>{sig}</td><td>{chain}</td><td>{inc}</td></tr>\n",
            pos = num(e.position),
            seq = e.aggregate_seq,
            label = esc(event_label(&e.event_type)),
            at = when(Some(e.recorded_at)),
            by = esc(e.by.as_deref().unwrap_or("—")),
            entry = mark(p.entry == "matches", if p.entry == "matches" { "khớp" } else { &p.entry }),
            sig = match p.signature {
                "none" => "—".to_string(),
                "valid" => mark(true, "hợp lệ"),
                "no key" => mark(false, "trạm không có khóa"),
                _ => mark(false, "không hợp lệ"),
            },
            chain = match p.chain {
                "none" => "—".to_string(),
                "linked" => mark(true, "nối liền"),
                _ => mark(false, "bị đứt"),
            },
            inc = match p.included {
                "pending" => "chờ điểm kiểm tra".to_string(),
                "proved" => mark(true, "đã chứng minh"),
                _ => mark(false, "không chứng minh được"),
            },
        ));
    }
    format!(
        "<h2>{t} <code>{id}</code></h2>\
         <p class=sub>Đến vị trí {pos} · chứng minh bao hàm theo điểm kiểm tra {size}</p>\
         <table><thead><tr><th>Vị trí</th><th>STT</th><th>Sự kiện</th><th>Ghi lúc</th><th>Bởi</th>\
         <th>Bản ghi</th><th>Chữ ký trạm</th><th>Chuỗi băm</th><th>Trong cây Merkle</th></tr></thead>\
         <tbody>{rows}</tbody></table>\
         <details><summary>Trạng thái hồ sơ tại vị trí này</summary><pre>{state}</pre></details>",
        t = esc(&c.aggregate_type),
        id = esc(&c.aggregate_id),
        pos = c.as_of_position.map(num).unwrap_or_else(|| "—".into()),
        size = c.checkpoint.as_ref().map(|k| num(k.tree_size)).unwrap_or_else(|| "—".into()),
        state = esc(&serde_json::to_string_pretty(&c.state).unwrap_or_default()),
    )
}

pub fn render(p: &AuditPage, viewer: &Viewer) -> String {
    let mut checkpoints = String::new();
    for (c, witnesses) in &p.checkpoints {
        checkpoints.push_str(&format!(
            "<tr><td class=n>{size}</td><td><code>{root}</code></td><td>{at}</td><td class=n>{n}</td><td>{who}</td></tr>\n",
            size = num(c.tree_size),
            root = esc(&base64_of(&c.root)),
            at = when(Some(c.signed_at)),
            n = witnesses.len(),
            who = esc(&witnesses.join(", ")),
        ));
    }
    if checkpoints.is_empty() {
        checkpoints = "<tr><td colspan=5>Chưa có điểm kiểm tra nào được ký.</td></tr>".into();
    }
    let (t, id, at) = p.asked.clone().unwrap_or_default();
    let options: String = domain::aggregates::aggregate_types()
        .iter()
        .map(|k| format!("<option{}>{k}</option>", if *k == t { " selected" } else { "" }))
        .collect();
    let case = match &p.case {
        None => String::new(),
        Some(Ok(c)) => case_table(c),
        Some(Err(why)) => format!("<p class=bad>{}</p>", esc(why)),
    };
    let main = format!(
        r#"<h1>Kiểm toán nhật ký sự kiện</h1>
<p class="sub">Nhật ký có {size} bản ghi. Khóa xác minh của nhật ký (ghim khóa này khi kiểm toán ngoại tuyến):</p>
<pre>{key}</pre>
<h2>Điểm kiểm tra đã ký và chữ ký đồng xác nhận của các trạm</h2>
<table><thead><tr><th>Số bản ghi</th><th>Gốc Merkle</th><th>Ký lúc</th><th>Trạm đồng ký</th><th>Trạm</th></tr></thead>
<tbody>{checkpoints}</tbody></table>
<h2>Chứng minh một hồ sơ</h2>
<form method="get" action="/audit">
<label>Loại <select name="type">{options}</select></label>
<label>Mã <input name="id" value="{id}" required></label>
<label>Đến vị trí <input name="at_position" type="number" min="1" value="{at}"></label>
<button type="submit">Kiểm tra</button>
</form>
{case}
<h2>Xuất và xác minh ngoại tuyến</h2>
<form method="get" action="/api/v1/audit/bundle">
<label>Từ vị trí <input name="from" type="number" min="1" max="{size}" value="1" required></label>
<label>Đến vị trí <input name="to" type="number" min="1" max="{size}" value="{signed}" required></label>
<button type="submit">Tải gói kiểm toán (.tar)</button>
</form>
<p>Giải nén rồi xác minh trên máy của kiểm toán viên:
<code>tar xf dcs-audit-1-{signed}.tar && dcs audit verify dcs-audit-1-{signed} --log-key '{key}'</code>.
Mặc định gói kết thúc ở điểm kiểm tra đã ký mới nhất, nên mọi bản ghi trong gói đều được chứng minh.
Gói lớn hơn {max} bản ghi: trên máy chủ hub, <code>dcs audit export --from 1 --to {size} ./goi-kiem-toan</code>.
Định dạng gói: <code>docs/AUDIT.md</code>.
Điểm kiểm tra mới nhất (C2SP): <a href="/tlog/checkpoint">/tlog/checkpoint</a>.</p>"#,
        size = p.tree_size,
        signed = p.checkpoints.first().map_or(p.tree_size as i64, |(c, _)| c.tree_size),
        max = num(crate::routes::MAX_BUNDLE_ENTRIES),
        key = esc(&p.log_key),
        id = esc(&id),
        at = at.map(|a| a.to_string()).unwrap_or_default(),
    );
    layout("Kiểm toán", viewer, &main)
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
