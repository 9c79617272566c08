// dashboard-stats.js — the numbers behind the Taste dashboard. Pure functions
// over the library store's plain data (no DOM, no fetch), unit-tested in
// tests/js/dashboard-stats.test.mjs. No popularity, genres or audio features:
// moods are the model's predictions from lyrics.

import { isStopWord } from './stopwords.js';
import { unitMetricNames, quadrantName } from '../metrics.js';

/** The song metrics averaged per time range: those on the 0..1 scale (the metrics table, metrics.js). */
export const MOOD_METRICS = unitMetricNames();

export const RANGES = ['short_term', 'medium_term', 'long_term'];
export const RANGE_LABELS = { short_term: 'Last 4 weeks', medium_term: 'Last 6 months', long_term: 'About a year and more' };

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * How stable the taste is across the three ranges, for ids (tracks) or
 * Artist objects (by id).
 * → { sizes: {range: n}, overlap: [{a, b, shared, share}] (share = shared /
 *     size of the smaller list), newcomers: ids in short_term only (not in the
 *     other two), favourites: ids in all three, in long_term order }
 */
export function stability(lists) {
  const ids = {};
  for (const r of RANGES) ids[r] = (lists?.[r] || []).map((x) => (typeof x === 'string' ? x : x?.id)).filter(Boolean);
  const sets = Object.fromEntries(RANGES.map((r) => [r, new Set(ids[r])]));
  const pairs = [['short_term', 'medium_term'], ['medium_term', 'long_term'], ['short_term', 'long_term']];
  const overlap = pairs.map(([a, b]) => {
    let shared = 0;
    for (const x of sets[a]) if (sets[b].has(x)) shared++;
    const denom = Math.min(sets[a].size, sets[b].size);
    return { a, b, shared, share: denom ? shared / denom : null };
  });
  const newcomers = ids.short_term.filter((x) => !sets.medium_term.has(x) && !sets.long_term.has(x));
  const favourites = ids.long_term.filter((x) => sets.short_term.has(x) && sets.medium_term.has(x));
  return { sizes: Object.fromEntries(RANGES.map((r) => [r, sets[r].size])), overlap, newcomers, favourites };
}

/** Release year of a song from releaseDate ("1997", "1997-05", "1997-05-12"), or null. */
export function releaseYear(song) {
  const m = /^(\d{4})/.exec(String(song?.releaseDate || ''));
  const y = m ? +m[1] : NaN;
  return y >= 1900 && y <= 2100 ? y : null;
}

/** Songs per release decade → { decades: [{decade: 1990, label: '1990s', count}], unknown }. */
export function decades(songs) {
  const counts = new Map();
  let unknown = 0;
  for (const s of songs) {
    const y = releaseYear(s);
    if (y == null) { unknown++; continue; }
    const d = Math.floor(y / 10) * 10;
    counts.set(d, (counts.get(d) || 0) + 1);
  }
  const list = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([decade, count]) => ({ decade, label: `${decade}s`, count }));
  return { decades: list, unknown };
}

/** Share of explicit songs among songs whose flag is known (source 'spotify'). */
export function explicitShare(songs) {
  const n = songs.length;
  const explicit = songs.filter((s) => s.explicit).length;
  return { explicit, clean: n - explicit, total: n, share: n ? explicit / n : null };
}

/** Points of the lyric-mood map: songs with predicted valence and energy. */
export function moodPoints(songs) {
  return songs.filter((s) => isNum(s.metrics?.valence) && isNum(s.metrics?.energy))
    .map((s) => ({ id: s.id, x: s.metrics.valence, y: s.metrics.energy, title: s.title, artist: s.artist }));
}

/** Quadrant name of the mood map (valence × energy around the middle; the words are the metrics table's). */
export function moodQuadrant(valence, energy, mid = { valence: 0.5, energy: 0.5 }) {
  return quadrantName(valence >= mid.valence, energy >= mid.energy);
}

/** Mean predicted metrics per time range, over that range's top tracks with metrics. */
export function moodByRange(state, metrics = MOOD_METRICS) {
  const out = [];
  for (const r of RANGES) {
    const songs = (state.top?.tracks?.[r] || []).map((id) => state.songs.get(id)).filter((s) => s && s.metrics);
    const row = { range: r, label: RANGE_LABELS[r], n: songs.length, means: {} };
    for (const m of metrics) {
      const vals = songs.map((s) => s.metrics[m]).filter(isNum);
      if (vals.length) row.means[m] = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
    out.push(row);
  }
  return out;
}

// --- words ------------------------------------------------------------------------

const TAG = /\[[^\]\n]{0,120}\]/g;          // [Chorus], LRC timestamps
const REPEAT = /\((?:x|×)?\d{1,3}x?\)|\(repeat[^)]{0,20}\)/gi;

