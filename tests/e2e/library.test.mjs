// The library that grows, in Chromium against the fakes (and its stored
// records tampered with): two exports imported days apart in
// either order keep every play once; removing a source asks first and removes
// exactly its plays; the demo round trip keeps the own library; each other
// format imports its fixture (tests/js/fixtures/sources, invented songs) with
// its malformed row reported, and gives a soundtrack; a tampered stored
// library is read with the bad records left out and counted.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, makeLyric, SAMPLE_FOUNTAIN, ROOT, importFile } from './helpers.mjs';
import { extendedRecords, trackPool } from '../fake/history-export.mjs';

const skip = distMissing() || false;
const skipEngine = skip || engineMissing() || false;
const FIX = path.join(ROOT, 'tests/js/fixtures/sources');
let browser; let env;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-library-'));

// lyrics for the invented songs of the fixtures (no duration: any length matches)
const FIXTURE_SONGS = [['Marigold Static', 'Paper Lanterns', 'bright'], ['Tidal Hollow', 'Winter Letters', 'dark'],
  ['The Velvet Orbits', 'Copper Rain, Slowly', 'soft'], ['Ember Signal', 'Saffron Morning', 'bright']];

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ spotify: false });
  env.lrclib.setSongs(FIXTURE_SONGS.map(([artist, track, kind], i) => ({ track, artist, album: '', lyrics: makeLyric(kind, i + 3) })));
});
test.after(async () => { await env?.stop(); await browser?.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

async function open(page) {
  await page.goto(env.appUrl);
  await page.waitForSelector('html[data-app="ready"]');
}
const plays = (page) => page.evaluate(() => globalThis.moodspace.library.state.extra.history?.plays ?? 0);
const sourcesShown = (page) => page.$$eval('#sources-mount li.source', (lis) => lis.map((li) => ({
  kind: li.querySelector('.source-kind').textContent, name: li.querySelector('.source-name').textContent, facts: li.querySelector('.source-facts').textContent })));

/** An extended export, and a basic one requested days later that holds its last 500 plays and 100-odd newer ones. */
function twoExports() {
  const pool = trackPool(50, 5);
  const ext = extendedRecords(800, { pool, seed: 31, start: Date.UTC(2023, 2, 1) });
  const music = ext.filter((r) => r.master_metadata_track_name);
  const later = extendedRecords(130, { pool, seed: 32, start: Date.parse(ext.at(-1).ts) + 3600000 }).filter((r) => r.master_metadata_track_name);
  const pad = (x) => String(x).padStart(2, '0');
  const basic = [...music.slice(-500), ...later].map((r) => { const d = new Date(r.ts); return { endTime: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    artistName: r.master_metadata_album_artist_name, trackName: r.master_metadata_track_name, msPlayed: r.ms_played }; });
  const extFile = path.join(tmp, 'Streaming_History_Audio_2023_0.json'); fs.writeFileSync(extFile, JSON.stringify(ext));
  const basicFile = path.join(tmp, 'StreamingHistory_music_0.json'); fs.writeFileSync(basicFile, JSON.stringify(basic));
  return { extFile, basicFile, extPlays: music.length, want: music.length + later.length, basicPlays: basic.length };
}

for (const order of [['extended', 'basic'], ['basic', 'extended']]) {
  test(`two exports imported days apart (${order.join(' then ')}) keep every play once; removing one asks first and removes exactly its plays`, { skip }, async () => {
    const { extFile, basicFile, extPlays, want, basicPlays } = twoExports();
    const page = await newPage(browser, env);
    try {
      await open(page);
      const first = order[0] === 'extended' ? extFile : basicFile; const second = order[0] === 'extended' ? basicFile : extFile;
      assert.match(await importFile(page, first), /^Added “/);
      // days later: the library was kept (IndexedDB), the second export adds to it
      await page.clock.setFixedTime(Date.now() + 6 * 86400000);
      await open(page);
      assert.equal((await sourcesShown(page)).length, 1);
      const status = await importFile(page, second);
      assert.match(status, new RegExp(`500 plays your library already held were counted once\\. Your library: ${want.toLocaleString('en')} plays`));
      assert.equal(await plays(page), want);
      const added = await page.evaluate(() => globalThis.moodspace.library.state.sources.map((m) => m.addedAt));
      assert.ok(added[1] - added[0] >= 5 * 86400000, `imported days apart: ${added}`);
      const shown = await sourcesShown(page);
      assert.deepEqual(shown.map((s) => s.kind).sort(), ['Spotify data export (basic)', 'Spotify extended streaming history']);
      assert.ok(shown.every((s) => /\d{4}/.test(s.facts) && / plays · \d+ songs/.test(s.facts)), JSON.stringify(shown));
      // the Taste view counts the same plays
      await page.click('#tab-taste');
      await page.waitForSelector('#dash-history .dash-facts');
      assert.match(await page.textContent('#dash-history .dash-facts'), new RegExp(`Plays${want.toLocaleString('en')}`));
      // removing the basic export: a confirmation first; Cancel keeps everything
      await page.click('#tab-music');
      const removeBasic = page.locator('#sources-mount li.source[data-kind="basic"] .source-remove');
      await removeBasic.click();
      await page.waitForSelector('#confirm-dialog[open]');
      assert.match(await page.textContent('#confirm-text'), new RegExp(`StreamingHistory_music_0\\.json” leaves your library: ${basicPlays} plays`));
      await page.click('#confirm-cancel');
      await page.waitForSelector('#confirm-dialog', { state: 'detached' });
      assert.equal(await plays(page), want);
      assert.equal((await sourcesShown(page)).length, 2);
      await removeBasic.click();
      await page.click('#confirm-ok');
      await page.waitForFunction(() => document.querySelectorAll('#sources-mount li.source').length === 1);
      assert.equal(await plays(page), extPlays, 'exactly the basic export\'s own plays left');
      // and the other one: the library is empty again, the sources list hidden
      await page.locator('#sources-mount li.source .source-remove').click();
      await page.click('#confirm-ok');
      await page.waitForFunction(() => document.getElementById('sources-panel').hidden);
      await open(page);
      assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.songs.size), 0, 'nothing comes back after a reload');
      assert.deepEqual(page.errors.filter((e) => !/lrclib|Failed to load resource/i.test(e)), []);
    } finally { await page.closeAll(); }
  });
}

