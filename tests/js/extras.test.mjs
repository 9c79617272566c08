// Unit tests for the dashboard numbers, the export files and the playlist saver.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as S from '../../web/taste/dashboard-stats.js';
import { toCsv, toM3u, toXspf, xmlText, urisText, csvField, trackUri, fileStem } from '../../web/keep/export.js';
import { savePlaylist, chunks, PlaylistError } from '../../web/spotify/playlist.js';

const id22 = (n) => String(n).padStart(22, 'A');

test('stability counts overlap, newcomers and long-time favourites', () => {
  const s = S.stability({ short_term: ['a', 'b', 'x'], medium_term: ['a', 'b', 'c', 'd'], long_term: ['c', 'a', 'e', 'f'] });
  assert.deepEqual(s.sizes, { short_term: 3, medium_term: 4, long_term: 4 });
  assert.deepEqual(s.overlap.map((o) => [o.a, o.b, o.shared]), [['short_term', 'medium_term', 2], ['medium_term', 'long_term', 2], ['short_term', 'long_term', 1]]);
  assert.equal(s.overlap[0].share, 2 / 3);
  assert.deepEqual(s.newcomers, ['x']);
  assert.deepEqual(s.favourites, ['a']);
  assert.deepEqual(S.stability({ short_term: [{ id: 'q' }] }).newcomers, ['q']);
});

test('decades and explicit share read releaseDate and the explicit flag', () => {
  const songs = [{ releaseDate: '1999-01-01' }, { releaseDate: '1991' }, { releaseDate: '2004-05', explicit: true }, { releaseDate: '' }];
  assert.deepEqual(S.decades(songs), { decades: [{ decade: 1990, label: '1990s', count: 2 }, { decade: 2000, label: '2000s', count: 1 }], unknown: 1 });
  assert.deepEqual(S.explicitShare(songs), { explicit: 1, clean: 3, total: 4, share: 0.25 });
});

test('mood by range averages the predicted metrics of each range', () => {
  const songs = new Map([['a', { metrics: { valence: 0.2, energy: 0.4 } }], ['b', { metrics: { valence: 0.6, energy: 0.8 } }], ['c', { metrics: null }]]);
  const rows = S.moodByRange({ songs, top: { tracks: { short_term: ['a', 'b', 'c'], medium_term: ['b'], long_term: [] } } }, ['valence', 'energy']);
  assert.equal(rows[0].n, 2);
  assert.ok(Math.abs(rows[0].means.valence - 0.4) < 1e-12);
  assert.deepEqual(rows[1].means, { valence: 0.6, energy: 0.8 });
  assert.deepEqual(rows[2].means, {});
  assert.equal(S.moodPoints([...songs.values()].map((s, i) => ({ ...s, id: String(i), title: 't' }))).length, 2);
});

test('lyric words are cleaned like the engine tokenizer: tags and repeat marks out, ASCII punctuation deleted', () => {
  assert.deepEqual(S.lyricWords("[Chorus]\nDon't STOP (x2) rock-n-roll, I’m <01:02.33>here!"), ['dont', 'stop', 'rocknroll', 'i’m', 'here']);
  assert.deepEqual([...S.countWords(['Oh oh, the night… night 42 nights']).keys()], ['the', 'night', 'nights']);
});

test('distinctive words rank over-used words first and ignore common ones', () => {
  const corpus = S.readCorpus({ words: { the: 500, love: 40, night: 10, harbor: 0.5 }, tokens: 2e6 });
  const counts = new Map([['the', 50], ['love', 4], ['harbor', 20], ['night', 1], ['lighthouse', 6]]);
  // "the" is 12x over-used here but so common that its prior damps it below a rarer, 5000x over-used word
  const all = S.distinctiveWords(counts, corpus, { k: 10, skip: () => false });
  assert.deepEqual(all.map((w) => w.word), ['harbor', 'lighthouse', 'the', 'love'], '"night" is below minCount');
  assert.deepEqual(S.distinctiveWords(counts, corpus, { k: 10 }).map((w) => w.word), ['harbor', 'lighthouse', 'love'], 'stop words are left out by default');
  assert.equal(S.distinctiveWords(counts, corpus, { k: 2 }).length, 2);
  assert.equal(all[0].count, 20);
  assert.ok(Math.abs(all[0].per10k - 20 / 81 * 1e4) < 1e-9);
  assert.equal(S.readCorpus({ a: 1, b: 'x' }).freq.size, 1);
  assert.deepEqual(S.distinctiveWords(new Map(), corpus), []);
});