/**
 * Lower-cased word tokens of a lyric, cleaned like the engine's tokenizer
 * (wasm/text.h) so they line up with corpus_words.json: section tags and
 * repeat marks removed, ASCII punctuation deleted ("don't" → "dont"),
 * split on whitespace.
 */
export function lyricWords(text) {
  const clean = String(text || '').replace(TAG, ' ').replace(REPEAT, ' ').replace(/<\d{1,2}:\d{2}(?:\.\d+)?>/g, ' ')
    .toLowerCase().replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '');
  return clean.split(/[\s\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/).filter(Boolean);
}

/** A token worth showing: 3+ characters, letters (digits and ’ allowed), at least one letter. */
export function isWord(w) { return w.length >= 3 && w.length <= 30 && /^[\p{L}\p{N}’]+$/u.test(w) && /\p{L}/u.test(w); }

/** Word → count over many texts (words of 3+ letters). */
export function countWords(texts) {
  const counts = new Map();
  for (const t of texts) for (const w of lyricWords(t)) if (isWord(w)) counts.set(w, (counts.get(w) || 0) + 1);
  return counts;
}

/**
 * corpus_words.json → { freq: Map(word → per-10k frequency), tokens }.
 * Accepts { word: f, ... } or { words: { word: f }, tokens|total_tokens: n }.
 */
export function readCorpus(json) {
  const src = json && typeof json === 'object' && json.words && typeof json.words === 'object' && !Array.isArray(json.words) ? json.words : json;
  const freq = new Map();
  if (src && typeof src === 'object') for (const [w, f] of Object.entries(src)) if (isNum(f) && f >= 0) freq.set(w, f);
  const tokens = isNum(json?.tokens) ? json.tokens : isNum(json?.total_tokens) ? json.total_tokens : 1e6;
  return { freq, tokens };
}

/**
 * Words that set the user's lyrics apart from the training corpus:
 * log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
 * Quinn 2008), the corpus frequencies serving both as the other group and
 * as the prior. Returns the top `k` by z-score among words seen at least
 * `minCount` times, leaving out stop words and song metadata (stopwords.js):
 * [{ word, count, per10k, corpusPer10k, z }].
 */
export function distinctiveWords(counts, corpus, { k = 15, minCount = 3, priorStrength = 500, unseenPer10k = 0.01, skip = isStopWord } = {}) {
  let n = 0;
  for (const c of counts.values()) n += c;
  if (!n) return [];
  const N = corpus.tokens;
  const out = [];
  for (const [w, y] of counts) {
    if (y < minCount || skip(w)) continue;
    const f = Math.max(corpus.freq.get(w) ?? 0, unseenPer10k) / 1e4;   // share of corpus tokens
    const alpha = priorStrength * f;
    const yc = f * N;                                   // the word's count in the corpus
    const a = (y + alpha) / (n + priorStrength - y - alpha);
    const b = (yc + alpha) / (N + priorStrength - yc - alpha);
    if (!(a > 0 && b > 0)) continue;
    const delta = Math.log(a) - Math.log(b);
    const z = delta / Math.sqrt(1 / (y + alpha) + 1 / (yc + alpha));
    out.push({ word: w, count: y, per10k: (y / n) * 1e4, corpusPer10k: corpus.freq.get(w) ?? 0, z });
  }
  out.sort((p, q) => q.z - p.z || (p.word < q.word ? -1 : 1));
  return out.slice(0, k);
}

// --- listening history (data export) ----------------------------------------------

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Busiest hour and weekday of a 7×24 clock grid (minutes or plays). */
export function clockPeak(grid) {
  let best = { day: 0, hour: 0, value: -1 };
  const dayTotals = grid.map((row) => row.reduce((a, b) => a + b, 0));
  const hourTotals = Array.from({ length: 24 }, (_, h) => grid.reduce((a, row) => a + row[h], 0));
  grid.forEach((row, d) => row.forEach((v, h) => { if (v > best.value) best = { day: d, hour: h, value: v }; }));
  const topDay = dayTotals.indexOf(Math.max(...dayTotals));
  const topHour = hourTotals.indexOf(Math.max(...hourTotals));
  return { cell: best, topDay, topHour, dayTotals, hourTotals };
}

/** "1,234 h 5 min" style text for a duration in ms. */
export function formatDuration(ms) {
  const min = Math.round(ms / 60000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return `${h.toLocaleString('en')} h ${min % 60} min`;
}