test('the demo is a mode of its own: entering, reloading and leaving it keeps the own library', { skip: skip || (fs.existsSync(path.join(ROOT, 'dist/demo.json')) ? false : 'no dist/demo.json') }, async () => {
  const page = await newPage(browser, env);
  try {
    await open(page);
    await page.click('#paste summary');
    await page.fill('#paste-list', 'Marigold Static - Paper Lanterns\nTidal Hollow – Winter Letters\nno separator here\n');
    await page.click('#paste-import');
    await page.waitForSelector('.import-status.ok', { state: 'attached' });
    await page.click('#tab-music');
    assert.match(await page.textContent('.import-errors'), /pasted list\.txt: line 3: no “Artist – Title” separator in "no separator here"/);
    const own = await page.evaluate(() => [...globalThis.moodspace.library.state.songs.keys()].sort());
    assert.equal(own.length, 2);
    await page.click('#tab-music');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.source), 'demo');
    assert.equal(await page.isVisible('#demo-mode'), true);
    assert.match(await page.textContent('#demo-mode-text'), /^Demo mode\. Your own library \(2 songs\) is kept as it is/);
    await open(page);   // a reload stays in the demo, the own library still kept
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.source), 'demo');
    await page.click('#demo-leave');
    await page.waitForFunction(() => globalThis.moodspace.library.state.source === 'export');
    assert.deepEqual(await page.evaluate(() => [...globalThis.moodspace.library.state.songs.keys()].sort()), own);
    assert.equal(await page.isVisible('#demo-mode'), false);
    assert.equal((await sourcesShown(page)).length, 1);
    await open(page);
    assert.deepEqual(await page.evaluate(() => [...globalThis.moodspace.library.state.songs.keys()].sort()), own);
  } finally { await page.closeAll(); }
});

const FORMATS = [
  ['exportify-rainy-day.csv', /exportify-rainy-day\.csv: line 4: no track name/],
  ['lastfm-scrobbles.csv', /lastfm-scrobbles\.csv: line 4: unreadable date "tomorrow at noon"/],
  ['lastfm-scrobbles-header.csv', /lastfm-scrobbles-header\.csv: line 5: no artist/],
  ['Apple Music Play Activity.csv', /Apple Music Play Activity\.csv: line 6: "Play Duration Milliseconds" is not a duration/],
  ['watch-history.json', /watch-history\.json: entry 4: no song title/],
  ['road-trip.m3u8', /road-trip\.m3u8: line 6: no “Artist - Title” in "untitled recording"/],
  ['evening.pls', /evening\.pls: line 5: entry 2: no “Artist - Title”/],
  ['quiet-hours.xspf', /quiet-hours\.xspf: line 17: track without a <title>/],
  ['pasted-list.txt', /pasted-list\.txt: line 5: no “Artist – Title” separator/],
];

