#!/usr/bin/env node
// page.mjs — the page's own figures in Debian's Chromium (run by
// tests/bench/run.mjs as the "page" section, or alone):
//
//   node tests/bench/page.mjs [--runs N] [--dist DIR ...] [--profile FILE]
//
// For each dist/ tree given (default: dist/; give the build of another commit
// too, e.g. --dist build/bench/dist-main --dist dist, to compare in one run)
// and each of N runs, in a fresh browser context (no cache, no service worker):
//   taste_ms       from navigation start to the Taste view finished and drawn
//                  (#taste-mount[data-rendered], after "The film your library
//                  fits best"), the demo started as soon as the page is ready;
//   taste_click_ms the same from the click on "Try the demo" (the click event's time);
//   soundtrack_ms  from navigation start to the first demo soundtrack drawn:
//                  demo (which opens the Taste tab), then straight to the
//                  Soundtrack tab, the first film the search finds for
//                  "the", "Full soundtrack", its songs listed;
//   cls_*          the layout shift (PerformanceObserver 'layout-shift',
//                  entries without recent input, summed) on the first visit
//                  (until load + 1 s), and while the Taste and the Soundtrack
//                  views are drawn.
// The times are taken in the page (marksProbe): when a mutation makes the view
// finished, then the end of the next frame's rendering work on the main thread
// (a task posted from requestAnimationFrame runs after that frame's style,
// layout and paint), i.e. when the user sees it. Playwright's waitForSelector
// polls at growing intervals (0, 20, 50, 100, 100, then every 500 ms), so a
// time read after it is late by up to half a second; the bench waits on the
// page's own marks instead, and for the elements it clicks on the page's
// frames (waitForFunction, polling 'raf').
// --profile FILE writes a Chrome trace (devtools.timeline + v8 CPU profile)
// of one Taste run of the last tree to FILE, to see where the time goes.
// Prints one JSON object: { trees: { DIR: { runs: [...], median: {...} } } }.
// Served by tests/fake/static-server.mjs on 127.0.0.1 (what ./build.sh serve runs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from '../fake/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const all = (name) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]] : []));
const RUNS = Math.max(1, parseInt(all('--runs')[0] || '3', 10));
const TREES = all('--dist').length ? all('--dist') : ['dist'];
const PROFILE = all('--profile')[0] || null;
const log = (m) => process.stderr.write(`bench page: ${m}\n`);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];

