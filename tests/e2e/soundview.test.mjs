// The Soundtrack view's control and plain words in Chromium (the demo
// library, a pasted script and the catalog; no network): "Another song"
// lists the next best fits with reasons and swaps one in, a song is locked
// and the rest rebuilt around it, and both survive a reload; the arc chart
// on a phone keeps its plot (a short legend, an axis title that fits) and
// plots no flat metric; Quick match names its pool honestly.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { distMissing, engineMissing, newPage, SHORT_SCRIPT, soundtrackFor, needDist, demoSession } from './helpers.mjs';

const skip = distMissing() || false;
const noDemo = needDist('demo.json');
const noFilms = needDist('demo.json', 'catalog.json');
const SHOTS = process.env.SOUNDVIEW_SHOTS || '';   // a folder: screenshots are written there too
const demo = demoSession(test);   // the demo and the catalog only

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const shot = async (page, name) => { if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage: true }); };

async function openDemo(page) {
  await page.goto(demo.env.appUrl);
  await page.waitForSelector('html[data-app="ready"]');
  await page.click('#demo-start');
  await page.waitForSelector('#taste-mount[data-rendered]');
}
const titles = (page) => page.$$eval('#full-list > li .title', (ps) => ps.map((p) => p.textContent));
const locks = (page) => page.$$eval('#full-list > li button.lock', (bs) => bs.map((b) => b.getAttribute('aria-pressed') === 'true'));
const status = (page) => page.textContent('#match-status');
async function waitStatus(page, re) {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('match-status').textContent), re.source, { timeout: 60000 });
}

