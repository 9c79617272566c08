// A page that does not jump: the layout shift (PerformanceObserver
// 'layout-shift', entries without recent input, summed) on the first visit
// (with the service worker, whose "ready to work offline" arrives late) and
// while the demo's Taste view fills in, then on the Soundtrack view (a film
// found, its arc drawn, a full soundtrack built and listed under "Recent
// soundtracks"), at desktop and phone widths. A value measure only: no
// timing is asserted (tests/bench/page.mjs times the page).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, launchBrowser, newPage, distMissing, engineMissing } from './helpers.mjs';

const skip = distMissing() || engineMissing() || false;
let browser, env;
before(async () => { if (skip) return; browser = await launchBrowser(); env = await startEnv({ spotify: false, lrclib: false }); });
after(async () => { await browser?.close(); await env?.stop(); });

function probe() {
  const w = globalThis;
  w.__shift = { phase: 'first', first: 0, taste: 0, soundtrack: 0, entries: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      w.__shift[w.__shift.phase] += e.value;
      w.__shift.entries.push(`${w.__shift.phase} ${e.value.toFixed(4)} ${(e.sources || []).map((s) => s.node?.id || s.node?.className || s.node?.nodeName).join(',')}`);
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  test(`${name}: the first visit, the demo's Taste view and the Soundtrack view move less than 0.05 (CLS)`, { skip }, async (t) => {
    const page = await newPage(browser, env, { context: { viewport, serviceWorkers: 'allow' } });
    try {
      await page.context().addInitScript(probe);
      await page.goto(env.appUrl);
      await page.waitForSelector('html[data-app="ready"]');
      // the late arrivals of a first visit: the service worker's notice, the drawn controls
      await page.waitForFunction(() => document.getElementById('offline-note')?.textContent, null, { timeout: 60000 });
      assert.equal(await page.isVisible('#import-file'), true);
      const first = await page.evaluate(() => { globalThis.__shift.phase = 'taste'; return globalThis.__shift.first; });
      await page.click('#demo-start');
      await page.waitForSelector('#taste-mount[data-rendered]', { timeout: 120000 });
      const taste = await page.evaluate(() => { globalThis.__shift.phase = 'soundtrack'; return globalThis.__shift.taste; });
      // the Soundtrack view: the late arrivals are the film's arc, the songs
      // (while they compute, the page is short) and the "Recent soundtracks"
      // entry, listed above the film once the soundtrack is kept. The
      // engine's answers are held back a second, as on a slow or busy
      // machine: moves within half a second of a click do not count as
      // layout shifts, so a fast answer would hide them.
      await page.evaluate(() => {
        const engine = globalThis.moodspace.engine;
        const call = engine.call.bind(engine);
        engine.call = async (method, ...rest) => {
          if (method === 'filmSoundtrack') await new Promise((r) => setTimeout(r, 1000));
          return call(method, ...rest);
        };
      });
      await page.click('#tab-soundtrack');
      await page.fill('#film-search', 'the');
      await page.click('#film-results li:first-child button', { timeout: 120000 });
      await page.waitForFunction(() => globalThis.moodspace?.soundtrack?.chart(), null, { timeout: 120000 });
      await page.click('#full-soundtrack');
      await page.waitForSelector('#full-list li', { timeout: 120000 });
      await page.waitForSelector('#recent-list li', { timeout: 120000 });
      // two frames, so the last shifts are reported to the observer
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
      const { soundtrack, entries } = await page.evaluate(() => globalThis.__shift);
      t.diagnostic(`CLS first visit ${first.toFixed(4)}, Taste view ${taste.toFixed(4)}, Soundtrack view ${soundtrack.toFixed(4)}${entries.length ? `; shifts: ${entries.join(' | ')}` : ''}`);
      assert.ok(first < 0.05, `first visit CLS ${first.toFixed(4)}: ${entries.join(' | ')}`);
      assert.ok(taste < 0.05, `Taste view CLS ${taste.toFixed(4)}: ${entries.join(' | ')}`);
      assert.ok(soundtrack < 0.05, `Soundtrack view CLS ${soundtrack.toFixed(4)}: ${entries.join(' | ')}`);
    } finally { await page.closeAll(); }
  });
}
