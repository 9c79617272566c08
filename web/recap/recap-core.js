// recap-core.js — a recap of any year or month of the listening history.
// Pure (no DOM, no Worker API): runs in history-worker.js and under node:test.
//
//   recapIndex(each, { tzOffset })   plays → index: per local day, play time per song
//   recapFromEntries(entries)        the library's sources [{meta, data}] → index (de-duplicated as sources.js does)
//   recapPeriods(index)              → { years: ['2024', …], months: ['2024-01', …] } (newest first; only ones with plays)
//   recapOf(index, period)           → minutes, plays, top artists/songs/albums, segments (months of a year,
//                                      four parts of a month) with the songs played in each
//   moodArc(recap, moodOf)           → per segment the play-time-weighted mean valence and energy of its songs
//   filmArc(film, n)                 → a catalog film's valence/energy in n parts of equal length (words)
//   matchFilm(arc, films)            → the films whose arc has the shape of the recap's, best first, with why
//
// index = { songs: [{ title, artist, album }],
//           days: [{ day: 'YYYY-MM-DD', ms, plays, song: number[], songMs: number[], songPlays: number[] }] }
// Days are local days (tzOffset(ms) → minutes east of UTC) of the end of each play,
// like the history's months (history-core.js).
import { trackKey } from '../library/history-core.js';
import { dedupePlays } from '../library/sources.js';
import { metric } from '../metrics.js';

const DAY_MS = 86400000;
const pad = (n) => String(n).padStart(2, '0');
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

function localOffset(ms) { return -new Date(ms).getTimezoneOffset(); }

/** each(add) calls add(endMs, ms, title, artist, album) once per play. */
export function recapIndex(each, { tzOffset = localOffset } = {}) {
  const songs = []; const songOf = new Map();
  const days = new Map();   // day → { ms, plays, per: Map(song → [ms, plays]) }
  each((endMs, ms, title, artist, album) => {
    if (!isNum(endMs) || typeof title !== 'string' || typeof artist !== 'string' || !title || !artist) return;
    const msv = isNum(ms) && ms > 0 ? ms : 0;
    const k = trackKey(title, artist);
    let si = songOf.get(k);
    if (si === undefined) { si = songs.length; songOf.set(k, si); songs.push({ title, artist, album: typeof album === 'string' ? album : '' }); }
    else if (!songs[si].album && typeof album === 'string' && album) songs[si].album = album;
    const d = new Date(endMs + (tzOffset(endMs) || 0) * 60000);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    let o = days.get(day);
    if (!o) { o = { ms: 0, plays: 0, per: new Map() }; days.set(day, o); }
    o.ms += msv; o.plays++;
    const p = o.per.get(si);
    if (p) { p[0] += msv; p[1]++; } else o.per.set(si, [msv, 1]);
  });
  const list = [...days.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, o]) => {
    const song = []; const songMs = []; const songPlays = [];
    for (const [si, [m, p]] of o.per) { song.push(si); songMs.push(m); songPlays.push(p); }
    return { day, ms: o.ms, plays: o.plays, song, songMs, songPlays };
  });
  return { songs, days: list };
}

/** The library's sources [{ meta, data }] → recap index, each play counted once (sources.js dedupePlays). */
export function recapFromEntries(entries, options = {}) {
  const usable = (entries || []).filter((e) => e && e.data && e.meta && e.meta.kind !== 'spotify' && (e.data.files || []).some((f) => f.end?.length));
  const d = dedupePlays(usable);
  return recapIndex((add) => d.each((endMs, ms, title, artist, album) => add(endMs, ms, title, artist, album)), options);
}

