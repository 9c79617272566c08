// export.js — keep a soundtrack without Spotify: spotify:track: URIs to paste
// into the Spotify desktop app, a CSV (RFC 4180 quoting), an M3U playlist and
// an XSPF playlist. Every song is in the CSV, the M3U (an #EXTINF line with
// "Artist – Title" each, the link where the song has a Spotify id) and the
// XSPF (title and creator each, which players such as VLC look up in the
// user's own files), so no export is ever empty; only the URI list needs ids.
// Pure string builders plus a download/copy helper for the page.
//
// An item is { song: {id, uri, title, artist, album, durationMs}, segment?, distance? }
// (the 'soundtrack' event's picks) or a bare song.

const songOf = (x) => (x && x.song ? x.song : x) || {};

/** The spotify:track: URI of a song, or '' when it has none. */
export function trackUri(song) {
  if (typeof song?.uri === 'string' && /^spotify:track:[A-Za-z0-9]{22}$/.test(song.uri)) return song.uri;
  if (typeof song?.id === 'string' && /^[A-Za-z0-9]{22}$/.test(song.id)) return `spotify:track:${song.id}`;
  return '';
}

/** One URI per line (songs without a Spotify id are left out). */
export function urisText(items) {
  return items.map((x) => trackUri(songOf(x))).filter(Boolean).join('\n') + '\n';
}

/**
 * One CSV field: quoted when it holds a comma, quote, CR or LF (quotes
 * doubled); a value that a spreadsheet would run as a formula (= + - @ tab
 * CR at the start) gets a leading apostrophe first.
 */
export function csvField(v) {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['position', 'title', 'artist', 'album', 'spotify_uri', 'segment', 'scenes', 'scene_heading', 'distance'];

/**
 * The segment of a pick: the soundtrack view gives an object
 * { segment (0-based), first, last (0-based scenes), heading }; a bare
 * 0-based number is accepted too. → { number (1-based) | '', scenes 'a–b' | '', heading }
 */
export function segmentOf(x) {
  const g = x?.segment;
  if (Number.isInteger(g)) return { number: g + 1, scenes: '', heading: '' };
  if (!g || typeof g !== 'object') return { number: '', scenes: '', heading: '' };
  const number = Number.isInteger(g.segment) ? g.segment + 1 : '';
  const scenes = Number.isInteger(g.first) && Number.isInteger(g.last) ? (g.first === g.last ? String(g.first + 1) : `${g.first + 1}-${g.last + 1}`) : '';
  return { number, scenes, heading: typeof g.heading === 'string' ? g.heading : '' };
}

/** CSV with a header row and CRLF line ends (RFC 4180). */
export function toCsv(items) {
  const rows = [CSV_COLUMNS.join(',')];
  items.forEach((x, i) => {
    const s = songOf(x);
    const seg = segmentOf(x);
    const dist = typeof x?.distance === 'number' && Number.isFinite(x.distance) ? x.distance.toFixed(4) : '';
    rows.push([i + 1, s.title, s.artist, s.album, trackUri(s), seg.number, seg.scenes, seg.heading, dist].map(csvField).join(','));
  });
  return rows.join('\r\n') + '\r\n';
}

const oneLine = (s) => String(s ?? '').replace(/[\r\n]+/g, ' ').trim();

/**
 * Extended M3U: every song gets `#EXTINF:<seconds>,Artist – Title` (-1, the
 * format's "unknown", when its length is not known), followed by its
 * open.spotify.com link when it has a Spotify id. A song without one (a
 * basic data export's) keeps its #EXTINF line, so the list still names it.
 */
export function toM3u(items, title = '') {
  const lines = ['#EXTM3U'];
  if (title) lines.push(`#PLAYLIST:${oneLine(title)}`);
  for (const x of items) {
    const s = songOf(x);
    const uri = trackUri(s);
    const secs = Number.isFinite(s.durationMs) && s.durationMs > 0 ? Math.round(s.durationMs / 1000) : -1;
    lines.push(`#EXTINF:${secs},${oneLine(s.artist) || 'Unknown artist'} – ${oneLine(s.title) || 'Untitled'}`);
    if (uri) lines.push(`https://open.spotify.com/track/${uri.slice('spotify:track:'.length)}`);
  }
  return lines.join('\n') + '\n';
}

// XML 1.0 allows tab, LF, CR and the characters from U+0020 on (no lone
// surrogates, no U+FFFE/U+FFFF): everything else is dropped, then escaped.
const XML_BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function xmlText(v) {
  return String(v ?? '').replace(XML_BAD, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * XSPF (xspf.org, version 1): one <track> per song with <title>, <creator>
 * and, when known, <album> and <duration> (ms). No <location>: a player
 * resolves the track from its title and creator in the user's own files; a
 * Spotify id goes in <identifier> (spotify:track:…) and <info> (its web page).
 */
export function toXspf(items, title = '') {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<playlist version="1" xmlns="http://xspf.org/ns/0/">'];
  if (title) out.push(`  <title>${xmlText(oneLine(title))}</title>`);
  out.push('  <creator>MoodSpace</creator>', '  <trackList>');
  for (const x of items) {
    const s = songOf(x);
    const uri = trackUri(s);
    const t = ['    <track>'];
    t.push(`      <title>${xmlText(oneLine(s.title))}</title>`, `      <creator>${xmlText(oneLine(s.artist))}</creator>`);
    if (s.album) t.push(`      <album>${xmlText(oneLine(s.album))}</album>`);
    if (Number.isFinite(s.durationMs) && s.durationMs > 0) t.push(`      <duration>${Math.round(s.durationMs)}</duration>`);
    if (uri) t.push(`      <identifier>${uri}</identifier>`, `      <info>https://open.spotify.com/track/${uri.slice('spotify:track:'.length)}</info>`);
    t.push('    </track>');
    out.push(...t);
  }
  out.push('  </trackList>', '</playlist>');
  return out.join('\n') + '\n';
}

/** A file name from a title: letters, digits, dashes. */
export function fileStem(title) {
  return (String(title || 'soundtrack').normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-').slice(0, 60)) || 'soundtrack';
}

/** Offer `data` (text or a Blob) as a download (browser only). */
export function download(name, data, type) {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url; a.download = name; a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Copy text to the clipboard; resolves true/false. */
export async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch { /* no permission: fall back */ }
  try {
    const ta = document.createElement('textarea');
    ta.value = text; ta.setAttribute('readonly', ''); ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.append(ta); ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  } catch { return false; }
}
