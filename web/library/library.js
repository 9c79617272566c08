// The song library: the one store every source feeds (Spotify sign-in, the
// data-export import, the demo library) and every view reads (Taste,
// Soundtrack). Plain data, no DOM.
//
// Shape (library.state, read-only from outside — change it through the API):
//   {
//     source: null | 'spotify' | 'export' | 'demo',
//     label:  string,                       // shown to the user, e.g. 'Demo library'
//     user:   null | { id, displayName },
//     songs:  Map<id, Song>,                // insertion order = first seen
//     top:    { tracks:  { short_term: [id...], medium_term: [...], long_term: [...] },
//               artists: { short_term: [Artist...], medium_term: [...], long_term: [...] } },
//     recent: [{ id, playedAt }],
//     extra:  { [key]: any }                // for other modules (e.g. export play counts)
//   }
//   Song = { id, uri, title, artist, album, durationMs, explicit, releaseDate,
//            imageUrl, lyricsStatus, metrics }
//     lyricsStatus: 'pending' | 'found' | 'instrumental' | 'notfound' | 'error' | 'none'
//                   ('none' = the source has no lyrics but has metrics, e.g. demo)
//     metrics: null | { energy, valence, tempo, liveness, ... } (Spotify units)
//   Artist = { id, name, uri, imageUrl, genres }
//
// API:
//   reset(source, { label, user })   start over with a new source
//   addSongs(songs)                  add or merge songs (by id); returns the ids
//   updateSong(id, patch)            merge fields into one song
//   setTop(kind, range, list)        kind 'tracks' (ids) | 'artists' (Artist objects)
//   setRecent(list)                  [{ id, playedAt }]
//   setExtra(key, value)
//   songList()                       Song[] in insertion order
//   rankedSongs()                    Songs by top-track rank (medium, short, long, then the rest)
//   subscribe(fn) → unsubscribe      fn({ type, ids? }, state); types: 'reset', 'songs',
//                                    'update', 'top', 'recent', 'extra', 'restore'
//   save() / restore()               persist to / from IndexedDB (idb-keyval)
//
// Sources (sources.js): the user's own library is built from its sources,
//   state.sources = [meta...] (see sources.js), state.mode = 'own' | 'demo'.
//   addSource(meta, data)            keep one more import; the view is rebuilt, plays de-duplicated
//   removeSource(id)                 remove one import and exactly its plays
//   putSpotify({ user, songs, top, recent })   the signed-in account's top tracks, as the 'spotify' source
//   enterDemo(songs, words) / leaveDemo()      the demo is a separate mode: the own library stays
//                                              as it is, stored, and comes back on leaving
//   state.damaged                    records of the stored library that failed validation on read
//                                    and were left out (restore())

import { get as idbGet, set as idbSet, del as idbDel } from 'idb-keyval';
import { clampMetric } from '../ui.js';
import { mergeSources, songFromTrack } from './sources.js';
import { trackKey } from './history-core.js';

const STORE_KEY = 'moodspace.library.v1';
const STORE_KEY_V2 = 'moodspace.library.v2';
const SOURCE_KEY = (id) => `moodspace.source.${id}`;
const RANGES = ['short_term', 'medium_term', 'long_term'];
const STATUSES = new Set(['pending', 'found', 'instrumental', 'notfound', 'error', 'none']);
const KINDS = new Set(['basic', 'extended', 'spotify-export', 'mixed', 'exportify', 'lastfm', 'apple', 'youtube', 'm3u', 'pls', 'xspf', 'list', 'spotify', 'legacy', 'csv']);

function emptyState() {
  return {
    source: null, label: '', user: null, songs: new Map(),
    top: { tracks: { short_term: [], medium_term: [], long_term: [] }, artists: { short_term: [], medium_term: [], long_term: [] } },
    recent: [], extra: {}, sources: [], mode: 'own', damaged: 0,
  };
}

const s = (v, max = 500) => (typeof v === 'string' ? v.slice(0, max) : v == null ? '' : String(v).slice(0, max));
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const fin = (v) => typeof v === 'number' && Number.isFinite(v);

