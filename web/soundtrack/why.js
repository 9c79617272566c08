// why.js — "Why this song?" in plain words, and the engine's word
// explanations made readable. Pure (tests/js/soundtrack.test.mjs).
import { orderMetrics } from '../ui.js';
import { metric } from '../metrics.js';

/** The engine's explanation ({ top: { metric: [{ word, delta }] } }) → [{ metric, words: [{ word, delta }] }], main metrics first. */
export function explainWords(res) {
  const top = res && typeof res === 'object' && res.top && typeof res.top === 'object' ? res.top : {};
  const names = orderMetrics(Object.keys(top));
  return names.map((m) => ({
    metric: m,
    words: (Array.isArray(top[m]) ? top[m] : [])
      .filter((w) => w && typeof w.word === 'string' && typeof w.delta === 'number' && Number.isFinite(w.delta))
      .map((w) => ({ word: w.word.slice(0, 60), delta: w.delta })),
  }));
}

export const pctText = (v) => (typeof v === 'number' && Number.isFinite(v) ? ordinal(Math.round(v)) : '—');

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st … */
export function ordinal(n) {
  const t = n % 100; const o = n % 10;
  return `${n}${t >= 11 && t <= 13 ? 'th' : o === 1 ? 'st' : o === 2 ? 'nd' : o === 3 ? 'rd' : 'th'}`;
}

const WHY_ORDER = ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'];

/**
 * "Why this song?" in words from the calibrated scale: the (at most two)
 * metrics where film and song are most alike AND furthest from the middle,
 * e.g. "Both among the calmest 15 %: film energy 12th percentile, song 9th."
 * filmPct / songPct: { metric: percentile 0..100 }.
 */
export function whyWords(filmPct, songPct, metrics = Object.keys(filmPct || {})) {
  const ms = metrics.filter((m) => typeof filmPct?.[m] === 'number' && typeof songPct?.[m] === 'number')
    .sort((a, b) => (WHY_ORDER.indexOf(a) + 1 || 99) - (WHY_ORDER.indexOf(b) + 1 || 99));
  if (!ms.length) return '';
  const side = (m) => {
    const f = filmPct[m]; const s = songPct[m];
    if (f < 50 && s < 50) return { m, score: 50 - Math.max(f, s), text: `both among the ${metric(m).low} ${Math.max(5, Math.ceil(Math.max(f, s) / 5) * 5)} %` };
    if (f >= 50 && s >= 50) return { m, score: Math.min(f, s) - 50, text: `both among the ${metric(m).high} ${Math.max(5, Math.ceil((100 - Math.min(f, s)) / 5) * 5)} %` };
    return { m, score: -Math.abs(f - s), text: `${m} near the middle for both` };
  };
  const parts = ms.slice(0, 4).map(side).sort((a, b) => b.score - a.score).slice(0, 2);
  return parts.map((p) => {
    const t = `${p.text}: film ${p.m} ${pctText(filmPct[p.m])} percentile, song ${pctText(songPct[p.m])}`;
    return t[0].toUpperCase() + t.slice(1);
  }).join('. ') + '.';
}
