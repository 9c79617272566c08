// sources.js — one library from many sources. Plain data, no DOM (unit-tested).
//
// A source is one import (a Spotify data export, an Exportify playlist, a
// Last.fm export, …) or the Spotify account's top tracks. Its meta is small
// and kept with the library; its data (every play and song it brought, see
// HistoryImport.playData) is kept under its own IndexedDB key:
//   meta = { id, kind, name, addedAt, first, last, plays, songs, listed,
//            problems: [{ where, reason }], problemCount, files: [names] }
//   data = { songs: [{title, artist, album, uri, durationMs}],
//            files: [{ name, format, song: Uint32Array, end: Float64Array,
//                      ms: Float64Array (NaN: not given), skip: Int8Array (-1, 0, 1),
//                      listed: Uint32Array }],
//            spotify?: { user, songs: [library songs], top, recent } }   (kind 'spotify')
//
// mergeSources(list) builds the library view from every source.
//
// De-duplication. The same listening can reach MoodSpace twice: the basic
// and the extended Spotify export (requested days apart) both hold last
// year's plays, and an export imported twice holds the same plays twice.
// Two plays are the same play when
//   - they come from different files (a file never repeats itself: two plays
//     of one song in one minute of one file are two plays),
//   - their songs have the same key: artist and title, NFKC-normalised,
//     lower-cased, white space collapsed (history-core.js trackKey),
//   - they ended at the same time: within 10 s when both are to the second,
//     in the same or the next minute when one side is cut to the minute
//     (the basic export's endTime), and
//   - they lasted the same: both durations within 2 s or 2 % of each other;
//     plays whose source gives no duration (Last.fm, YouTube) only match each
//     other, within 60 s.
// Each play matches at most one play of each other file. Plays are taken in
// order of end time, the richer record first (extended > Apple > basic >
// Last.fm > YouTube), so the order in which sources were added changes
// nothing, and the richer record (second precision, skip flag, track id) is
// the one kept.
import { summarisePlays, trackKey } from './history-core.js';

export const KIND_LABELS = Object.freeze({
  basic: 'Spotify data export (basic)', extended: 'Spotify extended streaming history', exportify: 'Exportify playlist (CSV)',
  lastfm: 'Last.fm scrobbles (CSV)', apple: 'Apple Music play activity (CSV)', youtube: 'YouTube Music history (Google Takeout)',
  m3u: 'M3U playlist', pls: 'PLS playlist', xspf: 'XSPF playlist', list: 'List of songs', spotify: 'Spotify account (top tracks)',
  legacy: 'Earlier import',
});

export const POOL_SIZE = 500;        // songs with plays in the pool: the most played
export const MAX_POOL = 2000;        // with the songs of playlists and lists

const RICHNESS = { extended: 5, apple: 4, basic: 3, lastfm: 2, youtube: 1 };
const MINUTE = new Set(['basic']);

export function hashId(s) {
  let h1 = 0x811c9dc5, h2 = 0x1b873593;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return (h1 >>> 0).toString(36) + (h2 >>> 0).toString(36);
}

/** Library song for a summarised track ({title, artist, album, uri, maxMs | durationMs}). */
export function songFromTrack(t, idByKey) {
  const m = /^spotify:track:([A-Za-z0-9]{22})$/.exec(t.uri || '');
  const known = !m && idByKey ? idByKey.get(trackKey(t.title, t.artist)) : null;
  const dur = t.durationMs || (t.maxMs >= 60000 ? t.maxMs : 0);
  return {
    id: m ? m[1] : known || `export:${hashId(trackKey(t.title, t.artist))}`,
    uri: m ? t.uri : known && /^[A-Za-z0-9]{22}$/.test(known) ? `spotify:track:${known}` : '',
    title: t.title, artist: t.artist, album: t.album || '',
    // a play that ran to the end is the track's length; only trust long ones
    durationMs: dur,
  };
}

/** Do plays a and b (objects { end, ms, minute }) describe the same play? */
export function samePlay(a, b) {
  const aKnown = Number.isFinite(a.ms), bKnown = Number.isFinite(b.ms);
  if (aKnown !== bKnown) return false;
  if (!aKnown) return Math.abs(a.end - b.end) <= 60000;
  if (Math.abs(a.ms - b.ms) > Math.max(2000, 0.02 * Math.max(a.ms, b.ms))) return false;
  if (a.minute || b.minute) return Math.abs(Math.floor(a.end / 60000) - Math.floor(b.end / 60000)) <= 1;
  return Math.abs(a.end - b.end) <= 10000;
}

