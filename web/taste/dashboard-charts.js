// dashboard-charts.js — Chart.js with the parts the Taste dashboard uses,
// loaded on demand, and a figure helper that pairs every chart with the
// same numbers as a table (for screen readers and keyboard users).
import {
  Chart, BarController, BarElement, DoughnutController, ArcElement, ScatterController, LineController,
  LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, DoughnutController, ArcElement, ScatterController, LineController,
  LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);
Chart.defaults.animation = false;   // no motion; also keeps the browser tests deterministic
Chart.defaults.maintainAspectRatio = false;

export { Chart };

const live = new Set();
// Charts are drawn one per task once their figures are on the page and shown
// (a chart costs tens of ms: the view's first paint and the user's next click
// do not wait for all of them); each figure keeps the room of its chart. A
// chart made before its figure is on the page would be laid out and drawn
// again by Chart.js when the figure arrives, every such chart in the one task
// that puts the sections on the page (over 100 ms of main thread, while the
// user may be clicking to another tab); a chart in a hidden tab is drawn when
// the tab is shown.
/** Let the page answer input before going on (scheduler.yield where there is one). */
export const yieldTask = () => (typeof globalThis.scheduler?.yield === 'function' ? globalThis.scheduler.yield() : new Promise((r) => setTimeout(r, 0)));
const pending = [];   // [{ canvas, draw }] in the order asked
let pumping = null;
const drawable = (job) => job.canvas.isConnected && !job.canvas.closest('[hidden]');
function nextDrawable() {
  const i = pending.findIndex(drawable);
  return i < 0 ? null : pending.splice(i, 1)[0];
}
function pump() {
  pumping ||= (async () => {
    for (;;) {
      await yieldTask();
      const job = nextDrawable();
      if (!job) return;
      job.draw();
    }
  })().finally(() => {
    pumping = null;
    watch();
    if (pending.some(drawable)) pump();   // one that became drawable as the last part ended
  });
  return pumping;
}
// watches the page while charts wait for their figures to arrive or their tab to be shown
const arrivals = typeof MutationObserver === 'function' ? new MutationObserver(() => { if (!pumping && pending.some(drawable)) pump(); }) : null;
let watching = false;
function watch() {
  const want = pending.length > 0;
  if (want === watching || !arrivals) return;
  watching = want;
  if (want) arrivals.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
  else arrivals.disconnect();
}
/** Resolves once every chart asked for so far whose figure is on the page, and shown, is drawn. */
export function settled() { return pending.some(drawable) ? pump() : pumping || Promise.resolve(); }

/** Destroy every chart made by chartFigure, and forget the ones not drawn yet (before the dashboard is drawn again). */
export function destroyAll() {
  pending.length = 0;
  watch();
  for (const c of live) { try { c.destroy(); } catch { /* already gone */ } }
  live.clear();
}

export const PALETTE = ['#7b61ff', '#e0627a', '#2fa37a', '#e09a2f', '#3a8ee0', '#a05ad0', '#6b6b80'];

/** Colours that follow the light/dark setting of the page. */
export function themeColors() {
  const cs = getComputedStyle(document.documentElement);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  return { fg: v('--fg', '#1d1b2e'), muted: v('--muted', '#5b5870'), line: v('--line', '#dcd9e8'), accent: v('--accent', '#5b3fd1') };
}

/**
 * A <figure> with a canvas chart and, below it, a <details> table of the
 * same data. spec = { id, label (aria-label of the chart), caption (the
 * figure's caption), config (Chart.js), table: { caption, head: [..], rows: [[..]] }, height }.
 * Returns { figure, chart, canvas }: chart is null until the chart is drawn
 * (in a task of its own, see settled()).
 */
export function chartFigure(spec) {
  const fig = document.createElement('figure');
  fig.className = 'dash-chart';
  if (spec.id) fig.id = spec.id;
  const box = document.createElement('div');
  box.className = 'dash-canvas';
  box.style.height = `${spec.height || 260}px`;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', spec.label);
  box.append(canvas);
  const cap = document.createElement('figcaption');
  cap.textContent = spec.caption || '';
  fig.append(box, cap, dataTable(spec.table));
  const t = themeColors();
  const cfg = spec.config;
  cfg.options = cfg.options || {};
  cfg.options.responsive = true;
  cfg.options.plugins = { legend: { labels: { color: t.fg } }, ...(cfg.options.plugins || {}) };
  for (const axis of Object.values(cfg.options.scales || {})) {
    axis.ticks = { color: t.muted, ...(axis.ticks || {}) };
    axis.grid = { color: t.line, ...(axis.grid || {}) };
    if (axis.title) axis.title = { color: t.fg, display: true, ...axis.title };
  }
  const out = { figure: fig, chart: null, canvas };
  pending.push({ canvas, draw: () => {
    try { out.chart = new Chart(canvas, cfg); live.add(out.chart); } catch (e) { cap.textContent += ` (the chart could not be drawn: ${e.message}; the table below has the numbers)`; }
  } });
  watch();
  return out;
}

/** <details><summary>…as a table</summary><table>…</table></details> */
export function dataTable({ caption, head, rows, open = false }) {
  const det = document.createElement('details');
  det.className = 'dash-table';
  det.open = open;
  const sum = document.createElement('summary');
  sum.textContent = `${caption} — as a table`;
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const table = document.createElement('table');
  const c = document.createElement('caption');
  c.textContent = caption;
  const thead = document.createElement('thead');
  const tr = document.createElement('tr');
  for (const h of head) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.append(th); }
  thead.append(tr);
  const tbody = document.createElement('tbody');
  for (const row of rows) {
    const r = document.createElement('tr');
    row.forEach((cell, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) td.scope = 'row';
      td.textContent = cell == null ? '' : String(cell);
      if (typeof cell === 'number') td.className = 'num';
      r.append(td);
    });
    tbody.append(r);
  }
  table.append(c, thead, tbody);
  wrap.append(table);
  det.append(sum, wrap);
  return det;
}
