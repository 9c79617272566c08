// web/spotify/resolve.js: Spotify ids for a basic export's songs through the
// search endpoint of the fake Spotify, with the page's real funnel
// (createSpotifyClient): both names checked, at most 3 searches at once,
// a 429 waited out (Retry-After), answers cached, a rate limit that does not
// end stopping the run.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bestMatch, normName, baseTitle, createResolver, searchQuery } from '../../web/spotify/resolve.js';
import { createSpotifyClient } from '../../web/spotify/spotify.js';
import { DEFAULTS } from '../../web/config.js';
import { startFakeSpotify, trackObject, spotifyId, makeTracks } from '../fake/spotify.mjs';

function memCache() { const m = new Map(); return { m, get: async (k) => m.get(k), set: async (k, v) => { m.set(k, v); } }; }
const hit = (name, artist, extra = {}) => trackObject({ id: spotifyId(`${name}|${artist}|${extra.album || ''}`), name, artist: { id: spotifyId(artist), name: artist }, album: extra.album || 'Some Album', durationMs: extra.durationMs || 200000 });

test('names are compared folded: case, accents, punctuation, "&", credits and version suffixes', () => {
  assert.equal(normName('  Beyoncé & JAY-Z '), 'beyonce and jay z');
  assert.equal(normName("Don't Stop Me Now"), 'dont stop me now');
  assert.equal(baseTitle('Here Comes the Sun - Remastered 2009'), 'here comes the sun');
  assert.equal(baseTitle('Stay (feat. Someone) [Live]'), 'stay');
  assert.equal(baseTitle('Song ft. X'), 'song');
  assert.equal(searchQuery({ artist: 'A  B', title: 'C\nD' }), 'A B C D');
});

test('the best match agrees on BOTH title and artist; the exact title wins over a version', () => {
  const song = { title: 'Here Comes the Sun', artist: 'The Beatles' };
  const items = [
    hit('Here Comes the Sun', 'Some Cover Band'),                      // right title, wrong artist
    hit('Here Comes the Rain', 'The Beatles'),                         // right artist, wrong title
    hit('Here Comes the Sun - Remastered 2009', 'The Beatles'),        // a version
    hit('Here Comes The Sun', 'the beatles', { album: 'Abbey Road' }), // exact after folding
  ];
  assert.equal(bestMatch(song, items).uri, items[3].uri);
  assert.equal(bestMatch(song, items.slice(0, 3)).uri, items[2].uri, 'a version when that is all there is');
  assert.equal(bestMatch(song, items.slice(0, 2)), null, 'no hit agrees on both: unresolved, not a guess');
  assert.equal(bestMatch({ title: 'Crazy in Love', artist: 'Beyoncé, JAY-Z' }, [hit('Crazy In Love (feat. Jay-Z)', 'Beyonce')]).title, 'Crazy In Love (feat. Jay-Z)');
  assert.equal(bestMatch({ title: 'Ohio', artist: 'Crosby, Stills, Nash & Young' }, [hit('Ohio', 'Crosby, Stills, Nash & Young')]) != null, true, 'an artist whose name has a comma');
  // a closer length wins among equal titles
  const a = hit('Song', 'Band', { album: 'A', durationMs: 300000 }); const b = hit('Song', 'Band', { album: 'B', durationMs: 181000 });
  assert.equal(bestMatch({ title: 'Song', artist: 'Band', durationMs: 180000 }, [a, b]).uri, b.uri);
  // hostile or broken answers are skipped
  assert.equal(bestMatch({ title: 'Song', artist: 'Band' }, [null, 7, { name: 'Song', uri: 'javascript:x', artists: [{ name: 'Band' }] }, { uri: 'spotify:track:short' }]), null);
  assert.equal(bestMatch({ title: '', artist: 'Band' }, [a]), null);
});

