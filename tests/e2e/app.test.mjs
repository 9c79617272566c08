// The main path in Chromium against the fakes: sign in → top tracks (3
// ranges, paged) → lyrics from LRCLIB (progress, counts, ≤ 4 at once) → the
// engine predicts moods → Quick match shows 3 songs with Spotify embeds and
// draws again → Full soundtrack for a catalog film, distinct songs on the arc
// chart → a Fountain script opened from a file. Also the tabs by keyboard and
// the Content-Security-Policy.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { normalizeCatalog } from '../../web/film/film.js';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, signIn, lrclibSongsFor, SAMPLE_FOUNTAIN, DIST, makePdf } from './helpers.mjs';

const skip = distMissing() || false;
const skipEngine = skip || engineMissing() || false;
let browser; let env;

// Films we make up, in the catalog's shape, for when weights/catalog.json is not built.
const FIXTURE_CATALOG = {
  metrics: ['energy', 'valence', 'tempo', 'liveness'],
  films: [
    { title: 'The Quiet Orchard', year: 1987, scenes: Array.from({ length: 24 }, (_, i) => ({ heading: `EXT. ORCHARD ${i}`, metrics: { energy: 0.3 + 0.02 * i, valence: 0.7 - 0.02 * i, tempo: 100 + i, liveness: 0.15 } })) },
    { title: 'Neon Harbour Nights', year: 2011, scenes: Array.from({ length: 30 }, (_, i) => ({ heading: `INT. CLUB ${i}`, metrics: { energy: 0.8 - 0.01 * i, valence: 0.5, tempo: 125, liveness: 0.2 } })) },
  ],
};
const realCatalog = fs.existsSync(path.join(DIST, 'catalog.json'));

async function useCatalog(page) {
  if (realCatalog) return;
  await page.route('**/catalog.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(FIXTURE_CATALOG) }));
}
async function firstCatalogTitle() {
  const cat = realCatalog ? JSON.parse(fs.readFileSync(path.join(DIST, 'catalog.json'), 'utf8')) : FIXTURE_CATALOG;
  const films = normalizeCatalog(cat);
  return (films.find((x) => x.scenes.length >= 10) || films[0]).title;
}

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ lrclib: { delayMs: 10 } });
  env.lrclib.setSongs(lrclibSongsFor(env.spotify.tracks));
});
test.after(async () => { await env?.stop(); await browser?.close(); });

