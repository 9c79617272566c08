// Unit tests for the data-export import (web/library/history-core.js, web/library/history-worker.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { JsonArrayStream, HistoryImport, classifyHistoryFile } from '../../web/library/history-core.js';
import { importFiles } from '../../web/library/history-worker.js';
import { smallZip, basicRecords, extendedRecords, trackPool } from '../fake/history-export.mjs';

const enc = new TextEncoder();
const utc = { tzOffset: () => 0 };

function scanAll(text, chunk = 3) {
  const out = [];
  const s = new JsonArrayStream((v) => out.push(v));
  const b = enc.encode(text);
  for (let i = 0; i < b.length; i += chunk) s.push(b.subarray(i, i + chunk));
  s.end();
  return out;
}

test('the array scanner yields every element whatever the chunk size', () => {
  const text = '\ufeff[ {"a": "x}{\\"]", "b": [1, {"c": 2}]}, 3, "s,]", {"ü": "日本"} ]\n';
  const want = [{ a: 'x}{"]', b: [1, { c: 2 }] }, 3, 's,]', { ü: '日本' }];
  for (const chunk of [1, 2, 3, 7, 1000]) assert.deepEqual(scanAll(text, chunk), want, `chunk ${chunk}`);
});

test('the array scanner names the problem in malformed input', () => {
  assert.throws(() => scanAll('{"a":1}'), /expected a JSON array/);
  assert.throws(() => scanAll('[{"a":1},'), /ends in the middle .* after 1 complete/);
  assert.throws(() => scanAll('[{"a":1} {"b":2}]'), /expected ',' or '\]'/);
  assert.throws(() => scanAll('[{"a":1},]'), /trailing comma/);
  assert.throws(() => scanAll('[{"a":tru}]'), /element 1 is not valid JSON/);
  assert.throws(() => scanAll('[] x'), /after the end of the array/);
  assert.throws(() => scanAll(''), /empty/);
});

test('history file names are classified with or without folders', () => {
  assert.equal(classifyHistoryFile('MyData/StreamingHistory_music_0.json'), 'basic');
  assert.equal(classifyHistoryFile('StreamingHistory3.json'), 'basic');
  assert.equal(classifyHistoryFile('Spotify Extended Streaming History/Streaming_History_Audio_2019-2021_0.json'), 'extended');
  assert.equal(classifyHistoryFile('endsong_2.json'), 'extended');
  assert.equal(classifyHistoryFile('Streaming_History_Video_2020.json'), null);
  assert.equal(classifyHistoryFile('Userdata.json'), null);
});

function feed(imp, name, text) {
  const r = imp.beginFile(name);
  r.push(enc.encode(text));
  r.end();
}

test('a basic history gives minutes, play counts, clock cells and a short-play skip rate', () => {
  const imp = new HistoryImport(utc);
  feed(imp, 'StreamingHistory_music_0.json', JSON.stringify([
    // 2024-01-01 was a Monday
    { endTime: '2024-01-01 10:05', artistName: 'Ada', trackName: 'One', msPlayed: 180000 },
    { endTime: '2024-01-01 10:09', artistName: 'Ada', trackName: 'One', msPlayed: 120000 },
    { endTime: '2024-01-07 23:59', artistName: 'Bo', trackName: 'Two', msPlayed: 5000 },
  ]));
  const s = imp.finish();
  assert.equal(s.plays, 3);
  assert.equal(s.totalMs, 305000);
  assert.deepEqual(s.tracks.map((t) => [t.title, t.plays, t.ms]), [['One', 2, 300000], ['Two', 1, 5000]]);
  assert.equal(s.clock.plays[0][10], 2);           // Monday 10:00
  assert.equal(s.clock.ms[6][23], 5000);           // Sunday 23:00
  assert.equal(s.skip.skipped, 1);
  assert.equal(s.skip.known, 3);
  assert.match(s.skip.basis, /30 seconds/);
  assert.deepEqual(s.months, [{ month: '2024-01', ms: 305000 }]);
  assert.equal(s.artists[0].artist, 'Ada');
});

