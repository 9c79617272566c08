// arc-summary.js — a film's mood arc in words, for the arc chart's
// accessible name (a screen reader hears the data, not just "a chart") and
// for the share card. Pure.
import { fmtMetric } from '../ui.js';

/**
 * "Mood arc of Heat in 6 segments. energy starts at 0.42, is highest (0.61)
 * in segment 3 and ends at 0.38; …" for each metric of `metrics` the
 * segments have. segments = [{ metrics: { energy, ... } }].
 */
export function arcSummary(title, segments, metrics) {
  const n = segments.length;
  const parts = [];
  for (const m of metrics) {
    const v = segments.map((s) => s.metrics?.[m]);
    if (!v.length || v.some((x) => typeof x !== 'number')) continue;
    let hi = 0; let lo = 0;
    v.forEach((x, i) => { if (x > v[hi]) hi = i; if (x < v[lo]) lo = i; });
    parts.push(`${m} starts at ${fmtMetric(m, v[0])}, is highest (${fmtMetric(m, v[hi])}) in segment ${hi + 1}, lowest (${fmtMetric(m, v[lo])}) in segment ${lo + 1}, and ends at ${fmtMetric(m, v[n - 1])}`);
  }
  return `Mood arc of ${title} in ${n} segment${n === 1 ? '' : 's'}. ${parts.join('; ')}.`;
}
