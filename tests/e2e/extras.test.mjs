// Browser tests of the web-extras: the Taste dashboard on fake top items, the
// data-export import (a generated zip and a malformed one), the demo library
// with no fake servers at all, Save to Spotify against the fake Web API,
// the export files, and an offline reload after a first visit.
// Real app code from dist/ in Debian's Chromium (see helpers.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, lrclibSongsFor, DIST, ROOT } from './helpers.mjs';
import { ordinal as ordinalOf } from '../../web/soundtrack/soundtrack.js';
import { smallZip, extendedRecords, basicRecords, trackPool } from '../fake/history-export.mjs';
import { toCsv, toM3u } from '../../web/keep/export.js';

const skip = distMissing() || false;
const noDemo = skip || (fs.existsSync(path.join(DIST, 'demo.json')) ? false : 'dist/demo.json is missing (run ./build.sh demo)');
let browser; let env;

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
  env.lrclib.setSongs(lrclibSongsFor(env.spotify.tracks));
});
test.after(async () => { await env?.stop(); await browser?.close(); });

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-extras-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function openTaste(page) {
  await page.click('#tab-taste');
  await page.waitForSelector('#taste-mount[data-rendered]');
}

test('dashboard: top tracks and artists per range with cover art, stability, decades, explicit share', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    await openTaste(page);
    // the fake ranks tracks differently per range: each range's first title is on screen
    const lists = await page.$$eval('#dash-top ol.dash-top', (ols) => ols.map((ol) => ({ label: ol.getAttribute('aria-label'), first: (ol.querySelector('li strong') || ol.querySelector('li .dash-name'))?.textContent })));
    assert.deepEqual(lists.map((l) => l.label), [
      'Top tracks, last 4 weeks', 'Top artists, last 4 weeks', 'Top tracks, last 6 months', 'Top artists, last 6 months',
      'Top tracks, about a year and more', 'Top artists, about a year and more', 'Recently played']);
    const st = await page.evaluate(() => globalThis.moodspace.library.state);
    const titleOf = (id) => env.spotify.tracks.find((t) => t.id === id).name;
    const top = await page.evaluate(() => Object.fromEntries(Object.entries(globalThis.moodspace.library.state.top.tracks)));
    assert.equal(lists[0].first, titleOf(top.short_term[0]));
    assert.equal(lists[4].first, titleOf(top.long_term[0]));
    const recent = await page.evaluate(() => globalThis.moodspace.library.state.recent);
    assert.equal(lists[6].first, titleOf(recent[0].id), 'recently played, newest first');
    assert.ok(st, 'library state readable');
    const covers = await page.$$eval('#dash-top img.cover', (imgs) => imgs.map((i) => i.getAttribute('src')));
    assert.ok(covers.length >= 10 && covers.every((u) => /^http:\/\/127\.0\.0\.1/.test(u)), 'cover art from the API images');
    // stability: overlap table with three pairs of ranges, favourites and newcomers headings
    const rows = await page.$$eval('#dash-stability table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    assert.equal(rows.length, 3);
    const sets = Object.fromEntries(Object.entries(top).map(([k, v]) => [k, new Set(v)]));
    const shared = [...sets.short_term].filter((x) => sets.medium_term.has(x)).length;
    assert.equal(rows[0][1], String(shared));
    const favs = [...sets.long_term].filter((x) => sets.short_term.has(x) && sets.medium_term.has(x)).length;
    assert.match(await page.textContent('#dash-stability'), new RegExp(`Long-time favourites \\(${favs}\\)`));
    // decades from release dates, explicit share from the explicit flags
    const songs = await page.evaluate(() => globalThis.moodspace.library.songList());
    const decadeRows = await page.$$eval('#chart-decades tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const want = new Map();
    for (const s of songs) { const d = `${Math.floor(+s.releaseDate.slice(0, 4) / 10) * 10}s`; want.set(d, (want.get(d) || 0) + 1); }
    assert.deepEqual(decadeRows, [...want.entries()].sort().map(([d, n]) => [d, String(n)]));
    const explicit = songs.filter((s) => s.explicit).length;
    const exRows = await page.$$eval('#chart-explicit tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
    assert.deepEqual(exRows, [String(explicit), String(songs.length - explicit)]);
    assert.ok(await page.locator('#chart-decades canvas[role="img"]').count(), 'a chart next to the table');
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), [], 'no script errors (404s of lyrics the fake lacks are expected)');
  } finally { await page.closeAll(); }
});

