// web/lyrics/lrclib.js with the fake LRCLIB: /api/get then /api/search, the
// Lrclib-Client header, at most 4 requests in flight, instrumental and
// not-found counted, the cache, and one failure not stopping the rest.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createLyricsClient, mapLimit, cacheKey, causesText } from '../../web/lyrics/lrclib.js';
import { DEFAULTS, LRCLIB_CLIENT } from '../../web/config.js';
import { startFakeLrclib } from '../fake/lrclib.mjs';

function memCache() { const m = new Map(); return { m, get: async (k) => m.get(k), set: async (k, v) => { m.set(k, v); } }; }
const song = (i, extra = {}) => ({ id: `s${i}`, title: `Song ${i}`, artist: `Artist ${i % 3}`, artists: [`Artist ${i % 3}`], album: `Album ${i}`, durationMs: (180 + i) * 1000, ...extra });

test('lyrics come from /api/get, /api/search as a fallback, with counts per outcome', async (t) => {
  const songs = Array.from({ length: 12 }, (_, i) => song(i));
  const lr = await startFakeLrclib({ delayMs: 15, songs: songs.filter((_, i) => i !== 5).map((s, i) => ({
    track: s.title, artist: s.artist, album: s.album, duration: Math.round(s.durationMs / 1000) + (s.id === 's2' ? 1 : 0),
    instrumental: s.id === 's4', lyrics: `words of ${s.title}`, searchOnly: s.id === 's7',
  })) });
  t.after(() => lr.stop());
  const cache = memCache();
  const client = createLyricsClient({ fetch, cache, config: { ...DEFAULTS, lrclibBase: lr.base } });
  const progress = [];
  const { results, counts } = await client.fetchAllLyrics(songs, { concurrency: 4, onProgress: (p) => progress.push(p.done) });
  assert.deepEqual(counts, { found: 10, instrumental: 1, notfound: 1, error: 0, causes: {} });
  assert.equal(results.get('s0').text, 'words of Song 0');
  assert.equal(results.get('s2').status, 'found', 'duration within ±2 s matches');
  assert.equal(results.get('s4').status, 'instrumental');
  assert.equal(results.get('s5').status, 'notfound');
  assert.equal(results.get('s7').text, 'words of Song 7', 'found through /api/search');
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.ok(lr.maxInFlight <= 4, `at most 4 in flight, saw ${lr.maxInFlight}`);
  assert.ok(lr.maxInFlight >= 2, 'requests do run in parallel');
  assert.ok(lr.requests.every((r) => r.client === LRCLIB_CLIENT));
  const get0 = lr.requests.find((r) => r.path === '/api/get' && r.query.track_name === 'Song 0');
  assert.deepEqual(get0.query, { track_name: 'Song 0', artist_name: 'Artist 0', album_name: 'Album 0', duration: '180' });
  assert.ok(lr.requests.some((r) => r.path === '/api/search' && r.query.track_name === 'Song 7'));
  // second run: everything from the cache, no request
  const before = lr.requests.length;
  const again = await client.fetchAllLyrics(songs);
  assert.equal(lr.requests.length, before);
  assert.deepEqual(again.counts, counts);
});

test('a failing song is counted as failed, not cached, and the others still arrive', async (t) => {
  const songs = Array.from({ length: 6 }, (_, i) => song(i));
  const lr = await startFakeLrclib({ songs: songs.map((s) => ({ track: s.title, artist: s.artist, album: s.album, duration: Math.round(s.durationMs / 1000), lyrics: 'la la' })) });
  t.after(() => lr.stop());
  lr.failTracks(['Song 3'], 500);
  const cache = memCache();
  const client = createLyricsClient({ fetch, cache, config: { ...DEFAULTS, lrclibBase: lr.base } });
  const { results, counts } = await client.fetchAllLyrics(songs);
  assert.deepEqual(counts, { found: 5, instrumental: 0, notfound: 0, error: 1, causes: { server: 1 } });
  assert.equal(results.get('s3').status, 'error');
  assert.equal(results.get('s3').cause, 'server');
  assert.equal(cache.m.has(cacheKey(songs[3])), false);
  lr.clearFailures();
  const r = await client.fetchLyrics(songs[3]);
  assert.equal(r.status, 'found');
});

