// What goes wrong, in Chromium against the fakes: 429 then success, bounded
// 5xx retries, 403 for a user not on a Development Mode app, hostile strings
// in track names and lyrics shown as text with no script run, and lyric
// fetches failing mid-way leaving the rest usable (and retryable).
import test from 'node:test';
import assert from 'node:assert/strict';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, lrclibSongsFor, makeLyric } from './helpers.mjs';
import { makeTracks, trackObject, spotifyId } from '../fake/spotify.mjs';

const skip = distMissing() || false;
const skipEngine = skip || engineMissing() || false;
let browser; let env;

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
});
test.after(async () => { await env?.stop(); await browser?.close(); });

function reset(tracks = makeTracks(40, { imageBase: env.spotify.origin })) {
  env.spotify.setTracks(tracks); env.spotify.setRecent(null);
  env.spotify.clearInjections(); env.lrclib.clearFailures();
  env.lrclib.setSongs(lrclibSongsFor(tracks));
  return tracks;
}
const waitLyricsDone = (page) => page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });

test('a 429 with Retry-After is waited out and the load then succeeds', { skip }, async () => {
  reset();
  env.spotify.inject({ path: /^\/v1\/me\/top\/tracks$/, status: 429, times: 1, retryAfter: '1' });
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await waitLyricsDone(page);
    const tops = env.spotify.apiRequests().filter((r) => r.path === '/v1/me/top/tracks');
    assert.equal(tops[0].injected, 429);
    assert.equal(tops[1].injected, undefined);
    assert.deepEqual(tops[1].query, tops[0].query, 'the same request again');
    assert.ok(tops[1].at - tops[0].at >= 900, 'waited for Retry-After');
    assert.equal(await page.locator('#song-table tbody tr').count(), 40);
    assert.equal(await page.isVisible('#banner'), false);
  } finally { await page.closeAll(); }
});

test('5xx errors are retried a bounded number of times, then explained', { skip }, async () => {
  reset();
  env.spotify.inject({ path: /^\/v1\/me$/, status: 500, times: 2 });
  const n0 = env.spotify.apiRequests().length;
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await waitLyricsDone(page);
    const me = env.spotify.apiRequests().slice(n0).filter((r) => r.path === '/v1/me');
    assert.deepEqual(me.map((r) => r.injected), [500, 500, undefined], 'two failures, then success');
    env.spotify.inject({ path: /^\/v1\/me$/, status: 503, times: 100 });
    const n = env.spotify.apiRequests().length;
    await page.click('#reload-spotify');
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner-text'), /server error \(HTTP 503\)/);
    assert.equal(env.spotify.apiRequests().slice(n).filter((r) => r.path === '/v1/me').length, 4, '1 try + 3 retries');
    assert.equal(await page.locator('#song-table tbody tr').count(), 40, 'the library stays');
  } finally { await page.closeAll(); }
});

test('403 (user not listed on a Development Mode app) is explained plainly', { skip }, async () => {
  reset();
  env.spotify.inject({ path: /^\/v1\/me$/, status: 403, times: 1 });
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForSelector('#banner:not([hidden])');
    const text = await page.textContent('#banner-text');
    assert.match(text, /Development Mode/);
    assert.match(text, /User Management/);
    assert.match(text, /Client ID/);
  } finally { await page.closeAll(); }
});