/** Validate and copy one incoming song; null if it has no usable id. */
export function cleanSong(x) {
  if (!x || typeof x !== 'object') return null;
  const id = s(x.id, 100);
  if (!id) return null;
  let metrics = null;
  if (x.metrics && typeof x.metrics === 'object') {
    metrics = {};
    for (const [k, v] of Object.entries(x.metrics)) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = clampMetric(k, v);
    if (!Object.keys(metrics).length) metrics = null;
  }
  return {
    id,
    uri: s(x.uri) || (/^[A-Za-z0-9]{22}$/.test(id) ? `spotify:track:${id}` : ''),
    title: s(x.title), artist: s(x.artist), album: s(x.album),
    durationMs: Number.isFinite(x.durationMs) ? x.durationMs : 0,
    explicit: !!x.explicit,
    releaseDate: s(x.releaseDate, 20),
    imageUrl: typeof x.imageUrl === 'string' && /^https?:\/\//.test(x.imageUrl) ? x.imageUrl : '',
    lyricsStatus: STATUSES.has(x.lyricsStatus) ? x.lyricsStatus : (metrics ? 'none' : 'pending'),
    metrics,
  };
}

/** A stored song passes only with the types it was saved with (a tampered one is left out). */
function storedSong(x) {
  if (!isObj(x) || typeof x.id !== 'string' || !/^[A-Za-z0-9:_.-]{1,100}$/.test(x.id)) return null;
  for (const k of ['title', 'artist', 'album', 'uri', 'releaseDate', 'imageUrl']) if (x[k] != null && typeof x[k] !== 'string') return null;
  if (x.metrics != null && !isObj(x.metrics)) return null;
  if (x.durationMs != null && !fin(x.durationMs)) return null;
  return cleanSong(x);
}

const grid7x24 = (g) => Array.isArray(g) && g.length === 7 && g.every((r) => Array.isArray(r) && r.length === 24 && r.every((v) => fin(v) && v >= 0));

/** A stored listening history (extra.history) checked field by field; null if any part is wrong. */
export function cleanHistory(h) {
  if (!isObj(h)) return null;
  const n = (v) => fin(v) && v >= 0;
  if (!n(h.totalMs) || !n(h.plays) || (h.uniqueTracks != null && !n(h.uniqueTracks))) return null;
  if (h.first != null && !fin(h.first)) return null;
  if (h.last != null && !fin(h.last)) return null;
  if (!isObj(h.skip) || !n(h.skip.known) || !n(h.skip.skipped) || !(h.skip.rate === null || n(h.skip.rate)) || typeof h.skip.basis !== 'string') return null;
  if (!isObj(h.clock) || !grid7x24(h.clock.ms) || !grid7x24(h.clock.plays)) return null;
  if (!Array.isArray(h.months) || !h.months.every((m) => isObj(m) && typeof m.month === 'string' && /^\d{4}-\d{2}$/.test(m.month) && n(m.ms))) return null;
  if (!Array.isArray(h.tracks) || !h.tracks.every((t) => isObj(t) && typeof t.id === 'string' && n(t.plays) && n(t.ms) && n(t.skips ?? 0))) return null;
  const named = (t) => isObj(t) && typeof t.title === 'string' && typeof t.artist === 'string' && n(t.ms) && n(t.plays) && n(t.skips ?? 0);
  if (!Array.isArray(h.topByTime) || !h.topByTime.every(named)) return null;
  if (!Array.isArray(h.topArtists) || !h.topArtists.every((a) => isObj(a) && typeof a.artist === 'string' && n(a.ms) && n(a.plays) && n(a.tracks))) return null;
  return {
    totalMs: h.totalMs, plays: h.plays, uniqueTracks: h.uniqueTracks || 0, first: h.first ?? null, last: h.last ?? null,
    skip: { known: h.skip.known, skipped: h.skip.skipped, rate: h.skip.rate, basis: s(h.skip.basis, 200) },
    clock: { ms: h.clock.ms, plays: h.clock.plays }, months: h.months.slice(0, 1200),
    tracks: h.tracks.slice(0, 5000).map((t) => ({ id: s(t.id, 100), plays: t.plays, ms: t.ms, skips: t.skips || 0 })),
    topByTime: h.topByTime.slice(0, 50).map((t) => ({ title: s(t.title), artist: s(t.artist), ms: t.ms, plays: t.plays, skips: t.skips || 0 })),
    topArtists: h.topArtists.slice(0, 50).map((a) => ({ artist: s(a.artist), ms: a.ms, plays: a.plays, tracks: a.tracks })),
    files: [], errors: [], note: typeof h.note === 'string' ? s(h.note, 400) : '', msUnknown: n(h.msUnknown) ? h.msUnknown : 0,
  };
}

