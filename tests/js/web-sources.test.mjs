// The other ways in (web/library/formats.js) and one library from many
// sources (web/library/sources.js, library.js): every fixture format is read
// with its malformed row reported, plays two sources both hold count once
// whatever the order, a source is removed with exactly its plays, the demo
// never touches the own library, hostile sizes are cut, and stored records
// are validated on read. Fixtures in tests/js/fixtures/sources are invented.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles } from '../../web/library/history-worker.js';
import { IMPORT_LIMITS } from '../../web/library/history-core.js';
import { splitArtistTitle, parseScrobbleTime, artistTitleFromPath } from '../../web/library/formats.js';
import { sourceMeta, samePlay } from '../../web/library/sources.js';
import { createLibrary } from '../../web/library/library.js';
import { smallZip, extendedRecords, trackPool } from '../fake/history-export.mjs';

const FIX = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/sources');
const utc = { tzOffset: () => 0 };
const fixture = (name) => new File([fs.readFileSync(path.join(FIX, name))], name);

async function imported(files, opts = utc) {
  const res = await importFiles(files, () => {}, opts);
  assert.equal(res.type, 'done', res.message);
  return res;
}
let nextId = 0;
async function add(lib, files, name) {
  const res = await imported(files);
  const meta = sourceMeta(res.summary, res.data, { id: `t${++nextId}`, name: name || files.map((f) => f.name).join(', ') });
  await lib.addSource(meta, res.data);
  return meta;
}

const FIXTURES = {
  'exportify-rainy-day.csv': { kind: 'exportify', plays: 0, listed: 3, problem: ['line 4', /no track name/] },
  'lastfm-scrobbles.csv': { kind: 'lastfm', plays: 4, listed: 0, problem: ['line 4', /unreadable date "tomorrow at noon"/] },
  'lastfm-scrobbles-header.csv': { kind: 'lastfm', plays: 3, listed: 0, problem: ['line 5', /no artist/] },
  'Apple Music Play Activity.csv': { kind: 'apple', plays: 3, listed: 0, problem: ['line 6', /"Play Duration Milliseconds" is not a duration/] },
  'watch-history.json': { kind: 'youtube', plays: 3, listed: 0, problem: ['entry 4', /no song title/] },
  'road-trip.m3u8': { kind: 'm3u', plays: 0, listed: 3, problem: ['line 6', /no “Artist - Title” in "untitled recording"/] },
  'evening.pls': { kind: 'pls', plays: 0, listed: 3, problem: ['line 5', /entry 2: no “Artist - Title”/] },
  'quiet-hours.xspf': { kind: 'xspf', plays: 0, listed: 3, problem: ['line 17', /track without a <title>/] },
  'pasted-list.txt': { kind: 'list', plays: 0, listed: 4, problem: ['line 5', /no “Artist – Title” separator/] },
};

for (const [file, want] of Object.entries(FIXTURES)) {
  test(`${file}: read as ${want.kind}, its malformed row listed with line and reason, the rest kept`, async () => {
    const res = await imported([fixture(file)]);
    const f = res.summary.files[0];
    assert.equal(f.format, want.kind);
    assert.equal(f.music, want.plays);
    assert.equal(f.listed, want.listed);
    assert.ok(f.problems.some((p) => p.line === want.problem[0] && want.problem[1].test(p.reason)), JSON.stringify(f.problems));
    const songs = res.data.songs.map((s) => `${s.artist} / ${s.title}`);
    assert.ok(songs.some((s) => /^(Marigold Static|The Velvet Orbits) \/ (Paper Lanterns|Copper Rain, Slowly)$/.test(s)), songs.join(' | '));
    // every song reaches the library's pool (the lyrics → mood pipeline reads the pool)
    const lib = createLibrary(utc);
    const meta = sourceMeta(res.summary, res.data, { id: 'x', name: file });
    await lib.addSource(meta, res.data);
    assert.equal(lib.state.songs.size, res.data.songs.length);
    assert.ok([...lib.state.songs.values()].every((s) => s.lyricsStatus === 'pending' && s.title && s.artist));
    assert.equal(lib.state.sources[0].kind, want.kind);
    assert.ok(lib.state.sources[0].problems.length >= 1);
  });
}

