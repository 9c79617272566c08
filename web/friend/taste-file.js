// taste-file.js — the small taste file a friend match reads, and its link
// form. Pure (no DOM, no network); unit-tested in tests/js/web-friend.test.mjs.
//
// A taste file holds only what the user ticked:
//   { app: 'moodspace-taste', v: 1, name, metrics: ['energy', ...],
//     artists: [name, ...]                       best first (optional)
//     songs:   [[title, artist, m0, m1, ...], …] best first, moods in `metrics` order (optional)
//     mood:    { n, mean: [m0, m1, ...] }        the mood summary of the whole library (optional) }
// Moods are rounded (3 decimals; tempo 1), so the file is the same wherever
// it is written and the match reads exactly the numbers the friend sees.
//
//   buildTasteFile(source, opts)  → the file object (source: { name, artists, songs, mood })
//   tasteFileText(file)           → the JSON text of a .moodspace-taste.json download
//   tasteLink(file, base)         → base#friend=… (deflated with fflate, base64url; under LINK_MAX)
//   fitForLink(file, base)        → the file with as many songs as its link holds
//   readTasteFile(input)          → a validated file, or throws TasteFileError with a message to show
//     input: the JSON text, a file's bytes, a whole link or just its '#friend=…' fragment.
//
// Reading is defensive: sizes are capped before and while decompressing (a
// small link cannot expand into megabytes), every string is cut, stripped of
// control characters and kept as text (the view renders it with textContent),
// every number is checked finite and clamped to its metric's range.
import { deflateSync, Inflate, strToU8, strFromU8 } from 'fflate';
import { clampMetric } from '../ui.js';
import { unpackCapped } from '../unpack.js';

export const APP = 'moodspace-taste';
export const VERSION = 1;
export const LINK_PREFIX = '#friend=';
export const LINK_MAX = 8000;            // characters of a whole link
export const FILE_MAX = 256 * 1024;      // bytes of a taste file or a link, as given
export const JSON_MAX = 512 * 1024;      // bytes of JSON once decompressed
export const MAX_ARTISTS = 50;
export const MAX_SONGS = 100;
export const NAME_MAX = 40;
const STR_MAX = 200;
const METRIC_NAME = /^[a-z_]{1,24}$/;
const MAX_METRICS = 12;

export class TasteFileError extends Error {
  constructor(message) { super(message); this.name = 'TasteFileError'; }
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const fin = (v) => typeof v === 'number' && Number.isFinite(v);
/** Text as shown: control and bidi-override characters removed, spaces collapsed, cut. */
export function cleanText(v, max = STR_MAX) {
  if (typeof v !== 'string') return '';
  // eslint-disable-next-line no-control-regex
  const t = v.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ').replace(/\s+/g, ' ').trim();
  return [...t].slice(0, max).join('');   // by code point: an emoji is never cut in half
}
const round = (m, v) => { const d = m === 'tempo' ? 10 : 1000; return Math.round(clampMetric(m, v) * d) / d; };

/**
 * The file from what the user ticked.
 * source: { name, artists: [name], songs: [{ title, artist, metrics }] (best first), mood: { n, mean: { metric: v } } }
 * opts: { artists, songs, mood } (booleans: what to include), maxSongs, maxArtists, metrics (the order to write)
 */
export function buildTasteFile(source, { artists = true, songs = true, mood = true, maxSongs = 50, maxArtists = 20, metrics = null } = {}) {
  const srcSongs = (Array.isArray(source?.songs) ? source.songs : []).filter((s) => isObj(s?.metrics));
  const names = metrics || [...new Set(srcSongs.flatMap((s) => Object.keys(s.metrics)).concat(Object.keys(source?.mood?.mean || {})))];
  const ms = names.filter((m) => METRIC_NAME.test(m)).slice(0, MAX_METRICS);
  const file = { app: APP, v: VERSION, name: cleanText(source?.name, NAME_MAX), metrics: ms };
  if (artists) {
    const seen = new Set();
    file.artists = [];
    for (const a of Array.isArray(source?.artists) ? source.artists : []) {
      const n = cleanText(a);
      if (!n || seen.has(n.toLowerCase())) continue;
      seen.add(n.toLowerCase()); file.artists.push(n);
      if (file.artists.length >= Math.min(maxArtists, MAX_ARTISTS)) break;
    }
  }
  if (songs) {
    file.songs = srcSongs.filter((s) => ms.every((m) => fin(s.metrics[m]))).slice(0, Math.min(maxSongs, MAX_SONGS))
      .map((s) => [cleanText(s.title), cleanText(s.artist), ...ms.map((m) => round(m, s.metrics[m]))]);
  }
  if (mood && source?.mood && fin(source.mood.n) && source.mood.n > 0 && ms.every((m) => fin(source.mood.mean?.[m]))) {
    file.mood = { n: Math.round(source.mood.n), mean: ms.map((m) => round(m, source.mood.mean[m])) };
  }
  return file;
}

/** The mood summary of a library: the mean of each metric over the songs that have it. */
export function moodSummary(songs) {
  const sums = {}; const counts = {}; let n = 0;
  for (const s of songs || []) {
    if (!isObj(s?.metrics)) continue;
    n++;
    for (const [m, v] of Object.entries(s.metrics)) if (fin(v)) { sums[m] = (sums[m] || 0) + v; counts[m] = (counts[m] || 0) + 1; }
  }
  if (!n) return null;
  return { n, mean: Object.fromEntries(Object.keys(sums).map((m) => [m, sums[m] / counts[m]])) };
}

export const tasteFileText = (file) => `${JSON.stringify(file)}\n`;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function toBase64url(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '') + (i + 2 < bytes.length ? B64[n & 63] : '');
  }
  return out;
}
function fromBase64url(s) {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) throw new TasteFileError('This friend link is damaged: it has characters a MoodSpace link never has (was it cut or changed?).');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (i + k < s.length ? B64.indexOf(s[i + k]) : 0));
    const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    out[o++] = (n >> 16) & 255;
    if (i + 2 < s.length) out[o++] = (n >> 8) & 255;
    if (i + 3 < s.length) out[o++] = n & 255;
  }
  return out.subarray(0, o);
}

