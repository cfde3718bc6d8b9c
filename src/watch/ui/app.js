// leakseek watch: the daemon's web UI. Plain DOM and inline SVG, no framework, no external
// resources. Everything shown comes from the JSON API; text from targets (function names,
// labels) is only ever set as text, never parsed as HTML.
'use strict';

const REFRESH_MS = 5000;
const TOKEN_KEY = 'leakseek-token';
const SVG_NS = 'http://www.w3.org/2000/svg';

const state = {
  targets: [],
  alerts: [],
  selected: null,       // target name
  rangeSeconds: 3600,   // chart range; 0: all history
  trendKind: 'heap',
  snapshotKind: 'heap',
  snapshots: [],
  baseId: null,
  newId: null,
  open: new Set(),      // keys of <details> the user opened, kept across refreshes
  focusAlert: null,     // alert id from #/alerts/ID
  series: null,         // the selected target's chart points, kept for redrawing on resize
  timer: null,
};

// ---- formatting -------------------------------------------------------------------------

function fmtBytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return sign + (i === 0 ? String(Math.round(v)) : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + units[i];
}

function fmtCount(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (abs >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return String(Math.round(n * 100) / 100);
}

function fmtSigned(n, fmt) { return (n > 0 ? '+' : '') + fmt(n); }

function fmtTime(nanos) {
  if (!nanos) return '–';
  const d = new Date(nanos / 1e6);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

function fmtDateTime(nanos) {
  if (!nanos) return '–';
  const d = new Date(nanos / 1e6);
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + fmtTime(nanos);
}

function fmtAgo(nanos) {
  if (!nanos) return 'never';
  const s = Math.max(0, (Date.now() - nanos / 1e6) / 1000);
  if (s < 90) return Math.round(s) + 's ago';
  if (s < 5400) return Math.round(s / 60) + 'min ago';
  return (s / 3600).toFixed(1) + 'h ago';
}

function fmtWindow(nanos) {
  const s = nanos / 1e9;
  return s >= 3600 ? (s / 3600) + 'h' : s >= 60 ? (s / 60) + 'm' : s + 's';
}

function unitFormatter(unit) { return unit === 'bytes' ? fmtBytes : fmtCount; }

// ---- DOM helpers ------------------------------------------------------------------------

// el('div', {class: 'x', onclick: fn}, 'text', child...): attributes, listeners and children.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  appendAll(node, children);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  appendAll(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}

function appendAll(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function $(id) { return document.getElementById(id); }

// A <details> whose open state survives re-rendering.
function details(key, summary, ...body) {
  const d = el('details', { 'data-key': key, open: state.open.has(key) }, el('summary', {}, summary), ...body);
  d.addEventListener('toggle', () => { if (d.open) state.open.add(key); else state.open.delete(key); });
  return d;
}

function stackList(frames) {
  return el('ol', { class: 'stack' }, (frames || []).map((f) => el('li', {}, typeof f === 'string' ? f : f.function)));
}

// ---- API --------------------------------------------------------------------------------

class Unauthorized extends Error {}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

async function api(path) {
  const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
  const res = await fetch(path, { headers, cache: 'no-store' });
  if (res.status === 401) {
    showTokenForm();
    throw new Unauthorized('a bearer token is needed');
  }
  let body;
  try { body = await res.json(); } catch (e) { body = { error: res.statusText }; }
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}

function showTokenForm() {
  const form = $('token-form');
  if (!form.hidden) return;
  form.hidden = false;
  $('token-input').focus();
}

// Raw snapshots download as files; with a token the link cannot carry it, so fetch it.
function rawLink(id, label) {
  const href = '/api/snapshots/' + id + '/raw';
  return el('a', {
    href, class: 'raw-link', download: '',
    onclick: async (e) => {
      if (!token()) return;
      e.preventDefault();
      const res = await fetch(href, { headers: { Authorization: 'Bearer ' + token() } });
      if (!res.ok) return;
      const disposition = res.headers.get('Content-Disposition') || '';
      const m = /filename="([^"]+)"/.exec(disposition);
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: m ? m[1] : 'snapshot-' + id });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    },
  }, label || ('#' + id));
}