test('dashboard: mood map, mood by range and distinctive words once moods are predicted', { skip: skip || engineMissing() || false }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 120000 });
    await openTaste(page);
    await page.waitForSelector('#chart-moodmap', { state: 'attached' });
    const n = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => s.metrics).length);
    assert.equal(await page.locator('#chart-moodmap tbody tr').count(), n);
    // keyboard: focus the map, step with the arrow keys, the title is announced
    await page.focus('#chart-moodmap canvas');
    await page.keyboard.press('ArrowRight');
    assert.match(await page.textContent('#dash-moodmap .dash-live'), /^2 of \d+: .+ — .+\. Valence \d\.\d\d, energy \d\.\d\d\.$/);
    assert.ok(await page.locator('#chart-mood-range tbody tr').count() >= 2);
    if (fs.existsSync(path.join(DIST, 'corpus_words.json'))) {
      await page.waitForSelector('#chart-words tbody tr', { state: 'attached' });
      const words = await page.$$eval('#chart-words tbody tr th', (ths) => ths.map((t) => t.textContent));
      assert.ok(words.length > 0);
      assert.ok(words.every((w) => /^[\p{L}\p{N}’]+$/u.test(w)));
      // after a reload the words come from the lyrics cache
      await page.reload();
      await page.waitForSelector('html[data-app="ready"]');
      await openTaste(page);
      await page.waitForSelector('#chart-words tbody tr', { state: 'attached' });
      assert.deepEqual(await page.$$eval('#chart-words tbody tr th', (ths) => ths.map((t) => t.textContent)), words);
    }
  } finally { await page.closeAll(); }
});

test('import: a generated export zip fills the library, the history and the listening clock', { skip }, async () => {
  const page = await newPage(browser, env, { context: { timezoneId: 'UTC' } });
  try {
    const pool = trackPool(40, 3);
    const hostile = '<img src=x onerror="window.__pwned=1">';
    pool[0].title = hostile;          // the most played song: it shows in every table
    const recs = extendedRecords(600, { pool, seed: 5 });
    const file = path.join(tmp, 'my_spotify_data.zip');
    fs.writeFileSync(file, smallZip({
      'Spotify Extended Streaming History/Streaming_History_Audio_2021-2022_0.json': recs.slice(0, 300),
      'Spotify Extended Streaming History/Streaming_History_Audio_2022_1.json': recs.slice(300),
      'Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf': 'not read',
    }));
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.setInputFiles('#import-file', file);
    // (an import leads to the Taste tab, so the status is in the hidden music tab)
    await page.waitForSelector('.import-status.ok', { state: 'attached' });
    assert.equal(await page.getAttribute('#tab-taste', 'aria-selected'), 'true');
    const music = recs.filter((r) => r.master_metadata_track_name);
    const status = await page.textContent('.import-status');
    assert.match(status, new RegExp(`Added “my_spotify_data\\.zip”: ${music.length.toLocaleString('en')} plays \\(\\d+ different songs\\) from 2 files`));
    const st = await page.evaluate(() => { const s = globalThis.moodspace.library.state; return { source: s.source, n: s.songs.size, h: s.extra.history }; });
    assert.equal(st.source, 'export');
    assert.equal(st.h.plays, music.length);
    assert.equal(st.h.totalMs, music.reduce((a, r) => a + r.ms_played, 0));
    const skipped = music.filter((r) => r.skipped).length;
    assert.equal(st.h.skip.skipped, skipped);
    await openTaste(page);
    assert.match(await page.textContent('#dash-history .dash-facts'), new RegExp(`Minutes listened${Math.round(st.h.totalMs / 60000).toLocaleString('en')}`));
    assert.match(await page.textContent('#dash-history .dash-facts'), new RegExp(`Skip rate${Math.round((skipped / music.length) * 100)}%`));
    // the clock: Monday..Sunday × 24 hours, the cells add up to the minutes per hour of the week
    const cells = await page.$$eval('#dash-clock tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => +td.textContent)));
    assert.equal(cells.length, 7); assert.ok(cells.every((r) => r.length === 24));
    const want = Array.from({ length: 7 }, () => new Array(24).fill(0));
    for (const r of music) { const d = new Date(r.ts); want[(d.getUTCDay() + 6) % 7][d.getUTCHours()] += r.ms_played; }
    assert.deepEqual(cells, want.map((row) => row.map((ms) => Math.round(ms / 60000))));
    // top by play time
    const topRow = await page.$$eval('#dash-history table tbody tr', (trs) => [...trs[0].children].map((c) => c.textContent));
    const by = new Map();
    for (const r of music) by.set(r.master_metadata_track_name, (by.get(r.master_metadata_track_name) || 0) + r.ms_played);
    const best = [...by.entries()].sort((a, b) => b[1] - a[1])[0];
    assert.equal(topRow[0], best[0]);
    assert.equal(topRow[2], String(Math.round(best[1] / 60000)));
    // a hostile title is text, never markup
    assert.ok((await page.$$eval('#dash-history td, #dash-history th, #dash-top strong', (els) => els.map((e) => e.textContent))).includes(hostile));
    assert.equal(await page.locator('#taste-mount img[src="x"], #main img[src="x"]').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(page.errors.filter((e) => !/lrclib|Failed to load resource/i.test(e)), []);
  } finally { await page.closeAll(); }
});

test('import: a malformed file is named with its problem and nothing is imported', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    const bad = path.join(tmp, 'broken.zip');
    const good = basicRecords(5);
    fs.writeFileSync(bad, smallZip({ 'MyData/StreamingHistory_music_0.json': JSON.stringify(good).slice(0, -40) }));
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.setInputFiles('#import-file', bad);
    await page.waitForSelector('.import-status.error');
    const msg = await page.textContent('.import-errors');
    assert.match(msg, /broken\.zip\/MyData\/StreamingHistory_music_0\.json: the file ends in the middle of the array after 4 complete entries/);
    const loose = path.join(tmp, 'StreamingHistory_music_3.json');
    fs.writeFileSync(loose, '{"not": "an array"}');
    await page.setInputFiles('#import-file', loose);
    await page.waitForFunction(() => /expected a JSON array/.test(document.querySelector('.import-errors').textContent));
    assert.match(await page.textContent('.import-errors'), /StreamingHistory_music_3\.json: expected a JSON array \('\['\) at byte 0, found '\{'/);
    assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.source), null);
  } finally { await page.closeAll(); }
});

