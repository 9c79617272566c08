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

import { get as idbGet, set as idbSet } from 'idb-keyval';
import { clampMetric } from '../ui.js';

const STORE_KEY = 'moodspace.library.v1';
const RANGES = ['short_term', 'medium_term', 'long_term'];
const STATUSES = new Set(['pending', 'found', 'instrumental', 'notfound', 'error', 'none']);

function emptyState() {
  return {
    source: null, label: '', user: null, songs: new Map(),
    top: { tracks: { short_term: [], medium_term: [], long_term: [] }, artists: { short_term: [], medium_term: [], long_term: [] } },
    recent: [], extra: {},
  };
}

const s = (v, max = 500) => (typeof v === 'string' ? v.slice(0, max) : v == null ? '' : String(v).slice(0, max));

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

export function createLibrary() {
  let state = emptyState();
  const subs = new Set();
  const emit = (ev) => { for (const fn of [...subs]) { try { fn(ev, state); } catch (e) { console.error(e); } } };

  const lib = {
    get state() { return state; },
    subscribe(fn) { subs.add(fn); return () => subs.delete(fn); },
    reset(source, { label = '', user = null } = {}) {
      state = emptyState();
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
    snapshot() {
      return { v: 1, source: state.source, label: state.label, user: state.user, songs: [...state.songs.values()],
        top: state.top, recent: state.recent, extra: state.extra };
    },
    async save() {
      try { await idbSet(STORE_KEY, lib.snapshot()); return true; } catch { return false; }
    },
    async restore() {
      let snap;
      try { snap = await idbGet(STORE_KEY); } catch { return false; }
      if (!snap || snap.v !== 1 || !Array.isArray(snap.songs)) return false;
      state = emptyState();
      state.source = snap.source || null; state.label = s(snap.label, 200); state.user = snap.user || null;
      for (const raw of snap.songs) { const song = cleanSong(raw); if (song) state.songs.set(song.id, song); }
      for (const k of ['tracks', 'artists']) for (const r of RANGES) {
        const l = snap.top?.[k]?.[r]; if (Array.isArray(l)) state.top[k][r] = l;
      }
      state.recent = Array.isArray(snap.recent) ? snap.recent : [];
      state.extra = snap.extra && typeof snap.extra === 'object' ? snap.extra : {};
      emit({ type: 'restore' });
      return true;
    },
  };
  return lib;
}

/** The page's library (a singleton shared by every module). */
export const library = createLibrary();
