// What the first view does not need waits for it (Chromium, the demo library,
// no network): the Taste view's charts are drawn once their figures are on the
// page (a chart made before would be drawn again, all of them in one long task,
// when the sections arrive), and the full soundtrack's songs show before their
// Spotify embeds are made, in boxes of the embeds' size. No time is asserted
// (tests/bench/page.mjs times the page).
import test from 'node:test';
import assert from 'node:assert/strict';
import { newPage, soundtrackFor, needDist, demoSession } from './helpers.mjs';

const demo = demoSession(test);   // the demo and the catalog only

// In the page before any script: where each dashboard chart's canvas was when Chart.js took its context.
function chartProbe() {
  globalThis.__charts = [];
  const get = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (...a) {
    if (this.parentElement?.classList.contains('dash-canvas')) globalThis.__charts.push({ connected: this.isConnected, hidden: !!this.closest('[hidden]') });
    return get.apply(this, a);
  };
}

test('the Taste view\'s charts are drawn once their figures are on the page and shown', { skip: needDist('demo.json') }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await page.addInitScript(chartProbe);
    await page.goto(demo.env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]', { timeout: 60000 });
    const charts = await page.evaluate(() => globalThis.__charts);
    const canvases = await page.locator('#taste-mount .dash-canvas canvas').count();
    assert.ok(canvases >= 2, `the demo's Taste view has charts (${canvases})`);
    assert.equal(charts.length, canvases, 'each chart drawn once');
    assert.deepEqual(charts.filter((c) => !c.connected || c.hidden), [], 'no chart drawn off the page or in a hidden tab');
  } finally { await page.closeAll(); }
});

test('the full soundtrack\'s songs show first, their Spotify embeds after, in boxes of the same size', { skip: needDist('demo.json', 'catalog.json') }, async () => {
  const page = await newPage(demo.browser, demo.env);
  try {
    await page.goto(demo.env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]', { timeout: 60000 });
    // the players as the songs are put on the page (before any frame is drawn), then once settled
    await page.evaluate(() => {
      const players = () => [...document.querySelectorAll('#full-list .player')].map((p) => ({ kind: p.firstElementChild?.tagName.toLowerCase(), height: p.getBoundingClientRect().height }));
      globalThis.__players = new Promise((resolve) => new MutationObserver((_, o) => {
        if (!document.querySelector('#full-list li')) return;
        o.disconnect();
        const cards = () => [...document.querySelectorAll('#full-list > li')].map((li) => li.getBoundingClientRect().height);
        resolve({ first: players(), cards: cards(), later: () => ({ players: players(), cards: cards() }) });
      }).observe(document.getElementById('full-list'), { childList: true }));
    });
    await soundtrackFor(page, 'pulp fiction', 4);
    const first = await page.evaluate(() => globalThis.__players.then((p) => ({ first: p.first, cards: p.cards })));
    assert.equal(first.first.length, 4);
    assert.deepEqual(first.first.map((p) => p.kind), ['div', 'div', 'div', 'div'], 'no embed made with the songs');
    await page.waitForFunction(() => document.querySelectorAll('#full-list .player iframe').length === 4);
    const later = await page.evaluate(() => globalThis.__players.then((p) => p.later()));
    assert.deepEqual(later.players.map((p) => p.kind), ['iframe', 'iframe', 'iframe', 'iframe']);
    assert.deepEqual(later.players.map((p) => p.height), first.first.map((p) => p.height), 'each embed has the size of the box it replaced');
    assert.deepEqual(later.cards, first.cards, 'no card moved or grew');
  } finally { await page.closeAll(); }
});
