// tests/bench/first-visit-bytes.mjs — what a first visit downloads: opens dist/
// in a fresh Chromium profile (service worker blocked, so its background
// precache is not counted), waits until the network has been idle, and sums
// the gzip size (dist's NAME.gz, what a gzip-only host sends; the raw size
// for files not compressed) of every file the page fetched.
//   node tests/bench/first-visit-bytes.mjs [--wait MS]
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, startEnv, DIST, distMissing } from '../e2e/helpers.mjs';

const why = distMissing();
if (why) { console.log(`first-visit bytes: skipped (${why})`); process.exit(0); }
const wait = Number(process.argv[process.argv.indexOf('--wait') + 1]) || 8000;
const env = await startEnv({ spotify: false, lrclib: false });
const browser = await launchBrowser();
const ctx = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
const page = await ctx.newPage();
const files = new Set();
page.on('request', (req) => { const u = new URL(req.url()); if (u.host === new URL(env.appUrl).host) files.add(u.pathname); });
await page.goto(env.appUrl, { waitUntil: 'networkidle' });
await page.waitForTimeout(wait);
let total = 0;
const rows = [];
for (const f of [...files].sort()) {
  const p = path.join(DIST, f === '/' ? 'index.html' : f.slice(1));
  if (!fs.existsSync(p)) continue;
  const gz = fs.existsSync(p + '.gz') ? p + '.gz' : p;
  const n = fs.statSync(gz).size;
  total += n;
  rows.push(`${String(n).padStart(9)}  ${f}${gz === p ? ' (not compressed)' : ''}`);
}
console.log(rows.join('\n'));
const cat = rows.filter((r) => r.endsWith('/catalog.json')).map((r) => Number(r.trim().split(/\s+/)[0])).reduce((a, b) => a + b, 0);
console.log(`first-visit bytes: ${total} gzip (${(total / 1e6).toFixed(3)} MB) in ${rows.length} files; without catalog.json (the film catalogue, ${cat}): ${total - cat} (${((total - cat) / 1e6).toFixed(3)} MB)`);
await browser.close();
await env.stop();
