// The front of the library (songs without ids, lyrics, films brought as
// files, and LRCLIB's timeouts), in
// Chromium against the fakes: a basic export's songs (no Spotify ids) in
// every download and looked up through Spotify's search when signed in;
// lyric failures that say why, a retry of only the missing ones, pasted
// lyrics; a hung LRCLIB request that neither stops the run nor holds back
// the moods already found; a film brought as subtitles from the search's
// no-result state, kept across a reload.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, lrclibSongsFor, makeLyric, DIST, importFile, soundtrackOfScript, downloaded, basicExportZip } from './helpers.mjs';
import { makeTracks, trackObject, spotifyId } from '../fake/spotify.mjs';
import { trackPool } from '../fake/history-export.mjs';

const skip = distMissing() || engineMissing() || false;
const noDemo = skip || (fs.existsSync(path.join(DIST, 'demo.json')) ? false : 'dist/demo.json is missing (run ./build.sh)');
let browser; let env; let bare;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-front-'));

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
  bare = await startEnv({ spotify: false, lrclib: false });
});
test.after(async () => { await env?.stop(); await bare?.stop(); await browser?.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
const lyricsDone = (page) => page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 90000 });

/** A basic export (song names only, no ids) of `pool`'s songs as a zip on disk; LRCLIB gets lyrics for all of them. */
function basicExport(name, pool, plays = 120) {
  const file = basicExportZip(tmp, name, pool, plays);
  env.lrclib.setSongs(pool.map((t, i) => ({ track: t.title, artist: t.artist, album: '', lyrics: makeLyric(['bright', 'dark', 'soft'][i % 3], i) })));
  return file;
}

// --- songs without ids ---------------------------------------------------------------------

