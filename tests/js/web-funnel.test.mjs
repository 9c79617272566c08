// The Spotify funnel (web/spotify/spotify.js): retry policy with injected fetch,
// token and sleep — 429 Retry-After and backoff, bounded 5xx, at most two refreshes on
// 401, 403 explained, paging of top items, response shapes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createSpotifyClient, parseRetryAfter, normalizeTrack, getTop, SpotifyError } from '../../web/spotify/spotify.js';
import { DEFAULTS } from '../../web/config.js';

const config = { ...DEFAULTS, apiBase: 'http://127.0.0.1:9/v1', retryBaseMs: 100, retryMaxMs: 5000 };
const json = (status, body, headers = {}) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function harness(responses) {
  const calls = []; const sleeps = []; let refreshes = 0; let token = 'T1';
  const client = createSpotifyClient({
    config,
    fetch: async (url, init) => { calls.push({ url, auth: init.headers.Authorization, method: init.method, body: init.body }); const r = responses.shift(); if (r instanceof Error) throw r; return r; },
    getToken: async () => token,
    refresh: async () => { refreshes++; token = `T${refreshes + 1}`; },
    sleep: async (ms) => { sleeps.push(ms); },
  });
  return { client, calls, sleeps, get refreshes() { return refreshes; } };
}

test('429 waits for Retry-After seconds, then succeeds', async () => {
  const h = harness([json(429, { error: {} }, { 'Retry-After': '3' }), json(200, { ok: 1 })]);
  assert.deepEqual(await h.client('/me'), { ok: 1 });
  assert.deepEqual(h.sleeps, [3000]);
  assert.equal(h.calls.length, 2);
  assert.equal(h.calls[0].url, 'http://127.0.0.1:9/v1/me');
});

test('429 without a readable Retry-After backs off exponentially and gives up after the cap', async () => {
  const h = harness(Array.from({ length: 10 }, () => json(429, {})));
  await assert.rejects(h.client('/me'), (e) => e instanceof SpotifyError && e.code === 'rate_limited');
  assert.deepEqual(h.sleeps, [100, 200, 400, 800, 1600, 3200]);
  assert.equal(h.calls.length, 7);
});

test('5xx is retried a bounded number of times', async () => {
  const h = harness([json(502, {}), json(503, {}), json(200, { fine: true })]);
  assert.deepEqual(await h.client('/me'), { fine: true });
  assert.deepEqual(h.sleeps, [100, 200]);
  const h2 = harness(Array.from({ length: 10 }, () => json(500, {})));
  await assert.rejects(h2.client('/me'), (e) => e.code === 'server' && e.status === 500);
  assert.equal(h2.calls.length, 1 + config.max5xxRetries);
});

test('401 refreshes and retries with the new token; a token still refused after two refreshes fails', async () => {
  const h = harness([json(401, {}), json(200, { id: 'u' })]);
  assert.deepEqual(await h.client('/me'), { id: 'u' });
  assert.equal(h.refreshes, 1);
  assert.deepEqual(h.calls.map((c) => c.auth), ['Bearer T1', 'Bearer T2']);
  const h2 = harness([json(401, {}), json(401, {}), json(401, {}), json(200, {})]);
  await assert.rejects(h2.client('/me'), (e) => e.code === 'unauthorized');
  assert.equal(h2.refreshes, 2, 'bounded: two refreshes, then the error');
});

test('403 is explained in plain words (Development Mode user list)', async () => {
  const h = harness([json(403, { error: { status: 403, message: 'no' } })]);
  await assert.rejects(h.client('/me'), (e) => e.code === 'forbidden' && /Development Mode/.test(e.message) && /User Management/.test(e.message));
});

test('the token is never sent outside the configured API base', async () => {
  const h = harness([json(200, {})]);
  await assert.rejects(h.client('https://evil.example/v1/me'), (e) => e.code === 'bad_url');
  assert.equal(h.calls.length, 0);
});

test('a JSON body is sent with a content type; 204 gives null', async () => {
  const h = harness([new Response(null, { status: 204 })]);
  assert.equal(await h.client('/playlists/x/items', { method: 'POST', body: { uris: ['a'] } }), null);
  assert.equal(h.calls[0].body, '{"uris":["a"]}');
});

test('Retry-After parses seconds and HTTP dates; junk is null', () => {
  assert.equal(parseRetryAfter('2'), 2000);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter('soon'), null);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
});

test('tracks are accepted bare, as {track} and as {item}; junk is dropped', () => {
  const t = { id: 'abcdefghijklmnopqrstuv', name: 'Song', type: 'track', artists: [{ name: 'A' }, { name: 'B' }], album: { name: 'Al', release_date: '1999', images: [{ url: 'https://i.scdn.co/x', width: 640 }, { url: 'https://i.scdn.co/y', width: 64 }] }, duration_ms: 1000, explicit: true, popularity: 99 };
  const a = normalizeTrack(t);
  assert.deepEqual(a, { id: t.id, uri: `spotify:track:${t.id}`, title: 'Song', artist: 'A, B', artists: ['A', 'B'], album: 'Al', durationMs: 1000, explicit: true, releaseDate: '1999', imageUrl: 'https://i.scdn.co/y' });
  assert.deepEqual(normalizeTrack({ track: t }), a);
  assert.deepEqual(normalizeTrack({ item: t }), a);
  assert.equal(normalizeTrack({ item: { id: 'e', type: 'episode' } }), null);
  assert.equal(normalizeTrack(null), null);
  assert.equal(normalizeTrack({ name: 'no id' }), null);
  assert.equal(normalizeTrack({ ...t, album: { images: [{ url: 'javascript:alert(1)', width: 100 }] } }).imageUrl, '');
});

test('top items page with limit <= 50 up to 100 items and follow next links', async () => {
  const seen = [];
  const items = Array.from({ length: 130 }, (_, i) => ({ id: `id${String(i).padStart(20, '0')}`, type: 'track', name: `t${i}`, artists: [], album: {} }));
  const fetcher = async (path, { query } = {}) => {
    let offset = 0; let limit = 20;
    if (query) { offset = query.offset; limit = query.limit; } else { const u = new URL(path); offset = +u.searchParams.get('offset'); limit = +u.searchParams.get('limit'); }
    seen.push({ offset, limit });
    assert.ok(limit <= 50);
    const page = items.slice(offset, Math.min(offset + limit, 100));
    return { items: page, total: 100, next: offset + limit < 100 ? `http://127.0.0.1:9/v1/me/top/tracks?offset=${offset + limit}&limit=${limit}` : null };
  };
  const got = await getTop('tracks', 'short_term', { fetcher });
  assert.equal(got.length, 100);
  assert.deepEqual(seen, [{ offset: 0, limit: 50 }, { offset: 50, limit: 50 }]);
  assert.equal(got[99].title, 't99');
});

test('a 401 after another call already refreshed retries with the new token, without refreshing again', async () => {
  let token = 'OLD'; let refreshes = 0; const auths = [];
  const responses = [json(401, {}), json(200, { ok: true })];
  const client = createSpotifyClient({
    config,
    fetch: async (url, init) => { auths.push(init.headers.Authorization); if (auths.length === 1) token = 'NEW'; return responses.shift(); },
    getToken: async () => token,
    refresh: async () => { refreshes++; token = 'NEWER'; },
    sleep: async () => {},
  });
  assert.deepEqual(await client('/me'), { ok: true });
  assert.equal(refreshes, 0);
  assert.deepEqual(auths, ['Bearer OLD', 'Bearer NEW']);
});