test('separators, scrobble dates and file names', () => {
  assert.deepEqual(splitArtistTitle('AC-DC - Back in Black'), { artist: 'AC-DC', title: 'Back in Black' });
  assert.deepEqual(splitArtistTitle('Ada – One'), { artist: 'Ada', title: 'One' });
  assert.deepEqual(splitArtistTitle('Ada—One — Two'), { artist: 'Ada—One', title: 'Two' });
  assert.deepEqual(splitArtistTitle('Ada—One'), { artist: 'Ada', title: 'One' });
  assert.equal(splitArtistTitle('no separator here'), null);
  assert.equal(splitArtistTitle(' - Title'), null);
  assert.equal(parseScrobbleTime('1709500440'), 1709500440000);
  assert.equal(parseScrobbleTime('03 Mar 2024 21:14'), Date.UTC(2024, 2, 3, 21, 14));
  assert.equal(parseScrobbleTime('03 Mar 2024, 21:14'), Date.UTC(2024, 2, 3, 21, 14));
  assert.ok(Number.isNaN(parseScrobbleTime('yesterday')));
  assert.deepEqual(artistTitleFromPath('file:///m/07%20Ada%20-%20One.flac'), { artist: 'Ada', title: 'One' });
});

test('a CSV of no known kind and a broken XSPF fail as files with their reason; a Takeout zip is read inside', async () => {
  let res = await importFiles([new File(['a,b\n1,2\n'], 'numbers.csv')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /numbers\.csv: not a CSV this page knows .* "a,b"/);
  res = await importFiles([new File(['<playlist><trackList><track><title>x</title></track>'], 'cut.xspf')], () => {}, utc);
  assert.match(res.message, /cut\.xspf: not valid XML/);
  res = await importFiles([new File(['<html><body>hi</body></html>'], 'page.xspf')], () => {}, utc);
  assert.match(res.message, /page\.xspf: the root element is <html>, not <playlist>/);
  const takeout = smallZip({ 'Takeout/YouTube and YouTube Music/history/watch-history.json': fs.readFileSync(path.join(FIX, 'watch-history.json'), 'utf8'),
    'Takeout/YouTube and YouTube Music/playlists/Liked videos.csv': 'Video ID,Time Added\nabc,2024-01-01\n' });
  res = await imported([new File([takeout], 'takeout-20240305.zip')]);
  assert.equal(res.summary.plays, 3);
  assert.ok(res.summary.ignored.some((n) => /Liked videos\.csv$/.test(n)));
});

test('hostile text files hit the same limits as the Spotify zips', async () => {
  const long = 'Ada - ' + 'x'.repeat(70 * 1024) + '\n';
  let res = await importFiles([new File([long], 'long.txt')], () => {}, utc);
  assert.match(res.message, /long\.txt: line 1 is longer than 64 KB \(the limit for one line\)/);
  const row = '"' + 'y'.repeat(70 * 1024);
  res = await importFiles([new File(['Track Name,Artist Name(s)\n' + row], 'open-quote.csv')], () => {}, utc);
  assert.match(res.message, /open-quote\.csv: the row at line 2 is longer than 64 KB/);
  const deep = '<playlist>' + '<a>'.repeat(40) + '</a>'.repeat(40) + '</playlist>';
  res = await importFiles([new File([deep], 'deep.xspf')], () => {}, utc);
  assert.match(res.message, /deep\.xspf: elements nested more than 16 deep \(the limit\)/);
  const many = Array.from({ length: 30 }, (_, i) => `Ada - Song ${i}`).join('\n');
  res = await importFiles([new File([many], 'many.txt')], () => {}, { ...utc, limits: { maxTracks: 10 } });
  assert.match(res.message, /many\.txt: more than 10 different songs in this import \(the limit\)/);
});

// --- names are cut at import, and what an import keeps is capped -------------------------

test('titles, artists and albums are cut at 500 characters at import (JSON history and lists)', async () => {
  const big = 'T'.repeat(60000);
  const recs = [{ ts: '2024-01-01T10:00:00Z', ms_played: 200000, master_metadata_track_name: big, master_metadata_album_artist_name: 'A'.repeat(2000),
    master_metadata_album_album_name: 'B'.repeat(2000), spotify_track_uri: null, skipped: false }];
  const res = await imported([new File([JSON.stringify(recs)], 'endsong_0.json')]);
  assert.equal(res.summary.tracks[0].title.length, IMPORT_LIMITS.maxTextChars);
  assert.equal(res.summary.tracks[0].artist.length, 500);
  assert.equal(res.summary.tracks[0].album.length, 500);
  assert.equal(res.summary.artists[0].artist.length, 500);
  assert.equal(res.data.songs[0].title.length, 500);
  const list = await imported([new File([`${'Z'.repeat(3000)} - ${'Q'.repeat(3000)}\n`], 'l.txt')]);
  assert.deepEqual([list.data.songs[0].artist.length, list.data.songs[0].title.length], [500, 500]);
  // a surrogate pair is never split
  const emoji = await imported([new File([`Ada - ${'a'.repeat(499)}😀tail\n`], 'e.txt')]);
  assert.equal(emoji.data.songs[0].title, 'a'.repeat(499));
});

test('an import inside every other limit cannot keep more than maxRetainedChars of names', async () => {
  // 16,000 songs with 60 KB titles would keep 16,000 × 500 characters after the cut:
  // the cap stops an import long before that (here scaled down: 2,000 songs, cap 200,000)
  const lines = Array.from({ length: 2000 }, (_, i) => `Artist ${i} - ${String(i).padStart(6, '0')}${'x'.repeat(60000)}`).join('\n');
  const res = await importFiles([new File([lines], 'huge.txt')], () => {}, { ...utc, limits: { maxRetainedChars: 200000, maxElementBytes: 70000 } });
  assert.equal(res.type, 'error');
  assert.match(res.message, /huge\.txt: more than 200,000 characters of song names in this import \(the limit\)/);
  // the default cap allows at most this many characters whatever the titles
  assert.ok(IMPORT_LIMITS.maxRetainedChars * 2 <= 64 * 1024 * 1024, 'at most 64 MB of names per import');
});

// --- one library from many sources ---------------------------------------------------------

/** An extended export and the basic export of an overlapping year, as Spotify writes them for the same plays. */
function twoExports() {
  const pool = trackPool(60, 11);
  const ext = extendedRecords(900, { pool, seed: 21, start: Date.UTC(2023, 0, 1) }).filter((r) => r.master_metadata_track_name);
  const pad = (x) => String(x).padStart(2, '0');
  const basicOf = (r) => { const d = new Date(r.ts); return { endTime: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    artistName: r.master_metadata_album_artist_name, trackName: r.master_metadata_track_name, msPlayed: r.ms_played }; };
  // the basic export: the last 500 plays of the extended one, plus 120 later plays it alone holds
  const later = extendedRecords(140, { pool, seed: 22, start: Date.parse(ext.at(-1).ts) + 3600000 }).filter((r) => r.master_metadata_track_name);
  const basic = [...ext.slice(-500), ...later].map(basicOf);
  return { ext, basic, onlyBasic: later.length };
}

test('two exports added in either order, days apart, keep every play once', async () => {
  const { ext, basic, onlyBasic } = twoExports();
  const extFile = () => new File([JSON.stringify(ext)], 'Streaming_History_Audio_2023_0.json');
  const basicFile = () => new File([JSON.stringify(basic)], 'StreamingHistory_music_0.json');
  const want = ext.length + onlyBasic;
  for (const order of [['ext', 'basic'], ['basic', 'ext']]) {
    const lib = createLibrary(utc);
    for (const which of order) await add(lib, [which === 'ext' ? extFile() : basicFile()]);
    assert.equal(lib.state.extra.history.plays, want, `order ${order}`);
    assert.equal(lib.state.extra.history.totalMs, ext.reduce((a, r) => a + r.ms_played, 0) + basic.slice(500).reduce((a, r) => a + r.msPlayed, 0));
    const dupes = lib.state.sources.reduce((a, m) => a + m.dupes, 0);
    assert.equal(dupes, 500, 'the 500 shared plays are counted once');
    assert.equal(lib.state.sources.find((m) => m.kind === 'basic').dupes, 500, 'the poorer record is the one left out');
    // the same export imported again adds nothing
    await add(lib, [extFile()]);
    assert.equal(lib.state.extra.history.plays, want);
    assert.equal(lib.state.sources.length, 3);
  }
});

test('removing a source removes exactly its plays', async () => {
  const { ext, basic, onlyBasic } = twoExports();
  const lib = createLibrary(utc);
  const a = await add(lib, [new File([JSON.stringify(ext)], 'Streaming_History_Audio_2023_0.json')]);
  const b = await add(lib, [new File([JSON.stringify(basic)], 'StreamingHistory_music_0.json')]);
  const c = await add(lib, [fixture('lastfm-scrobbles.csv')]);
  const d = await add(lib, [fixture('road-trip.m3u8')]);
  assert.equal(lib.state.extra.history.plays, ext.length + onlyBasic + 4);
  await lib.removeSource(c.id);
  assert.equal(lib.state.extra.history.plays, ext.length + onlyBasic);
  await lib.removeSource(a.id);
  assert.equal(lib.state.extra.history.plays, basic.length, 'the basic export counts in full again');
  await lib.removeSource(b.id);
  assert.equal(lib.state.extra.history, undefined);
  assert.equal(lib.state.songs.size, 3, 'the playlist songs stay');
  assert.deepEqual(lib.state.sources.map((m) => m.id), [d.id]);
});

test('the same play: to the second, to the minute, durations within 2 s or 2 %, no duration only with no duration', () => {
  const t = Date.UTC(2024, 0, 1, 10, 30, 40);
  assert.ok(samePlay({ end: t, ms: 200000 }, { end: Date.UTC(2024, 0, 1, 10, 30), ms: 200000, minute: true }));
  assert.ok(!samePlay({ end: t, ms: 200000 }, { end: Date.UTC(2024, 0, 1, 10, 33), ms: 200000, minute: true }));
  assert.ok(samePlay({ end: t, ms: 200000 }, { end: t + 4000, ms: 201500 }));
  assert.ok(!samePlay({ end: t, ms: 200000 }, { end: t + 30000, ms: 200000 }));
  assert.ok(!samePlay({ end: t, ms: 200000 }, { end: t, ms: 150000 }));
  assert.ok(!samePlay({ end: t, ms: 200000 }, { end: t, ms: NaN }));
  assert.ok(samePlay({ end: t, ms: NaN }, { end: t + 30000, ms: NaN }));
});

function memory() { const m = new Map(); return { map: m, get: async (k) => m.get(k), set: async (k, v) => { m.set(k, structuredClone(v)); }, del: async (k) => { m.delete(k); } }; }

test('the demo is a mode: entering and leaving it keeps the own library, stored, untouched', async () => {
  const storage = memory();
  const lib = createLibrary({ ...utc, storage });
  await add(lib, [fixture('lastfm-scrobbles.csv')]);
  lib.updateSong([...lib.state.songs.keys()][0], { lyricsStatus: 'found', metrics: { energy: 0.4 } });
  const before = JSON.stringify(lib.snapshot().own);
  lib.enterDemo({ songs: [{ id: 'AAAAAAAAAAAAAAAAAAAAAA', title: 'Demo', artist: 'D', metrics: { energy: 0.5 } }], label: 'Demo library' });
  assert.equal(lib.state.source, 'demo');
  assert.equal(lib.state.songs.size, 1);
  assert.equal(lib.own.sources.length, 1);
  await lib.save();
  // a reload in demo mode comes back in the demo, with the own library kept
  const again = createLibrary({ ...utc, storage });
  assert.equal(await again.restore(), true);
  assert.equal(again.state.mode, 'demo');
  assert.equal(again.state.songs.size, 1);
  assert.equal(again.own.songs.size, lib.own.songs.size);
  assert.equal(again.own.sources.length, 1);
  again.leaveDemo();
  assert.equal(again.state.extra.history.plays, 4);
  assert.equal(JSON.stringify(lib.snapshot().own), before);
  lib.leaveDemo();
  assert.equal(lib.state.source, 'export');
  assert.equal(JSON.stringify(lib.snapshot().own), before);
  assert.equal(lib.state.extra.history.plays, 4);
});

test('stored records are validated on read: tampered ones are left out and counted, the rest restored', async () => {
  const storage = memory();
  const lib = createLibrary({ ...utc, storage });
  await add(lib, [fixture('lastfm-scrobbles.csv')]);
  await lib.save();
  const good = await (async () => { const again = createLibrary({ ...utc, storage }); await again.restore(); return again; })();
  assert.equal(good.state.damaged, 0);
  assert.equal(good.state.extra.history.plays, 4);
  const snap = storage.map.get('moodspace.library.v2');
  const songs = snap.own.songs;
  snap.own.songs = [...songs, null, 7, { id: { evil: true } }, { id: 'ok-id', title: { toString: 1 } }, { id: 'x', metrics: 'high' }];
  snap.own.extra.history = { ...snap.own.extra.history, topByTime: 7, clock: { ms: 'no' } };
  snap.own.top.tracks.medium_term = [42, ...snap.own.top.tracks.medium_term];
  snap.own.sources = [...snap.own.sources, { id: '../../etc', kind: 'spotify' }, 'junk'];
  const again = createLibrary({ ...utc, storage });
  assert.equal(await again.restore(), true);
  assert.equal(again.state.damaged, 5 + 1 + 1 + 2, 'five songs, the history, one top entry, two sources');
  assert.equal(again.state.songs.size, songs.length, 'every good song is kept');
  assert.equal(again.state.extra.history, undefined, 'a history with a wrong part is left out, not half-used');
  assert.equal(again.state.sources.length, 1);
  // rebuilding from the stored source data brings the history back
  await again.addSource({ id: 'p1', kind: 'list', name: 'pasted', plays: 0, songs: 1, listed: 1 },
    { songs: [{ title: 'One', artist: 'Ada', album: '', uri: '', durationMs: 0 }],
      files: [{ name: 'p', format: 'list', song: new Uint32Array(0), end: new Float64Array(0), ms: new Float64Array(0), skip: new Int8Array(0), listed: Uint32Array.of(0) }] });
  assert.equal(again.state.extra.history.plays, 4);
  // tampered source data (a song index out of range) makes that source unreadable, never a crash
  storage.map.get(`moodspace.source.${again.state.sources[0].id}`).files[0].song[0] = 99999;
  const third = createLibrary({ ...utc, storage });
  await third.restore();
  await third.removeSource('p1');
  assert.equal(third.state.sources[0].missing, true);
  assert.equal(third.state.extra.history, undefined);
});

test('CSV: a quote inside an unquoted field is a character; an unclosed quoted field costs its line, not the file', async () => {
  const head = 'Track URI,Track Name,Artist URI(s),Artist Name(s),Album Name\n';
  let res = await imported([new File([head + ',12" Mix,,Ada,Vinyl\n,One,,Bo,"Album, the first"\n'], 'quotes.csv')]);
  assert.deepEqual(res.data.songs.map((s) => [s.artist, s.title, s.album]), [['Ada', '12" Mix', 'Vinyl'], ['Bo', 'One', 'Album, the first']]);
  const filler = Array.from({ length: 3000 }, (_, i) => `,Song ${i},,Cy,Album ${'z'.repeat(20)}\n`).join('');
  res = await imported([new File([head + ',"Broken,,Ada,X\n' + filler], 'open.csv')]);
  const f = res.summary.files[0];
  assert.deepEqual(f.problems[0], { line: 'line 2', reason: 'a quoted field is not closed (over 64 KB without its closing quote); this line was skipped' });
  assert.equal(f.listed, 3000, 'every row after the broken one is read');
});

test('a library saved before sources (v1) comes back as one source, and the demo as the demo mode', async () => {
  const storage = memory();
  const song = (i) => ({ id: `export:old${i}`, title: `Old ${i}`, artist: 'Ada', album: '', lyricsStatus: 'found', metrics: { energy: 0.1 * i } });
  storage.map.set('moodspace.library.v1', { v: 1, source: 'export', label: 'Your Spotify data export', user: null, songs: [song(1), song(2)],
    top: { tracks: { short_term: ['export:old1'], medium_term: [], long_term: [] }, artists: {} }, recent: [], extra: {} });
  const lib = createLibrary({ ...utc, storage });
  assert.equal(await lib.restore(), true);
  assert.deepEqual(lib.state.sources.map((m) => [m.kind, m.songs]), [['legacy', 2]]);
  assert.equal(lib.state.songs.size, 2);
  await add(lib, [fixture('pasted-list.txt')]);
  assert.equal(lib.state.songs.size, 2 + 4, 'the earlier songs stay next to the new source');
  assert.ok([...lib.state.songs.values()].some((s) => s.title === 'Old 2' && s.metrics?.energy === 0.2), 'with their moods');
  const demoStore = memory();
  demoStore.map.set('moodspace.library.v1', { v: 1, source: 'demo', label: 'Demo library', songs: [{ id: 'AAAAAAAAAAAAAAAAAAAAAA', title: 'D', artist: 'E', metrics: { energy: 0.5 } }], extra: {} });
  const demo = createLibrary({ ...utc, storage: demoStore });
  await demo.restore();
  assert.equal(demo.state.mode, 'demo');
  demo.leaveDemo();
  assert.equal(demo.state.songs.size, 0);
});

test('a Spotify id found by search for a song its source names only stays with it when the library is rebuilt', async () => {
  const lib = createLibrary(utc);
  await add(lib, [fixture('road-trip.m3u8')]);
  const song = lib.songList().find((s) => s.id.startsWith('export:'));
  assert.ok(song && !song.uri, 'a playlist song without an id');
  const uri = 'spotify:track:0123456789abcdefABCDEF';
  lib.updateSong(song.id, { uri });   // (spotify/resolve.js does this)
  await add(lib, [fixture('pasted-list.txt')]);
  assert.equal(lib.state.songs.get(song.id).uri, uri, 'kept after another source came in');
  const other = lib.songList().find((s) => s.id !== song.id && s.id.startsWith('export:'));
  assert.equal(other.uri, '', 'the others still have none');
});

test('a removed source is gone from storage before the view shows it gone (a reload right then does not bring it back)', async () => {
  const storage = memory();
  const slow = { ...storage, set: async (k, v) => { await new Promise((r) => setTimeout(r, 30)); return storage.set(k, v); } };
  const lib = createLibrary({ ...utc, storage: slow });
  const a = await add(lib, [fixture('road-trip.m3u8')]);
  await add(lib, [fixture('pasted-list.txt')]);
  const seen = [];
  lib.subscribe((ev) => {
    if (ev.type !== 'reset') return;
    const stored = storage.map.get('moodspace.library.v2');
    seen.push({ shown: lib.state.sources.length, stored: stored.own.sources.length, songs: stored.own.songs.length === lib.state.songs.size });
  });
  await lib.removeSource(a.id);
  assert.deepEqual(seen, [{ shown: 1, stored: 1, songs: true }]);
  const again = createLibrary({ ...utc, storage });
  await again.restore();
  assert.equal(again.state.sources.length, 1);
});
