// history-core.js — parsing and summarising a Spotify data export, with no
// DOM and no Worker API, so it runs in history-worker.js and under node:test.
//
// Two export formats are understood:
//   basic    StreamingHistory_music_N.json (also the older StreamingHistoryN.json)
//            [{ endTime: "2024-01-05 14:32", artistName, trackName, msPlayed }, ...]
//            endTime is UTC, minute precision, and marks the END of the play.
//   extended Streaming_History_Audio_*.json / endsong_N.json
//            [{ ts: "2024-01-05T14:32:10Z", ms_played, master_metadata_track_name,
//               master_metadata_album_artist_name, master_metadata_album_album_name,
//               spotify_track_uri, skipped, reason_end, ... }, ...]
//            ts is UTC and also marks the end of the play. Podcast episodes
//            have no track name: they are counted and left out.
//
// Files are read as a byte stream: JsonArrayStream scans a top-level JSON
// array and hands each element to JSON.parse on its own, so a 100 MB file is
// never held as one string or as one giant array of objects.
//
// A hostile file (a zip bomb, a record nested millions deep, one giant
// string, millions of plays) must not take the tab down: IMPORT_LIMITS bounds
// what one import may hold, every limit is named in the message when hit,
// and plays are summed as they stream (per song, per day for the last six
// months) instead of being kept one by one.
//
// Usage:
//   const imp = new HistoryImport();
//   const f = imp.beginFile('StreamingHistory_music_0.json');  // null if not a history file
//   f.push(bytes); ...; f.end();      // throws HistoryError naming the file and the problem
//   const summary = imp.finish();     // see finish() for the shape

export class HistoryError extends Error {
  constructor(file, problem) {
    super(`${file}: ${problem}`);
    this.name = 'HistoryError';
    this.file = file;
    this.problem = problem;
  }
}

/** 'basic' | 'extended' | null for a path inside the export (folders are ignored). */
export function classifyHistoryFile(path) {
  const name = String(path).split(/[\\/]/).pop();
  if (/^StreamingHistory(_music)?_?\d*\.json$/i.test(name)) return 'basic';
  if (/^Streaming_History_Audio_.*\.json$/i.test(name)) return 'extended';
  if (/^endsong(_\d+)?\.json$/i.test(name)) return 'extended';
  return null;
}

const MB = 1024 * 1024;

/** What one import may hold. Real exports are far inside every limit. */
export const IMPORT_LIMITS = Object.freeze({
  maxElementBytes: 64 * 1024,   // one entry of the array (a play is under 1 KB)
  maxDepth: 16,                 // nesting inside one entry (a play has 1)
  maxTotalBytes: 2048 * MB,     // JSON read in one import (large exports are a few hundred MB)
  maxRatio: 100,                // unpacked / packed size of a zip (exports: about 10)
  ratioFloorBytes: 16 * MB,     // ... checked once this much is unpacked
  maxZipEntries: 10000,         // files inside one zip (exports: a few dozen)
  maxTracks: 300000,            // different songs in one import
  maxTextChars: 500,            // a title, artist or album is cut to this many characters
  maxRetainedChars: 16 * MB,    // characters of song names one import keeps (a large export: ~3 M)
  maxPlays: 2000000,            // plays one import keeps one by one (ten years of daily listening: ~500k)
  maxProblems: 50,              // problems listed per file (the rest are counted)
});

/** IMPORT_LIMITS with the caller's overrides (tests use small ones). */
export function importLimits(overrides) { return Object.freeze({ ...IMPORT_LIMITS, ...(overrides || {}) }); }

