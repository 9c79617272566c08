// taste-reference.js — what "bright" or "energetic" is relative to: the
// distribution of the model's predictions over songs it learned from, so a
// verdict is a percentile, not a fixed 0.5 on a scale the model rarely uses
// (at 0.5, 229 of the 300 demo songs were "bright and energetic").
//
// One source, said out loud (reference.source / reference.label):
//   'model'  song-prediction quantiles in the model's own meta (engine info,
//            from its calibration on the training songs), when the model has them;
//   'demo'   otherwise the predicted moods of weights/demo.json: 300 held-out
//            songs run through the shipped model (its own output distribution).
//
//   loadReference(engine) → { source, label, quantiles: { metric: number[] ascending } }
//   percentile(ref, metric, v) → 0..100 (share of reference songs at or below v)
//   median(ref, metric)

import { clampMetric, isNum } from '../ui.js';

/** Sorted finite values, or null when there are too few to be a reference. */
function ascending(list) {
  const v = (Array.isArray(list) ? list : []).filter(isNum).sort((a, b) => a - b);
  return v.length >= 5 ? v : null;
}

/** { metric: values } → { metric: ascending values } for the metrics with enough of them, or null when none has. */
function ascendingPerMetric(lists) {
  const out = {};
  for (const [m, list] of Object.entries(lists)) { const v = ascending(list); if (v) out[m] = v; }
  return Object.keys(out).length ? out : null;
}

/** Quantiles from a model's info: info.song_quantiles = { metric: [ascending values] } (wasm/api.c, the song calibration's knots). */
export function quantilesFromInfo(info) {
  const q = info?.song_quantiles;
  return q && typeof q === 'object' ? ascendingPerMetric(q) : null;
}

/** Quantiles (here: every value, sorted) of the demo library's predicted moods. */
export function quantilesFromDemo(json) {
  const per = {};
  for (const s of Array.isArray(json?.songs) ? json.songs : []) {
    for (const [m, v] of Object.entries(s?.metrics || {})) if (isNum(v)) (per[m] ||= []).push(clampMetric(m, v));
  }
  return ascendingPerMetric(per);
}

let loading = null;
export function loadReference(engine, { demoUrl = './demo.json' } = {}) {
  loading ||= (async () => {
    const info = await Promise.resolve(engine?.ready).catch(() => null);
    const fromModel = quantilesFromInfo(info);
    if (fromModel) return { source: 'model', label: 'the songs the model learned from', quantiles: fromModel };
    const r = await fetch(demoUrl);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const json = await r.json();
    const fromDemo = quantilesFromDemo(json);
    if (!fromDemo) throw new Error('demo.json has no predicted moods');
    return { source: 'demo', label: `${json.songs.length} held-out songs scored by the same model`, quantiles: fromDemo };
  })().catch((e) => { loading = null; throw e; });
  return loading;
}

/** The share (0..100) of reference songs whose `metric` is at or below v; null when unknown. */
export function percentile(ref, metric, v) {
  const q = ref?.quantiles?.[metric];
  if (!q || !isNum(v)) return null;
  let lo = 0; let hi = q.length;   // first index with q[i] > v
  while (lo < hi) { const mid = (lo + hi) >> 1; if (q[mid] <= v) lo = mid + 1; else hi = mid; }
  return (100 * lo) / q.length;
}

/** The reference's median of `metric`, or 0.5 without one. */
export function median(ref, metric) {
  const q = ref?.quantiles?.[metric];
  if (!q) return 0.5;
  const n = q.length;
  return n % 2 ? q[(n - 1) >> 1] : (q[n / 2 - 1] + q[n / 2]) / 2;
}