function cleanArtist(a) {
  if (!isObj(a) || typeof a.name !== 'string') return null;
  return { id: s(a.id, 100), name: s(a.name), uri: s(a.uri), imageUrl: typeof a.imageUrl === 'string' && /^https?:\/\//.test(a.imageUrl) ? a.imageUrl : '',
    genres: Array.isArray(a.genres) ? a.genres.filter((g) => typeof g === 'string').slice(0, 20).map((g) => s(g, 100)) : [] };
}

/** A stored source meta, or null. */
export function cleanSourceMeta(m) {
  if (!isObj(m) || typeof m.id !== 'string' || !/^[A-Za-z0-9_-]{1,60}$/.test(m.id) || !KINDS.has(m.kind)) return null;
  const count = (v) => (fin(v) && v >= 0 ? Math.floor(v) : 0);
  const time = (v) => (fin(v) ? v : null);
  return {
    id: m.id, kind: m.kind, name: s(m.name, 200), addedAt: time(m.addedAt) ?? 0,
    files: Array.isArray(m.files) ? m.files.filter((f) => typeof f === 'string').slice(0, 50).map((f) => s(f, 300)) : [],
    first: time(m.first), last: time(m.last), plays: count(m.plays), listed: count(m.listed), songs: count(m.songs),
    problems: Array.isArray(m.problems) ? m.problems.filter((p) => isObj(p)).slice(0, 100).map((p) => ({ file: s(p.file, 200), where: s(p.where, 40), reason: s(p.reason, 300) })) : [],
    problemCount: count(m.problemCount),
    errors: Array.isArray(m.errors) ? m.errors.filter((e) => typeof e === 'string').slice(0, 20).map((e) => s(e, 400)) : [],
    dupes: count(m.dupes), missing: !!m.missing,
  };
}

/** Source data read back from storage: typed arrays of matching lengths and song indexes in range, or null. */
export function cleanSourceData(d, kind) {
  if (!isObj(d) || !Array.isArray(d.songs)) return null;
  if (kind === 'spotify') {
    const sp = d.spotify;
    if (!isObj(sp) || !Array.isArray(sp.songs)) return null;
    const songs = sp.songs.map(storedSong).filter(Boolean);
    const top = { tracks: {}, artists: {} };
    for (const r of RANGES) {
      top.tracks[r] = Array.isArray(sp.top?.tracks?.[r]) ? sp.top.tracks[r].filter((x) => typeof x === 'string') : [];
      top.artists[r] = Array.isArray(sp.top?.artists?.[r]) ? sp.top.artists[r].map(cleanArtist).filter(Boolean) : [];
    }
    const recent = Array.isArray(sp.recent) ? sp.recent.filter((x) => isObj(x) && typeof x.id === 'string').map((x) => ({ id: s(x.id, 100), playedAt: s(x.playedAt, 40) })) : [];
    return { songs: [], files: [], spotify: { user: isObj(sp.user) ? { id: s(sp.user.id, 100), displayName: s(sp.user.displayName, 200) } : null, songs, top, recent } };
  }
  const songs = [];
  for (const x of d.songs) {
    if (!isObj(x) || typeof x.title !== 'string' || typeof x.artist !== 'string') return null;
    songs.push({ title: s(x.title), artist: s(x.artist), album: s(x.album), uri: typeof x.uri === 'string' && /^spotify:track:[A-Za-z0-9]{22}$/.test(x.uri) ? x.uri : '', durationMs: fin(x.durationMs) ? x.durationMs : 0 });
  }
  if (!Array.isArray(d.files)) return null;
  const files = [];
  for (const f of d.files) {
    if (!isObj(f) || !(f.song instanceof Uint32Array) || !(f.end instanceof Float64Array) || !(f.ms instanceof Float64Array) || !(f.skip instanceof Int8Array)) return null;
    const n = f.song.length;
    if (f.end.length !== n || f.ms.length !== n || f.skip.length !== n) return null;
    const listed = f.listed instanceof Uint32Array ? f.listed : new Uint32Array(0);
    for (let i = 0; i < n; i++) if (f.song[i] >= songs.length || !Number.isFinite(f.end[i])) return null;
    for (let i = 0; i < listed.length; i++) if (listed[i] >= songs.length) return null;
    files.push({ name: s(f.name, 300), format: s(f.format, 20), song: f.song, end: f.end, ms: f.ms, skip: f.skip, listed });
  }
  return { songs, files };
}