test('clock peak and durations', () => {
  const grid = Array.from({ length: 7 }, () => new Array(24).fill(0));
  grid[4][22] = 90; grid[1][8] = 30; grid[1][9] = 30;
  const p = S.clockPeak(grid);
  assert.deepEqual([p.cell.day, p.cell.hour, p.topDay, p.topHour], [4, 22, 4, 22]);
  assert.equal(S.formatDuration(3 * 3600000 + 5 * 60000), '3 h 5 min');
  assert.equal(S.formatDuration(59 * 60000), '59 min');
});

const picks = [
  { song: { id: id22(1), uri: `spotify:track:${id22(1)}`, title: 'Hello, "World"', artist: 'Ann\nB', album: '=SUM(A1)', durationMs: 183400 }, segment: 0, distance: 0.12345 },
  { song: { id: 'export:abc', uri: '', title: 'No id', artist: 'C', album: '', durationMs: 0 }, segment: 1, distance: 1 },
  { song: { id: id22(2), title: 'Plain', artist: 'D', album: 'E', durationMs: 0 } },
];

test('CSV quotes commas, quotes and newlines and defuses formulas', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('-3.5'), '-3.5');
  assert.equal(toCsv(picks),
    'position,title,artist,album,spotify_uri,segment,scenes,scene_heading,distance\r\n' +
    `1,"Hello, ""World""","Ann\nB",'=SUM(A1),spotify:track:${id22(1)},1,,,0.1235\r\n` +
    '2,No id,C,,,2,,,1.0000\r\n' +
    `3,Plain,D,E,spotify:track:${id22(2)},,,,\r\n`);
});

test('CSV: the segments of the soundtrack view fill the segment, scene range and heading columns', () => {
  const song = { id: id22(3), title: 'T', artist: 'A', album: '', durationMs: 0 };
  const csv = toCsv([
    { song, segment: { segment: 0, first: 0, last: 11, heading: 'INT. LIGHTHOUSE - NIGHT' }, distance: 0.5 },
    { song, segment: { segment: 1, first: 12, last: 12, heading: 'EXT. PIER, DAWN' }, distance: 0.25 }]);
  assert.deepEqual(csv.split('\r\n').slice(1, 3), [
    `1,T,A,,spotify:track:${id22(3)},1,1-12,INT. LIGHTHOUSE - NIGHT,0.5000`,
    `2,T,A,,spotify:track:${id22(3)},2,13,"EXT. PIER, DAWN",0.2500`]);
});

test('URIs list only songs with a Spotify id; the M3U names every song (#EXTINF), with a link where there is an id', () => {
  assert.equal(urisText(picks), `spotify:track:${id22(1)}\nspotify:track:${id22(2)}\n`);
  assert.equal(toM3u(picks, 'My\nFilm'),
    `#EXTM3U\n#PLAYLIST:My Film\n#EXTINF:183,Ann B – Hello, "World"\nhttps://open.spotify.com/track/${id22(1)}\n` +
    '#EXTINF:-1,C – No id\n' +
    `#EXTINF:-1,D – Plain\nhttps://open.spotify.com/track/${id22(2)}\n`);
  // a basic export's songs alone: still one entry each, never an empty list
  const noIds = [{ song: { id: 'export:a', uri: '', title: 'First', artist: 'X', durationMs: 0 } }, { song: { id: 'export:b', title: 'Second', artist: '' } }];
  assert.equal(toM3u(noIds), '#EXTM3U\n#EXTINF:-1,X – First\n#EXTINF:-1,Unknown artist – Second\n');
  assert.equal(urisText(noIds), '\n');
  assert.equal(trackUri({ id: 'short' }), '');
  assert.equal(fileStem('Casablanca: the <soundtrack>'), 'Casablanca-the-soundtrack');
});

