// Lyrics from LRCLIB, straight from the browser.
//
//   fetchLyrics(song) → { status: 'found'|'instrumental'|'notfound'|'error', text, cause?, error? }
//     /api/get?track_name&artist_name&album_name&duration (seconds), then
//     /api/search?track_name&artist_name as a fallback (closest duration wins);
//     the Lrclib-Client header on every request; found / instrumental /
//     not-found answers are cached in IndexedDB (errors are not, so they retry).
//     Every request is cut after `lyricsTimeoutMs` (config, default 15 s) by an
//     AbortController, so one hung request never holds up the rest.
//     An error says its cause: 'offline' (the device has no network: nothing
//     is sent), 'rate_limited' (HTTP 429), 'timeout', 'server' (5xx or
//     another refusal) or 'network' (LRCLIB unreachable); CAUSE_TEXT words them.
//   fetchAllLyrics(songs, { concurrency = 4, onProgress }) → Map(id → result)
//     at most `concurrency` requests at once; one song failing never stops the
//     others; onProgress({ done, total, counts }) after each song, counts
//     with `causes` { offline, rate_limited, timeout, server, network }.
//   storeLyrics(song, text) keeps lyrics the user pasted like fetched ones.
//
// createLyricsClient({ fetch, cache, config }) builds one with injected
// dependencies (unit tests); the exported functions use the page's.

import { softStore, STORES } from '../stores.js';
import { getConfig, LRCLIB_CLIENT } from '../config.js';

export const MAX_LYRIC_CHARS = 20000;
export const DEFAULT_TIMEOUT_MS = 15000;

/** Why lyrics failed, in words for the page. */
export const CAUSE_TEXT = {
  offline: 'this device is offline',
  rate_limited: 'LRCLIB is limiting requests (HTTP 429)',
  timeout: 'LRCLIB did not answer in time',
  server: 'LRCLIB answered with an error',
  network: 'LRCLIB could not be reached',
};

export class LyricsError extends Error {
  constructor(message, cause) { super(message); this.name = 'LyricsError'; this.cause = cause; }
}
const isOffline = () => globalThis.navigator?.onLine === false;

// Bumped when the user forgets their stored data (forget.js): a fetch that
// started before then does not write its answer into the emptied cache.
let cacheEpoch = 0;
export function dropPendingLyricWrites() { cacheEpoch++; }
let lyricStore = null;
const pageCache = () => (lyricStore ||= softStore(STORES.lyrics));

export function cacheKey(song) {
  return ['v1', song.artist, song.title, song.album, Math.round((song.durationMs || 0) / 1000)]
    .map((x) => String(x ?? '').toLowerCase()).join('\u241f');
}

