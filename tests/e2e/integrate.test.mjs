// Where the library's two halves meet (the library that grows, and the front:
// songs without ids, lyrics, films brought as files), in Chromium against the
// fakes: a basic export imported and then signing in keeps the import and
// looks its songs up on Spotify; "Forget my data" clears every store of both
// halves; the demo mode next to an own library of id-less songs; the first
// visit with every card of both halves.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, makeLyric, DIST, importFile, soundtrackOfScript, downloaded, basicExportZip } from './helpers.mjs';
import { makeTracks, trackObject, spotifyId } from '../fake/spotify.mjs';
import { trackPool } from '../fake/history-export.mjs';

const skip = distMissing() || engineMissing() || false;
const noDemo = skip || (fs.existsSync(path.join(DIST, 'demo.json')) ? false : 'dist/demo.json is missing (run ./build.sh)');
let browser; let env;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-integrate-'));

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
});
test.after(async () => { await env?.stop(); await browser?.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
const lyricsDone = (page) => page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 90000 });
const songs = (page) => page.evaluate(() => globalThis.moodspace.library.songList().map((s) => ({ id: s.id, title: s.title, artist: s.artist, uri: s.uri, lyricsStatus: s.lyricsStatus })));
const sourceKinds = (page) => page.$$eval('#sources-mount li.source', (lis) => lis.map((li) => li.dataset.kind).sort());
const lyricsFor = (pool) => pool.map((t, i) => ({ track: t.title, artist: t.artist, album: '', lyrics: makeLyric(['bright', 'dark', 'soft'][i % 3], i) }));
const SRT = [['00:00:01,000', 'Happy birthday! Everybody dance, the party is on!'], ['00:03:01,000', 'Where did everyone go? It is cold and dark.'],
  ['00:06:01,000', 'Run! Fire on the bridge, get to the car, now!']].map(([a, t], i) => `${i + 1}\n${a} --> ${a.replace(',000', ',900')}\n${t}\n`).join('\n');