const WINDOW = 120000;   // no two plays further apart in time than this are the same

/**
 * Every play of every source, de-duplicated. Returns { total, kept, dupes:
 * Map(sourceId → plays left out as already counted), each(add) } where
 * each feeds summarisePlays.
 */
export function dedupePlays(entries) {
  // flatten into typed arrays: key, end, ms, richness, group, minute, source, file, index
  let n = 0;
  for (const { data } of entries) for (const f of data?.files || []) n += f.end?.length || 0;
  const key = new Uint32Array(n), end = new Float64Array(n), ms = new Float64Array(n), rich = new Uint8Array(n);
  const group = new Uint32Array(n), minute = new Uint8Array(n), src = new Uint16Array(n), file = new Uint16Array(n), idx = new Uint32Array(n);
  const keys = new Map(); const keyOfSong = [];
  let k = 0; let g = 0;
  entries.forEach(({ data }, si) => {
    const songKey = (data?.songs || []).map((s) => {
      const kk = trackKey(s.title, s.artist);
      let id = keys.get(kk);
      if (id === undefined) { id = keys.size; keys.set(kk, id); }
      return id;
    });
    keyOfSong[si] = songKey;
    (data?.files || []).forEach((f, fi) => {
      g++;
      const r = RICHNESS[f.format] || 1; const mi = MINUTE.has(f.format) ? 1 : 0;
      for (let i = 0; i < (f.end?.length || 0); i++) {
        const sk = songKey[f.song[i]];
        if (sk === undefined) continue;   // damaged data: a song index out of range
        key[k] = sk; end[k] = f.end[i]; ms[k] = f.ms[i]; rich[k] = r; group[k] = g; minute[k] = mi; src[k] = si; file[k] = fi; idx[k] = i;
        k++;
      }
    });
  });
  n = k;
  // plays grouped by song (a counting sort), each group in order of end time, richer first
  const start = new Uint32Array(keys.size + 1);
  for (let i = 0; i < n; i++) start[key[i] + 1]++;
  for (let j = 0; j < keys.size; j++) start[j + 1] += start[j];
  const order = new Uint32Array(n); const fill = start.slice(0, keys.size);
  for (let i = 0; i < n; i++) order[fill[key[i]]++] = i;
  const byTime = (a, b) => end[a] - end[b] || rich[b] - rich[a] || group[a] - group[b];
  for (let j = 0; j < keys.size; j++) if (start[j + 1] - start[j] > 1) order.subarray(start[j], start[j + 1]).sort(byTime);
  const keep = new Uint8Array(n);           // 1: counted
  const dupes = new Map();
  const absorbed = new Map();               // kept play → Set of groups it already matched
  let runStart = 0;
  const kept = [];
  for (let oi = 0; oi < n; oi++) {
    const p = order[oi];
    if (oi === 0 || key[p] !== key[order[oi - 1]]) { kept.length = 0; runStart = oi; }
    let match = -1;
    for (let j = kept.length - 1; j >= 0; j--) {
      const q = kept[j];
      if (end[q] < end[p] - WINDOW) break;
      if (group[q] === group[p]) continue;
      const set = absorbed.get(q);
      if (set && set.has(group[p])) continue;
      // (samePlay, on the arrays)
      const pk = ms[p] === ms[p], qk = ms[q] === ms[q];
      if (pk !== qk) continue;
      let same;
      if (!pk) same = Math.abs(end[p] - end[q]) <= 60000;
      else if (Math.abs(ms[p] - ms[q]) > Math.max(2000, 0.02 * Math.max(ms[p], ms[q]))) same = false;
      else if (minute[p] || minute[q]) same = Math.abs(Math.floor(end[p] / 60000) - Math.floor(end[q] / 60000)) <= 1;
      else same = Math.abs(end[p] - end[q]) <= 10000;
      if (same) { match = j; break; }
    }
    if (match < 0) { kept.push(p); keep[p] = 1; continue; }
    const q = kept[match];
    let set = absorbed.get(q);
    if (!set) { set = new Set(); absorbed.set(q, set); }
    set.add(group[p]);
    let lost = p;
    if (rich[p] > rich[q]) {   // (never: plays are in richness order at equal ends; kept for safety)
      keep[q] = 0; keep[p] = 1; kept[match] = p; absorbed.set(p, new Set([...set, group[q]])); absorbed.delete(q); lost = q;
    }
    const id = entries[src[lost]].meta.id;
    dupes.set(id, (dupes.get(id) || 0) + 1);
  }
  void runStart;
  let keptCount = 0;
  const formats = new Map();   // format → { plays, known }: the counted plays, and those whose skip is known
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    keptCount++;
    const f = entries[src[i]].data.files[file[i]];
    let c = formats.get(f.format);
    if (!c) { c = { plays: 0, known: 0 }; formats.set(f.format, c); }
    c.plays++; if (f.skip[idx[i]] >= 0) c.known++;
  }
  return {
    total: n, kept: keptCount, dupes, formats,
    each(add) {
      for (let i = 0; i < n; i++) {
        if (!keep[i]) continue;
        const { data } = entries[src[i]]; const f = data.files[file[i]]; const s = data.songs[f.song[idx[i]]];
        const sk = f.skip[idx[i]];
        const known = Number.isFinite(ms[i]);
        add(end[i], known ? ms[i] : 0, s.title, s.artist, s.album || '', s.uri || '', sk < 0 ? null : sk === 1, known);
      }
    },
  };
}

