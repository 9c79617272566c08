// ui.js — the small pieces every view of the page shares:
//   $(id), el(tag, props, ...kids)   the element builder (text always via textContent)
//   fmt, fmtMetric, pct              number formatting
//   orderMetrics, setModelMetrics    one order for metrics everywhere (the model's)
//   metricsFrom                      a metric object out of an engine or file result
// No state but the model's metric order; no network.

import { metric, metricNames } from './metrics.js';

export const $ = (id) => document.getElementById(id);

// Keys set as attributes (everything else that the element has is set as a property).
const ATTRIBUTE = /^(aria-|data-)|^(role|for|scope)$/;

/**
 * A DOM element: props.text → textContent, props.class → className, aria-*,
 * data-*, role, for, scope → attributes, other keys → properties (or
 * attributes when the element has no such property). null/undefined props
 * and null/false children are skipped.
 */
export function el(tag, props = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (ATTRIBUTE.test(k) || !(k in e)) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const kid of kids) if (kid != null && kid !== false) e.append(kid);
  return e;
}

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** A number with d decimals, or an em dash when there is none. */
export const fmt = (v, d = 2) => (isNum(v) ? v.toFixed(d) : '—');
/** A metric's value as shown: tempo in whole BPM, the rest on their 0–1 scale. */
export const fmtMetric = (name, v) => fmt(v, name === 'tempo' ? 0 : 2);
/** A share 0..1 as a whole percentage. */
export const pct = (x) => (x == null ? '—' : `${Math.round(x * 100)}%`);

// --- metrics ------------------------------------------------------------------------

// The model's output order until the engine has told us (engine info.metrics): the metrics table's (metrics.js).
export const DEFAULT_METRICS = metricNames();
let modelMetrics = DEFAULT_METRICS;

/** Called with the engine's info.metrics once the model is loaded. */
export function setModelMetrics(names) {
  if (Array.isArray(names) && names.length && names.every((n) => typeof n === 'string')) modelMetrics = names.slice();
}
/** The metrics the model predicts, in its order. */
export const modelMetricNames = () => modelMetrics.slice();

/** `names` sorted in the model's order (unknown names last, in their given order). */
export function orderMetrics(names) {
  const rank = (m) => { const i = modelMetrics.indexOf(m); return i < 0 ? modelMetrics.length : i; };
  return [...names].map((m, i) => [m, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([m]) => m);
}

// Valid ranges of the predicted values: Spotify's audio features, which the
// model learned, are 0..1 except tempo (BPM). The network's linear output can
// step slightly outside (a demo song's acousticness was −0.011), so values are
// clamped wherever they enter the page from the engine or a file.
// (the ranges are the metrics table's, metrics.js)
export function clampMetric(name, v) {
  const [lo, hi] = metric(name).range;
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The metrics of an engine result or stored record ({ energy, ... } or
 * { metrics: { ... } }): finite numbers only, clamped to their valid range,
 * without ids. → {} when there are none.
 */
export function metricsFrom(m) {
  const src = m && typeof m === 'object' ? (m.metrics && typeof m.metrics === 'object' ? m.metrics : m) : {};
  const out = {};
  for (const [k, v] of Object.entries(src)) if (k !== 'id' && isNum(v)) out[k] = clampMetric(k, v);
  return out;
}

/**
 * The whole number in a number field, clamped to [min, max] where the user
 * can see it: the field is rewritten and `note` says what happened (an empty
 * or unreadable field gets `fallback`). → the value used.
 */
export function clampNumberField(input, { min, max, fallback }, note) {
  const raw = String(input.value).trim();
  const n = Math.round(Number(raw));
  let v = n; let msg = '';
  if (!raw || !Number.isFinite(n)) { v = fallback; msg = `Enter a number from ${min} to ${max}; using ${fallback}.`; }
  else if (n < min) { v = min; msg = `At least ${min}: set to ${min}.`; }
  else if (n > max) { v = max; msg = `At most ${max}: set to ${max}.`; }
  else if (Number(raw) !== n) msg = `Whole numbers only: set to ${n}.`;   // "3.5" → 4, said like the others
  if (String(v) !== raw) input.value = String(v);
  if (note && msg) note.textContent = msg;   // (the caller clears it when the user types again)
  return v;
}

/** Resolves after the next frame is painted (at once when the page is hidden: no frames then):
 * for work the view's first paint does not need. */
export const afterPaint = () => new Promise((r) => {
  if (document.hidden) { setTimeout(r, 0); return; }
  requestAnimationFrame(() => setTimeout(r, 0));
});
