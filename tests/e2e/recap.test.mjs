// The recap of a year or month and three of its finishing touches,
// in Chromium against the fakes: a fixture export (invented songs, written
// here) is imported; the recap of its year shows the expected minutes, top
// artists, songs and albums, the mood of each month, the catalog film whose
// arc has the year's shape (the same one the recap code finds in node from
// the moods the page predicted) and a card; a month can be picked; the range
// switcher shows which range is selected; the demo's Taste view has a
// top-artists list and a verdict naming its songs; the skip rate names its basis.
// RECAP_SHOTS=dir also saves screenshots (desktop and phone) there.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, makeLyric, importFile, DIST } from './helpers.mjs';
import { smallZip } from '../fake/history-export.mjs';
import { recapIndex, recapOf, moodArc, matchFilm } from '../../web/recap/recap-core.js';
import { normalizeCatalog } from '../../web/film/film.js';
import { trackKey } from '../../web/library/history-core.js';

const need = (...files) => files.map((f) => (fs.existsSync(path.join(DIST, f)) ? null : `dist/${f} is missing (run ./build.sh)`)).find(Boolean) || null;
const skip = distMissing() || engineMissing() || need('catalog.json', 'demo.json') || false;
const SHOTS = process.env.RECAP_SHOTS || '';
let browser; let env;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-recap-'));

// [title, artist, album, lyric kind]
const SONGS = {
  A: ['Harbor Ghosts', 'Lumen Vale', 'Grey Mile', 'dark'], B: ['Salt Window', 'Lumen Vale', 'Grey Mile', 'dark'],
  C: ['Sunlit Static', 'The Copper Kites', 'Kite Season', 'bright'], D: ['Golden Run', 'The Copper Kites', 'Kite Season', 'bright'],
  E: ['Tea at Dawn', 'Orla Fenn', 'Small Hours', 'soft'], F: ['Garden Letter', 'Orla Fenn', 'Small Hours', 'soft'],
};
// per month of 2024: [song, plays, minutes each]; Jan–Apr dark, May–Aug bright, Sep–Dec soft
const MONTH_PLAN = (m) => (m < 4 ? [['A', 4, 4], ['B', 2, 3]] : m < 8 ? [['C', 5, 3.5], ['D', 2, 3]] : [['E', 3, 4], ['F', 2, 4.5]]);