test('XSPF: a title and creator for every song, escaped; Spotify ids as identifier and info, never as a location', () => {
  const x = toXspf([...picks, { song: { id: 'export:z', title: 'A <b>&amp;\u0001 \'q\'', artist: 'Ü\uD800', durationMs: 0 } }], 'Film & "Co"');
  assert.match(x, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<playlist version="1" xmlns="http:\/\/xspf.org\/ns\/0\/">\n/);
  assert.match(x, /<title>Film &amp; &quot;Co&quot;<\/title>/);
  const tracks = x.match(/<track>[\s\S]*?<\/track>/g);
  assert.equal(tracks.length, 4);
  assert.match(tracks[0], /<title>Hello, &quot;World&quot;<\/title>\n\s*<creator>Ann B<\/creator>\n\s*<album>=SUM\(A1\)<\/album>\n\s*<duration>183400<\/duration>/);
  assert.match(tracks[0], new RegExp(`<identifier>spotify:track:${id22(1)}</identifier>\\n\\s*<info>https://open.spotify.com/track/${id22(1)}</info>`));
  assert.match(tracks[1], /<title>No id<\/title>\n\s*<creator>C<\/creator>\n\s*<\/track>/, 'no id: title and creator only');
  assert.match(tracks[3], /<title>A &lt;b&gt;&amp;amp; &apos;q&apos;<\/title>\n\s*<creator>Ü<\/creator>/, 'escaped; control characters and lone surrogates dropped');
  assert.doesNotMatch(x, /<location>/);
  assert.equal(xmlText('a\tb\r\nc'), 'a\tb\r\nc');
});

test('saving a playlist creates it private, then adds items in chunks of 100', async () => {
  const calls = [];
  const fetcher = async (path, opts) => {
    calls.push({ path, ...opts });
    if (path === '/me/playlists') return { id: 'pl123', external_urls: { spotify: 'https://open.spotify.com/playlist/pl123' } };
    return { snapshot_id: 's' };
  };
  const uris = Array.from({ length: 250 }, (_, i) => `spotify:track:${id22(i)}`);
  const r = await savePlaylist({ name: 'Film', description: 'd', uris: [...uris, 'bad', uris[0]] }, { fetcher });
  assert.deepEqual(r, { id: 'pl123', url: 'https://open.spotify.com/playlist/pl123', added: 250, skipped: 2 });
  assert.equal(calls.length, 4);
  assert.deepEqual(calls[0], { path: '/me/playlists', method: 'POST', body: { name: 'Film', public: false, description: 'd' } });
  assert.deepEqual(calls.slice(1).map((c) => [c.path, c.method, c.body.uris.length]),
    [['/playlists/pl123/items', 'POST', 100], ['/playlists/pl123/items', 'POST', 100], ['/playlists/pl123/items', 'POST', 50]]);
  assert.deepEqual(calls[3].body.uris, uris.slice(200));
  assert.deepEqual(chunks([1, 2, 3], 2), [[1, 2], [3]]);
});

test('a failed chunk reports the created playlist and what was added', async () => {
  let n = 0;
  const fetcher = async (path) => {
    if (path === '/me/playlists') return { id: 'p1' };
    if (++n === 2) throw new Error('HTTP 500');
    return {};
  };
  const uris = Array.from({ length: 150 }, (_, i) => `spotify:track:${id22(i)}`);
  await assert.rejects(savePlaylist({ name: 'x', uris }, { fetcher }), (e) => e instanceof PlaylistError && e.added === 100 && e.playlist.id === 'p1');
  await assert.rejects(savePlaylist({ name: 'x', uris: ['nope'] }, { fetcher }), /nothing to save/);
});

test('the demo file is validated: bad ids and songs without metrics are dropped, words kept', async () => {
  const { parseDemo } = await import('../../web/library/demo.js');
  const r = parseDemo({ songs: [
    { id: id22(1), title: 'A', artist: 'B', year: 1999, metrics: { energy: 0.5, valence: 0.4, bad: 'x' }, words: [['harbor', 3], ['x', 'y'], 5] },
    { id: 'short', title: 'C', artist: 'D', metrics: { energy: 1 } },
    { id: id22(2), title: 'E', artist: 'F', metrics: {} },
  ] });
  assert.equal(r.songs.length, 1);
  assert.deepEqual(r.songs[0], { id: id22(1), uri: `spotify:track:${id22(1)}`, title: 'A', artist: 'B', album: '', durationMs: 0,
    explicit: false, releaseDate: '1999', lyricsStatus: 'none', metrics: { energy: 0.5, valence: 0.4 } });
  assert.deepEqual(r.words, { [id22(1)]: [['harbor', 3]] });
  assert.throws(() => parseDemo({}), /no "songs"/);
  assert.throws(() => parseDemo({ songs: [{ id: 'x' }] }), /no usable songs/);
});