/** A stored library view (one mode's snapshot), validated; counts what was left out. */
function readView(snap, count) {
  const st = emptyState();
  if (!isObj(snap)) return st;
  st.source = ['spotify', 'export', 'demo'].includes(snap.source) ? snap.source : null;
  st.label = s(snap.label, 200);
  st.user = isObj(snap.user) ? { id: s(snap.user.id, 100), displayName: s(snap.user.displayName, 200) } : null;
  for (const raw of Array.isArray(snap.songs) ? snap.songs : []) {
    const song = storedSong(raw);
    if (song) st.songs.set(song.id, song); else count.n++;
  }
  for (const r of RANGES) {
    const l = snap.top?.tracks?.[r];
    if (Array.isArray(l)) for (const id of l) { if (typeof id === 'string' && st.songs.has(id)) st.top.tracks[r].push(id); else if (typeof id !== 'string') count.n++; }
    const a = snap.top?.artists?.[r];
    if (Array.isArray(a)) for (const x of a) { const c = cleanArtist(x); if (c) st.top.artists[r].push(c); else count.n++; }
  }
  if (Array.isArray(snap.recent)) for (const x of snap.recent) {
    if (isObj(x) && typeof x.id === 'string' && (typeof x.playedAt === 'string' || fin(x.playedAt))) st.recent.push({ id: s(x.id, 100), playedAt: x.playedAt });
    else count.n++;
  }
  const ex = isObj(snap.extra) ? snap.extra : {};
  if (ex.history != null) { const h = cleanHistory(ex.history); if (h) st.extra.history = h; else count.n++; }
  if (ex.demoWords != null) {
    if (isObj(ex.demoWords)) {
      const words = {};
      for (const [id, list] of Object.entries(ex.demoWords)) {
        if (Array.isArray(list) && list.every((p) => Array.isArray(p) && typeof p[0] === 'string' && fin(p[1]))) words[s(id, 100)] = list.slice(0, 20).map(([w, c]) => [s(w, 40), c]);
        else count.n++;
      }
      st.extra.demoWords = words;
    } else count.n++;
  }
  for (const [k, v] of Object.entries(ex)) if (k !== 'history' && k !== 'demoWords' && k !== 'pendingSave') st.extra[k] = v;
  if (Array.isArray(snap.sources)) for (const m of snap.sources) { const c = cleanSourceMeta(m); if (c) st.sources.push(c); else count.n++; }
  return st;
}

const memoryStorage = () => { const m = new Map(); return { get: async (k) => m.get(k), set: async (k, v) => { m.set(k, v); }, del: async (k) => { m.delete(k); }, map: m }; };
const idbStorage = { get: (k) => idbGet(k), set: (k, v) => idbSet(k, v), del: (k) => idbDel(k) };