// ---- charts -----------------------------------------------------------------------------

// Grid steps of 1, 2 or 5 times a power of ten (times a power of 1024 for bytes, so labels
// read 2 MiB, 4 MiB rather than 1.9 MiB) giving about `count` lines; whole numbers for counts.
function niceStep(max, count, unit) {
  let scale = 1;
  if (unit === 'bytes') while (max / scale >= 1024) scale *= 1024;
  const raw = max / scale / count;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) * scale;
  return unit === 'bytes' ? step : Math.max(1, step);
}

// Draws at the element's pixel size (not a scaled viewBox), so labels keep their shape.
function drawChart(svgNode, points, unit, cls) {
  const W = Math.max(200, Math.round(svgNode.clientWidth || 640)), H = 220, L = 70, R = 12, T = 12, B = 26;
  const fmt = unitFormatter(unit);
  svgNode.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svgNode.replaceChildren();
  if (points.length === 0) {
    svgNode.append(svg('text', { x: W / 2, y: H / 2, class: 'chart-empty', 'text-anchor': 'middle' }, 'no data yet'));
    return;
  }
  const xs = points.map((p) => p.time_nanos / 1e6);
  const ys = points.map((p) => p.total);
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x1 === x0) { x0 -= 30000; x1 += 30000; }
  const ymax = Math.max(...ys, 1);
  const step = niceStep(ymax, 4, unit);
  const top = Math.ceil((ymax * 1.05) / step) * step;
  const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y) => T + (1 - y / top) * (H - T - B);

  const grid = svg('g', { class: 'grid' });
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.append(svg('line', { x1: L, x2: W - R, y1: py(v), y2: py(v) }));
    grid.append(svg('text', { x: L - 6, y: py(v) + 4, 'text-anchor': 'end' }, fmt(v)));
  }
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const t = x0 + ((x1 - x0) * i) / ticks;
    grid.append(svg('text', { x: px(t), y: H - 8, 'text-anchor': i === 0 ? 'start' : i === ticks ? 'end' : 'middle' }, fmtTime(t * 1e6)));
  }
  svgNode.append(grid);

  const coords = points.map((p, i) => [px(xs[i]), py(ys[i])]);
  const line = coords.map(([x, y], i) => (i === 0 ? 'M' : 'L') + x.toFixed(1) + ' ' + y.toFixed(1)).join(' ');
  const area = line + ' L' + coords[coords.length - 1][0].toFixed(1) + ' ' + py(0) + ' L' + coords[0][0].toFixed(1) + ' ' + py(0) + ' Z';
  svgNode.append(svg('path', { class: 'area ' + cls, d: area }));
  svgNode.append(svg('path', { class: 'series ' + cls, d: line, 'data-points': points.length }));
  const [lx, ly] = coords[coords.length - 1];
  svgNode.append(svg('circle', { class: 'last-point ' + cls, cx: lx, cy: ly, r: 3.5 }));

  // Hover: the nearest snapshot's time and value.
  const cursor = svg('g', { class: 'cursor', visibility: 'hidden' },
    svg('line', { y1: T, y2: H - B }), svg('circle', { r: 4 }), svg('text', { y: T + 12 }));
  const overlay = svg('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'overlay' });
  overlay.addEventListener('mousemove', (e) => {
    const box = svgNode.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * W;
    let best = 0;
    coords.forEach(([cx], i) => { if (Math.abs(cx - x) < Math.abs(coords[best][0] - x)) best = i; });
    const [cx, cy] = coords[best];
    const [ln, dot, label] = cursor.children;
    ln.setAttribute('x1', cx); ln.setAttribute('x2', cx);
    dot.setAttribute('cx', cx); dot.setAttribute('cy', cy);
    label.textContent = fmtTime(points[best].time_nanos) + '  ' + fmt(ys[best]);
    const right = cx > W / 2;
    label.setAttribute('x', right ? cx - 6 : cx + 6);
    label.setAttribute('text-anchor', right ? 'end' : 'start');
    cursor.setAttribute('visibility', 'visible');
  });
  overlay.addEventListener('mouseleave', () => cursor.setAttribute('visibility', 'hidden'));
  svgNode.append(cursor, overlay);
}

