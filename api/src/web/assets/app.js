// The hub's pages: refresh the figures every few seconds, keeping what the user typed in the
// filter (served at /assets/app.js; no inline script, so the Content-Security-Policy forbids them).
function applyFilter() {
  const box = document.getElementById('filter'); if (!box) return;
  const only = document.getElementById('only-active');
  const q = box.value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
  document.querySelectorAll('tr[data-name]').forEach(tr => {
    const hit = tr.dataset.name.includes(q) || tr.dataset.code.includes(q);
    const active = !only || !only.checked || tr.dataset.active === '1';
    tr.style.display = hit && active ? '' : 'none';
  });
}
async function refresh() {
  try {
    const r = await fetch(location.href, { headers: { 'Accept': 'text/html' } });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    const fresh = doc.getElementById('main');
    const keep = { q: document.getElementById('filter')?.value, only: document.getElementById('only-active')?.checked };
    document.getElementById('main').innerHTML = fresh.innerHTML;
    if (keep.q !== undefined) document.getElementById('filter').value = keep.q;
    if (keep.only !== undefined) document.getElementById('only-active').checked = keep.only;
    bind(); applyFilter();
  } catch (e) { /* the hub may be restarting; try again next time */ }
}
function bind() {
  document.getElementById('filter')?.addEventListener('input', applyFilter);
  document.getElementById('only-active')?.addEventListener('change', applyFilter);
}
bind(); applyFilter(); setInterval(refresh, 3000);