test('a hostile track name and lyric are shown as text and run nothing', { skip: skipEngine }, async () => {
  const evil = '<img src=x onerror="window.__pwned=1">';
  const tracks = makeTracks(24, { imageBase: env.spotify.origin });
  tracks[0] = trackObject({ id: spotifyId('evil'), name: evil, artist: { id: spotifyId('evil-artist'), name: `<script>window.__pwned=2</script>` }, album: `<b onmouseover=alert(1)>x</b>`, durationMs: 200000, imageBase: env.spotify.origin });
  reset(tracks);
  const songs = lrclibSongsFor(tracks, { instrumentalEvery: 0, missingEvery: 0, searchOnlyEvery: 0 });
  songs[0].lyrics = `${evil}\n<script>window.__pwned=3</script>\n${makeLyric('bright', 1)}\n<iframe src="javascript:window.__pwned=4"></iframe>`;
  env.lrclib.setSongs(songs);
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await waitLyricsDone(page);
    const cell = page.locator('#song-table tbody td', { hasText: 'onerror' });
    assert.equal(await cell.textContent(), evil);
    assert.equal(await page.locator('#song-table img, #song-table script, #song-table b').count(), 0);
    // make the hostile song a match: soundtrack with as many segments as songs uses every song
    await page.click('#tab-soundtrack');
    await page.fill('#script-text', 'INT. ROOM - DAY\n\nA party. Everyone dances.\n\nEXT. ROAD - NIGHT\n\nCold rain. She walks alone.\n');
    await page.click('#script-go');
    await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
    const withMood = await page.evaluate(() => window.moodspace.library.songList().filter((s) => s.metrics).length);
    await page.evaluate(() => { document.getElementById('segments').max = '100'; });
    await page.fill('#segments', String(Math.min(withMood, 2)));
    // quick match pool covers top 20; the hostile song is rank 1 in medium_term
    await page.click('#quick-match');
    await page.waitForFunction(() => document.querySelectorAll('#quick-list > li').length > 0, null, { timeout: 30000 });
    for (const d of await page.locator('details.why summary').all()) await d.click();
    await page.waitForFunction(() => ![...document.querySelectorAll('details.why .words')].some((p) => /…/.test(p.textContent)), null, { timeout: 30000 });
    const html = await page.content();
    assert.ok(!/<img src="?x/.test(html), 'no img element created from the name');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no injected script ran');
    assert.deepEqual(page.dialogs, []);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('lyric fetches failing mid-way leave the rest usable, and can be retried', { skip: skipEngine }, async () => {
  const tracks = reset(makeTracks(30, { imageBase: env.spotify.origin }));
  env.lrclib.setSongs(lrclibSongsFor(tracks, { instrumentalEvery: 0, missingEvery: 0, searchOnlyEvery: 0 }));
  const failing = [tracks[5].name, tracks[12].name, tracks[13].name];
  env.lrclib.failTracks(failing, 500);
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await waitLyricsDone(page);
    assert.match(await page.textContent('#lyrics-counts'), /30 of 30: 27 with lyrics, 0 instrumental, 0 without lyrics on LRCLIB, 3 failed/);
    assert.equal(await page.locator('#song-table td.lyr-error').count(), 3);
    assert.equal(await page.isVisible('#lyrics-retry'), true);
    await page.waitForFunction(() => /27 with a predicted mood/.test(document.getElementById('library-summary').textContent));
    // the songs that worked are usable: a quick match runs
    await page.click('#tab-soundtrack');
    await page.fill('#script-text', 'INT. ROOM - DAY\n\nA party. Everyone dances.\n');
    await page.click('#script-go');
    await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
    await page.click('#quick-match');
    await page.waitForFunction(() => document.querySelectorAll('#quick-list > li').length === 3, null, { timeout: 30000 });
    // LRCLIB is back: retry only the failed ones
    env.lrclib.clearFailures();
    const n = env.lrclib.requests.length;
    await page.click('#tab-music');
    await page.click('#lyrics-retry');
    await page.waitForFunction(() => /30 with a predicted mood/.test(document.getElementById('library-summary').textContent), null, { timeout: 30000 });
    const again = env.lrclib.requests.slice(n).filter((r) => r.path === '/api/get').map((r) => r.query.track_name).sort();
    assert.deepEqual(again, [...failing].sort(), 'only the failed songs are fetched again');
    assert.equal(await page.isVisible('#lyrics-retry'), false);
  } finally { await page.closeAll(); }
});