const basicExport = (name, pool, plays) => basicExportZip(tmp, name, pool, plays);
async function pasteList(page, text) {
  await page.click('#tab-music');
  await page.evaluate(() => { const s = document.querySelector('.import-status'); if (s) { s.textContent = ''; s.className = 'import-status'; } });
  if (!(await page.$eval('#paste', (d) => d.open))) await page.click('#paste summary');
  await page.fill('#paste-list', text);
  await page.click('#paste-import');
  await page.waitForSelector('.import-status.ok', { state: 'attached', timeout: 30000 });
  await page.click('#tab-music');
}
/** Every download of the soundtrack on screen names each of its `n` songs. */
async function exportsList(page, picks) {
  const m3u = (await downloaded(page, '#export-m3u')).text;
  const entries = m3u.match(/^#EXTINF:-?\d+,.+ – .+$/gm) || [];
  assert.equal(entries.length, picks.length, m3u);
  for (const t of picks) assert.ok(entries.some((e) => e.endsWith(` – ${t}`)), `${t} is in the M3U`);
  const xspf = (await downloaded(page, '#export-xspf')).text;
  const titles = await page.evaluate((x) => [...new DOMParser().parseFromString(x, 'application/xml').getElementsByTagNameNS('http://xspf.org/ns/0/', 'title')].map((t) => t.textContent), xspf);
  for (const t of picks) assert.ok(titles.includes(t), `${t} is in the XSPF`);
  const csv = (await downloaded(page, '#export-csv')).text;
  assert.equal(csv.trim().split('\r\n').length, picks.length + 1, 'a header and a line per song');
  return m3u;
}
/** The keys of one IndexedDB object store (an empty list when the database does not exist). */
const idbKeys = (page, db, store) => page.evaluate(([d, s]) => new Promise((resolve) => {
  const rq = indexedDB.open(d);
  rq.onsuccess = () => {
    const conn = rq.result;
    if (!conn.objectStoreNames.contains(s)) { conn.close(); resolve([]); return; }
    const g = conn.transaction(s).objectStore(s).getAllKeys();
    g.onsuccess = () => { conn.close(); resolve(g.result.map(String)); };
  };
  rq.onerror = () => resolve([]);
}), [db, store]);

// --- an import, then signing in ---------------------------------------------------------------

test('a basic export, then signing in: the import stays next to the account, its songs are looked up on Spotify with the counts, resolved ids outlive the next import, and no export is empty', { skip }, async () => {
  const tracks = makeTracks(6, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  const pool = trackPool(10, 57).map((t) => ({ ...t, uri: '' }));
  const file = basicExport('basic-then-signin.zip', pool);
  env.lrclib.setSongs([...lyricsFor(pool), ...tracks.map((t, i) => ({ track: t.name, artist: t.artists[0].name, album: t.album.name, duration: Math.round(t.duration_ms / 1000), lyrics: makeLyric('soft', i + 40) }))]);
  // Spotify has the first 5 songs of the pool
  const onSpotify = pool.slice(0, 5).map((t) => trackObject({ id: spotifyId(`int-${t.title}`), name: t.title, artist: { id: spotifyId(t.artist), name: t.artist }, album: 'Found Album' }));
  env.spotify.setCatalog(onSpotify);
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await page.goto(env.appUrl);
    await ready(page);
    assert.equal(await page.$eval('#export-guide', (d) => d.open), true);
    await importFile(page, file);
    assert.equal(await page.$eval('#export-guide', (d) => d.open), false, 'the guide folds away once the first source is in');
    const imported = (await songs(page)).filter((s) => s.id.startsWith('export:'));
    assert.ok(imported.length >= 6 && imported.every((s) => !s.uri), `the basic export's songs have no ids (${imported.length})`);
    await page.waitForFunction(() => /no Spotify id/.test(document.getElementById('resolve-status').textContent));
    assert.match(await page.textContent('#resolve-status'), new RegExp(`^${imported.length} songs have no Spotify id .*Signed in with Spotify, MoodSpace looks them up`));
    const n0 = env.spotify.apiRequests().length;

    await signIn(page, env);
    // the import is kept: the account is one more source
    await page.waitForFunction(() => document.querySelectorAll('#sources-mount li.source').length === 2, null, { timeout: 30000 });
    assert.deepEqual(await sourceKinds(page), ['basic', 'spotify']);
    await page.waitForFunction(() => /^Spotify ids for songs without one:/.test(document.getElementById('resolve-status').textContent), null, { timeout: 30000 });
    const after = await songs(page);
    for (const s of imported) assert.ok(after.some((x) => x.id === s.id), `${s.title} is still in the library`);
    for (const t of tracks) assert.ok(after.some((x) => x.id === t.id), `the account's ${t.name} joined it`);
    const want = imported.map((s) => ({ ...s, expect: onSpotify.find((o) => o.name === s.title)?.uri || '' }));
    const found = want.filter((s) => s.expect).length;
    assert.ok(found >= 2 && found < want.length, `a mix of songs Spotify has and has not (${found} of ${want.length})`);
    assert.match(await page.textContent('#resolve-status'), new RegExp(`: ${found} found, ${want.length - found} not found on Spotify`));
    for (const s of want) assert.equal(after.find((x) => x.id === s.id).uri, s.expect, `${s.title}: ${s.expect || 'no id'}`);
    const searches = env.spotify.apiRequests().slice(n0).filter((r) => r.path === '/v1/search');
    assert.ok(searches.length >= want.length, 'each song without an id was searched for');

    // a further import rebuilds the library: the ids found stay with their songs at once
    await pasteList(page, `${pool[0].artist} – ${pool[0].title}\nNobody Knows – A Song Of My Own\n`);
    const rebuilt = await songs(page);
    for (const s of want) assert.equal(rebuilt.find((x) => x.id === s.id)?.uri, s.expect, `${s.title} keeps its id after the rebuild`);
    assert.deepEqual(await sourceKinds(page), ['basic', 'list', 'spotify']);

    // a soundtrack of these songs: every download lists every song
    await lyricsDone(page);
    const picks = await soundtrackOfScript(page);
    assert.equal(picks.length, 3);
    await exportsList(page, picks);
    assert.equal(await page.isDisabled('#save-spotify'), !(await page.evaluate((ts) => ts.some((t) => globalThis.moodspace.library.songList().find((s) => s.title === t)?.uri), picks)));
    assert.deepEqual(page.errors, []);
  } finally { env.spotify.setCatalog([]); await page.closeAll(); }
});

// --- forget my data ------------------------------------------------------------------------

test('"Forget my data" asks first, then clears the sources, the demo, the Spotify ids found, pasted lyrics and brought films (and signs out)', { skip: noDemo }, async () => {
  const tracks = makeTracks(4, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  const listed = [{ title: 'Paper Lanterns', artist: 'Marigold Static' }, { title: 'Winter Letters', artist: 'Tidal Hollow' }];
  // LRCLIB has the first song only; Spotify's search the first too
  env.lrclib.setSongs([...lyricsFor(listed.slice(0, 1)), ...tracks.map((t, i) => ({ track: t.name, artist: t.artists[0].name, album: t.album.name, duration: Math.round(t.duration_ms / 1000), lyrics: makeLyric('bright', i) }))]);
  env.spotify.setCatalog([trackObject({ id: spotifyId('forget-lanterns'), name: listed[0].title, artist: { id: spotifyId(listed[0].artist), name: listed[0].artist }, album: 'A' })]);
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await lyricsDone(page);
    await pasteList(page, listed.map((s) => `${s.artist} – ${s.title}`).join('\n'));
    await page.waitForFunction(() => /^Spotify ids for songs without one: 1 found, 1 not found/.test(document.getElementById('resolve-status').textContent), null, { timeout: 30000 });
    await page.waitForFunction(() => globalThis.moodspace.library.songList().some((s) => s.title === 'Winter Letters' && s.lyricsStatus === 'notfound'), null, { timeout: 60000 });
    await lyricsDone(page);
    // pasted lyrics for the song LRCLIB lacks
    await page.locator('#song-table tbody tr', { hasText: 'Winter Letters' }).locator('button.paste-lyrics').click();
    await page.fill('#paste-lyrics-text', makeLyric('dark', 9));
    await page.click('#paste-lyrics-save');
    await page.waitForFunction(() => globalThis.moodspace.library.songList().find((s) => s.title === 'Winter Letters')?.metrics, null, { timeout: 30000 });
    // a film brought as subtitles from the search's no-result state
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'Quillamore Harbour');
    await page.waitForSelector('#film-bring:not([hidden])');
    await page.setInputFiles('#film-bring-file', { name: 'quillamore.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) });
    await page.waitForFunction(() => /kept in this browser/.test(document.getElementById('film-bring-status')?.textContent || ''), null, { timeout: 30000 });
    // and the demo on top of it all
    await page.click('#tab-music');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    assert.equal(await page.isVisible('#demo-mode'), true);
    for (const [db, st] of [['moodspace-resolve', 'ids'], ['moodspace-lyrics', 'lyrics'], ['moodspace-films', 'films']]) {
      assert.ok((await idbKeys(page, db, st)).length >= 1, `${db} holds something before`);
    }
    assert.ok((await idbKeys(page, 'keyval-store', 'keyval')).some((k) => k.startsWith('moodspace.source.')), 'sources stored before');

    // the button is there for everyone; it asks first, and Cancel keeps everything
    await page.click('#forget-all');
    await page.waitForSelector('#confirm-dialog[open]');
    assert.match(await page.textContent('#confirm-text'), /every source of it, the demo, the lyrics \(pasted ones too\), the Spotify ids found, the films you brought.*signed out of Spotify here/);
    await page.click('#confirm-cancel');
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.mode), 'demo');
    await page.click('#forget-all');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => /^Forgotten:/.test(document.getElementById('status').textContent), null, { timeout: 15000 });
    assert.equal(await page.isVisible('#demo-mode'), false, 'the demo strip is gone');
    assert.equal(await page.isHidden('#sources-panel'), true);
    assert.equal(await page.isHidden('#library-panel'), true);
    assert.equal(await page.isVisible('#signin'), true, 'signed out');
    assert.deepEqual(await page.evaluate(() => ({ mode: globalThis.moodspace.library.state.mode, songs: globalThis.moodspace.library.state.songs.size,
      own: globalThis.moodspace.library.own.sources.length, texts: globalThis.moodspace.lyrics.lyricTexts.size })), { mode: 'own', songs: 0, own: 0, texts: 0 });
    for (const [db, st] of [['moodspace-resolve', 'ids'], ['moodspace-lyrics', 'lyrics'], ['moodspace-films', 'films']]) {
      assert.deepEqual(await idbKeys(page, db, st), [], `${db} is empty`);
    }
    assert.deepEqual((await idbKeys(page, 'keyval-store', 'keyval')).filter((k) => k.startsWith('moodspace.source.')), [], 'no source kept');
    // the brought film is no longer found (on this page, without a reload)
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', '');
    await page.fill('#film-search', 'Quillamore');
    await page.waitForSelector('#film-bring:not([hidden])');
    assert.match(await page.textContent('#film-results'), /No film in the catalog matches/);

    // and nothing comes back after a reload
    const searches = env.spotify.apiRequests().filter((r) => r.path === '/v1/search').length;
    await page.reload();
    await ready(page);
    assert.deepEqual(await page.evaluate(() => ({ mode: globalThis.moodspace.library.state.mode, songs: globalThis.moodspace.library.state.songs.size, sources: globalThis.moodspace.library.own.sources.length })),
      { mode: 'own', songs: 0, sources: 0 });
    assert.equal(await page.isVisible('#demo-mode'), false);
    assert.equal(await page.$eval('#export-guide', (d) => d.open), true, 'a first visit again: the guide is open');
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'Quillamore');
    await page.waitForSelector('#film-bring:not([hidden])');
    assert.equal(env.spotify.apiRequests().filter((r) => r.path === '/v1/search').length, searches);
    assert.deepEqual(page.errors, []);
  } finally { env.spotify.setCatalog([]); await page.closeAll(); }
});

