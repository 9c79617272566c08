#!/usr/bin/env node
// lighthouse.mjs — Lighthouse (npm lighthouse, pinned 12.2.3) on the built
// page, mobile (its default: emulated Moto G power, slow 4G, 4x CPU
// slowdown), in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium).
// Run by tests/bench/run.mjs (the "lighthouse" section of ./build.sh bench),
// or alone:
//
//   node tests/bench/lighthouse.mjs [--dist DIR ...] [--runs N] [--out DIR]
//
// Serves each DIR (default dist/) with tests/fake/static-server.mjs, as
// ./build.sh serve does (precompressed brotli/gzip, production headers),
// and prints one JSON object: { trees: { DIR: { runs: [{ scores, audits }],
// median: {...} } } } with the category scores (0-100) and the metrics
// (FCP, LCP, TBT, CLS, SI in ms / unitless). --out writes each run's
// report.html there. Never part of ./build.sh test.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serveStatic } from '../fake/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const all = (name) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]] : []));
const TREES = all('--dist').length ? all('--dist') : ['dist'];
const RUNS = Math.max(1, parseInt(all('--runs')[0] || '1', 10));
const OUT = all('--out')[0] || null;
const log = (m) => process.stderr.write(`bench lighthouse: ${m}\n`);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = { fcp_ms: 'first-contentful-paint', lcp_ms: 'largest-contentful-paint', tbt_ms: 'total-blocking-time',
  cls: 'cumulative-layout-shift', si_ms: 'speed-index' };
const median = (xs) => { const a = xs.filter(Number.isFinite).sort((x, y) => x - y); return a.length ? (a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2) : null; };

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
if (!fs.existsSync(chromePath)) { log(`${chromePath} is missing: skipped`); process.stdout.write(JSON.stringify({ skipped: `${chromePath} is missing` }) + '\n'); process.exit(0); }
if (OUT) fs.mkdirSync(OUT, { recursive: true });

const report = { version: JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/lighthouse/package.json'), 'utf8')).version, runs: RUNS, trees: {} };
for (const tree of TREES) {
  const dir = path.resolve(ROOT, tree);
  if (!fs.existsSync(path.join(dir, 'index.html'))) { log(`${tree}: no index.html, skipped`); continue; }
  const server = await serveStatic(dir, 0);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const runs = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      // a fresh browser each run: nothing cached, no service worker yet
      const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
      try {
        const res = await lighthouse(url, { port: chrome.port, output: OUT ? 'html' : 'json', logLevel: 'error', onlyCategories: CATEGORIES });
        const lhr = res.lhr;
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score == null ? null : Math.round(lhr.categories[c].score * 100)]));
        const metrics = Object.fromEntries(Object.entries(METRICS).map(([k, a]) => [k, lhr.audits[a]?.numericValue ?? null]));
        const failed = Object.values(lhr.categories).flatMap((c) => c.auditRefs.filter((a) => a.weight > 0 && lhr.audits[a.id]?.score != null && lhr.audits[a.id].score < 1)
          .map((a) => `${c.id}:${a.id}=${lhr.audits[a.id].score}`));
        runs.push({ scores, metrics, below_1: failed, runtime_error: lhr.runtimeError?.message || null });
        if (OUT) fs.writeFileSync(path.join(OUT, `${path.basename(tree)}-${r + 1}.html`), res.report);
        log(`${tree} run ${r + 1}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')}; FCP ${metrics.fcp_ms?.toFixed(0)} ms, LCP ${metrics.lcp_ms?.toFixed(0)} ms, TBT ${metrics.tbt_ms?.toFixed(0)} ms, CLS ${metrics.cls?.toFixed(3)}, SI ${metrics.si_ms?.toFixed(0)} ms${failed.length ? `; below 1: ${failed.join(' ')}` : ''}`);
      } finally {
        await chrome.kill();
      }
    }
  } finally {
    await new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  }
  report.trees[tree] = { runs, median: {
    ...Object.fromEntries(CATEGORIES.map((c) => [c, median(runs.map((x) => x.scores[c]))])),
    ...Object.fromEntries(Object.keys(METRICS).map((k) => [k, median(runs.map((x) => x.metrics[k]))])),
  } };
}
process.stdout.write(JSON.stringify(report) + '\n');
