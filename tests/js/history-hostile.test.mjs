// Hostile data exports: zip bombs, deep nesting, giant entries,
// too many files, songs or bytes. Each must end with a message naming the
// limit it hit, quickly and without holding the inflated data; the zips are
// generated here with fflate.
import test from 'node:test';
import assert from 'node:assert/strict';
import { zipSync, strToU8 } from 'fflate';
import { HistoryImport, IMPORT_LIMITS } from '../../web/library/history-core.js';
import { importFiles } from '../../web/library/history-worker.js';

const utc = { tzOffset: () => 0 };
const DAY = 86400000;
const play = (i, title = 'Same Song') => ({ ts: new Date(Date.UTC(2024, 0, 1) + i * 60000).toISOString(), ms_played: 200000,
  master_metadata_track_name: title, master_metadata_album_artist_name: 'Ann', skipped: false });

async function importZip(entries, options = utc) {
  const zip = zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])), { level: 9 });
  return { res: await importFiles([new File([zip], 'my_spotify_data.zip')], () => {}, options), zipBytes: zip.length };
}
const messages = (res) => (res.type === 'error' ? res.message : res.summary.errors.map((e) => e.message).join('\n'));

test('a record nested millions deep is refused at the depth limit', async () => {
  const n = 3_000_000;
  const { res } = await importZip({ 'Streaming_History_Audio_0.json': '[' + '['.repeat(n) + ']'.repeat(n) + ']' });
  assert.equal(res.type, 'error');
  assert.match(res.message, new RegExp(`Streaming_History_Audio_0\\.json: entry 1 is nested more than ${IMPORT_LIMITS.maxDepth} levels deep \\(the limit`));
});

test('one giant entry is refused at the entry size limit, zipped or not', async () => {
  const huge = '[' + JSON.stringify({ ts: 'x'.repeat(8 << 20) }) + ']';
  let { res } = await importZip({ 'endsong_0.json': huge });
  assert.equal(res.type, 'error');
  assert.match(res.message, /endsong_0\.json: entry 1 is larger than 64 KB \(the limit for one entry/);
  res = await importFiles([new File([huge], 'endsong_1.json')], () => {}, utc);
  assert.match(res.message, /endsong_1\.json: entry 1 is larger than 64 KB/);
});

test('a zip that unpacks to over 100 times its size is stopped as a zip bomb', async () => {
  // valid plays of one song, repeated: compresses far beyond a real export (about 10:1)
  const rec = JSON.stringify(play(0));
  const count = Math.ceil((IMPORT_LIMITS.ratioFloorBytes * 1.5) / rec.length);
  const { res, zipBytes } = await importZip({ 'Streaming_History_Audio_0.json': '[' + Array(count).fill(rec).join(',') + ']' });
  assert.ok(zipBytes * 100 < count * rec.length, 'the test zip is a bomb');
  assert.equal(res.type, 'error');
  assert.match(res.message, /my_spotify_data\.zip: unpacks to more than 100 times its size \(.* MB from the first .*; the limit\): stopped/);
  assert.match(res.message, /Streaming_History_Audio_0\.json: not read: unpacks to more than 100 times/);
});

test('a zip with too many files is stopped at the entry count limit', async () => {
  const entries = { 'StreamingHistory_music_0.json': JSON.stringify([{ endTime: '2024-01-01 10:00', artistName: 'A', trackName: 'T', msPlayed: 1000 }]) };
  for (let i = 0; i <= IMPORT_LIMITS.maxZipEntries; i++) entries[`junk/${i}.txt`] = 'x';
  const { res } = await importZip(entries);
  assert.match(messages(res), new RegExp(`my_spotify_data\\.zip: more than ${IMPORT_LIMITS.maxZipEntries} files inside the zip \\(the limit`));
});

test('the total JSON and the number of different songs are bounded per import', async () => {
  const plays = Array.from({ length: 400 }, (_, i) => play(i));
  const files = [0, 1].map((k) => new File([JSON.stringify(plays)], `endsong_${k}.json`));
  const size = files[0].size;
  let res = await importFiles(files, () => {}, { ...utc, limits: { maxTotalBytes: Math.floor(size * 1.5) } });
  assert.equal(res.type, 'done', 'the first file fits and is kept');
  assert.equal(res.summary.plays, 400);
  assert.match(messages(res), /endsong_1\.json: more than .* KB of JSON in one import \(the limit\)/);
  const many = Array.from({ length: 6 }, (_, i) => play(i, `Song ${i}`));
  res = await importFiles([new File([JSON.stringify(many)], 'endsong_0.json')], () => {}, { ...utc, limits: { maxTracks: 5 } });
  assert.equal(res.type, 'error');
  assert.match(res.message, /more than 5 different songs in this import \(the limit\)/);
});

test('plays are summed as they stream: one song played daily for years holds a bounded number of sums', () => {
  const imp = new HistoryImport(utc);
  const r = imp.beginFile('endsong_0.json');
  const start = Date.UTC(2019, 0, 1, 12);
  const days = 2000;
  const recs = Array.from({ length: days }, (_, i) => ({ ...play(0), ts: new Date(start + i * DAY).toISOString(), ms_played: 1000 }));
  r.push(new TextEncoder().encode(JSON.stringify(recs)));
  r.end();
  const song = [...imp.done[0].tracks.values()][0];
  assert.ok(song.days instanceof Map && song.days.size <= 2 * 182, `per-day sums kept: ${song.days?.size}`);
  const s = imp.finish();
  assert.equal(s.tracks[0].plays, days);
  assert.equal(s.tracks[0].ms, days * 1000);
  assert.equal(s.tracks[0].msShort, 28 * 1000, 'the last 28 days');
  assert.equal(s.tracks[0].msMedium, 182 * 1000, 'the last 182 days');
});
