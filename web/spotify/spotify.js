// The one funnel for every Spotify Web API call, and the reads MoodSpace needs.
//
//   spotifyFetch(path, { method, query, body, signal }) → parsed JSON (null for 204/empty)
//
// `path` is relative to the configured API base ('/me/top/tracks') or a full
// URL on that base (e.g. a paging `next` link). Behaviour:
//   429  waits for Retry-After (seconds), or exponential backoff when the header
//        is missing or unreadable cross-origin; at most max429Retries times;
//   5xx  bounded retries (max5xxRetries) with exponential backoff;
//   401  one token refresh, then one retry;
//   403  SpotifyError code 'forbidden' with a plain explanation (Development
//        Mode apps only serve users listed on the app's dashboard).
// Never uses popularity, genres or audio features.

import { getConfig } from '../config.js';
import * as auth from './auth.js';

export class SpotifyError extends Error {
  constructor(message, { status = 0, code = 'error' } = {}) {
    super(message); this.name = 'SpotifyError'; this.status = status; this.code = code;
  }
}

export const FORBIDDEN_HELP =
  'Spotify answered 403 (forbidden). Apps in Development Mode only work for users listed on the app: ' +
  'the app owner must add your Spotify account e-mail under "User Management" in the Spotify developer dashboard ' +
  '(at most 5 users), or you can register your own app and enter its Client ID here.';

const sleepMs = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason || new Error('aborted')); }, { once: true });
});

/** Seconds in a Retry-After header (number or HTTP date) → ms, or null when unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === '') return null;
  const s = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(parseFloat(s) * 1000);
  const d = Date.parse(s);
  return Number.isFinite(d) ? Math.max(0, d - now) : null;
}

/**
 * Build a funnel. Dependencies are injectable for unit tests:
 * fetch, getToken() → token, refresh() → tokens, sleep(ms), config.
 */
export function createSpotifyClient(deps = {}) {
  const doFetch = deps.fetch || ((...a) => globalThis.fetch(...a));
  const getToken = deps.getToken || auth.getAccessToken;
  const refreshToken = deps.refresh || auth.refresh;
  const sleep = deps.sleep || sleepMs;
  const cfg = () => deps.config || getConfig();
  const onRetry = deps.onRetry || (() => {});

  return async function spotifyFetch(path, opts = {}) {
    const c = cfg();
    const base = c.apiBase;
    let url = /^https?:\/\//.test(path) ? path : base + (path.startsWith('/') ? path : '/' + path);
    if (!url.startsWith(base + '/') && url !== base) throw new SpotifyError('Refusing to send the Spotify token outside the configured API.', { code: 'bad_url' });
    if (opts.query) {
      const u = new URL(url);
      for (const [k, v] of Object.entries(opts.query)) if (v != null) u.searchParams.set(k, String(v));
      url = u.toString();
    }
    let n429 = 0; let n5xx = 0; let nRefreshed = 0; let nSuperseded = 0;
    for (;;) {
      const token = await getToken();
      const headers = { Authorization: `Bearer ${token}` };
      let body;
      if (opts.body !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(opts.body); }
      let res;
      try {
        res = await doFetch(url, { method: opts.method || 'GET', headers, body, signal: opts.signal });
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        // Network failure (or a CORS-blocked error response): treat like a 5xx.
        if (n5xx >= c.max5xxRetries) throw new SpotifyError('Could not reach Spotify (network error).', { code: 'network' });
        const wait = Math.min(c.retryMaxMs, c.retryBaseMs * 2 ** n5xx);
        n5xx++; onRetry({ reason: 'network', wait });
        await sleep(wait, opts.signal); continue;
      }
      if (res.status === 429) {
        if (n429 >= c.max429Retries) throw new SpotifyError('Spotify is rate-limiting this app; try again in a minute.', { status: 429, code: 'rate_limited' });
        const ra = parseRetryAfter(res.headers.get('Retry-After'));
        const wait = Math.min(c.retryMaxMs, ra ?? c.retryBaseMs * 2 ** n429);
        n429++; onRetry({ reason: 429, wait });
        await sleep(wait, opts.signal); continue;
      }
      if (res.status >= 500) {
        if (n5xx >= c.max5xxRetries) throw new SpotifyError(`Spotify had a server error (HTTP ${res.status}); try again later.`, { status: res.status, code: 'server' });
        const wait = Math.min(c.retryMaxMs, c.retryBaseMs * 2 ** n5xx);
        n5xx++; onRetry({ reason: res.status, wait });
        await sleep(wait, opts.signal); continue;
      }
      if (res.status === 401) {
        // another call or tab may have replaced the token meanwhile: then just
        // retry with the new one (a few times at most), else refresh
        if ((await getToken()) !== token && nSuperseded++ < 3) continue;
        // a second refresh at most: the first may hand back tokens another tab
        // got just before Spotify retired them (two tabs racing)
        if (nRefreshed >= 2) throw new SpotifyError('Spotify did not accept the sign-in. Please sign in again.', { status: 401, code: 'unauthorized' });
        nRefreshed++;
        await refreshToken();   // throws AuthError('signin_required') when refresh fails
        continue;
      }
      if (res.status === 403) throw new SpotifyError(FORBIDDEN_HELP, { status: 403, code: 'forbidden' });
      if (!res.ok) {
        let msg = `HTTP ${res.status}`;
        try { const j = await res.json(); msg = j?.error?.message || msg; } catch { /* ignore */ }
        throw new SpotifyError(`Spotify request failed: ${msg}`, { status: res.status, code: 'http' });
      }
      if (res.status === 204) return null;
      const text = await res.text();
      if (!text) return null;
      try { return JSON.parse(text); } catch { throw new SpotifyError('Spotify sent a response that is not JSON.', { status: res.status, code: 'bad_json' }); }
    }
  };
}