test('sign in → top tracks → lyrics → quick match with embeds → full soundtrack for a catalog film', { skip: skipEngine }, async () => {
  const page = await newPage(browser, env);
  try {
    await useCatalog(page);
    await signIn(page, env);
    // top tracks and artists: 3 ranges, limit <= 50, about 100 each; recently played
    await page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    const api = env.spotify.apiRequests();
    for (const kind of ['tracks', 'artists']) for (const range of ['short_term', 'medium_term', 'long_term']) {
      const reqs = api.filter((r) => r.path === `/v1/me/top/${kind}` && (r.query.time_range === range));
      assert.ok(reqs.length >= (kind === 'tracks' ? 2 : 1), `${kind}/${range} paged`);
      assert.ok(reqs.every((r) => Number(r.query.limit) <= 50));
    }
    assert.ok(api.some((r) => r.path === '/v1/me/player/recently-played'));
    assert.ok(!api.some((r) => /audio-features|recommendations/.test(r.path)));
    // 120 distinct songs; lyric counts shown, instrumental and missing ones included
    const rows = await page.locator('#song-table tbody tr').count();
    assert.equal(rows, 120);
    const counts = await page.textContent('#lyrics-counts');
    assert.match(counts, /120 of 120: \d+ with lyrics, [1-9]\d* instrumental, [1-9]\d* without lyrics on LRCLIB, 0 failed/);
    assert.equal(await page.getAttribute('#lyrics-bar', 'value'), '120');
    assert.ok(env.lrclib.maxInFlight <= 4, `≤ 4 lyric requests at once (saw ${env.lrclib.maxInFlight})`);
    assert.ok(env.lrclib.requests.every((r) => /^MoodSpace\//.test(r.client)));
    await page.waitForFunction(() => /[1-9]\d* with a predicted mood/.test(document.getElementById('library-summary').textContent));

    // soundtrack tab: search the catalog
    await page.click('#tab-soundtrack');
    const title = await firstCatalogTitle();
    await page.fill('#film-search', title.slice(0, Math.min(8, title.length)));
    await page.locator('#film-results button', { hasText: title }).first().click();
    // a catalog film is read in full from the engine's Worker once clicked: its title follows
    await page.waitForFunction((t) => document.getElementById('film-title').textContent.includes(t), title);
    await page.waitForFunction(() => document.querySelectorAll('#arc-table tbody tr').length > 0);

    // quick match: 3 songs with embeds
    await page.click('#quick-match');
    await page.waitForFunction(() => document.querySelectorAll('#quick-list > li').length === 3, null, { timeout: 30000 });
    await page.waitForFunction(() => document.querySelectorAll('#quick-list iframe').length === 3);   // made after the cards' first paint (player.js)
    const srcs = await page.$$eval('#quick-list iframe', (fs) => fs.map((f) => f.src));
    assert.equal(srcs.length, 3);
    for (const s of srcs) assert.match(s, new RegExp(`^${env.spotify.embedBase}/track/[A-Za-z0-9]{22}$`));
    assert.match(await page.textContent('#quick-pool'), /^20 songs drawn from your 70 most played \(numbers \d+–\d+\)\.$/);
    const first = await page.$$eval('#quick-list .title', (e) => e.map((x) => x.textContent));
    // the explanation: metric table and words
    await page.locator('#quick-list details.why summary').first().click();
    await page.waitForFunction(() => !/…/.test(document.querySelector('#quick-list details.why .words').textContent), null, { timeout: 30000 });
    assert.ok(await page.locator('#quick-list details.why table tbody tr').first().isVisible());
    assert.match(await page.textContent('#quick-list details.why .words'), /Lyric words: .+/);
    // draw again draws a new pool (random offset ≤ 50 over ~100 ranked songs)
    const pools = new Set([await page.textContent('#quick-pool')]);
    for (let i = 0; i < 6 && pools.size < 2; i++) {
      const before = await page.textContent('#match-status');
      await page.evaluate(() => { document.getElementById('match-status').textContent = ''; });
      await page.click('#draw-again');
      await page.waitForFunction(() => /^Quick match: the 3 songs/.test(document.getElementById('match-status').textContent));
      assert.ok(before);
      pools.add(await page.textContent('#quick-pool'));
    }
    assert.ok(pools.size >= 2, 'Draw again draws another pool');
    for (const p of pools) {   // 20 consecutive top tracks, never past the top 70
      const [, a, b] = /^20 songs drawn from your 70 most played \(numbers (\d+)–(\d+)\)\.$/.exec(p);
      assert.equal(Number(b) - Number(a) + 1, 20);
      assert.ok(Number(a) >= 1 && Number(b) <= 70, p);
    }
    assert.ok(first.length === 3);

    // full soundtrack: N distinct songs on the arc chart
    await page.fill('#segments', '5');
    await page.click('#full-soundtrack');
    await page.waitForFunction(() => document.querySelectorAll('#full-list > li').length === 5, null, { timeout: 30000 });
    await page.waitForFunction(() => document.querySelectorAll('#full-list iframe').length === 5);
    const titles = await page.$$eval('#full-list iframe', (fs) => fs.map((f) => f.src));
    assert.equal(new Set(titles).size, 5, 'one distinct song per segment');
    assert.equal(await page.locator('#arc-table tbody tr').count(), 5);
    assert.match(await page.textContent('#match-status'), /5 segments, 5 different songs/);
    assert.equal(await page.locator('#arc-chart').count(), 1);
    assert.deepEqual(page.blocked, []);
    assert.deepEqual(page.errors.filter((e) => !/favicon/.test(e)), []);
  } finally { await page.closeAll(); }
});

test('a Fountain script opened from a file becomes scenes, an arc and a soundtrack', { skip: skipEngine }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => /Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    await page.click('#tab-soundtrack');
    await page.setInputFiles('#script-file', { name: 'picnic.fountain', mimeType: 'text/plain', buffer: Buffer.from(SAMPLE_FOUNTAIN) });
    await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
    assert.equal(await page.textContent('#film-title'), "The Lighthouse Keeper's Picnic");
    assert.match(await page.textContent('#film-meta'), /^4 scenes/);
    assert.match(await page.textContent('#script-status'), /Read 4 scenes \(fountain\)/);
    await page.fill('#segments', '3');
    await page.click('#full-soundtrack');
    await page.waitForFunction(() => document.querySelectorAll('#full-list > li').length === 3, null, { timeout: 30000 });
    assert.match(await page.textContent('#full-list > li:first-child .seg'), /^Segment 1 · scene 1 · INT. LIGHTHOUSE - NIGHT$/);
    // explanation shows scene words for a script
    await page.locator('#full-list details.why summary').first().click();
    await page.waitForFunction(() => document.querySelectorAll('#full-list > li:first-child details.why .words').length === 2 &&
      ![...document.querySelectorAll('#full-list > li:first-child details.why .words')].some((p) => /…/.test(p.textContent)), null, { timeout: 30000 });
    const words = await page.$$eval('#full-list > li:first-child details.why .words', (ps) => ps.map((p) => p.textContent));
    assert.match(words[0], /^Lyric words: (energy|valence): /);
    assert.match(words[1], /^Scene words: (energy|valence): /);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('a PDF screenplay is read with pdf.js, its layout rebuilt from x positions', { skip: skipEngine }, async () => {
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl + '#soundtrack');
    await page.waitForSelector('html[data-app="ready"]');
    const lines = (n) => [
      { text: `INT. BAKERY ${n} - MORNING`, col: 0, row: 0 },
      { text: 'Flour everywhere. PIA sings while the ovens roar.', col: 0, row: 2 },
      { text: 'PIA', col: 22, row: 4 }, { text: 'Best morning of the year!', col: 10, row: 5 },
      { text: `EXT. STREET ${n} - NIGHT`, col: 0, row: 7 }, { text: 'Empty and cold. A dog barks at nothing.', col: 0, row: 9 },
    ];
    await page.setInputFiles('#script-file', { name: 'bakery.pdf', mimeType: 'application/pdf', buffer: makePdf([lines(1), lines(2)]) });
    await page.waitForFunction(() => /Read \d+ scenes|could not|no text/.test(document.getElementById('script-status').textContent), null, { timeout: 60000 });
    assert.match(await page.textContent('#script-status'), /^Read 4 scenes \(plain\)/);
    assert.equal(await page.textContent('#film-title'), 'bakery');
    // the arc (and its table) is drawn after the engine's soundtrack call returns
    await page.waitForFunction(() => document.querySelectorAll('#arc-table tbody tr').length >= 2, null, { timeout: 30000 });
    const headings = await page.$$eval('#arc-table tbody tr', (rows) => rows.length);
    assert.ok(headings >= 2);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.blocked, []);
  } finally { await page.closeAll(); }
});