/** Years and months that have plays, newest first. */
export function recapPeriods(index) {
  const years = new Set(); const months = new Set();
  for (const d of index?.days || []) { years.add(d.day.slice(0, 4)); months.add(d.day.slice(0, 7)); }
  const desc = (a, b) => (a < b ? 1 : -1);
  return { years: [...years].sort(desc), months: [...months].sort(desc) };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "2024" → "2024", "2024-03" → "March 2024", "2024-03" short → "Mar". */
export function periodLabel(period, { short = false } = {}) {
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(String(period));
  if (!m) return String(period);
  if (!m[2]) return m[1];
  const name = MONTHS[+m[2] - 1] || m[2];
  return short ? name.slice(0, 3) : `${name} ${m[1]}`;
}

/** The four parts of a month: days 1–7, 8–14, 15–21, 22 to the end. */
const WEEK_PARTS = [[1, 7], [8, 14], [15, 21], [22, 31]];

const byTime = (a, b) => b.ms - a.ms || b.plays - a.plays || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The recap of `period` ('YYYY' or 'YYYY-MM'), or null when the history has no play in it.
 * → { period, kind: 'year'|'month', label, ms, minutes, plays, songCount, artistCount, days,
 *     topSongs: [{ title, artist, album, ms, plays }], topArtists: [{ artist, ms, plays, songs }],
 *     topAlbums: [{ album, artist, ms, plays }], segments: [{ key, label, ms, plays, songs: [{ title, artist, ms }] }] }
 * Everything is ranked by play time (then plays, then name); `top` items of each list.
 */
export function recapOf(index, period, { top = 10 } = {}) {
  const p = String(period || '');
  if (!/^\d{4}(-\d{2})?$/.test(p)) throw new Error(`"${p.slice(0, 40)}" is not a year (2024) or a month (2024-03)`);
  const kind = p.length === 4 ? 'year' : 'month';
  const days = (index?.days || []).filter((d) => d.day.startsWith(p));
  if (!days.length) return null;
  const songs = index.songs;
  const per = new Map();   // song → [ms, plays]
  // segments: the months of a year (only those with plays), the four parts of a month
  const segs = new Map();
  const segKey = (day) => {
    if (kind === 'year') return day.slice(0, 7);
    const dd = +day.slice(8, 10);
    return String(WEEK_PARTS.findIndex(([a, b]) => dd >= a && dd <= b));
  };
  let ms = 0; let plays = 0;
  for (const d of days) {
    ms += d.ms; plays += d.plays;
    const k = segKey(d.day);
    let s = segs.get(k);
    if (!s) { s = { key: k, ms: 0, plays: 0, per: new Map() }; segs.set(k, s); }
    s.ms += d.ms; s.plays += d.plays;
    for (let i = 0; i < d.song.length; i++) {
      const si = d.song[i];
      const a = per.get(si); if (a) { a[0] += d.songMs[i]; a[1] += d.songPlays[i]; } else per.set(si, [d.songMs[i], d.songPlays[i]]);
      const b = s.per.get(si); if (b) b[0] += d.songMs[i]; else s.per.set(si, [d.songMs[i]]);
    }
  }
  const songRows = [...per.entries()].map(([si, [m, n]]) => ({ ...songs[si], name: `${songs[si].title}\u0000${songs[si].artist}`, ms: m, plays: n })).sort(byTime);
  const artists = new Map(); const albums = new Map();
  for (const s of songRows) {
    const ak = s.artist.toLowerCase();
    let a = artists.get(ak);
    if (!a) { a = { artist: s.artist, name: ak, ms: 0, plays: 0, songs: 0 }; artists.set(ak, a); }
    a.ms += s.ms; a.plays += s.plays; a.songs++;
    if (!s.album) continue;
    const bk = `${s.album.toLowerCase()}\u0000${ak}`;
    let b = albums.get(bk);
    if (!b) { b = { album: s.album, artist: s.artist, name: bk, ms: 0, plays: 0 }; albums.set(bk, b); }
    b.ms += s.ms; b.plays += s.plays;
  }
  const strip = ({ name, ...rest }) => rest;
  const segments = [...segs.values()].sort((a, b) => (kind === 'year' ? (a.key < b.key ? -1 : 1) : +a.key - +b.key)).map((s) => ({
    key: kind === 'year' ? s.key : `${p}-w${+s.key + 1}`,
    label: kind === 'year' ? periodLabel(s.key, { short: true }) : (() => { const [a, b] = WEEK_PARTS[+s.key]; return `${a}–${b === 31 ? 'end' : b}`; })(),
    ms: s.ms, plays: s.plays,
    songs: [...s.per.entries()].map(([si, [m]]) => ({ title: songs[si].title, artist: songs[si].artist, ms: m })).sort((x, y) => y.ms - x.ms),
  }));
  return {
    period: p, kind, label: periodLabel(p), ms, minutes: Math.round(ms / 60000), plays,
    songCount: songRows.length, artistCount: artists.size, days: days.length,
    topSongs: songRows.slice(0, top).map(strip),
    topArtists: [...artists.values()].sort(byTime).slice(0, top).map(strip),
    topAlbums: [...albums.values()].sort(byTime).slice(0, top).map(strip),
    segments,
  };
}

/**
 * The mood of each segment: the mean valence and energy of the songs played in
 * it that have a predicted mood, weighted by their play time.
 * moodOf(title, artist) → { valence, energy, … } | null.
 * → [{ key, label, ms, valence, energy, moodShare (share of the play time with a mood), songs: songs with a mood }]
 * (valence and energy null when no song of the segment has a mood).
 */
export function moodArc(recap, moodOf) {
  return (recap?.segments || []).map((s) => {
    let w = 0; let v = 0; let e = 0; let n = 0;
    for (const x of s.songs) {
      const m = moodOf(x.title, x.artist);
      if (!m || !isNum(m.valence) || !isNum(m.energy)) continue;
      const wt = x.ms > 0 ? x.ms : 1;
      w += wt; v += wt * m.valence; e += wt * m.energy; n++;
    }
    return { key: s.key, label: s.label, ms: s.ms, valence: w ? v / w : null, energy: w ? e / w : null,
      moodShare: s.ms > 0 ? Math.min(1, w / s.ms) : n ? 1 : 0, songs: n };
  });
}

/**
 * A film's valence and energy in n parts of equal length (scenes weighted by
 * their words when the catalog gives them, else equally; a scene that straddles
 * two parts counts in both by its share).  → [{ valence, energy }] or null.
 */
export function filmArc(film, n) {
  const scenes = (film?.scenes || []).filter((s) => isNum(s.metrics?.valence) && isNum(s.metrics?.energy));
  if (!scenes.length || !(n >= 1)) return null;
  const wOf = (s) => (Array.isArray(film.weights) && isNum(film.weights[s.index]) && film.weights[s.index] > 0 ? film.weights[s.index] : 1);
  const total = scenes.reduce((a, s) => a + wOf(s), 0);
  const acc = Array.from({ length: n }, () => ({ w: 0, v: 0, e: 0 }));
  let at = 0;
  for (const s of scenes) {
    const w = wOf(s); const a0 = (at / total) * n; const a1 = ((at + w) / total) * n;
    at += w;
    for (let k = Math.floor(a0); k < Math.min(n, Math.ceil(a1)); k++) {
      const share = Math.min(a1, k + 1) - Math.max(a0, k);
      if (share <= 0) continue;
      acc[k].w += share; acc[k].v += share * s.metrics.valence; acc[k].e += share * s.metrics.energy;
    }
  }
  return acc.map((p) => (p.w ? { valence: p.v / p.w, energy: p.e / p.w } : null));
}

function zscores(xs) {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
  return { z: xs.map((x) => (sd > 1e-9 ? (x - m) / sd : 0)), sd };
}

/** Pearson correlation of two z-scored series (0 when either is flat). */
const corr = (a, b) => a.z.reduce((s, x, i) => s + x * b.z[i], 0) / a.z.length;

export const MIN_SEGMENTS = 3;

/**
 * The catalog films whose mood arc has the shape of the recap's: both arcs
 * cut into the same number of parts, each metric (valence, energy) scaled to
 * its own mean and spread, then compared part by part (mean squared
 * difference; 0 = the same shape). Segments without a mood are left out of
 * the comparison. → { ranking: [{ film, distance, r: { valence, energy }, arc }], parts } best first,
 * or { error } when the recap has fewer than MIN_SEGMENTS segments with a mood.
 */
export function matchFilm(arc, films, { top = 3 } = {}) {
  const at = (arc || []).map((p, i) => (p && isNum(p.valence) && isNum(p.energy) ? i : -1)).filter((i) => i >= 0);
  if (at.length < MIN_SEGMENTS) return { error: `a film arc needs at least ${MIN_SEGMENTS} parts with a mood; this period has ${at.length}` };
  const user = { valence: zscores(at.map((i) => arc[i].valence)), energy: zscores(at.map((i) => arc[i].energy)) };
  const out = [];
  for (const film of films || []) {
    const fa = filmArc(film, arc.length);
    if (!fa || at.some((i) => !fa[i])) continue;
    const f = { valence: zscores(at.map((i) => fa[i].valence)), energy: zscores(at.map((i) => fa[i].energy)) };
    let d = 0;
    for (const m of ['valence', 'energy']) d += user[m].z.reduce((s, x, j) => s + (x - f[m].z[j]) ** 2, 0) / at.length;
    out.push({ film, distance: d / 2, r: { valence: corr(user.valence, f.valence), energy: corr(user.energy, f.energy) }, arc: fa });
  }
  out.sort((a, b) => a.distance - b.distance || (a.film.title < b.film.title ? -1 : 1));
  return { ranking: out.slice(0, top), parts: at, compared: out.length };
}

/** Moods this close (0–1 scale) count as the same when naming a brightest, darkest or most energetic segment. */
const TIE = 0.01;
// the library's words for the two mood axes (web/metrics.js): bright/sombre, energetic/calm
const V = metric('valence').plain, E = metric('energy').plain;
const argOf = (xs, better) => xs.reduce((best, x, i) => (best < 0 || better(x, xs[best]) ? i : best), -1);

/**
 * Why a film matches, in plain words: where the recap and the film are
 * brightest and darkest, most and least energetic, and how closely each
 * metric's rise and fall follow each other.
 */
export function matchWhy(recap, arc, match, compared) {
  const at = arc.map((p, i) => (p && isNum(p.valence) ? i : -1)).filter((i) => i >= 0);
  const name = (i) => (recap.kind === 'year' ? periodLabel(recap.segments[i].key) : `days ${recap.segments[i].label}`);
  const part = (i) => `part ${i + 1} of ${arc.length}`;
  const pick = (series, arr, better) => at[argOf(at.map((i) => arr[i][series]), better)];
  const hi = (a, b) => a > b; const lo = (a, b) => a < b;
  const uB = pick('valence', arc, hi); const uD = pick('valence', arc, lo); const uE = pick('energy', arc, hi);
  const fB = pick('valence', match.arc, hi); const fD = pick('valence', match.arc, lo); const fE = pick('energy', match.arc, hi);
  const title = match.film.title;
  const unit = recap.kind === 'year' ? 'month' : 'week';
  // the segments within TIE of the extreme share it: "Your brightest months were May to December 2024"
  const ties = (series, u) => at.filter((i) => Math.abs(arc[i][series] - arc[u][series]) <= TIE);
  const names = (list) => {
    if (list.length === 1) return name(list[0]);
    const keys = list.map((i) => recap.segments[i].key);
    const oneYear = recap.kind === 'year' && keys.every((k) => k.slice(0, 4) === keys[0].slice(0, 4));
    const short = (i) => (oneYear ? periodLabel(recap.segments[i].key).split(' ')[0] : name(i));
    const tail = oneYear ? ` ${keys[0].slice(0, 4)}` : '';
    if (list.length >= 3 && list.every((x, k) => !k || x === list[k - 1] + 1)) return `${short(list[0])} to ${short(list.at(-1))}${tail}`;
    return `${list.slice(0, -1).map(short).join(', ')} and ${short(list.at(-1))}${tail}`;
  };
  const say = (superl, series, u, f) => {
    const same = ties(series, u);
    const yours = same.length > 1 ? `Your ${superl} ${unit}s were ${names(same)} (within ${TIE} of each other)` : `Your ${superl} ${unit} was ${name(u)}`;
    return `${yours}; ${title} is ${superl} ${same.includes(f) ? `at the same point (${part(f)})` : `in ${part(f)} (your ${name(f)})`}.`;
  };
  const words = (r) => (r >= 0.8 ? 'closely' : r >= 0.5 ? 'broadly' : r >= 0.2 ? 'loosely' : 'hardly');
  const lines = [
    say(V.highest, 'valence', uB, fB), say(V.lowest, 'valence', uD, fD), say(E.highest, 'energy', uE, fE),
    `Its ${V.noun} follows your ${unit}s ${words(match.r.valence)} (correlation ${match.r.valence.toFixed(2)}; 1 would be the same shape), its energy ${words(match.r.energy)} (${match.r.energy.toFixed(2)}): the closest shape of the ${compared.toLocaleString('en')} films compared.`,
  ];
  return lines;
}

/** How far (on the 0–1 scale) a mood must sit from the middle to be called bright, sombre, energetic or calm. */
export const MOOD_MARGIN = 0.03;

/**
 * A segment's mood in words, relative to `mid` (the reference songs' medians):
 * "bright and energetic", "sombre", "calm", … or "near the middle"; a side is
 * named only when the mood is at least MOOD_MARGIN away from the middle, so two
 * nearly equal moods never get opposite words.
 */
export function moodWords(valence, energy, mid = { valence: 0.5, energy: 0.5 }) {
  if (!isNum(valence) || !isNum(energy)) return 'no mood yet';
  const v = valence >= mid.valence + MOOD_MARGIN ? V.high : valence <= mid.valence - MOOD_MARGIN ? V.low : null;
  const e = energy >= mid.energy + MOOD_MARGIN ? E.high : energy <= mid.energy - MOOD_MARGIN ? E.low : null;
  return v || e ? [v, e].filter(Boolean).join(' and ') : 'near the middle';
}