function sparkline(points) {
  const W = 120, H = 28;
  const node = svg('svg', { class: 'sparkline', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none' });
  if (points.length < 2) return node;
  const xs = points.map((p) => p.time_nanos), ys = points.map((p) => p.value);
  const x0 = Math.min(...xs), x1 = Math.max(...xs) || 1, ymin = Math.min(...ys), ymax = Math.max(...ys);
  const px = (x) => 2 + ((x - x0) / (x1 - x0 || 1)) * (W - 4);
  const py = (y) => H - 2 - ((y - ymin) / (ymax - ymin || 1)) * (H - 4);
  node.append(svg('path', { d: points.map((p, i) => (i ? 'L' : 'M') + px(xs[i]).toFixed(1) + ' ' + py(ys[i]).toFixed(1)).join(' ') }));
  return node;
}

// ---- targets ----------------------------------------------------------------------------

function renderTargets() {
  const list = $('target-list');
  list.replaceChildren();
  $('no-targets').hidden = state.targets.length > 0;
  for (const t of state.targets) {
    const firing = t.firing_alerts || 0;
    const item = el('li', {
      class: 'target' + (t.name === state.selected ? ' selected' : ''),
      'data-target': t.name,
      tabindex: 0,
      onclick: () => selectTarget(t.name),
      onkeydown: (e) => { if (e.key === 'Enter') selectTarget(t.name); },
    },
    el('div', { class: 'target-line' },
      el('span', { class: 'dot ' + (t.up ? 'up' : 'down'), title: t.health || (t.up ? 'up' : 'down') }),
      el('span', { class: 'target-name' }, t.name),
      firing ? el('span', { class: 'badge firing', title: firing + ' firing alerts' }, String(firing)) : null),
    el('div', { class: 'target-figures' },
      el('span', {}, 'heap ', el('b', {}, fmtBytes(t.heap_inuse_bytes))),
      el('span', {}, 'goroutines ', el('b', {}, fmtCount(t.goroutines))),
      t.goroutines_leaked > 0
        ? el('span', { class: 'leaked', title: 'goroutines the GC proved can never wake (goroutine leak profile)' },
          'leaked ', el('b', {}, fmtCount(t.goroutines_leaked)))
        : null),
    t.health === 'timed out'
      ? el('div', { class: 'target-absent', title: t.last_error || '' }, 'timed out')
      : null,
    (t.absent_endpoints || []).length
      ? el('div', { class: 'target-absent', title: 'optional endpoints this target answers with 404' },
        'not served: ' + t.absent_endpoints.join(', '))
      : null);
    list.append(item);
  }
}

function renderFiringSummary() {
  const firing = state.alerts.filter((a) => a.state === 'firing');
  const node = $('firing-summary');
  node.replaceChildren();
  node.className = 'firing-summary' + (firing.length ? ' has-firing' : '');
  node.append(firing.length ? `${firing.length} alert${firing.length > 1 ? 's' : ''} firing` : 'no alerts firing');
}

function selectTarget(name) {
  if (state.selected !== name) {
    state.selected = name;
    state.baseId = state.newId = null;
    state.series = null;
    $('diff-view').hidden = true;
  }
  const hash = '#/targets/' + encodeURIComponent(name);
  if (location.hash !== hash && !location.hash.startsWith('#/alerts/')) history.replaceState(null, '', hash);
  renderTargets();
  refreshTarget();
}

function renderTargetHeading(t) {
  $('empty-view').hidden = true;
  $('target-detail').hidden = false;
  $('target-title').textContent = t.name;
  const badge = $('target-state');
  badge.textContent = t.up ? 'up' : 'down';
  badge.className = 'state-badge ' + (t.up ? 'up' : 'down');
  const labels = Object.entries(t.labels || {}).map(([k, v]) => k + '=' + v).join(' ');
  $('target-meta').textContent = [t.url, labels, t.scraped ? 'scraped ' + fmtAgo(t.last_scrape_nanos) : 'not scraped yet',
    t.scrapes !== undefined ? `${t.scrapes} scrapes, ${t.scrape_errors} errors` : ''].filter(Boolean).join(' · ');
  const err = $('target-error');
  err.hidden = !(t.last_error && !t.up);
  err.textContent = t.last_error ? 'last error: ' + t.last_error : '';
  for (const b of $('range-buttons').children) b.classList.toggle('active', Number(b.dataset.range) === state.rangeSeconds);
}

// ---- alerts -----------------------------------------------------------------------------

function alertUnit(kind) { return kind === 'heap_growth' || kind === 'site_growth' ? 'bytes' : 'count'; }

function numberRows(a) {
  const fmt = unitFormatter(alertUnit(a.kind));
  const byUnit = { slope_per_hour: (v) => fmtSigned(v, fmt) + '/h', first: fmt, last: fmt, r2: (v) => v.toFixed(3) };
  return Object.entries(a.evidence.numbers || {}).map(([k, v]) =>
    el('tr', {}, el('th', {}, k.replace(/_/g, ' ')), el('td', {}, v === null ? '–' : (byUnit[k] || fmtCount)(v))));
}

function renderAlerts() {
  const list = $('alert-list');
  list.replaceChildren();
  const mine = state.alerts.filter((a) => a.target === state.selected);
  if (mine.length === 0) {
    list.append(el('p', { class: 'muted' }, 'No alerts for this target.'));
    return;
  }
  for (const a of mine) {
    const key = 'alert-' + a.id;
    if (state.focusAlert === a.id) state.open.add(key);
    const ids = a.evidence.snapshot_ids || [];
    const body = el('div', { class: 'alert-body' },
      el('table', { class: 'numbers' }, numberRows(a)),
      a.evidence.stack && a.evidence.stack.length ? el('div', {}, el('h4', {}, 'stack'), stackList(a.evidence.stack)) : null,
      ids.length ? el('div', { class: 'evidence-links' }, 'snapshots: ', ids.map((id) => [rawLink(id), ' ']),
        ids.length >= 2 && a.kind !== 'finalizer_stall' ? el('button', { type: 'button', class: 'link-button', onclick: () => showDiff(ids[0], ids[ids.length - 1]) }, 'diff first → last') : null) : null,
      el('p', { class: 'muted times' },
        'started ' + fmtDateTime(a.started_nanos) + ' · updated ' + fmtDateTime(a.updated_nanos) +
        (a.resolved_nanos ? ' · resolved ' + fmtDateTime(a.resolved_nanos) : '')));
    const summary = el('span', { class: 'alert-summary' },
      el('span', { class: 'badge kind' }, a.kind),
      el('span', { class: 'badge ' + a.state }, a.state),
      a.severity !== 'warning' ? el('span', { class: 'badge severity' }, a.severity) : null,
      el('span', { class: 'summary-text' }, a.summary),
      a.site && !a.summary.includes(a.site) ? el('code', { class: 'site' }, a.site) : null);
    const node = el('article', { class: 'alert ' + a.state, id: 'alert-' + a.id, 'data-kind': a.kind, 'data-id': a.id }, details(key, summary, body));
    list.append(node);
  }
  if (state.focusAlert !== null) {
    const node = $('alert-' + state.focusAlert);
    if (node) { node.classList.add('focused'); node.scrollIntoView({ block: 'center' }); }
    state.focusAlert = null;
  }
}

// ---- trends -----------------------------------------------------------------------------

function renderTrends(data) {
  const list = $('trend-list');
  list.replaceChildren();
  $('trend-window').textContent = `${data.snapshots} snapshots in the last ${fmtWindow(data.window_nanos)}`;
  const fmt = unitFormatter(data.unit);
  // Every growing site, then the steepest of the rest, up to ten rows.
  const sites = data.sites.filter((s, i) => s.growing || (s.slope_per_hour > 0 && i < 10));
  if (sites.length === 0) {
    list.append(el('p', { class: 'muted' }, data.snapshots < 2 ? 'Not enough snapshots yet.' : 'Nothing is growing.'));
    return;
  }
  for (const s of sites) {
    const key = `trend-${data.kind}-${s.stack_id}`;
    const summary = el('span', { class: 'trend-summary' },
      el('code', { class: 'site' }, s.frames[0] || '?'),
      // Sites are whole stacks: the caller tells apart two stacks with the same leaf.
      s.frames.length > 1 ? el('code', { class: 'via muted' }, '← ' + s.frames[1]) : null,
      el('span', { class: 'slope' + (s.growing ? ' growing' : '') }, fmtSigned(s.slope_per_hour, fmt) + '/h'),
      el('span', { class: 'muted' }, `${fmt(s.first)} → ${fmt(s.last)} · R² ${s.r2.toFixed(2)}`),
      s.growing ? el('span', { class: 'badge firing' }, 'growing') : null,
      sparkline(s.points));
    list.append(el('div', { class: 'trend' + (s.growing ? ' growing' : '') }, details(key, summary, stackList(s.frames))));
  }
}

// ---- snapshots and diffs ----------------------------------------------------------------

function renderSnapshots() {
  const body = $('snapshot-table').querySelector('tbody');
  body.replaceChildren();
  const fmt = state.snapshotKind === 'heap' ? fmtBytes : fmtCount;
  const rows = state.snapshots.slice().reverse().slice(0, 60);
  if (rows.length === 0) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No snapshots yet.')));
  for (const s of rows) {
    const pick = (which) => el('input', {
      type: 'radio', name: which, value: s.id, checked: state[which] === s.id, disabled: !s.raw_available,
      onchange: () => { state[which] = s.id; updateDiffButton(); },
    });
    body.append(el('tr', {},
      el('td', {}, pick('baseId')), el('td', {}, pick('newId')),
      el('td', {}, fmtDateTime(s.time_nanos)),
      el('td', { class: 'num' }, fmt(s.total)),
      el('td', { class: 'num' }, s.raw_available ? rawLink(s.id, fmtBytes(s.raw_bytes)) : el('span', { class: 'muted' }, 'pruned')),
      el('td', {}, s.kind === 'goroutine' && s.raw_available
        ? el('button', { type: 'button', class: 'link-button', onclick: () => showGroups(s.id) }, 'groups') : '')));
  }
  updateDiffButton();
}

function updateDiffButton() {
  $('diff-button').disabled = !(state.baseId && state.newId && state.baseId !== state.newId);
}

async function showDiff(baseId, newId) {
  const view = $('diff-view');
  view.hidden = false;
  view.replaceChildren(el('p', { class: 'muted' }, 'computing diff…'));
  try {
    const d = await api(`/api/diff?base=${baseId}&new=${newId}`);
    view.replaceChildren(d.kind === 'heap' ? heapDiff(d) : goroutineDiff(d));
  } catch (e) {
    view.replaceChildren(el('p', { class: 'error-line' }, 'diff failed: ' + e.message));
  }
  view.scrollIntoView({ block: 'nearest' });
}

function diffHeading(d, text) {
  return el('h4', {}, `${text}: #${d.base.id} (${fmtDateTime(d.base.time_nanos)}) → #${d.new.id} (${fmtDateTime(d.new.time_nanos)})`,
    el('button', { type: 'button', class: 'link-button close', onclick: () => { $('diff-view').hidden = true; } }, 'close'));
}

function heapDiff(d) {
  const x = d.diff;
  const fmt = unitFormatter(x.unit);
  return el('div', { class: 'diff heap-diff' },
    diffHeading(d, 'Heap diff (' + x.sample_type + ')'),
    el('p', {}, `${fmt(x.base_total)} → ${fmt(x.new_total)} (${fmtSigned(x.new_total - x.base_total, fmt)})`),
    el('table', { class: 'diff-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'flat'), el('th', {}, 'cum'), el('th', {}, 'function'))),
      el('tbody', {}, x.functions.slice(0, 25).map((r) => el('tr', { class: r.flat > 0 ? 'grew' : r.flat < 0 ? 'shrank' : '' },
        el('td', { class: 'num' }, fmtSigned(r.flat, fmt)), el('td', { class: 'num' }, fmtSigned(r.cum, fmt)), el('td', {}, el('code', {}, r.function)))))),
    el('h4', {}, `Stacks by growth (${x.changed_stacks} changed)`),
    x.stacks.map((s, i) => details(`diff-stack-${i}`,
      el('span', {}, el('b', {}, fmtSigned(s.delta, fmt)), ` ${fmt(s.base)} → ${fmt(s.new)} `, el('code', {}, s.frames[0] || '?')),
      stackList(s.frames))));
}

function goroutineDiff(d) {
  const x = d.diff;
  return el('div', { class: 'diff goroutine-diff' },
    diffHeading(d, 'Goroutine diff'),
    el('p', {}, `${x.base_total} → ${x.total} goroutines (${fmtSigned(x.total - x.base_total, fmtCount)}), ${x.unchanged_stacks} stacks unchanged`),
    x.changes.length === 0 ? el('p', { class: 'muted' }, 'No stack changed.') : null,
    x.changes.map((c, i) => details(`gdiff-${i}`,
      el('span', {}, el('b', {}, fmtSigned(c.delta, fmtCount)), ` ${c.base_count} → ${c.count} `, el('code', {}, c.top_function),
        ' ', el('span', { class: 'muted' }, c.state), c.new ? el('span', { class: 'badge firing' }, 'new') : null),
      stackList(c.stack))));
}

async function showGroups(id) {
  const view = $('diff-view');
  view.hidden = false;
  view.replaceChildren(el('p', { class: 'muted' }, 'loading goroutine groups…'));
  try {
    const r = await api(`/api/snapshots/${id}/goroutines`);
    const g = r.goroutines;
    view.replaceChildren(el('div', { class: 'diff groups' },
      el('h4', {}, `Goroutine groups of #${id} (${fmtDateTime(r.snapshot.time_nanos)}): ${g.total} goroutines, ${g.hidden_runtime_owned} runtime-owned hidden`,
        el('button', { type: 'button', class: 'link-button close', onclick: () => { view.hidden = true; } }, 'close')),
      g.finalizer && g.finalizer.blocked ? el('p', { class: 'error-line' }, `finalizer goroutine blocked in ${g.finalizer.function} (${g.finalizer.state})`) : null,
      g.groups.slice(0, 30).map((grp, i) => details(`group-${id}-${i}`,
        el('span', {}, el('b', {}, String(grp.count)), ' ', el('code', {}, grp.top_function), ' ', el('span', { class: 'muted' }, grp.state + (grp.max_wait_minutes ? `, ${grp.max_wait_minutes} min` : ''))),
        stackList(grp.stack)))));
  } catch (e) {
    view.replaceChildren(el('p', { class: 'error-line' }, 'groups failed: ' + e.message));
  }
}

// ---- refresh ----------------------------------------------------------------------------

function drawCharts() {
  if (!state.series) return;
  drawChart($('heap-chart'), state.series.heap, 'bytes', 'heap');
  drawChart($('goroutine-chart'), state.series.goroutine, 'count', 'goroutine');
}

async function refreshTarget() {
  const name = state.selected;
  const t = state.targets.find((x) => x.name === name);
  if (!t) return;
  renderTargetHeading(t);
  renderAlerts();
  const enc = encodeURIComponent(name);
  const since = state.rangeSeconds ? `&since=${(Date.now() - state.rangeSeconds * 1000) * 1e6}` : '';
  const [heap, gor, trends, snaps] = await Promise.all([
    api(`/api/targets/${enc}/series?kind=heap${since}`),
    api(`/api/targets/${enc}/series?kind=goroutine${since}`),
    api(`/api/targets/${enc}/trends?kind=${state.trendKind}`),
    api(`/api/targets/${enc}/snapshots?kind=${state.snapshotKind}&limit=200`),
  ]);
  if (state.selected !== name) return;  // the user moved on while these were in flight
  state.series = { heap: heap.points, goroutine: gor.points };
  drawCharts();
  const last = (p) => (p.length ? p[p.length - 1].total : null);
  $('heap-latest').textContent = heap.points.length ? fmtBytes(last(heap.points)) : '';
  $('goroutine-latest').textContent = gor.points.length ? fmtCount(last(gor.points)) : '';
  renderTrends(trends);
  state.snapshots = snaps.snapshots;
  renderSnapshots();
}

async function refresh() {
  clearTimeout(state.timer);
  const status = $('refresh-status');
  try {
    const [targets, alerts] = await Promise.all([api('/api/targets'), api('/api/alerts?state=all')]);
    state.targets = targets.targets;
    state.alerts = alerts.alerts;
    $('token-form').hidden = true;
    routeFromHash();
    if (!state.selected && state.targets.length === 1) state.selected = state.targets[0].name;
    renderTargets();
    renderFiringSummary();
    if (state.selected) await refreshTarget();
    status.textContent = 'updated ' + fmtTime(Date.now() * 1e6);
    status.classList.remove('stale');
  } catch (e) {
    status.textContent = e instanceof Unauthorized ? 'token needed' : 'refresh failed: ' + e.message;
    status.classList.add('stale');
  }
  state.timer = setTimeout(refresh, REFRESH_MS);
}

// #/targets/NAME selects a target; #/alerts/ID (the notifier's links) opens that alert.
function routeFromHash() {
  const h = location.hash;
  let m = /^#\/targets\/(.+)$/.exec(h);
  if (m) {
    const name = decodeURIComponent(m[1]);
    if (state.targets.some((t) => t.name === name)) state.selected = name;
    return;
  }
  m = /^#\/alerts\/(\d+)$/.exec(h);
  if (m) {
    const a = state.alerts.find((x) => x.id === Number(m[1]));
    if (!a) return;
    state.selected = a.target;
    state.focusAlert = a.id;
    history.replaceState(null, '', '#/targets/' + encodeURIComponent(a.target));
  }
}

function switchTabs(containerId, onPick) {
  const container = $(containerId);
  container.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    for (const other of container.children) other.classList.toggle('active', other === b);
    onPick(b.dataset.kind);
  });
}

function init() {
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
    $('token-input').value = '';
    $('token-form').hidden = true;
    refresh();
  });
  $('range-buttons').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    state.rangeSeconds = Number(b.dataset.range);
    refresh();
  });
  switchTabs('trend-tabs', (kind) => { state.trendKind = kind; refresh(); });
  switchTabs('snapshot-tabs', (kind) => {
    state.snapshotKind = kind;
    state.baseId = state.newId = null;
    refresh();
  });
  $('diff-button').addEventListener('click', () => showDiff(state.baseId, state.newId));
  window.addEventListener('hashchange', () => refresh());
  let resizeTimer = null;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 100); });
  refresh();
}

document.addEventListener('DOMContentLoaded', init);