/** "64 KB", "2 GB": a byte count for a message. */
export function formatBytes(n) {
  if (n >= 1024 * MB) return `${+(n / (1024 * MB)).toFixed(1)} GB`;
  if (n >= MB) return `${+(n / MB).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/**
 * `v` as a string of at most `max` characters (never splitting a surrogate
 * pair), copied so that a cut never keeps a long parent string alive (V8
 * slices share their parent's memory).
 */
export function cutText(v, max = IMPORT_LIMITS.maxTextChars) {
  if (typeof v !== 'string') return '';
  if (v.length <= max) return v;
  let end = max;
  const c = v.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return JSON.parse(JSON.stringify(v.slice(0, end)));
}

/** A growable log of plays: song index, end (ms), ms played (NaN: unknown), skip (-1 unknown, 0, 1). */
export class PlayLog {
  constructor(cap = 256) { this.n = 0; this._alloc(cap); }
  _alloc(cap) {
    const old = this.n ? this : null;
    const song = new Uint32Array(cap), end = new Float64Array(cap), ms = new Float64Array(cap), skip = new Int8Array(cap);
    if (old) { song.set(old.song.subarray(0, this.n)); end.set(old.end.subarray(0, this.n)); ms.set(old.ms.subarray(0, this.n)); skip.set(old.skip.subarray(0, this.n)); }
    this.song = song; this.end = end; this.ms = ms; this.skip = skip;
  }
  push(song, end, ms, skip) {
    if (this.n === this.song.length) this._alloc(this.n * 2);
    const i = this.n++;
    this.song[i] = song; this.end[i] = end; this.ms[i] = ms; this.skip[i] = skip == null ? -1 : skip ? 1 : 0;
  }
  /** Plain typed arrays of the plays (copies, sized to fit). */
  toJSON() {
    return { song: this.song.slice(0, this.n), end: this.end.slice(0, this.n), ms: this.ms.slice(0, this.n), skip: this.skip.slice(0, this.n) };
  }
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

/**
 * Incremental scanner for a JSON document whose top level is an array.
 * push(Uint8Array) any number of times, then end(). Each top-level element
 * is decoded and parsed separately and passed to onItem(value, index).
 * Errors are thrown as plain Error with a byte offset; the caller adds the
 * file name. An element larger than limits.maxElementBytes or nested deeper
 * than limits.maxDepth is refused before it is buffered or parsed.
 */
export class JsonArrayStream {
  constructor(onItem, limits = IMPORT_LIMITS) {
    this.onItem = onItem;
    this.limits = limits;
    this.partBytes = 0;      // bytes held in parts
    this.state = 0;          // 0 before '[', 1 inside the array expecting value or ']', 2 after ']'
    this.expectComma = false;
    this.depth = 0;          // nesting depth inside the current element
    this.inString = false;
    this.escape = false;
    this.scalar = false;     // current element is a bare number/literal
    this.parts = [];         // byte chunks of the current element
    this.offset = 0;         // bytes consumed before the current chunk
    this.count = 0;          // elements handed to onItem
    this.seen = 0;           // elements whose end was found
    this.decoder = new TextDecoder('utf-8', { fatal: true });
  }

  _decode(bytes, what) {
    try { return this.decoder.decode(bytes); }
    catch { throw new Error(`${what} is not valid UTF-8`); }
  }

  _emit(bytes) {
    const text = this._decode(bytes, `element ${this.count + 1}`);
    let value;
    try { value = JSON.parse(text); }
    catch (e) {
      const near = text.length > 60 ? text.slice(0, 60) + '…' : text;
      throw new Error(`element ${this.count + 1} is not valid JSON (${e.message}) near ${JSON.stringify(near)}`);
    }
    this.onItem(value, this.count++);
  }

  // `count` complete elements lie in buf[start, end) separated by commas and
  // whitespace only: one decode and one JSON.parse for all of them (much
  // faster than one call per element); on failure, find the bad one.
  _emitBatch(buf, start, end, count, bounds) {
    let values = null;
    try { values = JSON.parse('[' + this.decoder.decode(buf.subarray(start, end)) + ']'); }
    catch { values = null; }
    if (values && values.length === count) {
      for (const v of values) this.onItem(v, this.count++);
      return;
    }
    for (let k = 0; k < bounds.length; k += 2) this._emit(buf.subarray(bounds[k], bounds[k + 1]));
  }

  _takeElement(buf, start, endExclusive) {
    let bytes;
    if (this.parts.length) {
      this.parts.push(buf.subarray(start, endExclusive));
      let n = 0;
      for (const p of this.parts) n += p.length;
      bytes = new Uint8Array(n);
      n = 0;
      for (const p of this.parts) { bytes.set(p, n); n += p.length; }
      this.parts = [];
      this.partBytes = 0;
    } else {
      bytes = buf.subarray(start, endExclusive);
    }
    this._emit(bytes);
  }

  push(buf) {
    let i = 0;
    const n = buf.length;
    let elemStart = (this.depth > 0 || this.scalar) ? 0 : -1;
    let carried = elemStart === 0;       // the element in progress began in an earlier chunk
    const bounds = [];                   // start/end pairs of elements complete in this chunk
    const finish = (end) => {
      this._checkSize((carried ? this.partBytes : 0) + end - elemStart);
      if (carried) { this._takeElement(buf, elemStart, end); carried = false; }
      else bounds.push(elemStart, end);
      this.seen++;
      elemStart = -1;
      this.expectComma = true;
    };
    for (; i < n; i++) {
      const c = buf[i];
      if (this.depth > 0) {
        // inside an object/array element: track strings and nesting only
        if (this.inString) {
          if (this.escape) { this.escape = false; continue; }
          // jump to the next quote; it closes the string unless an odd run of backslashes precedes it
          const q = buf.indexOf(0x22, i);
          const stop = q < 0 ? n : q;
          let k = 0;
          while (stop - 1 - k >= i && buf[stop - 1 - k] === 0x5c) k++;
          if (q < 0) { this.escape = (k & 1) === 1; i = n; break; }
          if ((k & 1) === 0) this.inString = false;
          i = q;
          continue;
        }
        if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) { if (++this.depth > this.limits.maxDepth) this._tooDeep(); }
        else if (c === 0x7d || c === 0x5d) {
          if (--this.depth === 0) finish(i + 1);
        }
        continue;
      }
      if (this.scalar) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (c === 0x5c) this.escape = true;
          else if (c === 0x22) this.inString = false;
          continue;
        }
        if (c === 0x2c || c === 0x5d || WS[c]) {
          this.scalar = false;
          finish(i);
          // fall through to handle the delimiter below
        } else continue;
      }
      if (WS[c]) continue;
      const at = this.offset + i;
      if (this.state === 0) {
        if (at < 3 && c === [0xef, 0xbb, 0xbf][at]) continue;   // UTF-8 byte-order mark
        if (c !== 0x5b) throw new Error(`expected a JSON array ('[') at byte ${at}, found ${describe(c)}`);
        this.state = 1;
        continue;
      }
      if (this.state === 2) throw new Error(`unexpected ${describe(c)} after the end of the array at byte ${at}`);
      if (c === 0x5d) {
        if (this.seen > 0 && !this.expectComma) throw new Error(`trailing comma before ']' at byte ${at}`);
        this.state = 2;
        continue;
      }
      if (c === 0x2c) {
        if (!this.expectComma) throw new Error(`unexpected ',' at byte ${at}`);
        this.expectComma = false;
        continue;
      }
      if (this.expectComma) throw new Error(`expected ',' or ']' at byte ${at}, found ${describe(c)}`);
      elemStart = i;
      if (c === 0x7b || c === 0x5b) { this.depth = 1; this.inString = false; }
      else { this.scalar = true; this.inString = c === 0x22; }
    }
    if (bounds.length) this._emitBatch(buf, bounds[0], bounds[bounds.length - 1], bounds.length / 2, bounds);
    if (elemStart >= 0) {
      this._checkSize(this.partBytes + n - elemStart);
      this.parts.push(buf.slice(elemStart));
      this.partBytes += n - elemStart;
    }
    this.offset += n;
  }

  _checkSize(bytes) {
    const max = this.limits.maxElementBytes;
    if (bytes > max) throw new Error(`entry ${this.seen + 1} is larger than ${formatBytes(max)} (the limit for one entry; a play is under 1 KB): not a streaming history`);
  }

  _tooDeep() {
    throw new Error(`entry ${this.seen + 1} is nested more than ${this.limits.maxDepth} levels deep (the limit; a play has 1): not a streaming history`);
  }

  end() {
    if (this.state === 0) throw new Error(this.offset === 0 ? 'the file is empty' : 'no JSON array found');
    if (this.depth > 0 || this.scalar || this.state !== 2)
      throw new Error(`the file ends in the middle of the array after ${this.count} complete entries (truncated?)`);
  }
}

function describe(c) {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

// --- per-file aggregation ---------------------------------------------------

const DAY_MS = 86400000;

/** Hour (0..23) and weekday (0 = Monday .. 6 = Sunday) of a UTC ms instant shifted by offsetMin. */
function clockCell(ms, offsetMin) {
  const t = ms + offsetMin * 60000;
  const days = Math.floor(t / DAY_MS);
  const hour = Math.floor((t - days * DAY_MS) / 3600000);
  const weekday = ((days % 7) + 7 + 3) % 7;   // 1970-01-01 was a Thursday (3 when Monday = 0)
  return weekday * 24 + hour;
}

function parseBasicTime(s) {
  // "2024-01-05 14:32" (UTC), sometimes with seconds
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
}

function parseIsoTime(s) {
  const t = Date.parse(s);
  return t;
}

export const SKIP_SHORT_MS = 30000;   // Spotify counts a stream from 30 s

// Play time per song for the last 4 weeks / 6 months is summed per UTC day;
// days older than RECENT_DAYS before the latest play seen are dropped as the
// plays stream, so a song holds at most 2 * RECENT_DAYS sums, however many
// times it was played.
const SHORT_DAYS = 28, RECENT_DAYS = 182;
const MAX_BASIC_LOG = 2_000_000;   // plays of basic histories kept one by one (a year is ~50k)

class FileAgg {
  constructor(name, format, tzOffset, session) {
    this.name = name;
    this.format = format;
    this.tzOffset = tzOffset;   // function(ms) -> minutes east of UTC
    this.session = session;     // { songIndex, songs, limits, chars, plays, keepLog } shared by the files of one import
    this.log = session.keepLog ? new PlayLog() : null;   // every play, one by one (for merging with later imports)
    this.listed = [];           // song indexes of a playlist, in order
    this.problems = [];         // { line, reason } of rows that could not be read (the first limits.maxProblems)
    this.problemCount = 0;
    this.msUnknown = 0;         // plays without a duration (Last.fm, YouTube)
    this.records = 0;
    this.music = 0;
    this.other = 0;             // podcasts, audiobooks, entries without a track
    this.tracks = new Map();
    this.clockMs = new Float64Array(7 * 24);
    this.clockPlays = new Uint32Array(7 * 24);
    this.months = new Map();    // "YYYY-MM" -> ms
    this.totalMs = 0;
    this.skipKnown = 0;
    this.skipped = 0;
    this.first = Infinity;
    this.last = -Infinity;
  }

  add(rec, index) {
    this.records++;
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec))
      throw new Error(`entry ${index + 1} is not an object`);
    let endMs, ms, title, artist, album = '', uri = '', skipped = null;
    if (this.format === 'basic') {
      if (typeof rec.endTime !== 'string') throw new Error(`entry ${index + 1} has no "endTime" text; is this a Spotify streaming history?`);
      if (typeof rec.msPlayed !== 'number' || !(rec.msPlayed >= 0)) throw new Error(`entry ${index + 1} has no valid "msPlayed" number`);
      endMs = parseBasicTime(rec.endTime);
      if (!Number.isFinite(endMs)) throw new Error(`entry ${index + 1} has an unreadable endTime ${JSON.stringify(String(rec.endTime).slice(0, 40))}`);
      ms = rec.msPlayed;
      title = rec.trackName; artist = rec.artistName;
      // the basic export has podcasts in the old StreamingHistoryN.json too;
      // without a skip flag, a play shorter than 30 s counts as skipped
    } else {
      if (typeof rec.ts !== 'string') throw new Error(`entry ${index + 1} has no "ts" text; is this a Spotify extended streaming history?`);
      if (typeof rec.ms_played !== 'number' || !(rec.ms_played >= 0)) throw new Error(`entry ${index + 1} has no valid "ms_played" number`);
      endMs = parseIsoTime(rec.ts);
      if (!Number.isFinite(endMs)) throw new Error(`entry ${index + 1} has an unreadable ts ${JSON.stringify(String(rec.ts).slice(0, 40))}`);
      ms = rec.ms_played;
      title = rec.master_metadata_track_name; artist = rec.master_metadata_album_artist_name;
      album = typeof rec.master_metadata_album_album_name === 'string' ? rec.master_metadata_album_album_name : '';
      uri = typeof rec.spotify_track_uri === 'string' && rec.spotify_track_uri.startsWith('spotify:track:') ? rec.spotify_track_uri : '';
      if (typeof rec.skipped === 'boolean') skipped = rec.skipped;
      else if (rec.skipped === 1 || rec.skipped === 0) skipped = !!rec.skipped;
      else if (typeof rec.reason_end === 'string' && rec.reason_end) skipped = rec.reason_end === 'fwdbtn';
    }
    if (typeof title !== 'string' || !title || typeof artist !== 'string' || !artist) { this.other++; return; }
    this.addPlay(endMs, ms, title, artist, album, uri, skipped);
  }

  /** A row that could not be read: listed (up to limits.maxProblems) and counted; the import goes on. */
  problem(line, reason) {
    this.problemCount++;
    if (this.problems.length < this.session.limits.maxProblems) this.problems.push({ line, reason: cutText(String(reason), 300) });
  }

  /** The import's index of a song (title and artist already cut), registering it on first sight. */
  songIndexOf(title, artist, album, uri, key = trackKey(title, artist)) {
    const ses = this.session;
    let i = ses.songIndex.get(key);
    if (i === undefined) {
      if (ses.songIndex.size >= ses.limits.maxTracks) throw new Error(`more than ${ses.limits.maxTracks} different songs in this import (the limit)`);
      ses.chars += title.length + artist.length + album.length + uri.length;
      if (ses.chars > ses.limits.maxRetainedChars) throw new Error(`more than ${ses.limits.maxRetainedChars.toLocaleString('en')} characters of song names in this import (the limit)`);
      i = ses.songs.length;
      ses.songs.push({ title, artist, album, uri, durationMs: 0 });
      ses.songIndex.set(key, i);
    } else {
      const o = ses.songs[i];
      if (!o.uri && uri) o.uri = uri;
      if (!o.album && album) { ses.chars += album.length; o.album = album; }
    }
    return i;
  }

  /** One song of a playlist (no play). */
  addListed(title, artist, album = '', uri = '', durationMs = 0) {
    const L = this.session.limits;
    title = cutText(title, L.maxTextChars); artist = cutText(artist, L.maxTextChars); album = cutText(album, L.maxTextChars);
    uri = typeof uri === 'string' && /^spotify:track:[A-Za-z0-9]{22}$/.test(uri) ? uri : '';
    const i = this.songIndexOf(title, artist, album, uri);
    const song = this.session.songs[i];
    if (Number.isFinite(durationMs) && durationMs > song.durationMs && durationMs < 4 * 3600000) song.durationMs = Math.round(durationMs);
    if (this.listed.length >= L.maxPlays) throw new Error(`more than ${L.maxPlays.toLocaleString('en')} songs in one import (the limit)`);
    this.listed.push(i);
  }

  /** One music play, already read and checked (msKnown false: a play whose duration the source does not give). */
  addPlay(endMs, ms, title, artist, album, uri, skipped, msKnown = true) {
    const L = this.session.limits;
    title = cutText(title, L.maxTextChars); artist = cutText(artist, L.maxTextChars); album = cutText(album, L.maxTextChars);
    if (!msKnown) { ms = 0; this.msUnknown++; }
    this.music++;
    if (skipped === null && this.format === 'basic') skipped = ms < SKIP_SHORT_MS;
    if (skipped !== null) { this.skipKnown++; if (skipped) this.skipped++; }
    this.totalMs += ms;
    const startMs = endMs - ms;
    if (endMs > this.last) this.last = endMs;
    if (startMs < this.first) this.first = startMs;
    const off = this.tzOffset(endMs);
    const cell = clockCell(endMs, off);
    this.clockMs[cell] += ms;
    this.clockPlays[cell]++;
    const d = new Date(endMs + off * 60000);
    const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    this.months.set(month, (this.months.get(month) || 0) + ms);
    const key = trackKey(title, artist);
    let t = this.tracks.get(key);
    if (this.log) {
      if (++this.session.plays > L.maxPlays) throw new Error(`more than ${L.maxPlays.toLocaleString('en')} plays in one import (the limit)`);
      const si = this.songIndexOf(title, artist, album, uri, key);
      if (msKnown && ms > this.session.songs[si].durationMs && ms < 4 * 3600000 && ms >= 60000) this.session.songs[si].durationMs = ms;
      this.log.push(si, endMs, msKnown ? ms : NaN, skipped);
    }
    if (!t) {
      const { songIndex, limits } = this.session;
      if (!songIndex.has(key)) {
        if (songIndex.size >= limits.maxTracks) throw new Error(`more than ${limits.maxTracks} different songs in this import (the limit)`);
        songIndex.set(key, -1);
      }
      t = { title, artist, album, uri, plays: 0, ms: 0, skips: 0, maxMs: 0, first: startMs, last: endMs, days: new Map() };
      this.tracks.set(key, t);
    }
    t.plays++;
    t.ms += ms;
    if (ms > t.maxMs) t.maxMs = ms;
    addDay(t.days, Math.floor(endMs / DAY_MS), ms, Math.floor(this.last / DAY_MS));
    // A basic export's plays are kept as (end, ms) pairs so that, given an
    // extended history too, the ones outside its period can be told apart
    // (playsOutside). A basic export covers about a year; its log is bounded.
    if (this.format === 'basic') {
      if (++this.session.basicLogged > MAX_BASIC_LOG) throw new Error(`more than ${MAX_BASIC_LOG.toLocaleString('en')} plays in basic histories (the limit)`);
      (t.log ||= []).push(endMs, ms);
    }
    if (skipped) t.skips++;
    if (!t.uri && uri) t.uri = uri;
    if (!t.album && album) t.album = album;
    if (startMs < t.first) t.first = startMs;
    if (endMs > t.last) t.last = endMs;
  }

  /** A basic file's plays that ended outside [from, to] (a period another file holds), as a new FileAgg. */
  playsOutside(from, to) {
    const out = new FileAgg(this.name, this.format, this.tzOffset, { ...this.session, basicLogged: 0, keepLog: false });
    for (const t of this.tracks.values()) {
      const log = t.log || [];
      for (let i = 0; i < log.length; i += 2) {
        const endMs = log[i];
        if (endMs < from || endMs > to) { out.records++; out.addPlay(endMs, log[i + 1], t.title, t.artist, t.album, t.uri, null); }
      }
    }
    return out;
  }
}

/** Add ms to a song's day sums; keep only days within RECENT_DAYS of lastDay. */
function addDay(days, day, ms, lastDay) {
  if (day <= lastDay - RECENT_DAYS) return;
  days.set(day, (days.get(day) || 0) + ms);
  if (days.size > 2 * RECENT_DAYS) for (const d of days.keys()) if (d <= lastDay - RECENT_DAYS) days.delete(d);
}

/**
 * The song part of the de-duplication key (sources.js): artist and title,
 * Unicode-normalised (NFKC), lower-cased, runs of white space made one space.
 */
export function normName(v) {
  const t = String(v);
  // (plain ASCII without double spaces, the common case, skips normalize())
  return (/^[\x20-\x7e]*$/.test(t) && !/\s\s/.test(t) ? t : t.normalize('NFKC').replace(/\s+/g, ' ')).toLowerCase().trim();
}

export function trackKey(title, artist) {
  return `${normName(artist)}\u0000${normName(title)}`;
}

const offsetCache = new Map();
function localOffset(ms) {
  const h = Math.floor(ms / 3600000);
  let o = offsetCache.get(h);
  if (o === undefined) {
    if (offsetCache.size > 200000) offsetCache.clear();
    o = -new Date(ms).getTimezoneOffset();
    offsetCache.set(h, o);
  }
  return o;
}

/**
 * One import session over any number of files. Files that fail are reported
 * and leave nothing behind; the others are kept.
 * options.tzOffset(ms) -> minutes east of UTC for the listening clock
 * (default: the runtime's local time zone).
 */
export class HistoryImport {
  constructor(options = {}) {
    this.tzOffset = options.tzOffset || localOffset;
    this.limits = importLimits(options.limits);
    this.session = { songIndex: new Map(), songs: [], limits: this.limits, basicLogged: 0, chars: 0, plays: 0,
      keepLog: options.keepLog !== false };
    this.bytes = 0;       // JSON bytes read by every file so far
    this.done = [];       // FileAgg of files read completely
    this.errors = [];     // { file, problem, message }
    this.ignored = [];    // names of files that are not streaming histories
    this.failedAggs = []; // files of other formats where nothing could be read (their problems are still shown)
  }

  /**
   * Everything this import keeps for merging with other imports (sources.js):
   * { songs: [{title, artist, album, uri, durationMs}], files: [{name, format,
   *   song: Uint32Array, end: Float64Array, ms: Float64Array, skip: Int8Array, listed: Uint32Array}] }
   */
  playData() {
    return {
      songs: this.session.songs.map((x) => ({ ...x })),
      files: this.done.map((f) => ({ name: f.name, format: f.format, ...(f.log ? f.log.toJSON() : { song: new Uint32Array(0), end: new Float64Array(0), ms: new Float64Array(0), skip: new Int8Array(0) }),
        listed: Uint32Array.from(f.listed) })),
    };
  }

  /** A per-file aggregator for another reader (formats.js): addPlay / addListed / problem, then endFile(agg). */
  beginAgg(name, format) { return new FileAgg(String(name), format, this.tzOffset, this.session); }

  /** A file read by another reader is complete (kept when it held anything). */
  endFile(agg) {
    if (agg.music + agg.listed.length === 0) { this.addError(agg.name, agg.problemCount ? `no song could be read (${agg.problemCount} row${agg.problemCount === 1 ? '' : 's'} with problems, below)` : 'no songs found in this file'); this.failedAggs.push(agg); return false; }
    this.done.push(agg);
    return true;
  }

  /** Returns a { push(bytes), end() } reader, or null when the path is not a history file. */
  beginFile(path) {
    const format = classifyHistoryFile(path);
    const name = String(path);
    if (!format) { this.ignored.push(name); return null; }
    const agg = new FileAgg(name, format, this.tzOffset, this.session);
    const scan = new JsonArrayStream((v, i) => agg.add(v, i), this.limits);
    let failed = false;
    const fail = (e) => {
      failed = true;
      const err = new HistoryError(name, e && e.message ? e.message : String(e));
      this.errors.push({ file: name, problem: err.problem, message: err.message });
      return err;
    };
    return {
      name, format,
      push: (bytes) => {
        if (failed) return;
        this.bytes += bytes.length;
        if (this.bytes > this.limits.maxTotalBytes) throw fail(new Error(`more than ${formatBytes(this.limits.maxTotalBytes)} of JSON in one import (the limit): stopped here`));
        try { scan.push(bytes); } catch (e) { throw fail(e); }
      },
      end: () => {
        if (failed) return;
        try { scan.end(); } catch (e) { throw fail(e); }
        if (agg.records === 0) { fail(new Error('the array is empty: no plays in this file')); return; }
        this.done.push(agg);
      },
      abort: (problem) => { if (!failed) fail(new Error(problem)); },
      get failed() { return failed; },
    };
  }

  /** Report a problem with a whole input (e.g. a damaged zip). */
  addError(file, problem) {
    const err = new HistoryError(file, problem);
    this.errors.push({ file, problem, message: err.message });
  }

  /**
   * Summary of everything read:
   * { files: [{name, format, records, music, other}], errors, ignored, note,
   *   totalMs, plays, skip: {known, skipped, rate, basis}, first, last,
   *   clock: {ms: number[7][24], plays: number[7][24]} (Monday first),
   *   months: [{month, ms}], tracks: [{title, artist, album, uri, plays, ms, skips, maxMs,
   *   first, last, msShort, msMedium}] sorted by ms desc,
   *   ranges: {short_term, medium_term, long_term: indexes into tracks (top 100 by play
   *   time in the last 4 weeks / 6 months / all)}, artists: [{artist, plays, ms, tracks}] sorted by ms desc }
   */
  finish() {
    let use = this.done;
    let note = '';
    const hasExt = use.some((f) => f.format === 'extended');
    let partial = new Map();   // basic file → its plays outside the extended period
    if (hasExt && use.some((f) => f.format === 'basic')) {
      // The extended history holds every play of its period; a basic export
      // (the last year, often requested later) can reach past it. Its plays
      // inside that period are the same plays and are left out, the others kept.
      const ext = use.filter((f) => f.format === 'extended');
      // (a basic endTime is cut to the minute, so the period starts a minute early)
      const from = Math.min(...ext.map((f) => f.first)) - 60000; const to = Math.max(...ext.map((f) => f.last));
      partial = new Map(use.filter((f) => f.format === 'basic').map((f) => [f, f.playsOutside(from, to)]));
      let added = 0; let dropped = 0;
      for (const [f, p] of partial) { added += p.music; dropped += f.music - p.music; }
      use = [...ext, ...[...partial.values()].filter((p) => p.music > 0)];
      note = `Both the basic and the extended history were given: the extended one counts in full; of the basic one, ${added.toLocaleString('en')} plays from outside its period were added and ${dropped.toLocaleString('en')} plays it already holds were left out.`;
    }
    const tracks = new Map();
    const clockMs = new Float64Array(7 * 24);
    const clockPlays = new Float64Array(7 * 24);
    const months = new Map();
    let totalMs = 0, plays = 0, known = 0, skipped = 0, first = Infinity, last = -Infinity;
    for (const f of use) {
      totalMs += f.totalMs; plays += f.music; known += f.skipKnown; skipped += f.skipped;
      if (f.first < first) first = f.first;
      if (f.last > last) last = f.last;
      for (let i = 0; i < clockMs.length; i++) { clockMs[i] += f.clockMs[i]; clockPlays[i] += f.clockPlays[i]; }
      for (const [m, v] of f.months) months.set(m, (months.get(m) || 0) + v);
      for (const [k, t] of f.tracks) {
        const o = tracks.get(k);
        if (!o) { tracks.set(k, { ...t, days: new Map(t.days), log: undefined }); continue; }
        o.plays += t.plays; o.ms += t.ms; o.skips += t.skips;
        if (t.maxMs > o.maxMs) o.maxMs = t.maxMs;
        for (const [d, v] of t.days) o.days.set(d, (o.days.get(d) || 0) + v);
        if (!o.uri && t.uri) o.uri = t.uri;
        if (!o.album && t.album) o.album = t.album;
        if (t.first < o.first) o.first = t.first;
        if (t.last > o.last) o.last = t.last;
      }
    }
    // play time in the last 4 weeks and 6 months (whole UTC days) up to the
    // day of the last play, like Spotify's short_term / medium_term
    // (long_term = everything)
    const lastDay = Math.floor((Number.isFinite(last) ? last : 0) / DAY_MS);
    for (const t of tracks.values()) {
      let s4 = 0, s6 = 0;
      for (const [d, v] of t.days) {
        if (d > lastDay - RECENT_DAYS) { s6 += v; if (d > lastDay - SHORT_DAYS) s4 += v; }
      }
      t.msShort = s4; t.msMedium = s6;
      delete t.days; delete t.log;
    }
    const list = [...tracks.values()].sort((a, b) => b.ms - a.ms || b.plays - a.plays || (a.title < b.title ? -1 : 1));
    const rank = (field) => list.filter((t) => t[field] > 0).sort((a, b) => b[field] - a[field]).slice(0, 100).map((t) => list.indexOf(t));
    const byArtist = new Map();
    for (const t of list) {
      const k = t.artist.toLowerCase();
      let a = byArtist.get(k);
      if (!a) { a = { artist: t.artist, plays: 0, ms: 0, tracks: 0 }; byArtist.set(k, a); }
      a.plays += t.plays; a.ms += t.ms; a.tracks++;
    }
    const grid = (arr) => Array.from({ length: 7 }, (_, d) => Array.from(arr.subarray(d * 24, d * 24 + 24)));
    return {
      files: this.done.map((f) => ({ name: f.name, format: f.format, records: f.records, music: f.music, other: f.other,
        listed: f.listed.length, msUnknown: f.msUnknown, problems: f.problems.slice(), problemCount: f.problemCount,
        counted: use.includes(f) || (partial.get(f)?.music ?? 0) > 0, ...(partial.has(f) ? { playsAdded: partial.get(f).music } : {}) })),
      errors: this.errors.slice(),
      failedFiles: this.failedAggs.map((f) => ({ name: f.name, format: f.format, problems: f.problems.slice(), problemCount: f.problemCount })),
      ignored: this.ignored.slice(),
      note,
      totalMs, plays,
      skip: { known, skipped, rate: known ? skipped / known : null,
        basis: hasExt ? 'Spotify\'s "skipped" flag' : 'plays shorter than 30 seconds' },
      first: Number.isFinite(first) ? first : null,
      last: Number.isFinite(last) ? last : null,
      clock: { ms: grid(clockMs), plays: grid(clockPlays) },
      months: [...months.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([month, ms]) => ({ month, ms })),
      tracks: list,
      // indexes into tracks of the top 100 by play time per range
      ranges: { short_term: rank('msShort'), medium_term: rank('msMedium'), long_term: list.slice(0, 100).map((_, i) => i) },
      artists: [...byArtist.values()].sort((a, b) => b.ms - a.ms || b.plays - a.plays),
    };
  }
}

/**
 * A summary (the shape of HistoryImport.finish()) of plays merged from many
 * imports: each(add) calls add(endMs, ms, title, artist, album, uri, skipped, msKnown)
 * once per play. Used by sources.js after de-duplication.
 */
export function summarisePlays(each, options = {}) {
  const imp = new HistoryImport({ ...options, keepLog: false,
    limits: { maxTracks: Infinity, maxPlays: Infinity, maxRetainedChars: Infinity, ...(options.limits || {}) } });
  const agg = imp.beginAgg('library', 'merged');
  each((endMs, ms, title, artist, album, uri, skipped, msKnown) => { agg.records++; agg.addPlay(endMs, ms, title, artist, album, uri, skipped, msKnown); });
  if (agg.music) imp.done.push(agg);
  const s = imp.finish();
  s.msUnknown = agg.msUnknown;
  return s;
}
