// Lyrics from LRCLIB, straight from the browser.
//
//   fetchLyrics(song) → { status: 'found'|'instrumental'|'notfound'|'error', text, error? }
//     /api/get?track_name&artist_name&album_name&duration (seconds), then
//     /api/search?track_name&artist_name as a fallback (closest duration wins);
//     the Lrclib-Client header on every request; found / instrumental /
//     not-found answers are cached in IndexedDB (errors are not, so they retry).
//   fetchAllLyrics(songs, { concurrency = 4, onProgress }) → Map(id → result)
//     at most `concurrency` requests at once; one song failing never stops the
//     others; onProgress({ done, total, counts }) after each song.
//
// createLyricsClient({ fetch, cache, config }) builds one with injected
// dependencies (unit tests); the exported functions use the page's.

import { get as idbGet, set as idbSet, createStore } from 'idb-keyval';
import { getConfig, LRCLIB_CLIENT } from '../config.js';

const MAX_LYRIC_CHARS = 20000;

let idbStore = null;
// Bumped when the user forgets their stored data (forget.js): a fetch that
// started before then does not write its answer into the emptied cache.
let cacheEpoch = 0;
export function dropPendingLyricWrites() { cacheEpoch++; }
function pageCache() {
  return {
    async get(k) { try { idbStore ||= createStore('moodspace-lyrics', 'lyrics'); return await idbGet(k, idbStore); } catch { return undefined; } },
    async set(k, v) { try { idbStore ||= createStore('moodspace-lyrics', 'lyrics'); await idbSet(k, v, idbStore); } catch { /* quota, private mode */ } },
  };
}

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
    const res = await doFetch(u.toString(), { headers: { 'Lrclib-Client': LRCLIB_CLIENT }, signal });
    if (res.status === 404) return { notFound: true };
    if (!res.ok) throw new Error(`LRCLIB answered HTTP ${res.status}`);
    return { json: await res.json() };
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
      return { status: 'error', text: '', error: String(e?.message || e) };
    }
    if (epoch === cacheEpoch) await cache.set(key, result);
    return result;
  }

  async function fetchAllLyrics(songs, { concurrency = cfg().lyricsConcurrency || 4, onProgress, onResult, signal } = {}) {
    const counts = { found: 0, instrumental: 0, notfound: 0, error: 0 };
    const results = new Map();
    let done = 0;
    await mapLimit(songs, concurrency, async (song) => {
      let r;
      try { r = await fetchLyrics(song, { signal }); }
      catch (e) { r = { status: 'error', text: '', error: String(e?.message || e) }; }
      results.set(song.id, r);
      counts[r.status] = (counts[r.status] || 0) + 1;
      done++;
      try { onResult?.(song, r); } catch (e) { console.error(e); }
      try { onProgress?.({ done, total: songs.length, counts: { ...counts } }); } catch (e) { console.error(e); }
    });
    return { results, counts };
  }

  return { fetchLyrics, fetchAllLyrics };
}

const pageClient = createLyricsClient();
export const fetchLyrics = pageClient.fetchLyrics;
export const fetchAllLyrics = pageClient.fetchAllLyrics;

/** Lyric texts fetched in this session (id → text), for the matcher's explanations. */
export const lyricTexts = new Map();