test('the listening clock follows the given time zone', () => {
  const imp = new HistoryImport({ tzOffset: () => 120 });
  feed(imp, 'StreamingHistory_music_0.json', JSON.stringify([
    { endTime: '2024-01-07 23:30', artistName: 'Ada', trackName: 'One', msPlayed: 60000 }]));
  assert.equal(imp.finish().clock.plays[0][1], 1);  // Sunday 23:30 UTC is Monday 01:30 at UTC+2
});

test('an extended history uses the skipped flag, keeps URIs and leaves out podcasts', () => {
  const imp = new HistoryImport(utc);
  feed(imp, 'Streaming_History_Audio_2023_1.json', JSON.stringify([
    { ts: '2023-05-02T08:00:00Z', ms_played: 200000, master_metadata_track_name: 'Rain', master_metadata_album_artist_name: 'Cy',
      master_metadata_album_album_name: 'Weather', spotify_track_uri: 'spotify:track:0123456789abcdefghijkl', skipped: false },
    { ts: '2023-05-02T08:01:00Z', ms_played: 3000, master_metadata_track_name: 'Rain', master_metadata_album_artist_name: 'Cy',
      spotify_track_uri: 'spotify:track:0123456789abcdefghijkl', skipped: true },
    { ts: '2023-05-02T09:00:00Z', ms_played: 900000, master_metadata_track_name: null, master_metadata_album_artist_name: null,
      episode_name: 'Talk', skipped: null },
  ]));
  const s = imp.finish();
  assert.equal(s.plays, 2);
  assert.equal(s.files[0].other, 1);
  assert.equal(s.tracks[0].uri, 'spotify:track:0123456789abcdefghijkl');
  assert.equal(s.tracks[0].album, 'Weather');
  assert.equal(s.tracks[0].skips, 1);
  assert.equal(s.skip.rate, 0.5);
  assert.match(s.skip.basis, /skipped/);
});

test('records without the expected fields are reported with the file name and entry', () => {
  const imp = new HistoryImport(utc);
  assert.throws(() => feed(imp, 'StreamingHistory_music_1.json', '[{"endTime":"2024-01-01 10:00","artistName":"A","trackName":"B","msPlayed":1},{"foo":1}]'),
    /StreamingHistory_music_1\.json: entry 2 has no "endTime"/);
  assert.throws(() => feed(imp, 'endsong_0.json', '[{"ts":"yesterday","ms_played":5}]'), /endsong_0\.json: entry 1 has an unreadable ts/);
  const s = imp.finish();
  assert.equal(s.files.length, 0, 'a failed file leaves nothing behind');
  assert.equal(s.errors.length, 2);
});