// --- the demo next to an own library -------------------------------------------------------------

test('the demo next to an own library of id-less songs: the Spotify-only actions say why, and leaving the demo brings back the library and its note', { skip: noDemo }, async () => {
  const pool = trackPool(8, 71).map((t) => ({ ...t, uri: '' }));
  const file = basicExport('basic-demo.zip', pool, 80);
  env.lrclib.setSongs(lyricsFor(pool));
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await page.goto(env.appUrl);
    await ready(page);
    await importFile(page, file);
    await lyricsDone(page);
    const own = (await songs(page)).map((s) => s.id).sort();
    await page.waitForFunction(() => /songs have no Spotify id/.test(document.getElementById('resolve-status').textContent));
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    await page.click('#tab-music');
    assert.match(await page.textContent('#demo-mode-text'), new RegExp(`Your own library \\(${own.length} songs\\) is kept as it is`));
    // the sources list says the own library is kept; the id note is about the songs on screen (the demo's have ids)
    assert.match(await page.textContent('#sources-mount'), /The demo is on screen; your own library is kept/);
    await page.waitForFunction(() => document.getElementById('resolve-status').hidden);
    // a soundtrack of demo songs: saving says it needs a sign-in; the downloads work
    const picks = await soundtrackOfScript(page);
    assert.equal(await page.isDisabled('#save-spotify'), true);
    assert.match(await page.textContent('#save-why'), /needs a Spotify sign-in .*The downloads below work without one/);
    assert.equal(await page.isDisabled('#export-uris'), false, 'the demo songs have Spotify ids');
    const m3u = await exportsList(page, picks);
    assert.equal((m3u.match(/^https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}$/gm) || []).length, 3);
    // leaving the demo: the own library, its sources and the note about its id-less songs come back
    await page.click('#demo-leave');
    await page.waitForFunction(() => globalThis.moodspace.library.state.mode === 'own');
    assert.deepEqual((await songs(page)).map((s) => s.id).sort(), own);
    assert.deepEqual(await sourceKinds(page), ['basic']);
    await page.waitForFunction((n) => new RegExp(`^${n} songs have no Spotify id`).test(document.getElementById('resolve-status').textContent), own.length);
    assert.equal(await page.isVisible('#demo-mode'), false);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('signing in from the demo leaves it for the own library, which the account joins', { skip: noDemo }, async () => {
  const tracks = makeTracks(5, { imageBase: env.spotify.origin });
  env.spotify.setTracks(tracks); env.spotify.setRecent(null); env.spotify.clearInjections();
  env.lrclib.setSongs(tracks.map((t, i) => ({ track: t.name, artist: t.artists[0].name, album: t.album.name, duration: Math.round(t.duration_ms / 1000), lyrics: makeLyric('soft', i) })));
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl);
    await ready(page);
    await pasteList(page, 'Marigold Static – Paper Lanterns\n');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#sources-mount li.source').length === 2, null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.mode), 'own');
    assert.equal(await page.isVisible('#demo-mode'), false);
    assert.deepEqual(await sourceKinds(page), ['list', 'spotify']);
    const titles = (await songs(page)).map((s) => s.title);
    assert.ok(titles.includes('Paper Lanterns') && tracks.every((t) => titles.includes(t.name)), titles.join(', '));
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), []);
  } finally { await page.closeAll(); }
});