const SKIP_RULE = {
  extended: ['Spotify\'s "skipped" flag', 'extended-history'], apple: ['Apple Music\'s end reason', 'Apple Music'],
  basic: ['plays shorter than 30 seconds', 'basic-export'],
};
const SOURCE_NAME = { extended: 'extended-history', apple: 'Apple Music', basic: 'basic-export', lastfm: 'Last.fm', youtube: 'YouTube Music' };
const nf = (x) => x.toLocaleString('en');

/**
 * What a merged skip rate is computed over, in words: each kind of source
 * whose plays say whether they were skipped, with its rule and how many plays
 * it gives, and the plays left out because their source does not say.
 * formats: Map(format → { plays, known }) of the counted plays (dedupePlays).
 */
export function skipBasis(formats) {
  const used = []; const left = [];
  for (const [fmt, c] of formats) {
    const rule = SKIP_RULE[fmt];
    if (rule && c.known) used.push(`${rule[0]} for ${nf(c.known)} ${rule[1]} plays`);
    const out = c.plays - (rule ? c.known : 0);
    if (out > 0) left.push(`${nf(out)} ${SOURCE_NAME[fmt] || fmt} plays`);
  }
  const basis = used.length ? used.join(' and ') : 'no play that says whether it was skipped';
  return left.length ? `${basis}; ${left.join(' and ')} ${left.length === 1 && /^1 /.test(left[0]) ? 'does' : 'do'} not say and ${left.length === 1 && /^1 /.test(left[0]) ? 'is' : 'are'} left out` : basis;
}

/**
 * The library view of a list of sources [{ meta, data }] (data null when it
 * could not be read: that source is left out).
 * → { source, label, user, songs: [song], top: {tracks, artists}, recent,
 *     history: extra.history | null, stats: Map(id → { dupes }) }
 */