for (const [file, problem] of FORMATS) {
  test(`${file}: imported with its malformed row reported, its songs get moods and a soundtrack`, { skip: skipEngine }, async () => {
    const page = await newPage(browser, env);
    try {
      await open(page);
      const status = await importFile(page, path.join(FIX, file));
      assert.match(status, /^Added “/);
      assert.match(await page.textContent('.import-errors'), problem);
      assert.match(status, /problems? listed below; the rest was read/);
      assert.equal((await sourcesShown(page)).length, 1);
      await page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
      const withMood = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => s.metrics).map((s) => s.title));
      assert.ok(withMood.length >= 2, `songs with a mood: ${withMood}`);
      await page.click('#tab-soundtrack');
      await page.setInputFiles('#script-file', { name: 'picnic.fountain', mimeType: 'text/plain', buffer: Buffer.from(SAMPLE_FOUNTAIN) });
      await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
      await page.fill('#segments', '2');
      await page.click('#full-soundtrack');
      await page.waitForFunction(() => document.querySelectorAll('#full-list > li').length === 2, null, { timeout: 30000 });
      const picks = await page.$$eval('#full-list > li .title', (els) => els.map((e) => e.textContent));
      assert.ok(picks.every((t) => withMood.includes(t)), `${picks} from ${withMood}`);
      assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/i.test(e)), []);
    } finally { await page.closeAll(); }
  });
}

test('a tampered library in IndexedDB: bad records are left out and counted, the Taste view still opens', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await open(page);
    await importFile(page, path.join(FIX, 'lastfm-scrobbles.csv'));
    await page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    await page.evaluate(() => globalThis.moodspace.library.save());
    // tamper with the stored record (idb-keyval's default database)
    await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open('keyval-store');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result; const tx = db.transaction('keyval', 'readwrite'); const store = tx.objectStore('keyval');
        const get = store.get('moodspace.library.v2');
        get.onsuccess = () => {
          const snap = get.result;
          snap.own.songs.push({ id: { not: 'an id' } }, { id: 'x1', title: ['a'] });
          snap.own.extra.history.topByTime = 7;
          snap.own.extra.history.tracks = 'many';
          store.put(snap, 'moodspace.library.v2');
        };
        tx.oncomplete = () => resolve(); tx.onerror = () => reject(tx.error);
      };
    }));
    await open(page);
    await page.click('#tab-taste');
    await page.waitForSelector('#taste-mount[data-rendered]', { timeout: 10000 });
    assert.ok(await page.locator('#taste-mount .dash-source').count() >= 1);
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/i.test(e)), []);
    assert.match(await page.textContent('#banner-text'), /^3 saved records were damaged and left out; the rest of your library is here\./);
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.songs.size), 4);
  } finally { await page.closeAll(); }
});

test('signing in adds the Spotify account as one more source; "forget my data" removes every source', { skip }, async () => {
  const withSpotify = await startEnv({});
  const page = await newPage(browser, withSpotify);
  try {
    await page.goto(withSpotify.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await importFile(page, path.join(FIX, 'road-trip.m3u8'));
    const listed = await page.evaluate(() => globalThis.moodspace.library.state.songs.size);
    assert.equal(listed, 3);
    await signIn(page, withSpotify);
    await page.waitForFunction(() => document.querySelectorAll('#sources-mount li.source').length === 2, null, { timeout: 30000 });
    const kinds = (await sourcesShown(page)).map((x) => x.kind).sort();
    assert.deepEqual(kinds, ['M3U playlist', 'Spotify account (top tracks)'], 'the import stays next to the account');
    const songs = await page.evaluate(() => globalThis.moodspace.library.state.songs.size);
    assert.ok(songs > listed, `the account's songs join the playlist's (${songs})`);
    await page.waitForFunction(() => document.getElementById('lyrics-label')?.textContent === 'Lyrics fetched', null, { timeout: 60000 });
    await page.click('#signout');
    await page.click('#forget-data');
    await page.waitForFunction(() => /were deleted/.test(document.getElementById('forget-notice')?.textContent || ''));
    assert.equal(await page.isHidden('#sources-panel'), true);
    await page.goto(withSpotify.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.sources.length), 0, 'nothing comes back after a reload');
    assert.equal(await page.isHidden('#sources-panel'), true);
  } finally { await page.closeAll(); await withSpotify.stop(); }
});
