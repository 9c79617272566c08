// resolve.js — Spotify ids for songs that have none (a basic data export
// names songs by artist and title only), through Spotify's search.
//
//   createResolver({ fetcher, cache }) → { resolveSongs }
//   resolveSongs(songs, { concurrency = 3, onResult, onProgress, signal }) →
//     { found: Map(song id → uri), counts: { resolved, unresolved, failed } }
//
// One GET /search?type=track&q=<artist title>&limit=10 per song (at most
// `concurrency` at once), through the one Spotify funnel (spotify.js: it
// waits out 429s with Retry-After, retries 5xx, refreshes the token). A hit
// must match the song on BOTH title and artist after normalising (case,
// accents, punctuation, "feat." credits, "- Remastered 2011"-style suffixes);
// among those the exact title wins, then the closest length when the song
// has one, then Spotify's order. Answers (found and not found) are cached in
// IndexedDB ("moodspace-resolve"), so a song is looked up once per browser;
// failures are not cached, and a rate limit Spotify keeps up stops the run
// (the rest count as failed, to try later).
//
// bestMatch(song, items) and normName(s) are pure (tests/js/web-resolve.test.mjs).

import { softStore, STORES } from '../stores.js';
import { foldName } from '../fold.js';
import { mapLimit } from '../lyrics/lrclib.js';

export const RESOLVE_DB = STORES.resolve;
const URI = /^spotify:track:[A-Za-z0-9]{22}$/;

/** Lower case, no accents, "&" as "and", punctuation as spaces, single spaces (fold.js, shared with the film search). */
export const normName = foldName;

// what a title may carry besides the song's name: "(feat. X)", "[Live]",
// " - Remastered 2011", " - Radio Edit"
const SUFFIX = /\s+-\s+.*$|\s*[([][^)\]]*[)\]]\s*$/;
/** The title without credits and version suffixes, normalised. */
export function baseTitle(s) {
  let t = String(s ?? '');
  for (let i = 0; i < 3; i++) { const u = t.replace(SUFFIX, ''); if (u === t || !u.trim()) break; t = u; }
  return normName(t.replace(/\s+(feat\.?|ft\.?|featuring)\s.*$/i, ''));
}

/** The artist names a song credits: "A, B", "A & B", "A feat. B" → ['a', 'b']. */
function artistNames(song) {
  const list = Array.isArray(song.artists) && song.artists.length ? song.artists : [song.artist];
  const parts = list.flatMap((a) => [a, ...String(a ?? '').split(/\s*,\s*|\s+(?:feat\.?|ft\.?|featuring|with|x)\s+|\s*;\s*/i)]);
  return [...new Set(parts.map(normName).filter(Boolean))];
}

/**
 * The search hit that is this song, or null: its title matches (exactly or
 * without suffixes) and one of its artists is one of the song's. → { uri, id, title, artist, score }.
 */
export function bestMatch(song, items) {
  const wantTitle = normName(song.title); const wantBase = baseTitle(song.title);
  const wantArtists = artistNames(song);
  if (!wantTitle || !wantArtists.length) return null;
  let best = null;
  (Array.isArray(items) ? items : []).forEach((t, order) => {
    if (!t || typeof t !== 'object' || typeof t.uri !== 'string' || !URI.test(t.uri)) return;
    const title = normName(t.name);
    const exact = title === wantTitle;
    if (!exact && baseTitle(t.name) !== wantBase) return;
    const names = (Array.isArray(t.artists) ? t.artists : []).map((a) => normName(a?.name)).filter(Boolean);
    const whole = normName(names.join(' '));
    if (!wantArtists.some((w) => names.includes(w) || w === whole)) return;
    const dur = song.durationMs > 0 && Number.isFinite(t.duration_ms) ? Math.abs(t.duration_ms - song.durationMs) : 0;
    const score = [exact ? 0 : 1, Math.round(dur / 2000), order];
    const better = !best || score[0] < best.score[0] || (score[0] === best.score[0] && score[1] < best.score[1]);
    if (better) best = { uri: t.uri, id: t.uri.slice(14), title: String(t.name).slice(0, 500), artist: names.join(', '), score };
  });
  return best;
}

/** The cache key of a song: its artist and title, normalised. */
export const resolveKey = (song) => `v1\u241f${normName(song.artist)}\u241f${normName(song.title)}`;

let idStore = null;
const pageCache = () => (idStore ||= softStore(RESOLVE_DB));   // (a failed write: looked up again next time)

/** The search query for a song: its (first) artist and title. */
export function searchQuery(song) {
  const artist = (Array.isArray(song.artists) && song.artists[0]) || song.artist || '';
  return `${artist} ${song.title || ''}`.replace(/\s+/g, ' ').trim().slice(0, 250);
}