test('an unreachable LRCLIB gives errors for each song, never a throw', async () => {
  const client = createLyricsClient({ fetch, cache: memCache(), config: { ...DEFAULTS, lrclibBase: 'http://127.0.0.1:9' } });
  const { counts } = await client.fetchAllLyrics([song(1), song(2)]);
  assert.deepEqual(counts, { found: 0, instrumental: 0, notfound: 0, error: 2, causes: { network: 2 } });
});

test('each failure names its cause: rate-limited (429), offline (nothing sent), server error', async (t) => {
  const songs = Array.from({ length: 4 }, (_, i) => song(i));
  const lr = await startFakeLrclib({ songs: songs.map((s) => ({ track: s.title, artist: s.artist, album: s.album, duration: Math.round(s.durationMs / 1000), lyrics: 'la la' })) });
  t.after(() => lr.stop());
  lr.failTracks(['Song 1'], 429);
  lr.failTracks(['Song 2'], 503);
  const client = createLyricsClient({ fetch, cache: memCache(), config: { ...DEFAULTS, lrclibBase: lr.base } });
  const { results, counts } = await client.fetchAllLyrics(songs);
  assert.deepEqual(counts.causes, { rate_limited: 1, server: 1 });
  assert.equal(results.get('s1').cause, 'rate_limited');
  assert.match(causesText(counts.causes), /LRCLIB is limiting requests \(HTTP 429\) \(1\)/);
  // offline: the browser says so, and no request is even tried
  const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: false }, configurable: true });
  try {
    const n = lr.requests.length;
    const off = await createLyricsClient({ fetch, cache: memCache(), config: { ...DEFAULTS, lrclibBase: lr.base } }).fetchAllLyrics(songs);
    assert.deepEqual(off.counts.causes, { offline: 4 });
    assert.equal(lr.requests.length, n);
    assert.equal(causesText(off.counts.causes), 'this device is offline (4)');
  } finally { if (nav) Object.defineProperty(globalThis, 'navigator', nav); else delete globalThis.navigator; }
});

test('a hung request is cut after lyricsTimeoutMs: the run ends, the others are found, the hung song fails as "timeout"', async (t) => {
  const songs = Array.from({ length: 8 }, (_, i) => song(i));
  const lr = await startFakeLrclib({ songs: songs.map((s) => ({ track: s.title, artist: s.artist, album: s.album, duration: Math.round(s.durationMs / 1000), lyrics: `words ${s.title}` })) });
  t.after(() => lr.stop());
  lr.hangTracks(['Song 2']);
  const client = createLyricsClient({ fetch, cache: memCache(), config: { ...DEFAULTS, lrclibBase: lr.base, lyricsTimeoutMs: 400 } });
  const t0 = Date.now();
  const found = [];
  const run = client.fetchAllLyrics(songs, { concurrency: 2, onResult: (s, r) => found.push([s.id, r.status]) });
  // (without a timeout the run never ends: give up after 5 s and fail)
  const { results, counts } = await Promise.race([run, new Promise((_, rej) => setTimeout(() => rej(new Error('the run hung on one request')), 5000))]);
  assert.ok(Date.now() - t0 < 3000);
  assert.deepEqual({ ...counts, causes: counts.causes }, { found: 7, instrumental: 0, notfound: 0, error: 1, causes: { timeout: 1 } });
  assert.equal(results.get('s2').cause, 'timeout');
  assert.match(results.get('s2').error, /did not answer within/);
  assert.equal(found.filter(([, st]) => st === 'found').length, 7);
});

test('pasted lyrics are stored like fetched ones and come back from the cache', async () => {
  const cache = memCache();
  const client = createLyricsClient({ fetch: () => { throw new Error('no network needed'); }, cache, config: { ...DEFAULTS, lrclibBase: 'http://127.0.0.1:9' } });
  assert.equal(await client.storeLyrics(song(1), '  \n '), null);
  const r = await client.storeLyrics(song(1), 'line one\r\nline two\n');
  assert.deepEqual(r, { status: 'found', text: 'line one\nline two', pasted: true });
  assert.deepEqual(await client.fetchLyrics(song(1)), r);
});

test('mapLimit keeps order and never exceeds the limit', async () => {
  let inFlight = 0; let max = 0;
  const out = await mapLimit(Array.from({ length: 20 }, (_, i) => i), 4, async (x) => {
    inFlight++; max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, (x * 7) % 5));
    inFlight--; return x * 2;
  });
  assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i * 2));
  assert.equal(max, 4);
  assert.deepEqual(await mapLimit([], 4, async () => 1), []);
});