function resultFrom(rec) {
  if (!rec || typeof rec !== 'object') return null;
  if (rec.instrumental === true) return { status: 'instrumental', text: '' };
  const text = typeof rec.plainLyrics === 'string' && rec.plainLyrics.trim() ? rec.plainLyrics
    : typeof rec.syncedLyrics === 'string' && rec.syncedLyrics.trim() ? rec.syncedLyrics : '';
  if (!text) return null;
  return { status: 'found', text: text.slice(0, MAX_LYRIC_CHARS) };
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export function createLyricsClient(deps = {}) {
  const doFetch = deps.fetch || ((...a) => globalThis.fetch(...a));
  const cache = deps.cache || pageCache();
  const cfg = () => deps.config || getConfig();

  async function getJSON(path, params, signal) {
    const u = new URL(cfg().lrclibBase + path);
    for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) u.searchParams.set(k, String(v));
    if (isOffline()) throw new LyricsError('This device is offline.', 'offline');
    // one request's own deadline, tied to the caller's signal
    const ctl = new AbortController();
    const ms = cfg().lyricsTimeoutMs || DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; ctl.abort(); }, ms);
    const onAbort = () => ctl.abort(signal.reason);
    if (signal) { if (signal.aborted) onAbort(); else signal.addEventListener('abort', onAbort, { once: true }); }
    try {
      const res = await doFetch(u.toString(), { headers: { 'Lrclib-Client': LRCLIB_CLIENT }, signal: ctl.signal });
      if (res.status === 404) return { notFound: true };
      if (res.status === 429) throw new LyricsError('LRCLIB answered HTTP 429 (too many requests)', 'rate_limited');
      if (!res.ok) throw new LyricsError(`LRCLIB answered HTTP ${res.status}`, 'server');
      return { json: await res.json() };
    } catch (e) {
      if (e instanceof LyricsError) throw e;
      if (signal?.aborted) throw e;
      if (timedOut) throw new LyricsError(`LRCLIB did not answer within ${Math.round(ms / 1000)} s`, 'timeout');
      if (isOffline()) throw new LyricsError('This device is offline.', 'offline');
      if (e instanceof SyntaxError) throw new LyricsError('LRCLIB sent an answer that is not JSON', 'server');
      throw new LyricsError(`LRCLIB could not be reached (${e?.message || e})`, 'network');
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function fetchLyrics(song, { signal } = {}) {
    const epoch = cacheEpoch;
    const key = cacheKey(song);
    const cached = await cache.get(key);
    if (cached && typeof cached.status === 'string') return cached;
    const duration = Math.round((song.durationMs || 0) / 1000);
    let result;
    try {
      const got = await getJSON('/api/get', {
        track_name: song.title, artist_name: (song.artists && song.artists[0]) || song.artist,
        album_name: song.album, duration: duration || '',
      }, signal);
      result = got.json ? resultFrom(got.json) : null;
      if (!result) {
        const found = await getJSON('/api/search', { track_name: song.title, artist_name: (song.artists && song.artists[0]) || song.artist }, signal);
        const list = Array.isArray(found.json) ? found.json.slice(0, 20) : [];
        const scored = list.map((r) => ({ r, d: Math.abs((Number(r?.duration) || 0) - duration) }))
          .sort((a, b) => a.d - b.d);
        for (const { r } of scored) { result = resultFrom(r); if (result) break; }
        if (!result && got.json?.instrumental) result = { status: 'instrumental', text: '' };
      }
      result ||= { status: 'notfound', text: '' };
    } catch (e) {
      if (signal?.aborted) throw e;
      return { status: 'error', text: '', cause: e instanceof LyricsError ? e.cause : 'network', error: String(e?.message || e) };
    }
    if (epoch === cacheEpoch) await cache.set(key, result);
    return result;
  }

  /** Lyrics the user pasted for a song: kept like fetched ones (→ the result, or null when empty). */
  async function storeLyrics(song, text) {
    const t = String(text ?? '').replace(/\r\n?/g, '\n').trim().slice(0, MAX_LYRIC_CHARS);
    if (!t) return null;
    const result = { status: 'found', text: t, pasted: true };
    await cache.set(cacheKey(song), result);
    return result;
  }

  async function fetchAllLyrics(songs, { concurrency = cfg().lyricsConcurrency || 4, onProgress, onResult, signal } = {}) {
    const counts = { found: 0, instrumental: 0, notfound: 0, error: 0, causes: {} };
    const results = new Map();
    let done = 0;
    await mapLimit(songs, concurrency, async (song) => {
      let r;
      try { r = await fetchLyrics(song, { signal }); }
      catch (e) { r = { status: 'error', text: '', cause: e instanceof LyricsError ? e.cause : 'network', error: String(e?.message || e) }; }
      results.set(song.id, r);
      counts[r.status] = (counts[r.status] || 0) + 1;
      if (r.status === 'error') counts.causes[r.cause] = (counts.causes[r.cause] || 0) + 1;
      done++;
      try { onResult?.(song, r); } catch (e) { console.error(e); }
      try { onProgress?.({ done, total: songs.length, counts: { ...counts, causes: { ...counts.causes } } }); } catch (e) { console.error(e); }
    });
    return { results, counts };
  }

  return { fetchLyrics, fetchAllLyrics, storeLyrics };
}

const pageClient = createLyricsClient();
export const fetchLyrics = pageClient.fetchLyrics;
export const fetchAllLyrics = pageClient.fetchAllLyrics;
export const storeLyrics = pageClient.storeLyrics;

/** "this device is offline (3), LRCLIB did not answer in time (1)" from counts.causes. */
export function causesText(causes = {}) {
  return Object.entries(causes).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${CAUSE_TEXT[c] || c} (${n})`).join(', ');
}

/** Lyric texts fetched in this session (id → text), for the matcher's explanations. */
export const lyricTexts = new Map();