/** The page's funnel (real fetch, auth module, configured base). Others import this. */
export const spotifyFetch = createSpotifyClient();

// --- shapes -----------------------------------------------------------------------

const str = (v, max = 500) => (typeof v === 'string' ? v.slice(0, max) : '');

/**
 * A Spotify track object (or a wrapper {track}|{item}, as in playlist and
 * recently-played responses) → a library song, or null if unusable.
 */
export function normalizeTrack(obj) {
  const t = obj && typeof obj === 'object' ? (obj.track ?? obj.item ?? obj) : null;
  if (!t || typeof t !== 'object' || typeof t.id !== 'string' || !t.id) return null;
  if (t.type && t.type !== 'track') return null;
  const artists = Array.isArray(t.artists) ? t.artists.map((a) => str(a?.name, 200)).filter(Boolean) : [];
  const album = t.album && typeof t.album === 'object' ? t.album : {};
  const images = Array.isArray(album.images) ? album.images : [];
  // smallest image at least 64px wide, for lists
  const img = [...images].filter((i) => i && typeof i.url === 'string')
    .sort((a, b) => (a.width || 0) - (b.width || 0)).find((i) => (i.width || 300) >= 64) || images[0];
  return {
    id: t.id,
    uri: str(t.uri) || `spotify:track:${t.id}`,
    title: str(t.name),
    artist: artists.join(', '),
    artists,
    album: str(album.name),
    durationMs: Number.isFinite(t.duration_ms) ? t.duration_ms : 0,
    explicit: !!t.explicit,
    releaseDate: str(album.release_date, 20),
    imageUrl: img && typeof img.url === 'string' && /^https?:\/\//.test(img.url) ? img.url : '',
  };
}

/** A Spotify artist object → { id, name, imageUrl, genres (often empty) }. */
export function normalizeArtist(a) {
  if (!a || typeof a !== 'object' || typeof a.id !== 'string') return null;
  const images = Array.isArray(a.images) ? a.images : [];
  const img = [...images].sort((x, y) => (x.width || 0) - (y.width || 0)).find((i) => (i.width || 300) >= 64) || images[0];
  return {
    id: a.id, name: str(a.name, 200), uri: str(a.uri) || `spotify:artist:${a.id}`,
    imageUrl: img && typeof img.url === 'string' && /^https?:\/\//.test(img.url) ? img.url : '',
    genres: Array.isArray(a.genres) ? a.genres.filter((g) => typeof g === 'string').slice(0, 10) : [],
  };
}

/** Items of a paging object, or of a playlist object (`items.items` or `tracks.items`). */
function pageItems(page) {
  if (!page || typeof page !== 'object') return [];
  if (Array.isArray(page.items)) return page.items;
  if (Array.isArray(page.items?.items)) return page.items.items;     // playlist object, 2026 naming
  if (Array.isArray(page.tracks?.items)) return page.tracks.items;   // playlist object, older naming
  return [];
}

export const TIME_RANGES = ['short_term', 'medium_term', 'long_term'];

/** Top tracks or artists for one range: pages of ≤50, up to `max` (≈100) items. */
export async function getTop(type, timeRange, { max = 100, fetcher = spotifyFetch, signal } = {}) {
  const out = [];
  let page = await fetcher(`/me/top/${type}`, { query: { time_range: timeRange, limit: Math.min(50, max), offset: 0 }, signal });
  for (;;) {
    const items = pageItems(page);
    out.push(...items);
    const total = Number(page?.total) || 0;
    if (!items.length || out.length >= max || (total && out.length >= total)) break;
    const next = typeof page?.next === 'string' && page.next ? page.next : null;
    if (next) page = await fetcher(next, { signal });
    else page = await fetcher(`/me/top/${type}`, { query: { time_range: timeRange, limit: Math.min(50, max - out.length), offset: out.length }, signal });
  }
  const norm = type === 'tracks' ? normalizeTrack : normalizeArtist;
  const seen = new Set();
  return out.map(norm).filter((x) => x && !seen.has(x.id) && seen.add(x.id)).slice(0, max);
}

/** Recently played (last 50): [{ song, playedAt }]. */
export async function getRecentlyPlayed({ fetcher = spotifyFetch, signal } = {}) {
  const page = await fetcher('/me/player/recently-played', { query: { limit: 50 }, signal });
  return pageItems(page).map((it) => ({ song: normalizeTrack(it), playedAt: str(it?.played_at, 40) }))
    .filter((x) => x.song);
}

export async function getMe({ fetcher = spotifyFetch, signal } = {}) {
  const me = await fetcher('/me', { signal });
  return { id: str(me?.id, 200), displayName: str(me?.display_name, 200) || str(me?.id, 200) };
}
