// formats.js — the other ways in: readers for files that are not a Spotify
// data export. No DOM and no Worker API (runs in history-worker.js and under
// node:test). Each reader streams bytes into one FileAgg of a HistoryImport
// (history-core.js), so every file gets the same limits as the Spotify zips
// (bytes per import, bytes per row, different songs, characters kept, plays).
//
//   formatOf(name, { inZip })  → a kind below, or null
//   beginOther(imp, name, kind) → { push(bytes), end(), abort(problem), failed }, like imp.beginFile
//
// Kinds (see README, "Every way in"):
//   csv      decided by its first row: an Exportify playlist ('exportify'),
//            a Last.fm scrobble export with or without a header ('lastfm'),
//            Apple Music's "Apple Music Play Activity.csv" ('apple')
//   youtube  Google Takeout's watch-history.json (entries with header "YouTube Music")
//   m3u, pls, xspf   playlist files
//   list     "Artist – Title" lines (a .txt file or text pasted on the page)
//
// A row that cannot be read is listed with its line (or entry) and reason and
// skipped; the rest of the file is kept. A file fails as a whole only when it
// is not of its kind at all or breaks a limit.
import Papa from 'papaparse';
import { SaxesParser } from 'saxes';
import { cutText, formatBytes, JsonArrayStream } from './history-core.js';

export { KIND_LABELS } from './sources.js';

/** The reader for a file name, or null. Inside a zip only names the exports use are read. */
export function formatOf(name, { inZip = false } = {}) {
  const base = String(name).split(/[\\/]/).pop();
  if (/^watch-history\.json$/i.test(base)) return 'youtube';
  if (inZip) {
    if (/Play Activity\.csv$/i.test(base)) return 'csv';
    if (/\.(m3u8?|pls|xspf)$/i.test(base)) return base.split('.').pop().toLowerCase().replace('m3u8', 'm3u');
    return null;
  }
  if (/\.csv$/i.test(base)) return 'csv';
  if (/\.m3u8?$/i.test(base)) return 'm3u';
  if (/\.pls$/i.test(base)) return 'pls';
  if (/\.xspf$/i.test(base)) return 'xspf';
  if (/\.txt$/i.test(base)) return 'list';
  return null;
}

// --- shared helpers ---------------------------------------------------------------

const SEPARATORS = [' - ', ' – ', ' — ', ' -- '];

/** "Artist – Title" → { artist, title } or null. Spaced separators first, then a bare – or —. */
export function splitArtistTitle(text) {
  const t = String(text).replace(/\s+/g, ' ').trim();
  let best = -1; let len = 0;
  for (const sep of SEPARATORS) {
    const i = t.indexOf(sep);
    if (i > 0 && (best < 0 || i < best)) { best = i; len = sep.length; }
  }
  if (best < 0) {
    const m = /[–—]/.exec(t);
    if (m && m.index > 0) { best = m.index; len = 1; }
  }
  if (best < 0) return null;
  const artist = t.slice(0, best).trim(); const title = t.slice(best + len).trim();
  return artist && title ? { artist, title } : null;
}

/** "Music/Ada - One.mp3" or "file:///x/01%20Ada%20-%20One.flac" → { artist, title } or null. */
export function artistTitleFromPath(loc) {
  let base = String(loc).trim().split(/[\\/]/).pop() || '';
  try { base = decodeURIComponent(base); } catch { /* keep it as it is */ }
  base = base.replace(/\?.*$/, '').replace(/\.[A-Za-z0-9]{2,5}$/, '').replace(/^\d{1,3}(\s*[-.]\s*|\s+)(?=\S)/, '').replace(/_/g, ' ');
  return splitArtistTitle(base);
}