export function createLibrary({ storage = typeof indexedDB === 'undefined' ? memoryStorage() : idbStorage, tzOffset } = {}) {
  let state = emptyState();
  let own = null;                 // the own library while the demo is on screen
  const data = new Map();         // source id → data (loaded on demand)
  const subs = new Set();
  let merge = (entries) => mergeSources(entries, { tzOffset });   // setMerger: the page merges in a Worker
  let queue = Promise.resolve();  // rebuilds run one at a time, in order
  const emit = (ev) => { for (const fn of [...subs]) { try { fn(ev, state); } catch (e) { console.error(e); } } };
  const ownState = () => (state.mode === 'demo' ? own : state);

  function viewSnapshot(st) {
    if (!st) return null;
    return { source: st.source, label: st.label, user: st.user, songs: [...st.songs.values()],
      top: st.top, recent: st.recent, extra: st.extra, sources: st.sources };
  }

  async function loadData(meta) {
    if (data.has(meta.id)) return data.get(meta.id);
    let d = null;
    try { d = cleanSourceData(await storage.get(SOURCE_KEY(meta.id)), meta.kind); } catch { d = null; }
    if (d) data.set(meta.id, d);
    return d;
  }

  /**
   * Rebuild the own library's view from its sources; lyrics and moods already known stay.
   * The view is saved before it is shown: a reload right after a source was
   * added or removed never brings back the view from before.
   */
  function rebuild() {
    const run = queue.then(rebuildNow);
    queue = run.catch(() => {});
    return run;
  }
  async function rebuildNow() {
    const target = ownState();
    const entries = [];
    for (const meta of target.sources) {
      const d = await loadData(meta);
      meta.missing = !d;
      entries.push({ meta, data: d });
    }
    let merged;
    try { merged = await merge(entries); } catch (e) { console.warn('merging in a worker failed, merging here', e); merged = mergeSources(entries, { tzOffset }); }
    const prevById = target.songs; const prevByKey = new Map();
    for (const song of prevById.values()) prevByKey.set(trackKey(song.title, song.artist), song);
    const next = emptyState();
    next.mode = 'own'; next.sources = target.sources; next.damaged = target.damaged;
    next.source = merged.source; next.label = merged.label; next.user = merged.user;
    for (const raw of merged.songs) {
      const song = cleanSong(raw);
      if (!song) continue;
      const old = prevById.get(song.id) || prevByKey.get(trackKey(song.title, song.artist));
      if (old && (old.metrics || old.lyricsStatus !== 'pending') && !raw.metrics) { song.lyricsStatus = old.lyricsStatus; song.metrics = old.metrics; }
      if (old && !song.imageUrl && old.imageUrl) song.imageUrl = old.imageUrl;
      // a Spotify id found by search (spotify/resolve.js) for a song its sources name only
      if (old && !song.uri && old.uri) song.uri = old.uri;
      next.songs.set(song.id, song);
    }
    for (const k of ['tracks', 'artists']) for (const r of RANGES) next.top[k][r] = (merged.top?.[k]?.[r] || []).slice(0, 200);
    next.recent = (merged.recent || []).slice(0, 200);
    for (const [k, v] of Object.entries(target.extra)) if (k !== 'history') next.extra[k] = v;
    if (merged.history) next.extra.history = merged.history;
    for (const meta of next.sources) meta.dupes = merged.dupes.get(meta.id) || 0;
    if (state.mode === 'demo') own = next; else state = next;
    await lib.save();
    emit({ type: 'reset' });
    if (state.mode !== 'demo' && state.songs.size) emit({ type: 'songs', ids: [...state.songs.keys()] });
    return merged;
  }

  const lib = {
    get state() { return state; },
    /** The own library (also while the demo is on screen). */
    get own() { return ownState(); },
    subscribe(fn) { subs.add(fn); return () => subs.delete(fn); },
    reset(source, { label = '', user = null } = {}) {
      state = emptyState();
      own = null;
      data.clear();
      state.source = source || null; state.label = s(label, 200); state.user = user;
      emit({ type: 'reset' });
    },
    addSongs(list) {
      const ids = [];
      for (const raw of Array.isArray(list) ? list : []) {
        const song = cleanSong(raw);
        if (!song) continue;
        const old = state.songs.get(song.id);
        if (old) {
          // keep what we already learned (lyrics, metrics) unless the newcomer has it
          state.songs.set(song.id, { ...old, ...song,
            lyricsStatus: song.metrics || old.lyricsStatus === 'pending' ? song.lyricsStatus : old.lyricsStatus,
            metrics: song.metrics || old.metrics, imageUrl: song.imageUrl || old.imageUrl });
        } else state.songs.set(song.id, song);
        ids.push(song.id);
      }
      if (ids.length) emit({ type: 'songs', ids });
      return ids;
    },
    updateSong(id, patch) {
      const old = state.songs.get(id);
      if (!old) return false;
      state.songs.set(id, { ...old, ...patch });
      emit({ type: 'update', ids: [id] });
      return true;
    },
    updateSongs(patches) { // [[id, patch], ...] in one event
      const ids = [];
      for (const [id, patch] of patches) {
        const old = state.songs.get(id);
        if (old) { state.songs.set(id, { ...old, ...patch }); ids.push(id); }
      }
      if (ids.length) emit({ type: 'update', ids });
    },
    setTop(kind, range, list) {
      if (!state.top[kind] || !RANGES.includes(range)) throw new Error(`bad top list ${kind}/${range}`);
      state.top[kind][range] = Array.isArray(list) ? list.slice(0, 200) : [];
      emit({ type: 'top', kind, range });
    },
    setRecent(list) { state.recent = Array.isArray(list) ? list.slice(0, 200) : []; emit({ type: 'recent' }); },
    setExtra(key, value) { state.extra[key] = value; emit({ type: 'extra', key }); },
    songList() { return [...state.songs.values()]; },
    rankedSongs() {
      const seen = new Set(); const out = [];
      for (const r of ['medium_term', 'short_term', 'long_term']) {
        for (const id of state.top.tracks[r]) {
          const song = state.songs.get(id);
          if (song && !seen.has(id)) { seen.add(id); out.push(song); }
        }
      }
      for (const song of state.songs.values()) if (!seen.has(song.id)) out.push(song);
      return out;
    },

    // --- sources -------------------------------------------------------------------------
    /** Keep one more source (meta from sources.sourceMeta, data from the import); leaves the demo. */
    async addSource(meta, d) {
      if (state.mode === 'demo') lib.leaveDemo({ silent: true });
      const m = cleanSourceMeta(meta);
      if (!m) throw new Error('this import could not be kept (its description is not valid)');
      data.set(m.id, d);
      let stored = true;
      try { await storage.set(SOURCE_KEY(m.id), d); } catch { stored = false; }
      state.sources = [...state.sources.filter((x) => x.id !== m.id), m];
      const merged = await rebuild();   // (saved)
      return { meta: state.sources.find((x) => x.id === m.id), stored, merged };
    },
    /** Remove one source and exactly its plays and songs. */
    async removeSource(id) {
      const target = ownState();
      if (!target.sources.some((x) => x.id === id)) return false;
      target.sources = target.sources.filter((x) => x.id !== id);
      data.delete(id);
      try { await storage.del(SOURCE_KEY(id)); } catch { /* gone with "forget my data" at the latest */ }
      await rebuild();   // (saved)
      return true;
    },
    /** The signed-in account's top tracks and recent plays, kept as the 'spotify' source (replaced on reload). */
    async putSpotify({ user, songs, top, recent }) {
      const d = { songs: [], files: [], spotify: { user, songs: (songs || []).map(cleanSong).filter(Boolean), top, recent: recent || [] } };
      const clean = cleanSourceData(d, 'spotify');
      const meta = { id: 'spotify', kind: 'spotify', name: user?.displayName ? `Spotify: ${user.displayName}` : 'Spotify account', addedAt: Date.now(),
        plays: 0, listed: clean.spotify.songs.length, songs: clean.spotify.songs.length, problems: [], problemCount: 0 };
      return lib.addSource(meta, clean);
    },
    sourceData(id) { return data.get(id) || null; },
    /** The own library's sources with their data, read from storage when not loaded yet: [{ meta, data }] (the recap). */
    async sourceEntries() {
      const out = [];
      for (const meta of ownState().sources) out.push({ meta, data: await loadData(meta) });
      return out;
    },
    /** fn(entries) → Promise of mergeSources(entries): where the merge runs (history.js: in the import Worker). */
    setMerger(fn) { merge = fn; },

    // --- demo mode -----------------------------------------------------------------------
    enterDemo({ songs, words, label }) {
      if (state.mode !== 'demo') own = state;
      state = emptyState();
      state.mode = 'demo'; state.source = 'demo'; state.label = s(label, 200);
      emit({ type: 'reset' });
      lib.addSongs(songs);
      lib.setExtra('demoWords', words || {});
      return state.songs.size;
    },
    leaveDemo({ silent = false } = {}) {
      if (state.mode !== 'demo') return false;
      state = own || emptyState();
      state.mode = 'own';
      own = null;
      if (!silent) emit({ type: 'reset' });
      if (!silent && state.songs.size) emit({ type: 'songs', ids: [...state.songs.keys()] });
      return true;
    },

    // --- storage -------------------------------------------------------------------------
    snapshot() {
      const o = ownState();
      return { v: 2, mode: state.mode, own: viewSnapshot(o), demo: state.mode === 'demo' ? viewSnapshot(state) : null,
        // (v1 readers: the shape of the view on screen)
        ...viewSnapshot(state) };
    },
    async save() {
      try { await storage.set(STORE_KEY_V2, lib.snapshot()); return true; } catch { return false; }
    },
    async restore() {
      let snap;
      try { snap = await storage.get(STORE_KEY_V2); if (!snap) snap = await storage.get(STORE_KEY); } catch { return false; }
      if (!isObj(snap)) return false;
      const count = { n: 0 };
      if (snap.v === 2) {
        const o = readView(snap.own, count); o.mode = 'own';
        if (snap.mode === 'demo' && isObj(snap.demo)) {
          own = o;
          state = readView(snap.demo, count); state.mode = 'demo'; state.source = 'demo'; state.sources = [];
        } else { own = null; state = o; }
      } else if (snap.v === 1 && Array.isArray(snap.songs)) {
        // before sources: the demo becomes the demo mode; an import or a Spotify library one source
        const v = readView(snap, count);
        if (v.source === 'demo') { own = emptyState(); state = v; state.mode = 'demo'; }
        else {
          own = null; state = v; state.mode = 'own';
          if (v.source && v.songs.size) {
            const kind = v.source === 'spotify' ? 'spotify' : 'legacy';
            const meta = cleanSourceMeta({ id: kind === 'spotify' ? 'spotify' : 'legacy', kind, name: v.label || 'Earlier import', addedAt: 0,
              plays: v.extra.history?.plays || 0, listed: v.songs.size, songs: v.songs.size });
            const d = kind === 'spotify'
              ? { songs: [], files: [], spotify: { user: v.user, songs: [...v.songs.values()], top: v.top, recent: v.recent } }
              : { songs: [...v.songs.values()].map((x) => ({ title: x.title, artist: x.artist, album: x.album, uri: x.uri, durationMs: x.durationMs })),
                files: [{ name: 'earlier import', format: 'list', song: new Uint32Array(0), end: new Float64Array(0), ms: new Float64Array(0), skip: new Int8Array(0), listed: Uint32Array.from(v.songs, (_, i) => i) }] };
            data.set(meta.id, d);
            try { await storage.set(SOURCE_KEY(meta.id), d); } catch { /* kept in memory */ }
            state.sources = [meta];
          }
        }
      } else return false;
      state.damaged = count.n;
      if (own) own.damaged = count.n;
      emit({ type: 'restore' });
      return true;
    },
    /** Forget everything kept (the store itself is cleared by forget.js). */
    clearAll() { data.clear(); lib.reset(null); },
  };
  return lib;
}

/** The page's library (a singleton shared by every module). */
export const library = createLibrary();
export { songFromTrack };
