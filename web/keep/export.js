// export.js — keep a soundtrack without Spotify: spotify:track: URIs to paste
// into the Spotify desktop app, a CSV (RFC 4180 quoting) and an M3U playlist.
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

/** Extended M3U: #EXTINF with seconds and "Artist - Title" (a comment when the length is unknown), then the track's open.spotify.com link. */
export function toM3u(items, title = '') {
  const lines = ['#EXTM3U'];
  if (title) lines.push(`#PLAYLIST:${oneLine(title)}`);
  for (const x of items) {
    const s = songOf(x);
    const uri = trackUri(s);
    if (!uri) continue;
    // #EXTINF needs a duration; when it is unknown the names go in a plain
    // comment instead of the conventional but misleading -1
    const name = `${oneLine(s.artist)} - ${oneLine(s.title)}`;
    lines.push(s.durationMs > 0 ? `#EXTINF:${Math.round(s.durationMs / 1000)},${name}` : `# ${name}`);
    lines.push(`https://open.spotify.com/track/${uri.slice('spotify:track:'.length)}`);
  }
  return lines.join('\n') + '\n';
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