/**
 * A link to the page with the file after '#friend=' (the fragment never reaches a server).
 * Songs are dropped from the end until the link fits LINK_MAX; → { url, songsDropped }.
 */
export function tasteLink(file, base) {
  const page = String(base).replace(/#.*$/, '');
  let f = file; let dropped = 0;
  for (;;) {
    const url = `${page}${LINK_PREFIX}${toBase64url(deflateSync(strToU8(JSON.stringify(f)), { level: 9 }))}`;
    if (url.length <= LINK_MAX || !f.songs?.length) {
      if (url.length > LINK_MAX) throw new TasteFileError('The taste does not fit in a link; download the file instead.');
      return { url, songsDropped: dropped };
    }
    const cut = Math.max(1, Math.ceil(f.songs.length / 10));
    f = { ...f, songs: f.songs.slice(0, f.songs.length - cut) }; dropped += cut;
  }
}

/** The file with as many songs as fit in a link (a download holds the same, so a file and a link compare alike). */
export function fitForLink(file, base) {
  const { songsDropped } = tasteLink(file, base);
  return songsDropped ? { ...file, songs: file.songs.slice(0, file.songs.length - songsDropped) } : file;
}

/** Deflated bytes → text, never more than JSON_MAX bytes of output. */
function inflateBounded(bytes) {
  return strFromU8(unpackCapped(Inflate, bytes, JSON_MAX, {
    tooLarge: () => new TasteFileError('This friend link unpacks into far more than a taste file holds; it was not opened.'),
    damaged: () => new TasteFileError('This friend link is damaged: its data cannot be unpacked (was it cut short?).'),
  }));
}

/** The JSON text inside whatever was given: a file's text or bytes, a link, or a fragment. */
function jsonTextOf(input) {
  let text;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    if (bytes.length > FILE_MAX) throw new TasteFileError(`This file is ${Math.round(bytes.length / 1024)} KB; a taste file is a few KB. It was not opened.`);
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { throw new TasteFileError('This is not a MoodSpace taste file (it is not text).'); }
  } else if (typeof input === 'string') {
    if (input.length > FILE_MAX) throw new TasteFileError('This is far longer than a taste file or a friend link; it was not opened.');
    text = input;
  } else throw new TasteFileError('Nothing to open.');
  text = text.replace(/^\ufeff/, '').trim();
  if (!text) throw new TasteFileError('This file is empty.');
  const at = text.indexOf(LINK_PREFIX);
  if (text[0] !== '{' && (at >= 0 || /^friend=/.test(text))) {
    const data = at >= 0 ? text.slice(at + LINK_PREFIX.length) : text.slice('friend='.length);
    if (!data) throw new TasteFileError('This friend link has no data after “#friend=” (was it cut?).');
    return inflateBounded(fromBase64url(data.trim()));
  }
  if (text[0] !== '{') throw new TasteFileError('This is not a MoodSpace taste file or friend link.');
  return text;
}