const MONTHS = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** Last.fm export dates: unix seconds (or ms), "31 Jan 2021 13:45" (UTC), or ISO. NaN when unreadable. */
export function parseScrobbleTime(v) {
  const t = String(v ?? '').trim();
  if (/^\d{9,10}$/.test(t)) return Number(t) * 1000;
  if (/^\d{12,13}$/.test(t)) return Number(t);
  let m = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (m && MONTHS[m[2].toLowerCase()] !== undefined) return Date.UTC(+m[3], MONTHS[m[2].toLowerCase()], +m[1], +m[4], +m[5], m[6] ? +m[6] : 0);
  m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || '00'}${m[7] || ''}${m[8] ? (m[8].length === 5 ? m[8].slice(0, 3) + ':' + m[8].slice(3) : m[8]) : 'Z'}`);
  return NaN;
}

const SANE_MIN = Date.UTC(2000, 0, 1); // before any streaming service
const saneTime = (ms) => Number.isFinite(ms) && ms >= SANE_MIN && ms <= Date.now() + 2 * 86400000;
const quote = (v) => JSON.stringify(cutText(String(v), 40));

/** Splits streamed text into lines, each at most maxChars long. */
class Lines {
  constructor(onLine, maxChars) { this.onLine = onLine; this.max = maxChars; this.rest = ''; this.n = 0; }
  push(text) {
    let s = this.rest + text; let i;
    let from = 0;
    while ((i = s.indexOf('\n', from)) >= 0) {
      const line = s.slice(from, i);
      if (line.length > this.max) throw new Error(`line ${this.n + 1} is longer than ${formatBytes(this.max)} (the limit for one line)`);
      this.n++;
      this.onLine(line.replace(/\r$/, ''), this.n);
      from = i + 1;
    }
    s = s.slice(from);
    if (s.length > this.max) throw new Error(`line ${this.n + 1} is longer than ${formatBytes(this.max)} (the limit for one line)`);
    this.rest = s;
  }
  end() { if (this.rest) { this.n++; this.onLine(this.rest.replace(/\r$/, ''), this.n); this.rest = ''; } }
}

// --- CSV ----------------------------------------------------------------------------------

const norm = (h) => String(h ?? '').replace(/^\ufeff/, '').trim().toLowerCase();

/** Which CSV this is from its first row: { kind, header: boolean, col(name...) } or null. */
export function csvKind(row) {
  const names = row.map(norm);
  const col = (...want) => { for (const w of want) { const i = names.indexOf(w); if (i >= 0) return i; } return -1; };
  const has = (...w) => col(...w) >= 0;
  if (has('track name') && has('artist name(s)', 'artist name', 'artist names')) return { kind: 'exportify', header: true, col };
  if (has('song name', 'content name') && has('event start timestamp', 'event end timestamp', 'play duration milliseconds')) return { kind: 'apple', header: true, col };
  if (has('artist', 'artist name') && has('track', 'title', 'track name', 'name') && has('uts', 'date', 'timestamp', 'time', 'utc_time', 'date#text')) return { kind: 'lastfm', header: true, col };
  if (row.length >= 4 && Number.isFinite(parseScrobbleTime(row[3])) && String(row[0]).trim() && String(row[2]).trim()) {
    // lastfm-to-csv style: artist, album, track, date (no header)
    return { kind: 'lastfm', header: false, col: (...w) => ({ artist: 0, album: 1, track: 2, date: 3 }[w[0]] ?? -1) };
  }
  return null;
}

function csvRowHandler(kind, info, agg) {
  const c = info.col;
  if (kind === 'exportify') {
    const iTitle = c('track name'), iArtist = c('artist name(s)', 'artist name', 'artist names'), iAlbum = c('album name');
    const iUri = c('track uri', 'spotify uri', 'uri'), iArtistUris = c('artist uri(s)', 'artist uris'), iDur = c('track duration (ms)', 'duration (ms)', 'duration_ms');
    return (row, line) => {
      const title = String(row[iTitle] ?? '').trim();
      let artist = String(row[iArtist] ?? '').trim();
      // several artists are joined with commas; the URIs say how many there are
      const nUris = iArtistUris >= 0 ? String(row[iArtistUris] ?? '').split(',').filter((u) => u.trim()).length : 0;
      if (nUris > 1) artist = artist.split(',')[0].trim();
      if (!title) return agg.problem(`line ${line}`, 'no track name');
      if (!artist) return agg.problem(`line ${line}`, 'no artist name');
      const dur = iDur >= 0 ? Number(row[iDur]) : 0;
      agg.addListed(title, artist, iAlbum >= 0 ? String(row[iAlbum] ?? '').trim() : '', iUri >= 0 ? String(row[iUri] ?? '').trim() : '', dur);
    };
  }
  if (kind === 'lastfm') {
    const iArtist = c('artist', 'artist name'), iAlbum = c('album', 'album name'), iTitle = c('track', 'title', 'track name', 'name');
    const iUts = c('uts', 'timestamp'), iDate = c('date', 'utc_time', 'time', 'date#text');
    return (row, line) => {
      const artist = String(row[iArtist] ?? '').trim(); const title = String(row[iTitle] ?? '').trim();
      if (!artist) return agg.problem(`line ${line}`, 'no artist');
      if (!title) return agg.problem(`line ${line}`, 'no track title');
      let when = iUts >= 0 ? parseScrobbleTime(row[iUts]) : NaN;
      if (!Number.isFinite(when) && iDate >= 0) when = parseScrobbleTime(row[iDate]);
      if (!saneTime(when)) return agg.problem(`line ${line}`, `unreadable date ${quote(row[iUts >= 0 ? iUts : iDate] ?? '')} (expected unix seconds or “31 Jan 2021 13:45”)`);
      agg.addPlay(when, 0, title, artist, iAlbum >= 0 ? String(row[iAlbum] ?? '').trim() : '', '', null, false);
    };
  }
  // apple
  const iTitle = c('song name', 'content name'), iArtist = c('artist name', 'container artist name'), iAlbum = c('album name', 'container album name');
  const iStart = c('event start timestamp'), iEnd = c('event end timestamp'), iMs = c('play duration milliseconds');
  const iType = c('event type'), iMedia = c('media type'), iReason = c('end reason type');
  let toldNoArtist = false;
  return (row, line) => {
    const type = iType >= 0 ? String(row[iType] ?? '').trim().toUpperCase() : '';
    if (type && type !== 'PLAY_END') { agg.other++; return; }          // PLAY_START, LYRIC_DISPLAY …: not a play
    if (iMedia >= 0 && /video/i.test(String(row[iMedia] ?? ''))) { agg.other++; return; }
    const title = String(row[iTitle] ?? '').trim();
    if (!title) { agg.other++; return; }                                 // rows of other events carry no song
    const artist = iArtist >= 0 ? String(row[iArtist] ?? '').trim() : '';
    if (!artist) {
      if (iArtist < 0 && toldNoArtist) { agg.problemCount++; return; }
      toldNoArtist = true;
      return agg.problem(`line ${line}`, iArtist < 0 ? 'no artist: this file has no "Artist Name" or "Container Artist Name" column' : 'no artist name');
    }
    const ms = iMs >= 0 && String(row[iMs] ?? '').trim() !== '' ? Number(row[iMs]) : NaN;
    const known = Number.isFinite(ms) && ms >= 0 && ms < 24 * 3600000;
    if (iMs >= 0 && String(row[iMs] ?? '').trim() !== '' && !known) return agg.problem(`line ${line}`, `"Play Duration Milliseconds" is not a duration: ${quote(row[iMs])}`);
    let end = iEnd >= 0 ? Date.parse(String(row[iEnd] ?? '').trim()) : NaN;
    if (!Number.isFinite(end) && iStart >= 0) { const st = Date.parse(String(row[iStart] ?? '').trim()); if (Number.isFinite(st)) end = st + (known ? ms : 0); }
    if (!saneTime(end)) return agg.problem(`line ${line}`, `unreadable time ${quote(row[iEnd >= 0 ? iEnd : iStart] ?? '')}`);
    const reason = iReason >= 0 ? String(row[iReason] ?? '').toUpperCase() : '';
    const skipped = /SKIP/.test(reason) ? true : reason === 'NATURAL_END_OF_TRACK' ? false : null;
    agg.addPlay(end, known ? ms : 0, title, artist, iAlbum >= 0 ? String(row[iAlbum] ?? '').trim() : '', '', skipped, known);
  };
}

/**
 * CSV from a stream of text, cut into pieces at row ends and each piece
 * parsed by papaparse. A row ends at a newline outside a quoted field; as in
 * RFC 4180 a field is quoted only when it starts with '"' (a quote inside an
 * unquoted field, 5" Vinyl, is a character). A quoted field left open would
 * swallow the rest of the file: once it runs past maxChars, its row is
 * reported (onProblem) and reading starts again at the next line. One line
 * longer than maxChars fails the file.
 */
class CsvStream {
  constructor(onRow, onProblem, maxChars) {
    this.onRow = onRow; this.onProblem = onProblem; this.max = maxChars;
    this.rest = ''; this.scan = 0; this.inQ = false; this.fieldStart = true; this.cut = 0;
    this.line = 1; this.delimiter = null;
  }
  push(text) {
    this.rest += text;
    for (;;) {
      if (!this.delimiter) {
        const nl = this.rest.indexOf('\n');
        if (nl < 0) { if (this.rest.length > this.max) throw new Error(`line 1 is longer than ${formatBytes(this.max)} (the limit for one row)`); return; }
        const guess = Papa.parse(this.rest.slice(0, nl), { delimitersToGuess: [',', ';', '\t', '|'] });
        this.delimiter = guess.meta.delimiter || ',';
      }
      this._scan();
      if (this.cut > 0) {
        const piece = this.rest.slice(0, this.cut);
        this.rest = this.rest.slice(this.cut); this.scan -= this.cut; this.cut = 0;
        this._parse(piece);
      }
      if (this.rest.length <= this.max) return;
      const nl = this.rest.indexOf('\n');
      if (!this.inQ || nl < 0) throw new Error(`the row at line ${this.line} is longer than ${formatBytes(this.max)} (the limit for one row)`);
      // an open quote: skip that line, read on from the next
      this.onProblem(this.line, `a quoted field is not closed (over ${formatBytes(this.max)} without its closing quote); this line was skipped`);
      this.rest = this.rest.slice(nl + 1); this.line++;
      this.scan = 0; this.inQ = false; this.fieldStart = true;
    }
  }
  _scan() {
    const s = this.rest; const d = this.delimiter.charCodeAt(0);
    let i = this.scan;
    for (; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (this.inQ) {
        if (ch !== 34) continue;
        if (i + 1 >= s.length) break;                 // '"' at the end: wait for the next character
        if (s.charCodeAt(i + 1) === 34) { i++; continue; }
        this.inQ = false; this.fieldStart = false;
        continue;
      }
      if (ch === 34 && this.fieldStart) { this.inQ = true; continue; }
      if (ch === 10) { this.cut = i + 1; this.fieldStart = true; continue; }
      this.fieldStart = ch === d;
    }
    this.scan = i;
  }
  end() { if (this.rest.trim()) this._parse(this.rest); this.rest = ''; }
  _parse(text) {
    const res = Papa.parse(text, { delimiter: this.delimiter || ',' });
    const bad = new Set((res.errors || []).filter((e) => e.type === 'Quotes').map((e) => e.row));
    // (text cut after a newline parses to one more, empty row: not a line)
    if (/\n$/.test(text) && res.data.length && res.data.at(-1).length === 1 && res.data.at(-1)[0] === '') res.data.pop();
    res.data.forEach((row, k) => {
      const line = this.line;
      let nl = 1;
      for (const f of row) for (let j = f.indexOf('\n'); j >= 0; j = f.indexOf('\n', j + 1)) nl++;
      this.line += nl;
      if (row.length === 1 && row[0].trim() === '') return;           // blank line
      this.onRow(row, line, bad.has(k));
    });
  }
}

// --- readers ---------------------------------------------------------------------------------

function textReader(agg, limits, make) {
  const decoder = new TextDecoder('utf-8');
  const sink = make();
  return {
    push(bytes) { sink.push(decoder.decode(bytes, { stream: true })); },
    end() { sink.push(decoder.decode()); sink.end(); },
  };
}

function csvReader(imp, name, agg, { inZip }) {
  let handler = null; let kindInfo = null;
  const stream = new CsvStream((row, line, quoteError) => {
    if (!kindInfo) {
      kindInfo = csvKind(row);
      if (!kindInfo) {
        const first = cutText(row.join(','), 80);
        throw new Error(inZip ? 'IGNORE' : `not a CSV this page knows (an Exportify playlist, a Last.fm scrobble export or Apple Music Play Activity); its first row is ${JSON.stringify(first)}`);
      }
      agg.format = kindInfo.kind;
      handler = csvRowHandler(kindInfo.kind, kindInfo, agg);
      if (kindInfo.header) return;
    }
    if (quoteError) return agg.problem(`line ${line}`, 'a quoted field is not closed');
    try { handler(row, line); } catch (e) { if (/\(the limit\)/.test(e.message)) throw e; agg.problem(`line ${line}`, e.message); }
  }, (line, reason) => agg.problem(`line ${line}`, reason), imp.limits.maxElementBytes);
  return textReader(agg, imp.limits, () => stream);
}

function youtubeReader(imp, name, agg) {
  const scan = new JsonArrayStream((v, i) => {
    const where = `entry ${i + 1}`;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return agg.problem(where, 'not an object');
    if (v.header !== 'YouTube Music') { agg.other++; return; }        // videos watched on YouTube itself
    const raw = typeof v.title === 'string' ? v.title.replace(/^Watched\s+/, '').trim() : '';
    if (!raw || /^https?:\/\//.test(raw)) return agg.problem(where, 'no song title (a removed video?)');
    const channel = Array.isArray(v.subtitles) && v.subtitles[0] && typeof v.subtitles[0].name === 'string' ? v.subtitles[0].name : '';
    let artist = channel.replace(/\s+-\s+Topic$/, '').trim(); let title = raw;
    if (!artist) {
      const split = splitArtistTitle(raw);
      if (!split) return agg.problem(where, 'no channel (artist) for this song');
      ({ artist, title } = split);
    }
    const when = typeof v.time === 'string' ? Date.parse(v.time) : NaN;
    if (!saneTime(when)) return agg.problem(where, `unreadable time ${quote(v.time ?? '')}`);
    agg.addPlay(when, 0, title, artist, '', '', null, false);
  }, imp.limits);
  return { push: (b) => scan.push(b), end: () => scan.end() };
}

function m3uReader(imp, name, agg) {
  let pending = null; // { display, seconds, line } of the last #EXTINF
  const take = (loc, line) => {
    const from = pending;
    pending = null;
    let at = from ? splitArtistTitle(from.display) : null;
    if (!at && loc) at = artistTitleFromPath(loc);
    if (!at) return agg.problem(`line ${from ? from.line : line}`, `no “Artist - Title” in ${quote(from ? from.display || loc : loc)}`);
    agg.addListed(at.title, at.artist, '', '', from && from.seconds > 0 ? from.seconds * 1000 : 0);
  };
  const lines = new Lines((raw, n) => {
    const l = raw.replace(/^\ufeff/, '').trim();
    if (!l) return;
    if (/^#EXTINF:/i.test(l)) {
      if (pending) take('', n);
      const m = /^#EXTINF:\s*(-?\d+(?:\.\d+)?)?[^,]*,(.*)$/i.exec(l);
      if (!m) { agg.problem(`line ${n}`, '#EXTINF without a comma and a title'); pending = null; return; }
      pending = { display: m[2].trim(), seconds: Number(m[1]) || 0, line: n };
      return;
    }
    if (l.startsWith('#')) return;   // #EXTM3U and other directives
    take(l, n);
  }, imp.limits.maxElementBytes);
  return textReader(agg, imp.limits, () => ({ push: (t) => lines.push(t), end: () => { lines.end(); if (pending) take('', lines.n); } }));
}

function plsReader(imp, name, agg) {
  const entries = new Map(); // n → { file, title, length, line }
  let sawSection = false; let chars = 0;
  const lines = new Lines((raw, n) => {
    const l = raw.replace(/^\ufeff/, '').trim();
    if (!l || l.startsWith(';') || l.startsWith('#')) return;
    if (/^\[playlist\]$/i.test(l)) { sawSection = true; return; }
    const m = /^(File|Title|Length)(\d+)\s*=(.*)$/i.exec(l);
    if (!m) {
      if (/^(NumberOfEntries|Version)\s*=/i.test(l)) return;
      return agg.problem(`line ${n}`, `not a PLS entry: ${quote(l)}`);
    }
    const k = Number(m[2]);
    let e = entries.get(k);
    if (!e) {
      if (entries.size >= imp.limits.maxPlays) throw new Error(`more than ${imp.limits.maxPlays} entries (the limit)`);
      e = { file: '', title: '', length: 0, line: n }; entries.set(k, e);
    }
    const key = m[1].toLowerCase();
    if (key === 'length') { e.length = Number(m[3]) || 0; return; }
    const v = cutText(m[3].trim(), imp.limits.maxTextChars * 2);
    chars += v.length;   // (held until the end: bounded like the names an import keeps)
    if (chars > imp.limits.maxRetainedChars) throw new Error(`more than ${imp.limits.maxRetainedChars.toLocaleString('en')} characters of titles and file names (the limit)`);
    e[key] = v;
  }, imp.limits.maxElementBytes);
  return textReader(agg, imp.limits, () => ({
    push: (t) => lines.push(t),
    end: () => {
      lines.end();
      if (!sawSection && entries.size === 0) throw new Error('no [playlist] section: not a PLS file');
      for (const k of [...entries.keys()].sort((a, b) => a - b)) {
        const e = entries.get(k);
        const at = (e.title && splitArtistTitle(e.title)) || (e.file && artistTitleFromPath(e.file));
        if (!at) { agg.problem(`line ${e.line}`, `entry ${k}: no “Artist - Title” in ${quote(e.title || e.file)}`); continue; }
        agg.addListed(at.title, at.artist, '', '', e.length > 0 ? e.length * 1000 : 0);
      }
    },
  }));
}

function xspfReader(imp, name, agg) {
  const L = imp.limits;
  const parser = new SaxesParser({ xmlns: false, position: true });
  let depth = 0; let track = null; let field = null; let sawPlaylist = false; let textChars = 0;
  parser.on('opentag', (tag) => {
    if (++depth > L.maxDepth) throw new Error(`elements nested more than ${L.maxDepth} deep (the limit)`);
    const n = tag.name.replace(/^.*:/, '').toLowerCase();
    if (depth === 1) { if (n !== 'playlist') throw new Error(`the root element is <${cutText(tag.name, 30)}>, not <playlist>: not an XSPF file`); sawPlaylist = true; }
    if (n === 'track' && !track) { track = { title: '', creator: '', album: '', duration: '', location: '', line: parser.line, depth }; return; }
    if (track && depth === track.depth + 1 && ['title', 'creator', 'album', 'duration', 'location'].includes(n)) { field = n; textChars = 0; }
  });
  const onText = (t) => {
    if (!track || !field) return;
    textChars += t.length;
    if (textChars > L.maxElementBytes) throw new Error(`the <${field}> of the track at line ${track.line} is longer than ${formatBytes(L.maxElementBytes)} (the limit)`);
    if (track[field].length < L.maxTextChars * 2) track[field] += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    depth--;
    const n = tag.name.replace(/^.*:/, '').toLowerCase();
    if (track && field === n && depth === track.depth) field = null;
    if (track && n === 'track' && depth === track.depth - 1) {
      const t = track; track = null; field = null;
      let title = t.title.trim(); let artist = t.creator.trim();
      if (!title || !artist) {
        const at = (title && splitArtistTitle(title)) || (t.location.trim() && artistTitleFromPath(t.location.trim()));
        if (at) ({ title, artist } = at);
      }
      if (!title) return agg.problem(`line ${t.line}`, 'track without a <title>');
      if (!artist) return agg.problem(`line ${t.line}`, `track ${quote(title)} without a <creator> (artist)`);
      agg.addListed(title, artist, t.album.trim(), '', Number(t.duration) || 0);
    }
  });
  const decoder = new TextDecoder('utf-8');
  const fail = (e) => { throw new Error(`not valid XML (${cutText(String(e.message || e).replace(/^.*?:(\d+:\d+): /, 'line $1: '), 160)})`); };
  return {
    push(bytes) { try { parser.write(decoder.decode(bytes, { stream: true })); } catch (e) { if (/\(the limit\)|not an XSPF/.test(e.message)) throw e; fail(e); } },
    end() {
      try { parser.write(decoder.decode()); parser.close(); } catch (e) { if (/\(the limit\)|not an XSPF/.test(e.message)) throw e; fail(e); }
      if (!sawPlaylist) throw new Error('no <playlist> element: not an XSPF file');
    },
  };
}

function listReader(imp, name, agg) {
  const lines = new Lines((raw, n) => {
    const l = raw.replace(/^\ufeff/, '').replace(/^\s*(\d{1,4}[.)]|[-*•])\s+/, '').trim();
    if (!l || l.startsWith('#') || l.startsWith('//')) return;
    const at = splitArtistTitle(l);
    if (!at) return agg.problem(`line ${n}`, `no “Artist – Title” separator in ${quote(l)}`);
    agg.addListed(at.title, at.artist);
  }, imp.limits.maxElementBytes);
  return textReader(agg, imp.limits, () => lines);
}

const READERS = { csv: csvReader, youtube: youtubeReader, m3u: m3uReader, pls: plsReader, xspf: xspfReader, list: listReader };

/**
 * A reader for a file of another kind, feeding imp (a HistoryImport). Errors
 * that stop the file are recorded in imp.errors like the Spotify files'; a
 * CSV inside a zip that is of no known kind is only listed as ignored.
 */
export function beginOther(imp, path, kind, { inZip = false } = {}) {
  const name = String(path);
  const agg = imp.beginAgg(name, kind === 'csv' ? 'csv' : kind);
  const inner = READERS[kind](imp, name, agg, { inZip });
  let failed = false; let finished = false;
  const fail = (e) => {
    failed = true;
    const msg = e && e.message ? e.message : String(e);
    if (msg === 'IGNORE') { imp.ignored.push(name); return e; }
    imp.addError(name, msg);
    return e;
  };
  return {
    name, format: kind,
    push(bytes) {
      if (failed) return;
      imp.bytes += bytes.length;
      if (imp.bytes > imp.limits.maxTotalBytes) throw fail(new Error(`more than ${formatBytes(imp.limits.maxTotalBytes)} read in one import (the limit): stopped here`));
      try { inner.push(bytes); } catch (e) { throw fail(e); }
    },
    end() {
      if (failed || finished) return;
      finished = true;
      try { inner.end(); } catch (e) { throw fail(e); }
      if (agg.format === 'csv') { fail(new Error(inZip ? 'IGNORE' : 'the file is empty')); return; }
      imp.endFile(agg);
    },
    abort(problem) { if (!failed) fail(new Error(problem)); },
    get failed() { return failed; },
  };
}