test('demo library: works with no fake servers at all, clearly labelled', { skip: noDemo }, async () => {
  const bare = await startEnv({ spotify: false, lrclib: false });
  const page = await newPage(browser, bare);
  const missing = [];
  page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
  try {
    await page.goto(bare.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    const demo = JSON.parse(fs.readFileSync(path.join(DIST, 'demo.json'), 'utf8'));
    assert.match(await page.textContent('.demo-badge'), /Demo library: sample songs/);
    assert.match(await page.textContent('#account'), /Demo library/);
    assert.equal(await page.locator('#chart-moodmap tbody tr').count(), demo.songs.length);
    const first = await page.$$eval('#chart-moodmap tbody tr', (trs) => trs.map((tr) => tr.children[0].textContent));
    assert.ok(first.includes(demo.songs[0].title));
    assert.ok(await page.locator('#chart-decades tbody tr').count() > 0);
    if (fs.existsSync(path.join(DIST, 'catalog.json'))) {
      await page.waitForSelector('#dash-film .dash-film-name');
      const name = await page.textContent('#dash-film .dash-film-name');
      await page.click('#dash-film .dash-open-film');
      await page.waitForFunction((n) => [...document.querySelectorAll('#film-results button')].some((b) => b.textContent === n), name);
      assert.equal(await page.getAttribute('#tab-soundtrack', 'aria-selected'), 'true');
      if (!engineMissing()) {
        // the whole app works on the demo: a full soundtrack for that film from demo songs
        const blockedBefore = page.blocked.length;
        await page.click(`#film-results button:text-is(${JSON.stringify(name)})`);
        await page.click('#full-soundtrack');
        await page.waitForSelector('#full-list li');
        const titles = await page.$$eval('#full-list li', (lis) => lis.map((li) => li.textContent));
        assert.ok(titles.length >= 2);
        assert.ok(titles.every((t) => demo.songs.some((s) => t.includes(s.title))), 'every pick is a demo song');
        // the page path and `moodspace soundtrack` give the same soundtrack for this film and library
        const catalog = JSON.parse(fs.readFileSync(path.join(DIST, 'catalog.json'), 'utf8'));
        // the page shows a release year (weights/release_years.json), never the catalog's draft year
        const cf = catalog.films.find((f) => name === f.title) || catalog.films.find((f) => name.replace(/ \(\d{4}\)$/, '') === f.title);
        const segs = Number(await page.inputValue('#segments'));
        const cli = JSON.parse(execFileSync(path.join(ROOT, 'build/moodspace'), ['soundtrack', '--library', path.join(DIST, 'demo.json'),
          '--catalog', path.join(DIST, 'catalog.json'), '--model', path.join(DIST, 'model.bin'), '--film', cf.id, '--segments', String(segs)], { encoding: 'utf8' }));
        const onPage = await page.$$eval('#full-list > li', (lis) => lis.map((li) => [li.querySelector('.seg').textContent, li.querySelector('.title').textContent]));
        assert.deepEqual(onPage.map(([seg, t]) => { const m = seg.match(/scenes? (\d+)(?:–(\d+))?/); return [[Number(m[1]), Number(m[2] ?? m[1])], t]; }),
          cli.segments.map((g) => [[g.first_scene + 1, g.last_scene + 1], g.song.title]), 'same segments, same songs as the CLI');
        const tableRows = await page.$$eval('#arc-table tbody tr', (trs) => trs.map((tr) => tr.children[2].textContent));
        assert.deepEqual(tableRows, cli.segments.map((g) => `${ordinalOf(Math.round(g.pct.energy))} · song ${ordinalOf(Math.round(g.song_pct.energy))}`),
          'the table shows the calibrated numbers the CLI prints');
        assert.ok(page.blocked.slice(blockedBefore).every((u) => u.startsWith('https://open.spotify.com/embed/')), 'only the Spotify embeds want the network');
        page.blocked.length = blockedBefore;
      }
    }
    assert.deepEqual(page.blocked, [], 'nothing outside 127.0.0.1 was requested');
    // only shipped files that are not built yet may be missing
    const notBuilt = ['/catalog.json', '/corpus_words.json'].filter((f) => !fs.existsSync(path.join(DIST, f)));
    assert.deepEqual(missing.filter((f) => !notBuilt.includes(f)), []);
    assert.deepEqual(page.errors.filter((e) => !(missing.length && /status of 404/.test(e))), []);
  } finally { await page.closeAll(); await bare.stop(); }
});

/** Sign in, put a soundtrack of `n` library songs on screen (the shell's 'soundtrack' event). */
async function soundtrackOnScreen(page, n) {
  await signIn(page, env);
  await page.waitForFunction(() => globalThis.moodspace.library.state.songs.size > 0);
  await page.evaluate((count) => {
    const songs = globalThis.moodspace.library.songList().slice(0, count);
    globalThis.moodspace.showTab('soundtrack');
    document.getElementById('film-panel').hidden = false;
    document.getElementById('full-results').hidden = false;
    globalThis.moodspace.events.dispatchEvent(new CustomEvent('soundtrack', { detail: {
      film: { title: 'The Lighthouse, "Keeper"' }, kind: 'full',
      picks: songs.map((song, i) => ({ song, segment: i, distance: i / 10 })) } }));
  }, n);
  await page.waitForSelector('#save-spotify');
  return page.evaluate((count) => globalThis.moodspace.library.songList().slice(0, count), n);
}

test('save to Spotify: asks for the playlist scope, then creates a private playlist and adds ≤100 URIs per request', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    const songs = await soundtrackOnScreen(page, 105);
    assert.equal(songs.length, 105);
    assert.equal(await page.isChecked('#playlist-public'), false, 'private by default');
    const before = env.spotify.playlists.length;
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.spotify.accountsBase + '/authorize')), page.click('#save-spotify')]);
    const authz = env.spotify.requests.filter((r) => r.path === '/authorize').at(-1);
    assert.ok(authz.query.scope.split(' ').includes('playlist-modify-private'));
    assert.ok(!authz.query.scope.split(' ').includes('playlist-modify-public'));
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.appUrl)), page.click('#approve')]);
    await page.waitForSelector('#playlist-link');
    assert.equal(env.spotify.playlists.length, before + 1);
    const pl = env.spotify.playlists.at(-1);
    assert.deepEqual(pl.body, { name: 'MoodSpace: The Lighthouse, "Keeper"', public: false,
      description: 'A soundtrack for The Lighthouse, "Keeper", matched by MoodSpace from the moods of lyrics and scenes.' });
    assert.deepEqual(pl.items.map((c) => c.length), [100, 5]);
    assert.deepEqual(pl.items.flat(), songs.map((s) => `spotify:track:${s.id}`));
    const creates = env.spotify.requests.filter((r) => r.path === '/v1/me/playlists' && r.method === 'POST');
    assert.match(creates.at(-1).auth, /^Bearer AT-/);
    const adds = env.spotify.requests.filter((r) => r.path === `/v1/playlists/${pl.id}/items`);
    assert.deepEqual(adds.map((r) => r.method), ['POST', 'POST']);
    assert.equal(await page.getAttribute('#playlist-link', 'href'), `https://open.spotify.com/playlist/${pl.id}`);
    assert.match(await page.textContent('#save-result'), /Saved "MoodSpace: The Lighthouse, "Keeper"" with 105 songs as a private playlist/);
  } finally { await page.closeAll(); }
});