test('a Final Draft (.fdx) script and pasted subtitles are read locally', { skip: skipEngine }, async () => {
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl + '#soundtrack');
    await page.waitForSelector('html[data-app="ready"]');
    const fdx = `<?xml version="1.0" encoding="UTF-8"?><FinalDraft DocumentType="Script" Version="5"><Content>
<Paragraph Type="Scene Heading"><Text>INT. BAKERY - MORNING</Text></Paragraph>
<Paragraph Type="Action"><Text>Flour in the air. PIA hums while the ovens roar.</Text></Paragraph>
<Paragraph Type="Character"><Text>PIA</Text></Paragraph><Paragraph Type="Dialogue"><Text>Best morning of the year!</Text></Paragraph>
<Paragraph Type="Scene Heading"><Text>EXT. STREET - NIGHT</Text></Paragraph>
<Paragraph Type="Action"><Text>Empty and cold. A dog barks at nothing.</Text></Paragraph>
</Content></FinalDraft>`;
    await page.setInputFiles('#script-file', { name: 'bakery.fdx', mimeType: 'application/xml', buffer: Buffer.from(fdx) });
    await page.waitForFunction(() => /Read 2 scenes/.test(document.getElementById('script-status').textContent), null, { timeout: 30000 });
    assert.equal(await page.textContent('#film-title'), 'bakery');
    const srt = '1\n00:00:01,000 --> 00:00:03,000\nHello there.\n\n2\n00:00:04,000 --> 00:00:06,000\nIs anyone home?\n\n3\n00:01:30,000 --> 00:01:33,000\n[thunder]\nRun!\n';
    await page.fill('#script-text', srt);
    await page.click('#script-go');
    await page.waitForFunction(() => /Read 2 scenes \(srt\)/.test(document.getElementById('script-status').textContent), null, { timeout: 30000 });
    assert.match(await page.textContent('#film-meta'), /^2 scenes/);
    // with no music yet, matching says what to do
    await page.click('#quick-match');
    assert.match(await page.textContent('#match-status'), /bring your music first/);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('tabs work from the keyboard; the page has a strict CSP; inputs are labelled', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.focus('#tab-music');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-taste');
    assert.equal(await page.isVisible('#view-taste'), true);
    assert.equal(await page.isVisible('#view-music'), false);
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#tab-soundtrack', 'aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.isVisible('#view-music'), true);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /connect-src [^;]*https:\/\/api\.spotify\.com[^;]*https:\/\/lrclib\.net/);
    assert.match(csp, /frame-src https:\/\/open\.spotify\.com/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    const unlabeled = await page.$$eval('input:not([type=hidden]), textarea, select', (els) =>
      els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
    assert.deepEqual(unlabeled, []);
    // an inline script is refused by the CSP
    const ran = await page.evaluate(() => {
      window.__inline = false;   // an allowed inline script would run synchronously on append
      const s = document.createElement('script'); s.textContent = 'window.__inline = true'; document.body.append(s);
      return window.__inline;
    });
    assert.equal(ran, false);
  } finally { await page.closeAll(); }
});