// In the page before any script: layout shifts, summed by phase.
function clsProbe() {
  const w = globalThis;
  w.__cls = { phase: 'first', first: 0, taste: 0, soundtrack: 0, entries: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      w.__cls[w.__cls.phase] += e.value;
      w.__cls.entries.push({ phase: w.__cls.phase, value: e.value,
        sources: (e.sources || []).map((s) => s.node?.id || s.node?.className || s.node?.nodeName || '?') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

// In the page before any script: when the Taste view and the full soundtrack first show
// (__marks.taste / .soundtrack: { at: the mutation, shown: the end of the next frame's
// rendering }) and the trusted click on the demo button (__marks.demoClick).
function marksProbe() {
  const w = globalThis;
  w.__marks = {};
  const WHEN = { taste: '#taste-mount[data-rendered]', soundtrack: '#full-list li' };
  const afterFrame = (fn) => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = fn; ch.port2.postMessage(0); });
  const check = () => {
    for (const [name, sel] of Object.entries(WHEN)) {
      if (w.__marks[name] || !document.querySelector(sel)) continue;
      const m = w.__marks[name] = { at: performance.now(), shown: null };
      afterFrame(() => { m.shown = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rendered'] });
  addEventListener('click', (ev) => { if (ev.isTrusted && ev.target.closest?.('#demo-start')) w.__marks.demoClick ??= ev.timeStamp; }, true);
}
// → the time (page clock) the mark's view was seen drawn
const shownAt = (page, name) => page.waitForFunction((n) => globalThis.__marks[n]?.shown, name, { polling: 'raf', timeout: 120000 }).then((h) => h.jsonValue());
// clicks as soon as the element is there and visible (checked every frame), not at Playwright's next poll
async function clickWhenShown(page, selector) {
  await page.waitForFunction((s) => document.querySelector(s)?.checkVisibility(), selector, { polling: 'raf', timeout: 120000 });
  await page.click(selector);
}

const median = (xs) => { const a = xs.filter(Number.isFinite).sort((x, y) => x - y); return a.length ? (a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2) : null; };

async function oneRun(browser, url, { profile = null } = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
  await context.addInitScript(clsProbe);
  await context.addInitScript(marksProbe);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const out = {};
  try {
    if (profile) await browser.startTracing(page, { path: profile, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'blink.user_timing'] });
    await page.goto(url);
    await page.waitForSelector('html[data-app="ready"]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(1000);
    out.cls_first = await page.evaluate(() => { globalThis.__cls.phase = 'taste'; return globalThis.__cls.first; });
    await page.click('#demo-start');
    out.taste_ms = await shownAt(page, 'taste');
    out.taste_click_ms = out.taste_ms - await page.evaluate(() => globalThis.__marks.demoClick);
    if (profile) await browser.stopTracing();
    out.cls_taste = await page.evaluate(() => { globalThis.__cls.phase = 'soundtrack'; return globalThis.__cls.taste; });
    if (out.cls_taste >= 0.05) log(`taste layout shifts: ${JSON.stringify(await page.evaluate(() => globalThis.__cls.entries.filter((e) => e.phase === 'taste')))}`);
    return out;
  } finally {
    out.errors = errors;
    await context.close();
  }
}

// navigation to a first demo soundtrack, in a fresh context
async function soundtrackRun(browser, url) {
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
  await context.addInitScript(clsProbe);
  await context.addInitScript(marksProbe);
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.app === 'ready', null, { polling: 'raf', timeout: 120000 });
    await page.click('#demo-start');
    await page.waitForFunction(() => document.querySelector('#tab-taste[aria-selected="true"]'), null, { polling: 'raf', timeout: 120000 });   // where the demo leads
    await page.click('#tab-soundtrack');
    await page.evaluate(() => { globalThis.__cls.phase = 'soundtrack'; });
    await page.fill('#film-search', 'the');
    await clickWhenShown(page, '#film-results li:first-child button');
    await clickWhenShown(page, '#full-soundtrack');
    const ms = await shownAt(page, 'soundtrack');
    await page.waitForTimeout(500);
    const cls = await page.evaluate(() => globalThis.__cls.soundtrack);
    if (cls >= 0.05) log(`soundtrack layout shifts: ${JSON.stringify(await page.evaluate(() => globalThis.__cls.entries.filter((e) => e.phase === 'soundtrack')))}`);
    return { soundtrack_ms: ms, cls_soundtrack: cls };
  } finally { await context.close(); }
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
const report = { runs: RUNS, trees: {} };
// the trees take turns, run by run (not one tree's runs, then the other's): on a shared machine a
// burst of load then falls on both, so the figures of one run compare; the order of the turns
// alternates too (the first context of a round starts while no other is closing)
const servers = [];
try {
  for (const tree of TREES) {
    const dir = path.resolve(ROOT, tree);
    if (!fs.existsSync(path.join(dir, 'index.html'))) { log(`${tree}: no index.html, skipped`); continue; }
    const server = await serveStatic(dir, 0, { loopback: true });
    servers.push({ tree, server, url: `http://127.0.0.1:${server.address().port}/`, runs: [] });
  }
  for (let r = -1; r < RUNS; r++) {   // r = -1: a warm-up (OS file cache, Chromium's code cache off per context)
    for (const t of r % 2 ? [...servers].reverse() : servers) {
      const a = await oneRun(browser, t.url);
      const b = await soundtrackRun(browser, t.url);
      if (r >= 0) t.runs.push({ ...a, ...b });
      log(`${t.tree} ${r < 0 ? 'warm-up' : `run ${r + 1}`}: taste ${a.taste_ms.toFixed(0)} ms (${a.taste_click_ms.toFixed(0)} from the click), soundtrack ${b.soundtrack_ms.toFixed(0)} ms, CLS first ${a.cls_first.toFixed(4)} taste ${a.cls_taste.toFixed(4)} soundtrack ${b.cls_soundtrack.toFixed(4)}${a.errors.length ? `, errors: ${a.errors.join(' | ')}` : ''}`);
    }
  }
  const last = servers.at(-1);
  if (PROFILE && last) { await oneRun(browser, last.url, { profile: PROFILE }); log(`trace written to ${PROFILE}`); }
  const keys = ['taste_ms', 'taste_click_ms', 'soundtrack_ms', 'cls_first', 'cls_taste', 'cls_soundtrack'];
  for (const { tree, runs } of servers) {
    report.trees[tree] = { runs, median: Object.fromEntries(keys.map((k) => [k, median(runs.map((x) => x[k]))])),
      max: Object.fromEntries(keys.map((k) => [k, Math.max(...runs.map((x) => x[k]))])) };
  }
} finally {
  for (const { server } of servers) await new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + '\n');
