// match.js — two taste files (taste-file.js, as read) compared, and the
// songs of both for a joint soundtrack. Pure; unit-tested in
// tests/js/web-friend.test.mjs.
//
// Symmetric by construction: every number is a symmetric function of the
// two files, and every list is ordered by the files' content, never by who
// opened whom. The two files are put in a canonical order (orderPair: by a
// hash of their content) and lists break ties by folded names, so A opening
// B's file gives the same score, reasons and joint soundtrack as B opening
// A's.
//
//   compareTastes(a, b) → { score, parts: { mood, artists, songs }, sharedArtists, sharedSongs,
//                           moodDistance, contrasts: [{ metric, higher: 'a'|'b'|null, a, b }] }
//   jointPool(a, b)     → [{ key, title, artist, metrics, owner: 'a'|'b'|'both' }] in canonical order
//   orderPair(a, b)     → [first, second] (the canonical order)
import { foldName } from '../fold.js';
import { shownMetricNames, libraryOrder } from '../metrics.js';

// the moods compared for the mood distance: the shown ones of the metrics table (tempo is in
// BPM and liveness is near-constant for lyrics; both would add noise, not taste)
export const MOOD_METRICS = shownMetricNames();
// weights of the score's parts (renormalised over the parts both files allow)
const WEIGHTS = { mood: 0.5, artists: 0.3, songs: 0.2 };
// a mood distance (RMS over MOOD_METRICS, 0..1 scale) of this much or more scores 0
const MOOD_FAR = 0.35;
// contrasts below this difference are "about the same"
export const CONTRAST_MIN = 0.03;

export const songKey = (s) => `${foldName(s.artist)}|${foldName(s.title)}`;
export const artistKey = (n) => foldName(n);

/** Of two spellings of one name, the one shown: the one in mixed case (not "PAPER COMETS"), then the first in code-point order. */
const lower = (s) => (s.match(/\p{Ll}/gu) || []).length;
export const better = (x, y) => lower(x) > lower(y) || (lower(x) === lower(y) && x < y);

/** A 32-bit FNV-1a hash of a string (for the canonical order; not security). */
function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}
const canon = (f) => JSON.stringify([f.name || '', f.metrics, f.artists || [], (f.songs || []).map((s) => [s.title, s.artist, f.metrics.map((m) => s.metrics[m])]), f.mood || null]);
/** The two files in an order that depends only on their content. */
export function orderPair(a, b) {
  const ka = canon(a); const kb = canon(b);
  const ha = hash(ka); const hb = hash(kb);
  return ha < hb || (ha === hb && ka <= kb) ? [a, b] : [b, a];
}

/** The mood summary of a file: its own, else the mean of its songs. */
export function moodOf(f) {
  if (f.mood?.mean) return f.mood.mean;
  if (!f.songs?.length) return null;
  const out = {};
  for (const m of f.metrics) out[m] = f.songs.reduce((t, s) => t + s.metrics[m], 0) / f.songs.length;
  return out;
}