test('export: CSV and M3U downloads and the copied URIs have the right content', { skip }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] } });
  try {
    const songs = await soundtrackOnScreen(page, 6);
    const picks = songs.map((song, i) => ({ song, segment: i, distance: i / 10 }));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.equal(csv.suggestedFilename(), 'moodspace-The-Lighthouse-Keeper.csv');
    assert.equal(fs.readFileSync(await csv.path(), 'utf8'), toCsv(picks));
    assert.match(toCsv(picks), /^position,title,artist,album,spotify_uri,segment,scenes,scene_heading,distance\r\n1,/);
    const [m3u] = await Promise.all([page.waitForEvent('download'), page.click('#export-m3u')]);
    assert.equal(fs.readFileSync(await m3u.path(), 'utf8'), toM3u(picks, 'MoodSpace: The Lighthouse, "Keeper"'));
    await page.click('#export-uris');
    await page.waitForFunction(() => /Copied 6 URIs/.test(document.getElementById('export-result').textContent));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), songs.map((s) => `spotify:track:${s.id}`).join('\n') + '\n');
  } finally { await page.closeAll(); }
});

test('offline: after one visit the app reloads with the network off, and import and demo still work', { skip }, async () => {
  const bare = await startEnv({ spotify: false, lrclib: false });
  const page = await newPage(browser, bare, { context: { serviceWorkers: 'allow' } });
  try {
    await page.goto(bare.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    const version = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      const keys = await caches.keys();
      return { keys, active: reg.active?.state };
    });
    assert.equal(version.keys.filter((k) => k.startsWith('moodspace-')).length, 1, 'one versioned cache');
    const sw = fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8');
    const manifest = JSON.parse(/^self\.__MS_PRECACHE=(.*);$/m.exec(sw)[1]);
    assert.equal(version.keys[0], `moodspace-${manifest.version}`);
    for (const f of ['index.html', 'app.js', 'moodspace.wasm', 'history-worker.js', 'manifest.webmanifest', 'icons/icon-192.png'])
      assert.ok(manifest.files.includes(f), `${f} precached`);
    // installable: Chromium reports no installability errors (manifest, icons, service worker)
    const cdp = await page.context().newCDPSession(page);
    const inst = await cdp.send('Page.getInstallabilityErrors');
    // (Playwright's contexts are incognito profiles, which Chromium never installs from)
    assert.deepEqual(inst.installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
    const man = await cdp.send('Page.getAppManifest');
    assert.deepEqual(man.errors, []);
    await page.context().setOffline(true);
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.title(), 'MoodSpace');
    // import works offline
    const file = path.join(tmp, 'offline.zip');
    fs.writeFileSync(file, smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(50) }));
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('.import-status.ok', { state: 'attached' });
    if (!noDemo) {
      await page.click('#tab-music');   // (an import leads to the Taste tab)
      await page.click('#demo-start');
      await page.waitForSelector('.demo-badge');
    }
    // the engine (wasm + model) starts from the cache too
    if (!engineMissing()) await page.waitForSelector('html[data-engine="ready"]', { state: 'attached' });
    // a request that is not precached, or that carries a token, is never answered from the cache
    const miss = await page.evaluate(() => fetch('./not-precached.json').then((r) => r.status, () => 'network error'));
    assert.equal(miss, 'network error');
    const withToken = await page.evaluate(() => fetch('./app.js', { headers: { Authorization: 'Bearer x' } }).then((r) => r.status, () => 'network error'));
    assert.equal(withToken, 'network error');
    assert.equal(await page.evaluate(() => fetch('./app.js').then((r) => r.status, () => 'network error')), 200, 'the same file without a token comes from the cache');
  } finally { await page.context().setOffline(false).catch(() => {}); await page.closeAll(); await bare.stop(); }
});
