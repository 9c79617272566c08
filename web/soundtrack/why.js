// why.js — "Why this song?" in plain words, and the engine's word
// explanations made readable. Pure (tests/js/soundview.test.mjs).
//
// Plain words: no distances, no "%ile"; a metric is named only when the
// metrics table shows it (tempo and liveness are flat for every film); a
// large gap is said as a difference, never as agreement; stop words are
// never given as reasons.
import { orderMetrics } from '../ui.js';
import { metric } from '../metrics.js';
import { isStopWord } from '../taste/stopwords.js';

const num = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * The engine's explanation ({ top: { metric: [{ word, delta }] } }) → [{ metric, words: [{ word, delta }] }],
 * main metrics first; only the metrics the page shows, without stop words.
 */
export function explainWords(res) {
  const top = res && typeof res === 'object' && res.top && typeof res.top === 'object' ? res.top : {};
  const names = orderMetrics(Object.keys(top)).filter((m) => metric(m).shown);
  return names.map((m) => ({
    metric: m,
    words: (Array.isArray(top[m]) ? top[m] : [])
      .filter((w) => w && typeof w.word === 'string' && typeof w.delta === 'number' && Number.isFinite(w.delta) && w.delta !== 0)
      .filter((w) => /\p{L}/u.test(w.word) && !isStopWord(w.word))
      .map((w) => ({ word: w.word.slice(0, 60), delta: w.delta })),
  }));
}

/** One metric's words in plain words: "energy: “fight”, “run” make it more energetic; “rain” calmer". */
export function wordsLine({ metric: m, words }, max = 4) {
  const t = metric(m);
  const up = words.filter((w) => w.delta > 0).slice(0, max).map((w) => `“${w.word}”`);
  const down = words.filter((w) => w.delta < 0).slice(0, max).map((w) => `“${w.word}”`);
  const parts = [];
  if (up.length) parts.push(`${up.join(', ')} make${up.length === 1 ? 's' : ''} it ${t.more}`);
  if (down.length) parts.push(`${down.join(', ')} ${parts.length ? '' : `make${down.length === 1 ? 's' : ''} it `}${t.less}`.replace('  ', ' '));
  return parts.length ? `${t.label}: ${parts.join('; ')}` : '';
}

export const pctText = (v) => (num(v) ? ordinal(Math.round(v)) : '—');

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st … */
export function ordinal(n) {
  const t = n % 100; const o = n % 10;
  return `${n}${t >= 11 && t <= 13 ? 'th' : o === 1 ? 'st' : o === 2 ? 'nd' : o === 3 ? 'rd' : 'th'}`;
}

const CLOSE = 15;   // percentile points: closer is "alike"
const END = 35;     // within 35 of an end is "among the …"; between is "near the middle"
const share = (x) => Math.max(5, Math.ceil(x / 5) * 5);

/** Where a percentile sits, in words: "among the calmest 5 %", "near the middle", "among the most energetic 10 %". */
export function placeWords(m, p) {
  const t = metric(m);
  if (p <= END) return `among the ${t.low} ${share(p)} %`;
  if (p >= 100 - END) return `among the ${t.high} ${share(100 - p)} %`;
  return 'near the middle';
}

/**
 * "Why this song?" in plain words from the calibrated scale (percentiles
 * 0..100 of the film part, filmPct, and of the song, songPct): at most two
 * metrics where they are alike, the most telling first ("Both among the
 * calmest 15 % for energy."), and, when a shown metric differs widely, that
 * difference ("But the song is happier: the film part is among the darkest
 * 5 %, the song near the middle."). subject names the film side.
 */
export function whyWords(filmPct, songPct, metrics = Object.keys(filmPct || {}), { subject = 'this part of the film' } = {}) {
  const ms = orderMetrics(metrics).filter((m) => metric(m).shown && num(filmPct?.[m]) && num(songPct?.[m]));
  if (!ms.length) return '';
  const alike = []; const apart = [];
  for (const m of ms) {
    const f = filmPct[m]; const s = songPct[m]; const gap = Math.abs(f - s);
    const hi = Math.max(f, s); const lo = Math.min(f, s);
    if (gap <= CLOSE) {
      if (hi <= END) alike.push({ m, score: 100 - hi, text: `both among the ${metric(m).low} ${share(hi)} %` });
      else if (lo >= 100 - END) alike.push({ m, score: lo, text: `both among the ${metric(m).high} ${share(100 - lo)} %` });
      else alike.push({ m, score: 50 - gap, text: `both near the middle for ${metric(m).label}` });
    } else {
      apart.push({ m, gap, text: `the song is ${s > f ? metric(m).more : metric(m).less}: ${subject} is ${placeWords(m, f)}, the song ${placeWords(m, s)}` });
    }
  }
  alike.sort((a, b) => b.score - a.score);
  apart.sort((a, b) => b.gap - a.gap);
  const cap = (t) => t[0].toUpperCase() + t.slice(1);
  const out = alike.slice(0, 2).map((a) => cap(a.text));
  if (!out.length) out.push(`No mood matches closely; the nearest is ${metric(apart[apart.length - 1].m).label}`);
  if (apart.length && (apart[0].gap >= 30 || !alike.length)) out.push(`${alike.length ? 'But ' : ''}${alike.length ? apart[0].text : cap(apart[0].text)}`);
  return `${out.join('. ')}.`;
}