// --- the first visit --------------------------------------------------------------------------

for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`first visit (${label}): every way in of both halves, in order, nothing cut or overlapping`, { skip }, async () => {
    const page = await newPage(browser, env, { context: { viewport } });
    try {
      await page.goto(env.appUrl);
      await ready(page);
      assert.match(await page.textContent('#import-h'), /Spotify data export, or other music files/);
      assert.match(await page.textContent('#card-import'), /Exportify, Last\.fm or Apple Music CSVs, YouTube Music’s watch-history\.json, playlists/);
      assert.equal(await page.$eval('#export-guide', (d) => d.open), true);
      assert.equal(await page.isVisible('#paste summary'), true, 'the paste box, folded');
      assert.equal(await page.$eval('#paste', (d) => d.open), false);
      assert.equal(await page.isVisible('#demo-start'), true);
      assert.equal(await page.isVisible('#signin'), true);
      assert.equal(await page.isHidden('#sources-panel'), true, 'no sources list before there is a source');
      assert.equal(await page.isHidden('#library-panel'), true);
      assert.equal(await page.isHidden('#resolve-status'), true);
      assert.equal(await page.isVisible('#forget-all'), true);
      // the cards do not overlap, and nothing sticks out sideways
      const boxes = await page.$$eval('#view-music .cards > .card', (cs) => cs.map((c) => { const r = c.getBoundingClientRect(); return { id: c.id, x: r.x, y: r.y, r: r.right, b: r.bottom }; }));
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]; const b = boxes[j];
        assert.ok(a.r <= b.x || b.r <= a.x || a.b <= b.y || b.b <= a.y, `${a.id} and ${b.id} overlap`);
      }
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
      const cut = await page.$$eval('#view-music .card *', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0).map((e) => e.id || e.tagName));
      assert.deepEqual(cut, [], 'no text wider than its box');
      assert.deepEqual(page.errors, []);
    } finally { await page.closeAll(); }
  });
}