test('basic and extended histories together: plays the extended one holds count once, newer basic plays are kept', () => {
  // extended: 2021 onwards, 300 plays; basic: 200 plays from 2024 (after it) — none held twice
  const ext = extendedRecords(300);
  const basic = basicRecords(200);
  const alone = (name, recs) => { const i = new HistoryImport(utc); feed(i, name, JSON.stringify(recs)); return i.finish(); };
  const e = alone('endsong_0.json', ext); const b = alone('StreamingHistory_music_0.json', basic);
  const imp = new HistoryImport(utc);
  feed(imp, 'StreamingHistory_music_0.json', JSON.stringify(basic));
  feed(imp, 'endsong_0.json', JSON.stringify(ext));
  const s = imp.finish();
  assert.equal(s.plays, e.plays + b.plays, 'every play kept');
  assert.equal(s.totalMs, e.totalMs + b.totalMs);
  assert.match(s.note, /200 plays from outside its period were added and 0 plays it already holds were left out/);
  assert.deepEqual(s.files.map((f) => f.counted), [true, true]);
  // a basic file that repeats the extended period adds nothing
  const same = ext.filter((r) => r.master_metadata_track_name).map((r) => {
    const d = new Date(Date.parse(r.ts));
    const p2 = (n) => String(n).padStart(2, '0');
    return { endTime: `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
      artistName: r.master_metadata_album_artist_name, trackName: r.master_metadata_track_name, msPlayed: r.ms_played };
  });
  const imp2 = new HistoryImport(utc);
  feed(imp2, 'StreamingHistory_music_0.json', JSON.stringify(same));
  feed(imp2, 'endsong_0.json', JSON.stringify(ext));
  const s2 = imp2.finish();
  assert.equal(s2.plays, e.plays, 'the same plays are not counted twice');
  assert.deepEqual(s2.files.map((f) => f.counted), [false, true]);
});

test('importFiles reads a zip with nested folders and reports progress', async () => {
  const pool = trackPool(30);
  const recs = extendedRecords(500, { pool });
  const zip = smallZip({
    'Spotify Extended Streaming History/Streaming_History_Audio_2021_0.json': recs.slice(0, 250),
    'Spotify Extended Streaming History/Streaming_History_Audio_2021_1.json': recs.slice(250),
    'Spotify Extended Streaming History/ReadMeFirst.pdf': 'not json',
  });
  const progress = [];
  const res = await importFiles([new File([zip], 'my_spotify_data.zip')], (m) => progress.push(m), utc);
  assert.equal(res.type, 'done', res.message);
  const music = recs.filter((r) => r.master_metadata_track_name);
  assert.equal(res.summary.plays, music.length);
  assert.equal(res.summary.totalMs, music.reduce((s, r) => s + r.ms_played, 0));
  assert.equal(res.summary.files.length, 2);
  assert.equal(res.summary.ignored.length, 1);
  assert.ok(progress.length >= 1);
  assert.equal(progress.at(-1).done, zip.length);
});

test('importFiles names a malformed file inside a zip and keeps the good ones', async () => {
  const zip = smallZip({
    'MyData/StreamingHistory_music_0.json': basicRecords(20),
    'MyData/StreamingHistory_music_1.json': '[{"endTime": "2024-01-01 10:00", "artistName": "A", "trackName": "B", "msPlayed": 1}, {"endTime": ',
  });
  const res = await importFiles([new File([zip], 'my_spotify_data.zip')], () => {}, utc);
  assert.equal(res.type, 'done');
  assert.equal(res.summary.plays, 20);
  assert.equal(res.summary.errors.length, 1);
  assert.match(res.summary.errors[0].message, /my_spotify_data\.zip\/MyData\/StreamingHistory_music_1\.json: the file ends in the middle/);
});

test('importFiles gives a clear error for a damaged zip, a wrong JSON file and an unrelated file', async () => {
  const zip = smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(2000) });
  const cut = zip.slice(0, Math.floor(zip.length / 2));
  let res = await importFiles([new File([cut], 'my_spotify_data.zip')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /my_spotify_data\.zip/);

  res = await importFiles([new File(['[1,2,3]'], 'StreamingHistory_music_0.json')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /StreamingHistory_music_0\.json: entry 1 is not an object/);

  res = await importFiles([new File(['hello'], 'notes.docx')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /notes\.docx: not a file this page reads/);
  // a .txt is a list of songs: one without a single "Artist – Title" line says so
  res = await importFiles([new File(['hello'], 'notes.txt')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /notes\.txt: no song could be read/);
  assert.deepEqual(res.failedFiles[0].problems, [{ line: 'line 1', reason: 'no “Artist – Title” separator in "hello"' }]);

  res = await importFiles([new File([smallZip({ 'a.txt': 'x' })], 'other.zip')], () => {}, utc);
  assert.equal(res.type, 'error');
  assert.match(res.message, /other\.zip: no StreamingHistory/);
});

test('a damaged or cut-short zip is one line naming the zip, never the paths inside it', async () => {
  const zip = smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(2000), 'MyData/StreamingHistory_music_1.json': basicRecords(50, { seed: 2 }) });
  const flipped = Uint8Array.from(zip);
  for (let i = 100; i < 300; i++) flipped[i] ^= 0x5a;   // inside the first file's deflated data
  const variants = { 'cut in half': zip.slice(0, Math.floor(zip.length / 2)), 'bytes flipped': flipped,
    'a zip header then noise': Uint8Array.from([0x50, 0x4b, 3, 4, ...new Array(300).fill(7)]) };
  for (const [what, bytes] of Object.entries(variants)) {
    const res = await importFiles([new File([bytes], 'my_spotify_data.zip')], () => {}, utc);
    const errors = res.type === 'error' ? res.errors : res.summary.errors;
    assert.equal(errors.length, 1, `${what}: one problem, got ${JSON.stringify(errors.map((e) => e.message))}`);
    const msg = errors[0].message;
    assert.match(msg, /^my_spotify_data\.zip: this zip archive is damaged or incomplete/, what);
    assert.doesNotMatch(msg, /MyData|StreamingHistory|\n/, `${what}: no path inside the zip, one line`);
    if (res.type === 'error') assert.equal(res.message, msg, `${what}: the whole message is that line`);
  }
  // the first file inside was read whole before the cut: kept, and the line says so
  const big = smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(20), 'MyData/StreamingHistory_music_1.json': basicRecords(3000, { seed: 5 }) });
  const res = await importFiles([new File([big.slice(0, big.length - 2000)], 'export.zip')], () => {}, utc);
  assert.equal(res.type, 'done');
  assert.equal(res.summary.plays, 20);
  assert.deepEqual(res.summary.errors.map((e) => e.message),
    ['export.zip: this zip archive is damaged or incomplete (a download cut short?): 1 file inside it was read, the rest could not be. Download the export again to read all of it.']);
});

test('loose JSON files from the export are read directly', async () => {
  const a = basicRecords(30, { seed: 3 });
  const b = basicRecords(40, { seed: 4 });
  const res = await importFiles([
    new File([JSON.stringify(a)], 'StreamingHistory_music_0.json'),
    new File([JSON.stringify(b)], 'StreamingHistory_music_1.json'),
  ], () => {}, utc);
  assert.equal(res.type, 'done');
  assert.equal(res.summary.plays, 70);
});

test('the import feeds the library: the most-played pool, per-range tops and play data', async () => {
  const { createLibrary } = await import('../../web/library/library.js');
  const { songFromTrack, sourceMeta } = await import('../../web/library/sources.js');
  const day = 86400000;
  const end = Date.UTC(2024, 5, 30, 12);
  const iso = (ms) => new Date(ms).toISOString();
  const rec = (title, ms, when, uri = '') => ({ ts: iso(when), ms_played: ms, master_metadata_track_name: title,
    master_metadata_album_artist_name: 'Ann', spotify_track_uri: uri, skipped: false });
  const imp = new HistoryImport(utc);
  feed(imp, 'endsong_0.json', JSON.stringify([
    rec('Old Love', 600000, end - 300 * day, 'spotify:track:AAAAAAAAAAAAAAAAAAAAAA'),
    rec('Spring', 250000, end - 90 * day),
    rec('Now', 100000, end - 2 * day),
    rec('Now', 100000, end),
  ]));
  const s = imp.finish();
  const lib = createLibrary(utc);
  const data = imp.playData();
  await lib.addSource(sourceMeta(s, data, { id: 'one', name: 'endsong_0.json' }), data);
  const st = lib.state;
  assert.equal(st.songs.size, 3);
  assert.equal(st.source, 'export');
  const title = (id) => st.songs.get(id).title;
  assert.deepEqual(st.top.tracks.short_term.map(title), ['Now']);
  assert.deepEqual(st.top.tracks.medium_term.map(title), ['Spring', 'Now']);
  assert.deepEqual(st.top.tracks.long_term.map(title), ['Old Love', 'Spring', 'Now']);
  assert.equal(st.songs.get('AAAAAAAAAAAAAAAAAAAAAA').uri, 'spotify:track:AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(st.songs.get('AAAAAAAAAAAAAAAAAAAAAA').durationMs, 600000);
  assert.match(songFromTrack({ title: 'X', artist: 'Y', uri: '' }).id, /^export:/);
  assert.equal(st.extra.history.plays, 4);
  assert.equal(st.extra.history.tracks.find((t) => t.id === st.top.tracks.short_term[0]).plays, 2);
});