/** A taste file or link → the validated file (see the top); throws TasteFileError. */
export function readTasteFile(input) {
  const text = jsonTextOf(input);
  let raw;
  try { raw = JSON.parse(text); } catch { throw new TasteFileError('This taste file is damaged: it is not valid JSON (was it cut short or edited?).'); }
  if (!isObj(raw) || raw.app !== APP) throw new TasteFileError('This is not a MoodSpace taste file (it does not say it is one).');
  if (!Number.isInteger(raw.v) || raw.v < 1) throw new TasteFileError('This taste file has no version MoodSpace knows.');
  if (raw.v > VERSION) throw new TasteFileError(`This taste file was written by a newer MoodSpace (format ${raw.v}; this page reads format ${VERSION}). Reload the page to update it.`);
  if (!Array.isArray(raw.metrics) || raw.metrics.length > MAX_METRICS || !raw.metrics.every((m) => typeof m === 'string' && METRIC_NAME.test(m))
    || new Set(raw.metrics).size !== raw.metrics.length) {
    throw new TasteFileError('This taste file is damaged: its list of moods is not readable.');
  }
  const metrics = raw.metrics.slice();
  const out = { app: APP, v: VERSION, name: cleanText(raw.name, NAME_MAX), metrics, skipped: 0 };
  if (raw.artists != null) {
    if (!Array.isArray(raw.artists)) throw new TasteFileError('This taste file is damaged: its artists are not a list.');
    if (raw.artists.length > MAX_ARTISTS * 4) throw new TasteFileError(`This taste file lists ${raw.artists.length} artists; a taste file holds at most ${MAX_ARTISTS}. It was not opened.`);
    const seen = new Set();
    out.artists = [];
    for (const a of raw.artists) {
      const n = cleanText(a);
      if (!n) { out.skipped++; continue; }
      if (seen.has(n.toLowerCase())) continue;
      seen.add(n.toLowerCase()); out.artists.push(n);
    }
    out.artists = out.artists.slice(0, MAX_ARTISTS);
  }
  if (raw.songs != null) {
    if (!Array.isArray(raw.songs)) throw new TasteFileError('This taste file is damaged: its songs are not a list.');
    if (raw.songs.length > MAX_SONGS * 4) throw new TasteFileError(`This taste file lists ${raw.songs.length} songs; a taste file holds at most ${MAX_SONGS}. It was not opened.`);
    out.songs = [];
    for (const s of raw.songs) {
      if (!Array.isArray(s) || s.length !== 2 + metrics.length) { out.skipped++; continue; }
      const title = cleanText(s[0]); const artist = cleanText(s[1]);
      const vals = s.slice(2);
      if (!title || !vals.every(fin)) { out.skipped++; continue; }
      out.songs.push({ title, artist, metrics: Object.fromEntries(metrics.map((m, i) => [m, round(m, vals[i])])) });
    }
    out.songs = out.songs.slice(0, MAX_SONGS);
  }
  if (raw.mood != null) {
    const md = raw.mood;
    if (isObj(md) && fin(md.n) && md.n > 0 && Array.isArray(md.mean) && md.mean.length === metrics.length && md.mean.every(fin)) {
      out.mood = { n: Math.round(md.n), mean: Object.fromEntries(metrics.map((m, i) => [m, round(m, md.mean[i])])) };
    } else out.skipped++;
  }
  if (!out.artists?.length && !out.songs?.length && !out.mood) throw new TasteFileError('This taste file holds nothing to compare (no artists, songs or mood summary).');
  return out;
}

/** The file as the match reads it, from the file object written (the same cleaning as reading it back). */
export const asRead = (file) => readTasteFile(JSON.stringify(file));