test('signed out, a basic export\'s songs (no Spotify ids) fill every download; the Spotify-only actions say why they are off', { skip }, async () => {
  const pool = trackPool(12, 21).map((t) => ({ ...t, uri: '' }));
  const file = basicExport('basic-signed-out.zip', pool);
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await page.goto(env.appUrl);
    await ready(page);
    await importFile(page, file);
    await lyricsDone(page);
    const n = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => !s.uri).length);
    assert.ok(n >= 3, `songs without an id (${n})`);
    // the library says what signing in would do for them
    await page.click('#tab-music');
    // (the note follows the library's changes a moment later, after the lyrics may already be in)
    await page.waitForFunction(() => /no Spotify id/.test(document.getElementById('resolve-status').textContent));
    assert.match(await page.textContent('#resolve-status'), new RegExp(`^${n} songs have no Spotify id .*Signed in with Spotify, MoodSpace looks them up`));
    await soundtrackOfScript(page);
    const picks = await page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent));
    assert.equal(picks.length, 3);
    // Save to Spotify and Copy URIs: disabled, with the reason next to them
    assert.equal(await page.isDisabled('#save-spotify'), true);
    assert.match(await page.textContent('#save-why'), /needs a Spotify sign-in/);
    assert.equal(await page.isDisabled('#export-uris'), true);
    assert.match(await page.textContent('#ids-note'), /3 of these 3 songs have no Spotify id.*CSV, M3U and XSPF list every song/);
    // M3U: an #EXTINF line per song, never an empty list
    const m3u = await downloaded(page, '#export-m3u');
    assert.match(m3u.name, /\.m3u$/);
    const entries = m3u.text.match(/^#EXTINF:-?\d+,.+ – .+$/gm) || [];
    assert.equal(entries.length, 3, m3u.text);
    for (const t of picks) assert.ok(entries.some((e) => e.endsWith(` – ${t}`)), `${t} is in the M3U`);
    // XSPF: a well-formed playlist with title and creator per track
    const xspf = await downloaded(page, '#export-xspf');
    assert.match(xspf.name, /\.xspf$/);
    const parsed = await page.evaluate((x) => {
      const doc = new DOMParser().parseFromString(x, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) return { error: doc.documentElement.textContent };
      return { tracks: [...doc.getElementsByTagNameNS('http://xspf.org/ns/0/', 'track')].map((t) => ({
        title: t.getElementsByTagName('title')[0]?.textContent, creator: t.getElementsByTagName('creator')[0]?.textContent })) };
    }, xspf.text);
    assert.equal(parsed.error, undefined);
    assert.deepEqual(parsed.tracks.map((t) => t.title), picks);
    assert.ok(parsed.tracks.every((t) => t.creator && pool.some((p) => p.artist === t.creator)));
    const csv = await downloaded(page, '#export-csv');
    assert.equal(csv.text.trim().split('\r\n').length, 4, 'a header and 3 songs');
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('signed in, songs without ids are looked up through Spotify\'s search: URIs for those it has, with the counts', { skip }, async () => {
  const tracks = makeTracks(6, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  const pool = trackPool(10, 33).map((t) => ({ ...t, uri: '' }));
  const file = basicExport('basic-signed-in.zip', pool);
  env.lrclib.setSongs([...lrclibSongsFor(tracks, { missingEvery: 0, instrumentalEvery: 0, searchOnlyEvery: 0 }),
    ...pool.map((t, i) => ({ track: t.title, artist: t.artist, album: '', lyrics: makeLyric(['bright', 'dark', 'soft'][i % 3], i) }))]);
  // Spotify has the first 6 of the pool; a same-title song by another artist is not taken for the 7th
  const onSpotify = pool.slice(0, 6).map((t) => trackObject({ id: spotifyId(`found-${t.title}`), name: t.title, artist: { id: spotifyId(t.artist), name: t.artist }, album: 'Found Album' }));
  const decoy = trackObject({ id: spotifyId('decoy'), name: pool[6].title, artist: { id: spotifyId('someone'), name: 'Somebody Else' }, album: 'X' });
  env.spotify.setCatalog([decoy, ...onSpotify]);
  const page = await newPage(browser, env, { context: { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] } });
  try {
    await signIn(page, env);
    await lyricsDone(page);
    const n0 = env.spotify.apiRequests().length;
    await page.click('#tab-music');
    await importFile(page, file);
    await page.click('#tab-music');
    await page.waitForFunction(() => /^Spotify ids for songs without one:/.test(document.getElementById('resolve-status').textContent), null, { timeout: 30000 });
    const lib = await page.evaluate(() => globalThis.moodspace.library.songList().map((s) => ({ title: s.title, artist: s.artist, uri: s.uri })));
    const inLib = pool.filter((p) => lib.some((s) => s.title === p.title));
    const expectFound = inLib.filter((p) => pool.indexOf(p) < 6);
    assert.ok(expectFound.length >= 2 && inLib.length > expectFound.length, `a mix of songs Spotify has and has not (${expectFound.length} of ${inLib.length})`);
    assert.match(await page.textContent('#resolve-status'), new RegExp(`${expectFound.length} found, ${inLib.length - expectFound.length} not found on Spotify`));
    for (const p of inLib) {
      const s = lib.find((x) => x.title === p.title);
      const i = pool.indexOf(p);
      assert.equal(s.uri, i < 6 ? onSpotify[i].uri : '', `${p.title}: ${i < 6 ? 'its URI' : 'none (not the decoy)'}`);
    }
    const searches = env.spotify.apiRequests().slice(n0).filter((r) => r.path === '/v1/search');
    assert.equal(searches.length, inLib.length, 'one search per song without an id');
    assert.ok(searches.every((r) => r.query.type === 'track' && /^Bearer AT-/.test(r.auth)));
    // a soundtrack of these songs: the URIs found are exported; the rest are still named
    await lyricsDone(page);
    await soundtrackOfScript(page);
    const picked = await page.evaluate(() => [...document.querySelectorAll('#full-list li .title')].map((p) => p.textContent));
    const m3u = await downloaded(page, '#export-m3u');
    assert.equal((m3u.text.match(/^#EXTINF:/gm) || []).length, 3);
    const withUri = picked.filter((t) => lib.find((s) => s.title === t)?.uri);
    assert.equal((m3u.text.match(/^https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}$/gm) || []).length, withUri.length);
    if (withUri.length) {
      assert.equal(await page.isDisabled('#export-uris'), false);
      await page.click('#export-uris');
      await page.waitForFunction((k) => new RegExp(`Copied ${k} URIs`).test(document.getElementById('export-result').textContent), withUri.length);
    } else assert.equal(await page.isDisabled('#export-uris'), true);
    // the answers are cached: importing the same export again asks Spotify nothing and gives the same URIs and counts
    const n1 = env.spotify.apiRequests().filter((r) => r.path === '/v1/search').length;
    await page.click('#tab-music');
    await page.evaluate(() => { document.getElementById('resolve-status').textContent = ''; });
    await importFile(page, file);
    await page.click('#tab-music');
    await page.waitForFunction(() => /^Spotify ids for songs without one:/.test(document.getElementById('resolve-status').textContent), null, { timeout: 30000 });
    assert.match(await page.textContent('#resolve-status'), new RegExp(`${expectFound.length} found, ${inLib.length - expectFound.length} not found on Spotify`));
    assert.equal(env.spotify.apiRequests().filter((r) => r.path === '/v1/search').length, n1, 'no search the second time');
    const again = await page.evaluate(() => globalThis.moodspace.library.songList().map((s) => [s.title, s.uri]));
    assert.deepEqual(again.sort(), lib.map((s) => [s.title, s.uri]).sort());
    assert.deepEqual(page.errors, []);
  } finally { env.spotify.setCatalog([]); await page.closeAll(); }
});

// --- lyrics that explain themselves (and time out) --------------------------------------------

test('lyrics fetched while the device goes offline: the failure names the cause, and retry fetches only the missing ones', { skip }, async () => {
  const tracks = makeTracks(24, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  env.lrclib.clearFailures();
  env.lrclib.setSongs(lrclibSongsFor(tracks, { missingEvery: 0, instrumentalEvery: 0, searchOnlyEvery: 0 }));
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    env.lrclib.delayMs = 250;
    // after a few songs, the network goes away
    await page.waitForFunction(() => globalThis.moodspace.library.songList().filter((s) => s.lyricsStatus === 'found').length >= 6, null, { timeout: 30000 });
    await page.context().setOffline(true);
    await lyricsDone(page);
    env.lrclib.delayMs = 0;
    const failed = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => s.lyricsStatus === 'error').map((s) => s.title));
    assert.ok(failed.length >= 4, `songs failed offline (${failed.length})`);
    assert.match(await page.textContent('#lyrics-counts'), new RegExp(`${failed.length} failed \\(this device is offline \\(${failed.length}\\)\\)`));
    assert.match(await page.textContent('#status'), /Why: this device is offline .*Retry once you are back online; only the failed songs are fetched again/);
    assert.equal(await page.locator('#song-table td.lyr-error', { hasText: 'failed: offline' }).count(), Math.min(failed.length, 500));
    assert.equal(await page.textContent('#lyrics-retry'), `Retry the ${failed.length} failed songs`);
    // back online: the retry asks LRCLIB for exactly the missing songs
    await page.context().setOffline(false);
    const n = env.lrclib.requests.length;
    await page.click('#lyrics-retry');
    await page.waitForFunction((k) => new RegExp(`${k} with a predicted mood`).test(document.getElementById('library-summary').textContent), tracks.length, { timeout: 60000 });
    const again = env.lrclib.requests.slice(n).filter((r) => r.path === '/api/get').map((r) => r.query.track_name).sort();
    assert.deepEqual(again, [...failed].sort(), 'only the failed songs are fetched again');
    assert.equal(await page.isVisible('#lyrics-retry'), false);
  } finally { env.lrclib.delayMs = 0; await page.context().setOffline(false).catch(() => {}); await page.closeAll(); }
});

test('a hung LRCLIB request is timed out: the moods of songs already found arrive while it hangs, and pasted lyrics fill a missing song', { skip }, async () => {
  const tracks = makeTracks(20, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  env.lrclib.clearFailures();
  const songs = lrclibSongsFor(tracks, { missingEvery: 0, instrumentalEvery: 0, searchOnlyEvery: 0 }).filter((s) => s.track !== tracks[7].name);   // one song LRCLIB does not have
  env.lrclib.setSongs(songs);
  env.lrclib.hangTracks([tracks[3].name]);
  const page = await newPage(browser, env, { config: { lyricsTimeoutMs: 8000 } });
  try {
    await signIn(page, env);
    // 18 songs found: all 18 get their mood while the 20th request still hangs (the batch of 16 alone would leave 2 waiting)
    await page.waitForFunction(() => /18 with a predicted mood/.test(document.getElementById('library-summary').textContent), null, { timeout: 30000 });
    assert.match(await page.textContent('#lyrics-label'), /^Fetching lyrics/, 'the run is still waiting for the hung request');
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.songs.get(globalThis.moodspace.library.songList()[3].id).lyricsStatus), 'pending');
    // then the hung request is cut and the run ends, saying why
    await lyricsDone(page);
    assert.match(await page.textContent('#status'), /1 failed\. Why: LRCLIB did not answer in time \(1\)/);
    assert.equal(await page.locator('#song-table td.lyr-error', { hasText: 'failed: timeout' }).count(), 1);
    assert.equal(await page.locator('#song-table td.lyr-notfound').count(), 1);
    // the song LRCLIB does not have gets lyrics pasted by hand: stored, then its mood predicted
    const row = page.locator('#song-table tbody tr', { has: page.locator('td.lyr-notfound') });
    await row.locator('button.paste-lyrics').click();
    await page.waitForSelector('#paste-lyrics[open]');
    await page.fill('#paste-lyrics-text', 'hi');
    await page.click('#paste-lyrics-save');
    assert.match(await page.textContent('#paste-lyrics-note'), /at least a few words/);
    await page.fill('#paste-lyrics-text', makeLyric('soft', 3));
    await page.click('#paste-lyrics-save');
    await page.waitForFunction(() => /19 with a predicted mood/.test(document.getElementById('library-summary').textContent), null, { timeout: 30000 });
    const pasted = await page.evaluate((t) => globalThis.moodspace.library.songList().find((s) => s.title === t), tracks[7].name);
    assert.equal(pasted.lyricsStatus, 'found');
    assert.ok(pasted.metrics && typeof pasted.metrics.energy === 'number');
    // kept like fetched lyrics: after a reload it is still found, without asking LRCLIB
    const asked = env.lrclib.requests.filter((r) => r.query.track_name === tracks[7].name).length;
    env.lrclib.clearFailures();
    await page.reload();
    await ready(page);
    await page.evaluate((t) => globalThis.moodspace.lyrics.fetchLyrics(globalThis.moodspace.library.songList().find((s) => s.title === t)), tracks[7].name)
      .then((r) => assert.equal(r.status, 'found'));
    assert.equal(env.lrclib.requests.filter((r) => r.query.track_name === tracks[7].name).length, asked);
  } finally { env.lrclib.clearFailures(); await page.closeAll(); }
});