test('resolving through the fake search: URIs for the songs Spotify has, counts for the rest, bounded and cached', async (t) => {
  const real = [hit('Paper Lantern', 'The Salts'), hit('Velvet Orbit', 'Ember Hollow'), hit('Neon Tide', 'Copper Signal'), hit('Willow', 'Marble Falcon')];
  const decoys = [hit('Paper Lantern', 'Another Band'), hit('Velvet Orbit - Live', 'Ember Hollow')];
  const sp = await startFakeSpotify({ tracks: makeTracks(5), catalog: [...decoys, ...real] });
  t.after(() => sp.stop());
  sp.searchDelayMs = 30;
  const token = await issueToken(sp);
  const fetcher = createSpotifyClient({ getToken: async () => token, refresh: async () => { throw new Error('no refresh'); },
    config: { ...DEFAULTS, apiBase: sp.apiBase, retryBaseMs: 10, retryMaxMs: 2000 } });
  const songs = [
    { id: 'export:1', title: 'Paper Lantern', artist: 'The Salts' },
    { id: 'export:2', title: 'Velvet Orbit', artist: 'Ember Hollow' },
    { id: 'export:3', title: 'Neon Tide', artist: 'Copper Signal' },
    { id: 'export:4', title: 'Willow', artist: 'Marble Falcon' },
    { id: 'export:5', title: 'Nowhere Song', artist: 'Nobody Known' },
    { id: 'export:6', title: 'Paper Lantern', artist: 'Someone Else Entirely' },
  ];
  const cache = memCache();
  const { resolveSongs } = createResolver({ fetcher, cache });
  // the first search is rate-limited: waited out for Retry-After, then answered
  sp.inject({ path: /^\/v1\/search$/, status: 429, times: 1, retryAfter: '1' });
  const progress = [];
  const r = await resolveSongs(songs, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(r.counts, { resolved: 4, unresolved: 2, failed: 0 });
  assert.deepEqual([...r.found].sort(), songs.slice(0, 4).map((s, i) => [s.id, real[i].uri]));
  assert.equal(progress.at(-1).done, 6);
  const searches = sp.apiRequests().filter((x) => x.path === '/v1/search');
  assert.equal(searches.length, 7, 'six songs, one of them asked twice after the 429');
  assert.equal(searches[0].injected, 429);
  const again = searches.slice(1).find((x) => x.query.q === searches[0].query.q);
  assert.ok(again.at - searches[0].at >= 900, 'waited for Retry-After');
  assert.ok(searches.every((x) => x.query.type === 'track' && x.query.limit === '10'));
  assert.ok(sp.maxSearchInFlight <= 3 && sp.maxSearchInFlight >= 2, `bounded concurrency (${sp.maxSearchInFlight})`);
  // answers, found or not, are cached: a second run asks Spotify nothing
  const n = sp.apiRequests().length;
  const r2 = await resolveSongs(songs);
  assert.deepEqual(r2.counts, { resolved: 4, unresolved: 2, failed: 0 });
  assert.equal(sp.apiRequests().length, n);
  assert.equal(cache.m.size, 6);
});

test('a rate limit that never lifts stops the run: the rest count as failed and nothing is cached for them', async (t) => {
  const sp = await startFakeSpotify({ tracks: makeTracks(3) });
  t.after(() => sp.stop());
  const token = await issueToken(sp);
  const fetcher = createSpotifyClient({ getToken: async () => token, refresh: async () => { throw new Error('no refresh'); },
    config: { ...DEFAULTS, apiBase: sp.apiBase, retryBaseMs: 5, retryMaxMs: 20, max429Retries: 1 } });
  sp.inject({ path: /^\/v1\/search$/, status: 429, times: 1000, retryAfter: '0' });
  const cache = memCache();
  const songs = Array.from({ length: 12 }, (_, i) => ({ id: `export:${i}`, title: `T${i}`, artist: 'A' }));
  const r = await createResolver({ fetcher, cache }).resolveSongs(songs, { concurrency: 2 });
  assert.deepEqual(r.counts, { resolved: 0, unresolved: 0, failed: 12 });
  assert.match(r.stopped, /rate-limiting/);
  assert.ok(sp.apiRequests().filter((x) => x.path === '/v1/search').length <= 4, 'stopped asking after the first give-up');
  assert.equal(cache.m.size, 0);
});

/** An access token from the fake's real authorize + token exchange (PKCE). */
async function issueToken(sp) {
  const crypto = await import('node:crypto');
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://127.0.0.1:9/';
  const u = new URL(`${sp.accountsBase}/authorize`);
  for (const [k, v] of Object.entries({ client_id: sp.clientId, response_type: 'code', redirect_uri: redirect, code_challenge_method: 'S256', code_challenge: challenge, scope: 'user-top-read' })) u.searchParams.set(k, v);
  const html = await (await fetch(u)).text();
  const code = /code=([^&"]+)/.exec(html)[1];
  const res = await fetch(`${sp.accountsBase}/api/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sp.clientId, grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier }) });
  return (await res.json()).access_token;
}