test('swap and lock: another song with reasons, a lock kept while the rest is rebuilt, both after a reload', { skip: noFilms }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await openDemo(page);
    await soundtrackFor(page, 'pulp fiction', 5);
    await waitStatus(page, /^Full soundtrack: 5 segments, 5 different songs\.$/);
    const first = await titles(page);
    assert.equal(new Set(first).size, 5);
    assert.deepEqual(await locks(page), [false, false, false, false, false]);
    assert.equal(await page.isVisible('#rebuild-soundtrack'), false, 'nothing locked: no rebuild button');

    // "Another song" on segment 2: three next best fits, none already in the soundtrack, each with plain reasons
    await page.click('#full-list > li:nth-child(2) button.another');
    await page.waitForSelector('#alternatives-1 li');
    const alts = await page.$$eval('#alternatives-1 li', (lis) => lis.map((li) => ({ song: li.querySelector('.alt-song strong').textContent, why: li.querySelector('.alt-why').textContent })));
    assert.equal(alts.length, 3);
    for (const a of alts) {
      assert.ok(!first.includes(a.song), `${a.song} is not already in the soundtrack`);
      assert.match(a.why, /^(Both|No mood|The song)/);
      assert.doesNotMatch(a.why, /%ile|distance|\d\.\d|tempo|liveness/);
    }
    assert.equal(await page.getAttribute('#full-list > li:nth-child(2) button.another', 'aria-expanded'), 'true');
    await shot(page, 'desktop-another-song.png');

    // use the second one: it takes segment 2, locked; every other song stays
    await page.click('#alternatives-1 li:nth-child(2) button.use');
    await waitStatus(page, /^Segment 2 now plays/);
    const swapped = await titles(page);
    assert.equal(swapped[1], alts[1].song);
    assert.deepEqual(swapped.filter((_, i) => i !== 1), first.filter((_, i) => i !== 1));
    assert.deepEqual(await locks(page), [false, true, false, false, false]);
    assert.equal(await page.isVisible('#rebuild-soundtrack'), true);

    // lock segment 4 too, then rebuild: 2 and 4 stay, the rest are re-chosen, no duplicates
    await page.click('#full-list > li:nth-child(4) button.lock');
    assert.deepEqual(await locks(page), [false, true, false, true, false]);
    assert.match(await page.textContent('#rebuild-note'), /^2 songs locked/);
    await page.click('#rebuild-soundtrack');
    await waitStatus(page, /^Full soundtrack: 5 segments, 5 different songs\.$/);
    const rebuilt = await titles(page);
    assert.equal(rebuilt[1], swapped[1]);
    assert.equal(rebuilt[3], swapped[3]);
    assert.equal(new Set(rebuilt).size, 5, 'no duplicates');
    assert.deepEqual(await locks(page), [false, true, false, true, false]);
    await shot(page, 'desktop-locked.png');

    // a reload brings the same soundtrack back, locks included, and "Another song" still works
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#tab-soundtrack');
    await page.waitForFunction(() => document.querySelectorAll('#full-list > li').length === 5, null, { timeout: 60000 });
    assert.deepEqual(await titles(page), rebuilt);
    assert.deepEqual(await locks(page), [false, true, false, true, false]);
    const recent = await page.$$eval('#recent-soundtracks li', (lis) => lis.length);
    assert.equal(recent, 1, 'the edited soundtrack replaced the one it came from');
    await page.click('#full-list > li:nth-child(3) button.another');
    await page.waitForSelector('#alternatives-2 li', { timeout: 60000 });
    assert.deepEqual(await titles(page), rebuilt, 'looking at alternatives changes no song');
    const again = await page.$$eval('#alternatives-2 li .alt-song strong', (s) => s.map((x) => x.textContent));
    assert.ok(again.length > 0 && again.every((t) => !rebuilt.includes(t)));
    // unlock one and rebuild: the lock is gone after the next reload too
    await page.click('#full-list > li:nth-child(2) button.lock');
    await page.waitForTimeout(300);
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#tab-soundtrack');
    await page.waitForFunction(() => document.querySelectorAll('#full-list > li').length === 5, null, { timeout: 60000 });
    assert.deepEqual(await locks(page), [false, false, false, true, false]);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('a pasted script is one engine call: the film and its arc come back together', { skip: skip || engineMissing() || false }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    // every request the page posts to the engine's Worker, by name
    await page.addInitScript(() => {
      globalThis.__engineCalls = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (msg, ...rest) { if (msg && msg.method) globalThis.__engineCalls.push(msg.method); return post.call(this, msg, ...rest); };
    });
    await page.goto(demo.env.appUrl);
    await page.waitForSelector('html[data-engine="ready"]');
    await page.click('#tab-soundtrack');
    await page.fill('#script-text', SHORT_SCRIPT);
    await page.waitForTimeout(300);   // (anything the tab itself asks for is asked by now)
    const before = await page.evaluate(() => globalThis.__engineCalls.length);
    await page.click('#script-go');
    await page.waitForFunction(() => document.querySelectorAll('#arc-table tbody tr').length === 3, null, { timeout: 30000 });
    await page.waitForTimeout(300);
    const calls = await page.evaluate((n) => globalThis.__engineCalls.slice(n), before);
    assert.deepEqual(calls, ['readScript'], 'the script read and its arc drawn from one call');
    assert.match(await page.textContent('#film-meta'), /^3 scenes/);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('"Why this song?" speaks plain words; the arc chart and its table leave out the flat metrics', { skip: noDemo }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await openDemo(page);
    await page.click('#tab-soundtrack');
    await page.fill('#script-text', SHORT_SCRIPT);
    await page.click('#script-go');
    await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
    assert.doesNotMatch(await page.textContent('#film-meta'), /tempo|liveness/);
    await page.fill('#segments', '3');
    await page.press('#segments', 'Tab');
    await page.click('#full-soundtrack');
    await waitStatus(page, /^Full soundtrack: /);
    await page.click('#full-list > li:first-child details.why summary');
    await page.waitForFunction(() => !/…/.test(document.querySelector('#full-list > li:first-child details.why').textContent), null, { timeout: 30000 });
    const why = await page.textContent('#full-list > li:first-child details.why');
    assert.doesNotMatch(why, /%ile|distance|\d\.\d{2}|tempo|liveness/i);
    assert.match(await page.textContent('#full-list > li:first-child .why-words'), /^(Both|No mood|The song)/);
    const sceneWords = await page.textContent('#full-list > li:first-child details.why .words:last-of-type');
    assert.match(sceneWords, /^Scene words: /);
    for (const w of ['the', 'and', 'a', 'in']) assert.doesNotMatch(sceneWords, new RegExp(`“${w}”`, 'i'), `stop word ${w}`);
    const head = await page.$$eval('#arc-table thead th', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(head, ['Segment', 'Scenes', 'energy', 'valence', 'danceability', 'acousticness', 'Song']);
    const sets = await page.evaluate(() => globalThis.moodspace.soundtrack.chart().data.datasets.map((d) => d.label));
    assert.ok(sets.every((l) => !/tempo|liveness/.test(l)), sets.join(', '));
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('the arc chart on a phone: a short legend, an axis title that fits, steps on the curves\' scale', { skip: noFilms }, async () => {
  const page = await newPage(demo.browser, demo.env, { context: PHONE });
  try {
    await openDemo(page);
    await soundtrackFor(page, 'pulp fiction', 4);
    await waitStatus(page, /^Full soundtrack: /);
    await page.waitForFunction(() => globalThis.moodspace.soundtrack.chart()?.data.datasets.some((d) => /chosen songs/.test(d.label)));
    const m = await page.evaluate(() => {
      const c = globalThis.moodspace.soundtrack.chart();
      const y = c.scales.y; const t = c.options.scales.y.title;
      c.ctx.save(); c.ctx.font = `${t.font?.size || 12}px sans-serif`; const titleWidth = c.ctx.measureText(t.text).width; c.ctx.restore();
      const seg = c.data.datasets.find((d) => d.label === 'energy, segment mean');
      const scenes = c.data.datasets.find((d) => d.label === 'energy, each scene');
      return { width: c.width, height: c.height, legend: { h: c.legend.height, w: c.legend.width, items: c.legend.legendItems.map((i) => i.text) },
        area: { top: c.chartArea.top, bottom: c.chartArea.bottom, left: c.chartArea.left, right: c.chartArea.right },
        yTitle: t.text, titleWidth, yLeft: y.left, seg: seg.data, scenes: scenes.data.map((p) => p.y) };
    });
    assert.ok(m.width <= 390, `chart width ${m.width}`);
    assert.deepEqual(m.legend.items, ['energy', 'valence', 'danceability', 'acousticness'], 'the legend names the metrics only');
    assert.ok(m.legend.h <= 0.2 * m.height, `legend ${m.legend.h}px of ${m.height}px`);
    assert.ok(m.area.bottom - m.area.top >= 0.55 * m.height, `plot ${m.area.bottom - m.area.top}px of ${m.height}px`);
    assert.ok(m.titleWidth <= m.area.bottom - m.area.top, `axis title "${m.yTitle}" (${Math.round(m.titleWidth)}px) fits the axis (${m.area.bottom - m.area.top}px)`);
    assert.ok(m.yLeft >= 0 && m.area.right <= m.width);
    // each step is the mean of its scenes' points, so it lies within them
    const lo = Math.min(...m.scenes); const hi = Math.max(...m.scenes);
    assert.ok(m.seg.every((v) => v >= lo - 1e-9 && v <= hi + 1e-9), 'segment steps within the range of the scene points');
    await page.locator('#arc-chart').scrollIntoViewIfNeeded();
    await shot(page, 'phone-full-soundtrack.png');
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('Quick match names its draw honestly (the demo\'s own wording) and lists 3 songs', { skip: noFilms }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await openDemo(page);
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'pulp fiction');
    await page.waitForSelector('#film-results button');
    await page.click('#film-results li:first-child button');
    await page.click('#quick-match');
    await waitStatus(page, /^Quick match: the 3 songs/);
    const pool = await page.textContent('#quick-pool');
    const [, n, of, a, b] = /^(\d+) songs drawn from the demo library's first (\d+) songs \(numbers (\d+)–(\d+)\)\.$/.exec(pool) || [];
    assert.ok(n, pool);
    assert.equal(Number(n), 20);
    assert.equal(Number(of), 70);
    assert.equal(Number(b) - Number(a) + 1, 20);
    assert.ok(Number(a) >= 1 && Number(b) <= 70);
    assert.equal(await page.locator('#quick-list > li').count(), 3);
    assert.equal(await page.locator('#quick-list button.lock').count(), 0, 'no locks in a quick match');
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

// In the page before any script: the engine Worker's answers to 'catalogFilm' are held back
// until globalThis.__release() (a slow or busy machine, without a timing).
function holdCatalogFilm() {
  const W = globalThis.Worker; const asked = new Set(); const held = [];
  globalThis.__held = held;
  globalThis.Worker = class extends W {
    constructor(...args) {
      super(...args);
      const post = this.postMessage.bind(this);
      this.postMessage = (msg, ...rest) => { if (msg?.method === 'catalogFilm') asked.add(msg.id); return post(msg, ...rest); };
      this.addEventListener('message', (ev) => {   // before the client's onmessage (set after this)
        if (ev.released || !asked.has(ev.data?.id)) return;
        ev.stopImmediatePropagation();
        held.push({ worker: this, data: ev.data });
      });
    }
  };
  globalThis.__release = () => {
    for (const { worker, data } of held.splice(0)) { const ev = new MessageEvent('message', { data }); ev.released = true; worker.dispatchEvent(ev); }
  };
}

test('a catalog film being opened says so in the search\'s status line (a live region) until its scenes are here', { skip: noFilms }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await page.context().addInitScript(holdCatalogFilm);
    await openDemo(page);
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'pulp fiction');
    const first = page.locator('#film-results li:first-child button');
    await first.waitFor();
    const label = await first.textContent();
    await first.click();
    await page.waitForFunction(() => globalThis.__held.length > 0);
    assert.equal(await page.textContent('#catalog-status'), `Opening ${label}…`);
    assert.equal(await page.getAttribute('#catalog-status', 'role'), 'status');
    assert.equal(await page.isVisible('#film-panel'), false, 'no film shown before its scenes are here');
    await shot(page, 'film-opening.png');
    await page.evaluate(() => globalThis.__release());
    await page.waitForSelector('#film-panel', { state: 'visible' });
    assert.match(await page.textContent('#film-title'), /^Pulp Fiction/);
    assert.match(await page.textContent('#catalog-status'), /^\d+ of \d+ films match/, 'the search\'s own words are back');
    await page.waitForFunction(() => document.querySelectorAll('#arc-table tbody tr').length > 0);
    await shot(page, 'film-opened.png');
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});