function fixturePlays() {
  const plays = [];   // [endMs, ms, key]
  for (let m = 0; m < 12; m++) {
    let day = 2;
    for (const [k, n, min] of MONTH_PLAN(m)) for (let i = 0; i < n; i++) { plays.push([Date.UTC(2024, m, day, 12, 30), min * 60000, k]); day += 2; }
  }
  for (let i = 0; i < 3; i++) plays.push([Date.UTC(2023, 11, 10 + i, 20), 180000, 'E']);
  return plays;
}
function fixtureZip() {
  const recs = fixturePlays().map(([end, ms, k]) => {
    const [title, artist, album] = SONGS[k];
    return { ts: new Date(end).toISOString().replace(/\.\d{3}Z$/, 'Z'), platform: 'linux', ms_played: ms, conn_country: 'DE',
      master_metadata_track_name: title, master_metadata_album_artist_name: artist, master_metadata_album_album_name: album,
      spotify_track_uri: null, episode_name: null, reason_start: 'trackdone', reason_end: 'trackdone', shuffle: false, skipped: false };
  });
  const file = path.join(tmp, 'my_spotify_data.zip');
  fs.writeFileSync(file, smallZip({ 'Spotify Extended Streaming History/Streaming_History_Audio_2023-2024_0.json': recs }));
  return file;
}

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ spotify: false });
  env.lrclib.setSongs(Object.values(SONGS).map(([track, artist, album, kind], i) => ({ track, artist, album, lyrics: makeLyric(kind, i + 1) })));
});
test.after(async () => { await env?.stop(); await browser?.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

async function shoot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [w, tag] of [[1280, 'desktop'], [390, 'phone']]) {
    await page.setViewportSize({ width: w, height: w > 500 ? 900 : 844 });
    await page.waitForTimeout(400);
    await page.locator(name.selector).screenshot({ path: path.join(SHOTS, `${name.file}-${tag}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

test('the recap of a fixture year: minutes, top artists, songs and albums, the mood of each month, its film and card; then a month', { skip, timeout: 180000 }, async () => {
  const page = await newPage(browser, env, { context: { timezoneId: 'UTC', acceptDownloads: true, viewport: { width: 1280, height: 900 } } });
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    assert.match(await importFile(page, fixtureZip()), /^Added “/);
    await page.click('#tab-taste');
    await page.waitForSelector('#dash-recap #recap-title', { timeout: 60000 });
    // only years and months with plays are offered, newest first
    assert.deepEqual(await page.$$eval('#recap-period optgroup[label="Years"] option', (os) => os.map((o) => o.value)), ['2024', '2023']);
    const months = await page.$$eval('#recap-period optgroup[label="Months"] option', (os) => os.map((o) => o.value));
    assert.equal(months.length, 13);
    assert.equal(months[0], '2024-12'); assert.equal(months.at(-1), '2023-12');
    assert.equal(await page.inputValue('#recap-period'), '2024');
    assert.equal(await page.textContent('#recap-title'), 'Your 2024');
    // 266 minutes: The Copper Kites 94, Lumen Vale 88, Orla Fenn 84
    assert.match(await page.textContent('#recap-facts'), /^266 minutes listened \(4\.4 hours\) · 72 plays · 6 different songs by 3 artists · on 72 days$/);
    assert.deepEqual(await texts(page, '#recap-artists li .recap-name'), ['The Copper Kites', 'Lumen Vale', 'Orla Fenn']);
    assert.deepEqual(await texts(page, '#recap-artists li .muted'), ['— 94 min, 28 plays', '— 88 min, 24 plays', '— 84 min, 20 plays']);
    assert.deepEqual(await texts(page, '#recap-songs li .recap-name'),
      ['Sunlit Static — The Copper Kites', 'Harbor Ghosts — Lumen Vale', 'Tea at Dawn — Orla Fenn', 'Garden Letter — Orla Fenn', 'Golden Run — The Copper Kites']);
    assert.deepEqual(await texts(page, '#recap-albums li .recap-name'), ['Kite Season — The Copper Kites', 'Grey Mile — Lumen Vale', 'Small Hours — Orla Fenn']);

    // moods come with lyrics: wait until every month has one and the film is matched
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#recap-moods tbody tr')];
      return rows.length === 12 && rows.every((r) => !/no mood yet/.test(r.textContent)) && document.getElementById('recap-film-title');
    }, null, { timeout: 90000 });
    assert.deepEqual(await texts(page, '#recap-moods tbody th'), ['January 2024', 'February 2024', 'March 2024', 'April 2024', 'May 2024', 'June 2024',
      'July 2024', 'August 2024', 'September 2024', 'October 2024', 'November 2024', 'December 2024']);
    for (const share of await texts(page, '#recap-moods tbody td:last-child')) assert.equal(share, '100%');
    // the film: the same one the recap code finds here from the moods the page predicted
    const moods = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => s.metrics).map((s) => [s.title, s.artist, s.metrics.valence, s.metrics.energy]));
    assert.equal(moods.length, 6);
    const byKey = new Map(moods.map(([t, a, valence, energy]) => [trackKey(t, a), { valence, energy }]));
    const index = recapIndex((add) => { for (const [end, ms, k] of fixturePlays()) add(end, ms, SONGS[k][0], SONGS[k][1], SONGS[k][2]); }, { tzOffset: () => 0 });
    const arc = moodArc(recapOf(index, '2024'), (t, a) => byKey.get(trackKey(t, a)) || null);
    const films = normalizeCatalog(JSON.parse(fs.readFileSync(path.join(DIST, 'catalog.json'), 'utf8')));
    const want = matchFilm(arc, films).ranking[0].film.title;
    const shown = await page.textContent('#recap-film-title');
    assert.ok(shown === want || shown.startsWith(`${want} (`), `film shown ${shown}, expected ${want}`);
    const why = await texts(page, '#recap-film .recap-why li');
    assert.equal(why.length, 4);
    assert.match(why[0], /^Your brightest (month was \w+ 2024|months were [A-Za-z ,]+ 2024 \(within 0\.01 of each other\)); /);
    assert.match(why[3], new RegExp(`the closest shape of the ${films.length.toLocaleString('en')} films compared\\.$`));
    for (const line of why) assert.doesNotMatch(line, /NaN|undefined|distance/);
    await shoot(page, { selector: '#dash-recap', file: 'recap-year' });

    // the card: a PNG of the card's size
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#share-recap')]);
    assert.equal(dl.suggestedFilename(), 'moodspace-recap-2024.png');
    const png = fs.readFileSync(await dl.path());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1080, 1350]);
    if (SHOTS) fs.writeFileSync(path.join(SHOTS, 'recap-card-2024.png'), png);

    // a month: its four weeks, its own top items
    await page.selectOption('#recap-period', '2024-06');
    await page.waitForFunction(() => document.getElementById('recap-title').textContent === 'Your June 2024');
    assert.match(await page.textContent('#recap-facts'), /^24 minutes listened .* 7 plays · 2 different songs by 1 artist · on 7 days$/);
    assert.deepEqual(await texts(page, '#recap-songs li .recap-name'), ['Sunlit Static — The Copper Kites', 'Golden Run — The Copper Kites']);
    assert.deepEqual(await texts(page, '#recap-moods tbody th'), ['1–7', '8–14']);
    assert.match(await page.textContent('#recap-film'), /a film needs at least 3 weeks whose songs have a predicted mood, and June 2024 has 2/);
    await shoot(page, { selector: '#dash-recap', file: 'recap-month' });
    // the picked period stays picked when the view is drawn again
    const before = await page.getAttribute('#taste-mount', 'data-rendered');
    await page.evaluate(() => globalThis.moodspace.library.setExtra('redrawn', 1));
    await page.waitForFunction((b) => document.getElementById('taste-mount').dataset.rendered !== b, before, { timeout: 20000 });
    assert.equal(await page.inputValue('#recap-period'), '2024-06');
    assert.equal(await page.textContent('#recap-title'), 'Your June 2024');
    assert.deepEqual(page.blocked, []);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('range switcher shows the selected range; the skip rate names its basis', { skip, timeout: 120000 }, async () => {
  const page = await newPage(browser, env, { context: { timezoneId: 'UTC', viewport: { width: 1280, height: 900 } } });
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await importFile(page, fixtureZip());
    await page.click('#tab-taste');
    await page.waitForSelector('.range-switch button');
    const state = () => page.$$eval('.range-switch button', (bs) => bs.map((b) => ({ r: b.dataset.range, pressed: b.getAttribute('aria-pressed'),
      bg: getComputedStyle(b).backgroundColor, weight: getComputedStyle(b).fontWeight, mark: getComputedStyle(b, '::before').content })));
    const check = (list, r) => {
      const on = list.find((b) => b.r === r); const off = list.filter((b) => b.r !== r);
      assert.equal(on.pressed, 'true');
      for (const b of off) { assert.equal(b.pressed, 'false'); assert.notEqual(b.bg, on.bg); assert.notEqual(b.mark, on.mark); }
      assert.equal(on.weight, '700');
      assert.match(on.mark, /✓/);
    };
    check(await state(), 'medium_term');
    await page.click('.range-switch button[data-range="long_term"]');
    check(await state(), 'long_term');
    assert.equal(await page.isVisible('.dash-range[data-range="long_term"]'), true);
    assert.equal(await page.isVisible('.dash-range[data-range="medium_term"]'), false);
    // the choice stays when the view is drawn again (lyrics arriving redraw it)
    const before = await page.getAttribute('#taste-mount', 'data-rendered');
    await page.evaluate(() => globalThis.moodspace.library.setExtra('redrawn', 1));
    await page.waitForFunction((b) => document.getElementById('taste-mount').dataset.rendered !== b, before, { timeout: 20000 });
    await page.waitForTimeout(1500);   // (lyrics may still redraw it: let the view settle before reading styles)
    await page.waitForFunction(() => !document.getElementById('taste-mount').closest('[hidden]') && document.querySelector('.range-switch button[aria-pressed="true"]'));
    check(await state(), 'long_term');
    assert.equal(await page.isVisible('.dash-range[data-range="long_term"]'), true);
    await shoot(page, { selector: '#dash-top', file: 'range-switch' });
    // the fixture's plays all carry Spotify's flag: the basis says so, with the count
    const facts = await page.textContent('#dash-history .dash-facts');
    assert.match(facts, /Skip rate0% \(0 of 75 plays; from Spotify's "skipped" flag for 75 extended-history plays\)/);
  } finally { await page.closeAll(); }
});

test('the demo Taste view: a top-artists list and a verdict line naming its songs', { skip, timeout: 120000 }, async () => {
  const page = await newPage(browser, env, { context: { viewport: { width: 1280, height: 900 } } });
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#tab-music');
    await page.click('#demo-start');
    await page.click('#tab-taste');
    await page.waitForSelector('#demo-top-artists li', { timeout: 60000 });
    const demo = JSON.parse(fs.readFileSync(path.join(DIST, 'demo.json'), 'utf8')).songs;
    const artists = await texts(page, '#demo-top-artists li strong');
    assert.equal(artists.length, 10);
    // ranked by distance to the demo's mean valence/energy, as the list says
    const mv = demo.reduce((a, s) => a + s.metrics.valence, 0) / demo.length; const me = demo.reduce((a, s) => a + s.metrics.energy, 0) / demo.length;
    const dist = (a) => { const s = demo.find((x) => x.artist === a); return Math.hypot(s.metrics.valence - mv, s.metrics.energy - me); };
    for (let i = 1; i < artists.length; i++) assert.ok(dist(artists[i - 1]) <= dist(artists[i]) + 1e-9, `${artists[i - 1]} before ${artists[i]}`);
    assert.notDeepEqual(artists, demo.slice(0, 10).map((s) => s.artist));
    const line = await page.textContent('.dash-verdict-line');
    assert.match(line, new RegExp(`^The demo's ${demo.length} songs are `));
    const brightest = demo.reduce((b, s) => (s.metrics.valence > b.metrics.valence ? s : b));
    assert.ok(line.includes(`the brightest “${brightest.title}” by ${brightest.artist}`), line);
    assert.ok(line.includes(`the one closest to that average is “${demo.find((s) => s.artist === artists[0]).title}” by ${artists[0]}`), line);
    await shoot(page, { selector: '#dash-demo-artists', file: 'demo-artists' });
    await shoot(page, { selector: '#dash-verdict', file: 'demo-verdict' });
  } finally { await page.closeAll(); }
});