// --- bring the film --------------------------------------------------------------------------

const SRT = [
  ['00:00:01,000', '00:00:04,000', 'Happy birthday! Everybody dance, the party is on!'],
  ['00:00:05,000', '00:00:08,000', 'Turn the music up, this is the best summer ever.'],
  ['00:00:09,000', '00:00:12,000', 'Look at the lights, they shine like gold.'],
  ['00:03:01,000', '00:03:04,000', 'Where did everyone go? It is cold and dark.'],
  ['00:03:05,000', '00:03:08,000', 'I am alone. The rain will not stop.'],
  ['00:03:09,000', '00:03:12,000', 'Nobody is coming back for me.'],
  ['00:06:01,000', '00:06:04,000', 'Run! They are right behind us!'],
  ['00:06:05,000', '00:06:08,000', 'Fire on the bridge, get to the car, now!'],
  ['00:06:09,000', '00:06:12,000', 'Faster, faster, we will make it!'],
].map(([a, b, t], i) => `${i + 1}\n${a} --> ${b}\n${t}\n`).join('\n');

test('a film the catalog lacks: the no-result search offers a subtitles file, gives a soundtrack, and keeps the film for search after a reload', { skip: noDemo }, async () => {
  const page = await newPage(browser, bare);
  const title = 'Zorbleflax Returns';
  try {
    await page.goto(bare.appUrl);
    await ready(page);
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', title);
    await page.waitForSelector('#film-bring:not([hidden])');
    assert.match(await page.textContent('#film-results'), /No film in the catalog matches/);
    assert.match(await page.textContent('#film-bring'), /“Zorbleflax Returns” is not in the catalog yet.*subtitles \(\.srt, \.vtt\).*screenplay \(PDF, Fountain, text\)/);
    await page.setInputFiles('#film-bring-file', { name: 'zorbleflax.2031.1080p.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) });
    await page.waitForFunction(() => /^Read \d+ scenes \(srt\)/.test(document.getElementById('film-bring-status').textContent), null, { timeout: 30000 });
    assert.equal(await page.textContent('#film-title'), title, 'named as the user searched for it');
    assert.match(await page.textContent('#film-meta'), /^3 scenes .*from your script/);
    assert.match(await page.textContent('#film-bring-status'), /kept in this browser/);
    await page.fill('#segments', '3');
    await page.press('#segments', 'Tab');
    await page.click('#full-soundtrack');
    await page.waitForFunction(() => /^Full soundtrack: 3 segments/.test(document.getElementById('match-status').textContent), null, { timeout: 60000 });
    const songs = await page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent));
    assert.equal(songs.length, 3);
    await page.waitForFunction((t) => [...document.querySelectorAll('#recent-list .recent-open')].some((b) => b.textContent.startsWith(`${t} — 3 songs`)), title);
    // after a reload the film is found by the search like a catalog film, without the file
    await page.reload();
    await ready(page);
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'zorbleflax');
    await page.waitForSelector('#film-results button');
    assert.equal(await page.textContent('#film-results li:first-child button'), `${title} (your file)`);
    assert.equal(await page.isHidden('#film-bring'), true);
    await page.click('#film-results li:first-child button');
    assert.equal(await page.textContent('#film-title'), title);
    assert.match(await page.textContent('#film-meta'), /^3 scenes/);
    await page.fill('#segments', '3');
    await page.press('#segments', 'Tab');
    await page.click('#full-soundtrack');
    await page.waitForFunction(() => /^Full soundtrack: 3 segments/.test(document.getElementById('match-status').textContent), null, { timeout: 60000 });
    assert.deepEqual(await page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent)), songs, 'the same arc gives the same soundtrack');
    // nothing of the script's text is kept, only its arc
    const kept = await page.evaluate(() => new Promise((resolve) => {
      const rq = indexedDB.open('moodspace-films');
      rq.onsuccess = () => { const tx = rq.result.transaction('films'); const g = tx.objectStore('films').get('films.v1'); g.onsuccess = () => resolve(JSON.stringify(g.result)); };
    }));
    assert.doesNotMatch(kept, /birthday|rain|bridge/i);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});