export function mergeSources(entries, { tzOffset } = {}) {
  const usable = entries.filter((e) => e.data);
  const spotify = usable.find((e) => e.meta.kind === 'spotify');
  const others = usable.filter((e) => e.meta.kind !== 'spotify');
  const playsOf = others.filter((e) => (e.data.files || []).some((f) => f.end?.length));
  const d = dedupePlays(playsOf);
  const summary = d.kept ? summarisePlays((add) => d.each(add), { tzOffset }) : null;
  if (summary) {
    summary.skip.basis = skipBasis(d.formats);
    if (summary.skip.known === 0) summary.skip.rate = null;
  }
  // ids known from sources that have them: a song without one takes it
  const idByKey = new Map();
  for (const s of spotify?.data.spotify?.songs || []) if (s && s.id) idByKey.set(trackKey(s.title, s.artist), s.id);
  for (const e of others) for (const s of e.data.songs || []) {
    const m = /^spotify:track:([A-Za-z0-9]{22})$/.exec(s.uri || '');
    if (m && !idByKey.has(trackKey(s.title, s.artist))) idByKey.set(trackKey(s.title, s.artist), m[1]);
  }
  const songs = []; const byKey = new Map();
  const push = (song, key) => { if (byKey.has(key)) return byKey.get(key); byKey.set(key, song); songs.push(song); return song; };
  for (const s of spotify?.data.spotify?.songs || []) if (s && s.id) push(s, trackKey(s.title, s.artist));
  const pool = summary ? summary.tracks.slice(0, POOL_SIZE) : [];
  const poolSongs = pool.map((t) => push(songFromTrack(t, idByKey), trackKey(t.title, t.artist)));
  // playlist and list songs, in the order their sources were added
  for (const e of others) {
    for (const f of e.data.files || []) {
      for (const i of f.listed || []) {
        if (songs.length >= MAX_POOL) break;
        const s = e.data.songs[i];
        if (s) push(songFromTrack(s, idByKey), trackKey(s.title, s.artist));
      }
    }
  }
  let top = { tracks: { short_term: [], medium_term: [], long_term: [] }, artists: { short_term: [], medium_term: [], long_term: [] } };
  if (spotify?.data.spotify?.top) top = spotify.data.spotify.top;
  else if (summary) {
    const idOf = (i) => (i < poolSongs.length ? poolSongs[i].id : null);
    for (const r of ['short_term', 'medium_term', 'long_term']) top.tracks[r] = (summary.ranges?.[r] || []).map(idOf).filter(Boolean);
  }
  let history = null;
  if (summary && summary.plays) {
    history = {
      totalMs: summary.totalMs, plays: summary.plays, skip: summary.skip,
      first: summary.first, last: summary.last, clock: summary.clock, months: summary.months,
      files: [], note: d.total > d.kept ? `${(d.total - d.kept).toLocaleString('en')} plays that two sources both hold are counted once.` : '',
      errors: [], uniqueTracks: summary.tracks.length, msUnknown: summary.msUnknown || 0,
      tracks: pool.map((t, i) => ({ id: poolSongs[i].id, plays: t.plays, ms: t.ms, skips: t.skips })),
      topByTime: summary.tracks.slice(0, 50).map((t) => ({ title: t.title, artist: t.artist, ms: t.ms, plays: t.plays, skips: t.skips })),
      topArtists: summary.artists.slice(0, 50),
    };
  }
  const kind = others.length ? 'export' : spotify ? 'spotify' : null;
  const user = spotify?.data.spotify?.user || null;
  const label = kind === 'spotify' ? `Spotify (${user?.displayName || 'your account'})`
    : others.length === 1 && !spotify && ['basic', 'extended', 'spotify-export'].includes(others[0].meta.kind) ? 'Your Spotify data export'
      : 'Your library';
  return { source: kind, label, user, songs, top, recent: spotify?.data.spotify?.recent || [], history, dupes: d.dupes, plays: d.kept };
}

/** Meta of a new source from a finished import (the worker's summary and data). */
export function sourceMeta(summary, data, { id, name, addedAt = Date.now() }) {
  const formats = [...new Set(summary.files.map((f) => f.format))];
  const kind = formats.length === 1 ? formats[0] : formats.every((f) => f === 'basic' || f === 'extended') ? 'spotify-export' : 'mixed';
  let plays = 0; let listed = 0;
  for (const f of data.files) { plays += f.end.length; listed += f.listed.length; }
  let first = Infinity, last = -Infinity;
  for (const f of data.files) for (let i = 0; i < f.end.length; i++) { if (f.end[i] < first) first = f.end[i]; if (f.end[i] > last) last = f.end[i]; }
  const problems = []; let problemCount = 0;
  for (const f of [...summary.files, ...(summary.failedFiles || [])]) {
    problemCount += f.problemCount || 0;
    for (const p of f.problems || []) if (problems.length < 100) problems.push({ file: f.name.split('/').pop(), where: p.line, reason: p.reason });
  }
  return {
    id, kind, name: String(name).slice(0, 200), addedAt,
    files: summary.files.map((f) => f.name.slice(0, 300)).slice(0, 50),
    first: Number.isFinite(first) ? first : null, last: Number.isFinite(last) ? last : null,
    plays, listed, songs: data.songs.length, problems, problemCount,
    errors: (summary.errors || []).slice(0, 20).map((e) => String(e.message).slice(0, 400)),
  };
}