test('the service worker build precaches every file under a content-hash version, and icons are valid PNGs', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const os = await import('node:os');
  const zlib = await import('node:zlib');
  const { buildServiceWorker, drawIcon } = await import('../../web/build/build-sw.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-sw-'));
  try {
    fs.mkdirSync(path.join(dir, 'chunks'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(dir, 'app.js'), 'x');
    fs.writeFileSync(path.join(dir, 'app.js.map'), '{}');
    fs.writeFileSync(path.join(dir, 'chunks', 'a.js'), 'y');
    fs.writeFileSync(path.join(dir, 'model.bin'), Buffer.alloc(10));
    const a = buildServiceWorker(dir, { log: () => {} });
    assert.deepEqual(a.files.filter((f) => !f.startsWith('icons/')), ['app.js', 'chunks/a.js', 'index.html', 'model.bin']);
    assert.ok(a.files.includes('icons/icon-192.png') && a.files.includes('icons/maskable-512.png'));
    const sw = fs.readFileSync(path.join(dir, 'sw.js'), 'utf8');
    assert.equal(sw.split('\n')[0], `self.__MS_PRECACHE=${JSON.stringify({ version: a.version, files: a.files })};`);
    assert.match(sw, /addEventListener\('activate'/);
    const b = buildServiceWorker(dir, { log: () => {} });
    assert.equal(b.version, a.version, 'same content, same version');
    assert.equal(fs.readFileSync(path.join(dir, 'sw.js'), 'utf8').split('\n').filter((l) => l.startsWith('self.__MS_PRECACHE=')).length, 1, 'rebuilding does not stack manifests');
    fs.writeFileSync(path.join(dir, 'app.js'), 'z');
    assert.notEqual(buildServiceWorker(dir, { log: () => {} }).version, a.version, 'a changed file changes the version');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  const png = drawIcon(48);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 48); assert.equal(png.readUInt32BE(20), 48);
  const idatLen = png.readUInt32BE(33);
  assert.equal(png.toString('ascii', 37, 41), 'IDAT');
  const raw = zlib.inflateSync(png.subarray(41, 41 + idatLen));
  assert.equal(raw.length, 48 * (48 * 4 + 1));
  assert.equal(raw[1 + 3], 0, 'the rounded corner is transparent');
  const mid = 24 * (48 * 4 + 1) + 1 + 24 * 4;
  assert.equal(raw[mid + 3], 255, 'the middle is opaque');
});

test('the shipped demo library holds ids, titles, years, predicted metrics and single words only — no lyrics', async (t) => {
  const fs = await import('node:fs');
  const file = new URL('../../weights/demo.json', import.meta.url);
  if (!fs.existsSync(file)) { t.skip('weights/demo.json is not built (./build.sh demo)'); return; }
  const { parseDemo } = await import('../../web/library/demo.js');
  const demo = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(demo.songs.length, demo.count);
  assert.ok(demo.count >= 200 && demo.count <= 1000, 'a few hundred songs');
  const allowed = new Set(['id', 'title', 'artist', 'year', 'metrics', 'words']);
  for (const s of demo.songs) {
    assert.deepEqual(Object.keys(s).filter((k) => !allowed.has(k)), [], `only derived fields in ${s.id}`);
    assert.match(s.id, /^[A-Za-z0-9]{22}$/);
    assert.ok(s.words.length <= 10 && s.words.every(([w, c]) => typeof w === 'string' && !/\s/.test(w) && Number.isInteger(c) && c > 0), 'single words with counts');
    assert.deepEqual(Object.keys(s.metrics), demo.metrics);
  }
  assert.equal(new Set(demo.songs.map((s) => s.artist.toLowerCase())).size, demo.count, 'one song per artist');
  assert.equal(parseDemo(demo).songs.length, demo.count, 'the page accepts every song');
});