/** Rank weights of a best-first list: 1 for the first, falling slowly (1/sqrt(rank)). */
function rankWeights(keys) {
  const w = new Map();
  keys.forEach((k, i) => { if (k && !w.has(k)) w.set(k, 1 / Math.sqrt(i + 1)); });
  return w;
}
/** Weighted overlap of two ranked lists: sum of min weights over sum of max weights (0..1, symmetric). */
function overlap(wa, wb) {
  let num = 0; let den = 0;
  for (const k of new Set([...wa.keys(), ...wb.keys()])) {
    const x = wa.get(k) || 0; const y = wb.get(k) || 0;
    num += Math.min(x, y); den += Math.max(x, y);
  }
  return den ? num / den : 0;
}
/** Shared items, best for both first: by the sum of their rank weights, then by name. */
function shared(wa, wb, show) {
  return [...wa.keys()].filter((k) => wb.has(k))
    .map((k) => ({ key: k, weight: wa.get(k) + wb.get(k), ...show(k) }))
    .sort((x, y) => y.weight - x.weight || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

export function compareTastes(a0, b0) {
  // (a and b in the canonical order: every result below is named by 'a'/'b' of that order)
  const [a, b] = orderPair(a0, b0);
  const parts = {};
  // artists: the files' artist lists, else the artists of their songs
  const artistsOf = (f) => (f.artists?.length ? f.artists : (f.songs || []).map((s) => s.artist)).map(artistKey);
  const shownArtist = new Map();
  for (const f of [a, b]) for (const n of f.artists?.length ? f.artists : (f.songs || []).map((s) => s.artist)) {
    const k = artistKey(n); if (k && (!shownArtist.has(k) || better(n, shownArtist.get(k)))) shownArtist.set(k, n);
  }
  const waA = rankWeights(artistsOf(a)); const waB = rankWeights(artistsOf(b));
  if (waA.size && waB.size) parts.artists = overlap(waA, waB);
  const sharedArtists = shared(waA, waB, (k) => ({ name: shownArtist.get(k) || k }));
  // songs
  const shownSong = new Map();
  for (const f of [a, b]) {
    for (const s of f.songs || []) {
      const k = songKey(s); const had = shownSong.get(k);
      if (!had || better(`${s.title}\n${s.artist}`, `${had.title}\n${had.artist}`)) shownSong.set(k, { title: s.title, artist: s.artist });
    }
  }
  const wsA = rankWeights((a.songs || []).map(songKey)); const wsB = rankWeights((b.songs || []).map(songKey));
  if (wsA.size && wsB.size) parts.songs = overlap(wsA, wsB);
  const sharedSongs = shared(wsA, wsB, (k) => shownSong.get(k));
  // mood
  const ma = moodOf(a); const mb = moodOf(b);
  const common = ma && mb ? MOOD_METRICS.filter((m) => typeof ma[m] === 'number' && typeof mb[m] === 'number') : [];
  let moodDistance = null;
  if (common.length) {
    moodDistance = Math.sqrt(common.reduce((t, m) => t + (ma[m] - mb[m]) ** 2, 0) / common.length);
    parts.mood = Math.max(0, 1 - moodDistance / MOOD_FAR);
  }
  const contrasts = ma && mb ? libraryOrder(MOOD_METRICS).filter((m) => typeof ma[m] === 'number' && typeof mb[m] === 'number')
    .map((m) => ({ metric: m, a: ma[m], b: mb[m], higher: Math.abs(ma[m] - mb[m]) < CONTRAST_MIN ? null : ma[m] > mb[m] ? 'a' : 'b' })) : [];
  const used = Object.keys(parts);
  const wsum = used.reduce((t, k) => t + WEIGHTS[k], 0);
  const score = wsum ? Math.round((100 * used.reduce((t, k) => t + WEIGHTS[k] * partValue(k, parts[k]), 0)) / wsum) : null;
  return { a, b, score, parts, sharedArtists, sharedSongs, moodDistance, contrasts };
}

// overlaps of two people's lists are small even between close friends: a
// square root lets a few shared favourites count
const partValue = (k, v) => (k === 'mood' ? v : Math.sqrt(v));
const PART_LABEL = { mood: 'mood', artists: 'shared artists', songs: 'shared songs' };
/** The score's parts as they count: [{ key, label, value 0–100, weight % }] (the weights of the parts there are). */
export function scoreParts(r) {
  const used = Object.keys(WEIGHTS).filter((k) => k in r.parts);
  const wsum = used.reduce((t, k) => t + WEIGHTS[k], 0);
  return used.map((k) => ({ key: k, label: PART_LABEL[k], value: Math.round(100 * partValue(k, r.parts[k])), weight: Math.round((100 * WEIGHTS[k]) / wsum) }));
}

/**
 * The songs of both files for one soundtrack, each marked whose it is
 * ('a', 'b' of the canonical order, or 'both' when both files have it; its
 * moods then the mean of the two), ordered by song key (then title) so the
 * engine gets the same request whoever asks.
 */
export function jointPool(a0, b0) {
  const [a, b] = orderPair(a0, b0);
  const metrics = a.metrics.filter((m) => b.metrics.includes(m));
  const byKey = new Map();
  for (const [who, f] of [['a', a], ['b', b]]) {
    for (const s of f.songs || []) {
      if (!metrics.every((m) => typeof s.metrics[m] === 'number')) continue;
      const key = songKey(s);
      const had = byKey.get(key);
      const ms = Object.fromEntries(metrics.map((m) => [m, s.metrics[m]]));
      if (!had) byKey.set(key, { key, title: s.title, artist: s.artist, metrics: ms, owner: who, n: 1 });
      else if (had.owner !== who) {
        had.owner = 'both';
        if (better(`${s.title}\n${s.artist}`, `${had.title}\n${had.artist}`)) { had.title = s.title; had.artist = s.artist; }
        for (const m of metrics) had.metrics[m] = (had.metrics[m] * had.n + ms[m]) / (had.n + 1);
        had.n++;
      }
    }
  }
  return { a, b, metrics, songs: [...byKey.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).map(({ n, ...s }) => s) };
}
