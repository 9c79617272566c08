// Finishing touches, in Chromium: a damaged export zip is one line with the
// focus on it; the segments field notes "3.5" like its other corrections;
// the film picker shows consistent titles and finds two-letter titles by
// word; segment labels carry no parse residue and no "scenes N–N".
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, DIST } from './helpers.mjs';
import { smallZip, basicRecords } from '../fake/history-export.mjs';

const skip = distMissing() || false;
const noCatalog = skip || (fs.existsSync(path.join(DIST, 'catalog.json')) ? false : 'dist/catalog.json is missing (run ./build.sh catalog)');
const noDemo = noCatalog || engineMissing() || (fs.existsSync(path.join(DIST, 'demo.json')) ? false : 'dist/demo.json is missing (run ./build.sh demo)');

let browser; let env;
test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ spotify: false, lrclib: false });
});
test.after(async () => { await env?.stop(); await browser?.close(); });

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-polish-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function ready(page) {
  await page.goto(env.appUrl);
  await page.waitForSelector('html[data-app="ready"]');
}

test('a damaged export zip: one line naming the zip, no path inside it, focus on the message', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    const zip = smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(1500), 'MyData/StreamingHistory_music_1.json': basicRecords(40, { seed: 9 }) });
    const bad = path.join(tmp, 'my_spotify_data.zip');
    fs.writeFileSync(bad, zip.slice(0, Math.floor(zip.length / 2)));
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await ready(page);
      await page.setInputFiles('#import-file', bad);
      await page.waitForSelector('.import-status.error');
      await page.waitForFunction(() => document.activeElement?.classList.contains('import-status'));
      assert.equal(await page.textContent('.import-status'), 'Nothing was imported; your library is unchanged.');
      const items = await page.$$eval('.import-errors li', (lis) => lis.map((li) => li.textContent));
      assert.equal(items.length, 1, `one line, got ${JSON.stringify(items)}`);
      assert.match(items[0], /^my_spotify_data\.zip: this zip archive is damaged or incomplete \(a download cut short\?\), so it could not be read\. Download the export again/);
      assert.doesNotMatch(items[0], /MyData|StreamingHistory|invalid zip/);
      // the focus is still there a moment later (nothing re-renders it away)
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'import-status error');
      assert.equal(await page.evaluate(() => globalThis.moodspace.library.state.source), null);
    }
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/i.test(e)), []);
  } finally { await page.closeAll(); }
});

/** The demo library, then the Soundtrack tab with the film whose title is `title` chosen. */
async function demoFilm(page, query, title) {
  await ready(page);
  await page.click('#demo-start');
  await page.waitForSelector('#taste-mount[data-rendered]');
  await page.click('#tab-soundtrack');
  await page.fill('#film-search', query);
  const button = page.locator('#film-results button', { hasText: title }).first();
  await button.waitFor();
  await button.click();
  await page.waitForSelector('#film-panel:not([hidden])');
}

test('the segments field says what it did with "3.5", as with its other corrections', { skip: noDemo }, async () => {
  const page = await newPage(browser, env);
  try {
    await demoFilm(page, 'godfather', 'The Godfather (1972)');
    for (const [typed, value, note] of [['3.5', '4', 'Whole numbers only: set to 4.'], ['1', '2', 'At least 2: set to 2.'], ['99', '24', 'At most 24: set to 24.'], ['7', '7', '']]) {
      await page.fill('#segments', typed);
      await page.press('#segments', 'Tab');
      await page.waitForFunction((v) => document.getElementById('segments').value === v, value);
      assert.equal(await page.textContent('#segments-note'), note, typed);
    }
  } finally { await page.closeAll(); }
});