export function createResolver({ fetcher, cache = pageCache() } = {}) {
  async function resolveOne(song, signal) {
    const key = resolveKey(song);
    const hit = await cache.get(key);
    if (hit && typeof hit === 'object' && (hit.none === true || URI.test(hit.uri))) return { ...hit, cached: true };
    const page = await fetcher('/search', { query: { type: 'track', q: searchQuery(song), limit: 10 }, signal });
    const items = Array.isArray(page?.tracks?.items) ? page.tracks.items : [];
    const m = bestMatch(song, items);
    const rec = m ? { uri: m.uri } : { none: true };
    await cache.set(key, rec);
    return rec;
  }

  async function resolveSongs(songs, { concurrency = 3, onResult, onProgress, signal } = {}) {
    const counts = { resolved: 0, unresolved: 0, failed: 0 };
    const found = new Map();
    let stopped = null; let done = 0;
    await mapLimit(songs, concurrency, async (song) => {
      let r;
      if (stopped || signal?.aborted) r = { error: stopped || 'stopped' };
      else {
        try { r = await resolveOne(song, signal); }
        catch (e) {
          r = { error: e?.message || String(e) };
          // Spotify kept rate-limiting after every Retry-After, or the sign-in is gone: stop asking
          if (e?.code === 'rate_limited' || e?.code === 'signin_required' || e?.code === 'unauthorized' || e?.code === 'forbidden') stopped = r.error;
        }
      }
      if (r.uri) { counts.resolved++; found.set(song.id, r.uri); }
      else if (r.none) counts.unresolved++;
      else counts.failed++;
      done++;
      try { onResult?.(song, r); } catch (e) { console.error(e); }
      try { onProgress?.({ done, total: songs.length, counts: { ...counts } }); } catch (e) { console.error(e); }
    });
    return { found, counts, stopped };
  }

  return { resolveSongs, resolveOne };
}

// --- the page: look songs up while signed in, and say how many were found -------------------

const hasUri = (s) => (typeof s.uri === 'string' && URI.test(s.uri)) || /^[A-Za-z0-9]{22}$/.test(s.id || '');

/**
 * Keep the library's id-less songs looked up while signed in: after every
 * import, restore or sign-in, search for the songs still without a Spotify
 * URI and give each found one its `uri`. `status` (a <p>) says what happened:
 * how many were found and how many Spotify does not have, or, signed out,
 * that signing in would look them up. One run at a time.
 */
export function watchUnresolved({ library, auth, fetcher, status, concurrency = 3 }) {
  const resolver = createResolver({ fetcher });
  let running = null; let again = false; let timer = null;
  const say = (text) => { status.textContent = text; status.hidden = !text; };
  const missing = () => library.songList().filter((s) => !hasUri(s) && s.title && s.artist);
  // songs found by an earlier run: their sources gave no id ("export:…" ids, library/sources.js),
  // the search gave the URI, and the library keeps it when it is rebuilt
  const foundEarlier = () => library.songList().filter((s) => String(s.id).startsWith('export:') && hasUri(s)).length;
  const summary = (found, counts, stopped) => `Spotify ids for songs without one: ${found} found, ${counts.unresolved} not found on Spotify` +
    (counts.failed ? `, ${counts.failed} not looked up (${stopped || 'Spotify did not answer'}; they are tried again next time)` : '') +
    '. Songs without an id stay in the CSV, M3U and XSPF downloads.';

  async function run() {
    const todo = missing();
    if (!todo.length) {
      const earlier = auth.isSignedIn() ? foundEarlier() : 0;
      say(earlier ? summary(earlier, { unresolved: 0, failed: 0 }) : '');
      return;
    }
    if (!auth.isSignedIn()) {
      say(`${todo.length === 1 ? '1 song has' : `${todo.length} songs have`} no Spotify id (a basic data export, a scrobble list or a playlist file names songs only by artist and title). Signed in with Spotify, MoodSpace looks them up; ` +
        'until then they are left out of Spotify playlists and copied URIs, while the CSV, M3U and XSPF downloads list every song.');
      return;
    }
    const earlier = foundEarlier();
    say(`Looking up ${todo.length === 1 ? '1 song' : `${todo.length} songs`} without a Spotify id on Spotify…`);
    const { counts, stopped } = await resolver.resolveSongs(todo, {
      concurrency,
      onResult: (song, r) => { if (r.uri && library.state.songs.has(song.id)) library.updateSong(song.id, { uri: r.uri }); },
      onProgress: ({ done, total, counts: c }) => say(`Looking up songs without a Spotify id: ${done} of ${total} (${c.resolved} found, ${c.unresolved} not on Spotify).`),
    });
    say(summary(earlier + counts.resolved, counts, stopped));
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) { again = true; return; }
      running = run().catch((e) => say(`Looking up Spotify ids failed: ${e.message || e}`)).finally(() => {
        running = null;
        if (again) { again = false; schedule(); }
      });
    }, 300);
  }
  library.subscribe((ev) => { if (['reset', 'songs', 'restore'].includes(ev?.type)) schedule(); });
  auth.authEvents?.addEventListener('change', schedule);
  schedule();
  return { schedule, get running() { return running; } };
}