test('the film picker: consistent titles, and two letters find words', { skip: noCatalog }, async () => {
  const page = await newPage(browser, env);
  try {
    await ready(page);
    await page.click('#tab-soundtrack');
    const results = async (q) => {
      await page.fill('#film-search', q);
      await page.waitForFunction(() => document.querySelector('#film-results li'));
      return page.$$eval('#film-results li', (lis) => lis.map((li) => li.textContent));
    };
    const godfather = await results('godfather');
    assert.deepEqual(godfather.slice(0, 3), ['The Godfather (1972)', 'The Godfather Part II (1974)', 'The Godfather Part III (1990)']);
    const frozen = await results('frozen');
    assert.deepEqual(frozen.filter((t) => /^Frozen \(/.test(t)).sort(), ['Frozen (2010)', 'Frozen (2013)'], 'two films called Frozen, told apart by year');
    assert.ok(!frozen.some((t) => /Disney|\(\d{4}\) \(\d{4}\)/.test(t)), JSON.stringify(frozen));
    assert.equal((await results('wall-e'))[0], 'WALL·E (2008)');
    assert.equal((await results('spiderman'))[0], 'Spider-Man (2002)');
    const up = await results('up');
    assert.equal(up[0], 'Up (2009)');
    for (const t of up) assert.ok(/(^|[\s-])up\b/i.test(t.replace(/ \(\d{4}\)$/, '')), `"${t}" has the word "up"`);
    assert.ok(!up.some((t) => /super|cup/i.test(t)), JSON.stringify(up));
    // no title keeps a file name's "X, The" or a draft note
    const all = JSON.parse(fs.readFileSync(path.join(DIST, 'catalog.json'), 'utf8')).films.map((f) => f.title);
    assert.deepEqual(all.filter((t) => /, (The|A|An)$|\((Disney|final|draft)/i.test(t)), []);
    assert.equal(new Set(all.map((t) => t.toLowerCase())).size, all.length, 'no title twice');
  } finally { await page.closeAll(); }
});

test('segment labels: no scene numbers, INT/EXT or stray punctuation, "scene N" for one scene', { skip: noDemo }, async () => {
  const page = await newPage(browser, env);
  try {
    const catalog = JSON.parse(fs.readFileSync(path.join(DIST, 'catalog.json'), 'utf8'));
    const residue = /(^|[\s./-])(INT|EXT)\b|^[^\p{L}\p{N}"(]|^SCENE \d|scenes (\d+)–\2\b|· Scene \d+$/u;
    // the catalog's locations themselves
    const bad = catalog.films.flatMap((f) => f.locs.filter((l) => /(^|[\s./(-])(INT|EXT)([\s./)]|$)|^[^\p{L}\p{N}"(]|^(SCENE|SEQ\.?) \d/u.test(l)).map((l) => `${f.id}: ${l}`));
    assert.ok(bad.length <= 5, `at most a few typos left (got ${bad.length}: ${bad.slice(0, 10).join(' | ')})`);
    // a short film cut into as many segments as it has scenes: one scene each
    const short = catalog.films.filter((f) => f.n >= 10 && f.n <= 14).sort((a, b) => a.n - b.n || a.id.localeCompare(b.id))[0];
    await demoFilm(page, short.title, short.title);
    await page.fill('#segments', String(short.n));
    await page.press('#segments', 'Tab');
    await page.click('#full-soundtrack');
    await page.waitForSelector('#full-list li .seg');
    const labels = await page.$$eval('#full-list > li .seg', (ps) => ps.map((p) => p.textContent));
    assert.ok(labels.length >= 2);
    for (const l of labels) {
      assert.match(l, /^Segment \d+ · (scene \d+|scenes \d+–\d+)( · .+)?$/, l);
      assert.doesNotMatch(l, residue, l);
      const m = /scenes (\d+)–(\d+)/.exec(l);
      if (m) assert.ok(Number(m[2]) > Number(m[1]), l);
    }
    assert.ok(labels.some((l) => / · scene \d+( ·|$)/.test(l)), `a one-scene segment says "scene N": ${JSON.stringify(labels)}`);
    // the arc table's scene column too
    const spans = await page.$$eval('#arc-table tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
    for (const s of spans) assert.match(s, /^\d+$|^(\d+)–(?!\1$)\d+$/, s);
  } finally { await page.closeAll(); }
});
