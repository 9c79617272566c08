// Shared by the browser tests: serve dist/ on 127.0.0.1, start the fake
// Spotify and LRCLIB servers, and drive Debian's Chromium with playwright-core.
// One browser per test file (launchBrowser in `before`, close in `after`).
//
//   const env = await startEnv({ spotify: {...} | false, lrclib: {...} | false });
//   env.appUrl          http://127.0.0.1:PORT/  (dist/)
//   env.spotify, env.lrclib   the fakes (see tests/fake/*.mjs) or null
//   const browser = await launchBrowser();
//   const page = await newPage(browser, env, { config: { ... } });
//     - window.__MOODSPACE_CONFIG__ points the app at the fakes (+ fast retries)
//     - requests to any host but 127.0.0.1 fail (resolver rules) and are listed in page.blocked
//     - page errors and console errors are collected in page.errors
//   await env.stop();
//
// distMissing() / engineMissing() name what is not built so tests skip clearly.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from '../fake/static-server.mjs';
import { startFakeSpotify } from '../fake/spotify.mjs';
import { startFakeLrclib } from '../fake/lrclib.mjs';
import { smallZip, basicRecords } from '../fake/history-export.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A reason to skip browser tests, or null when dist/ is usable. */
export function distMissing() {
  if (!fs.existsSync('/usr/bin/chromium')) return '/usr/bin/chromium is not installed';
  for (const f of ['index.html', 'app.js', 'worker.js']) if (!fs.existsSync(path.join(DIST, f))) return `dist/${f} is missing (run ./build.sh)`;
  return null;
}
/** A reason the engine cannot run in the page (no wasm or no model in dist/), or null. */
export function engineMissing() {
  for (const f of ['moodspace.mjs', 'moodspace.wasm', 'engine.js']) {
    const p = f === 'engine.js' ? path.join(ROOT, 'web/engine', f) : path.join(DIST, f);
    if (!fs.existsSync(p)) return `${f} is missing (the engine is not built yet)`;
  }
  if (!fs.existsSync(path.join(DIST, 'model.bin'))) return 'dist/model.bin is missing (weights/model.bin not trained yet)';
  return null;
}

/** A reason to skip a test that needs the page, its engine and these dist/ files (e.g. 'demo.json'), or false. */
export function needDist(...files) {
  return distMissing() || engineMissing() || files.map((f) => (fs.existsSync(path.join(DIST, f)) ? null : `dist/${f} is missing (run ./build.sh)`)).find(Boolean) || false;
}

/**
 * A test file's browser and the page served with the demo and the catalog only (no fake
 * Spotify or LRCLIB), started before its tests and stopped after them (none while dist/ is
 * unusable): const demo = demoSession(test); … newPage(demo.browser, demo.env) …
 */
export function demoSession(test) {
  const session = { browser: null, env: null };
  test.before(async () => {
    if (distMissing()) return;
    session.browser = await launchBrowser();
    session.env = await startEnv({ spotify: false, lrclib: false });
  });
  test.after(async () => { await session.env?.stop(); await session.browser?.close(); });
  return session;
}

/** Chromium with every host but 127.0.0.1 unresolvable: tests can only talk to loopback. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'] });
}

export async function startEnv({ spotify = {}, lrclib = {}, root = DIST } = {}) {
  const server = await serveStatic(root, 0, { loopback: true });
  const appUrl = `http://127.0.0.1:${server.address().port}/`;
  const sp = spotify ? await startFakeSpotify(spotify) : null;
  const lr = lrclib ? await startFakeLrclib(lrclib) : null;
  return {
    appUrl, spotify: sp, lrclib: lr, server,
    async stop() {
      await Promise.all([sp?.stop(), lr?.stop(), new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); })]);
    },
  };
}

/** The app configuration that points the real code at the fakes. */
export function fakeConfig(env, extra = {}) {
  const c = { retryBaseMs: 20, retryMaxMs: 2000 };
  if (env.spotify) Object.assign(c, { accountsBase: env.spotify.accountsBase, apiBase: env.spotify.apiBase, embedBase: env.spotify.embedBase, clientId: env.spotify.clientId });
  if (env.lrclib) c.lrclibBase = env.lrclib.base;
  return { ...c, ...extra };
}

export async function newPage(browser, env, { config = {}, context: ctxOpts = {} } = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...ctxOpts });
  const cfg = fakeConfig(env, config);
  await context.addInitScript((c) => { globalThis.__MOODSPACE_CONFIG__ = c; }, cfg);
  const page = await context.newPage();
  page.errors = []; page.blocked = []; page.dialogs = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // ("Failed to load resource" is the browser logging an HTTP error status, e.g. LRCLIB's 404s)
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.errors.push(`console: ${m.text()}`); });
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  // (request interception would slow every request down; the resolver rules
  // of launchBrowser block other hosts, and we list what was attempted)
  const offHost = (r) => { const u = new URL(r.url()); if (/^https?:$/.test(u.protocol) && u.hostname !== '127.0.0.1') page.blocked.push(u.toString()); };
  page.on('request', offHost);
  page.closeAll = () => context.close();
  return page;
}

/** Sign in through the fake authorize page; resolves when the app is back and ready. */
export async function signIn(page, env) {
  await page.goto(env.appUrl);
  await page.waitForSelector('html[data-app="ready"]');
  // (with a default Client ID the field sits in the closed "Use your own Spotify app")
  if (await page.isVisible('#client-id')) await page.fill('#client-id', env.spotify.clientId);
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.spotify.accountsBase + '/authorize')), page.click('#signin')]);
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.appUrl)), page.click('#approve')]);
  await page.waitForSelector('html[data-app="ready"]');
}

// --- fixtures we write ourselves -------------------------------------------------

const BANK = {
  bright: ['dance', 'light', 'sun', 'jump', 'shine', 'party', 'golden', 'fire', 'run', 'alive', 'loud', 'summer'],
  dark: ['alone', 'rain', 'cold', 'grave', 'tears', 'shadow', 'empty', 'cry', 'gone', 'winter', 'silent', 'lost'],
  soft: ['river', 'home', 'slow', 'morning', 'field', 'quiet', 'hold', 'gentle', 'letter', 'window', 'tea', 'garden'],
};
/** An original, made-up lyric of 8 lines, its mood set by `kind` and varied by `seed`. */
export function makeLyric(kind, seed) {
  const w = BANK[kind] || BANK.soft;
  const lines = [];
  for (let i = 0; i < 8; i++) {
    const a = w[(seed + i) % w.length]; const b = w[(seed * 3 + i * 5) % w.length]; const c = w[(seed * 7 + i * 2) % w.length];
    lines.push(`${i % 4 === 3 ? '[Chorus] ' : ''}we ${a} through the ${b}, we ${c} again`);
  }
  return lines.join('\n');
}

/** LRCLIB records for fake Spotify tracks: lyrics for most, some instrumental, some missing. */
export function lrclibSongsFor(tracks, { instrumentalEvery = 11, missingEvery = 13, searchOnlyEvery = 7 } = {}) {
  const kinds = ['bright', 'dark', 'soft'];
  const out = [];
  tracks.forEach((t, i) => {
    if (missingEvery && i % missingEvery === 5) return;
    out.push({
      track: t.name, artist: t.artists[0].name, album: searchOnlyEvery && i % searchOnlyEvery === 3 ? 'Another Album' : t.album.name,
      duration: Math.round(t.duration_ms / 1000), instrumental: !!(instrumentalEvery && i % instrumentalEvery === 4),
      lyrics: makeLyric(kinds[i % 3], i), searchOnly: !!(searchOnlyEvery && i % searchOnlyEvery === 3),
    });
  });
  return out;
}

export const SAMPLE_FOUNTAIN = `Title: The Lighthouse Keeper's Picnic
Credit: Written by
Author: MoodSpace tests

INT. LIGHTHOUSE - NIGHT

Rain hammers the glass. MARA (40s) winds the lamp alone, cold and tired.

MARA
Nobody comes out here anymore. The sea took everything.

EXT. HARBOUR - DAY

Sunlight. Children run along the pier, laughing, dancing to a radio.

JONAS
(shouting)
Come down! There's music and cake and the whole town is here!

INT. LIGHTHOUSE STAIRS - CONTINUOUS

Mara hesitates on the stairs, then smiles and runs down.

EXT. PIER - SUNSET

The whole town dances. Mara dances with Jonas, golden light everywhere.

MARA
I forgot how loud joy can be.

> FADE OUT.
`;

/**
 * A small valid PDF (Courier 12 pt, US Letter) with one text object per line:
 * lines = [{ text, col, row }] (col: characters from the 1.5 in margin,
 * row: line number from the top). Written by hand so the test owns every byte.
 */
export function makePdf(pages) {
  const esc = (s) => s.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)');
  const objs = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objs[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objs[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objs[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>';
  pages.forEach((lines, i) => {
    const content = lines.map((l) => `BT /F1 12 Tf 1 0 0 1 ${(108 + l.col * 7.2).toFixed(1)} ${720 - l.row * 12} Tm (${esc(l.text)}) Tj ET`).join('\n');
    objs[pageIds[i]] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`;
    objs[pageIds[i] + 1] = `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  const offsets = [];
  for (let id = 1; id < objs.length; id++) { offsets[id] = Buffer.byteLength(out); out += `${id} 0 obj\n${objs[id]}\nendobj\n`; }
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objs.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// --- steps several browser tests share ----------------------------------------------

/** Import files through the "Your music" card; resolves to the import's status line (ok or error). */
export async function importFile(page, file) {
  await page.click('#tab-music');
  await page.evaluate(() => { const s = document.querySelector('.import-status'); if (s) { s.textContent = ''; s.className = 'import-status'; } });
  await page.setInputFiles('#import-file', file);
  await page.waitForSelector('.import-status.ok, .import-status.error', { state: 'attached', timeout: 30000 });
  await page.click('#tab-music');
  return page.textContent('.import-status');
}

/** A pasted three-scene script: a party, a lonely night, a quiet dawn. */
export const SHORT_SCRIPT = 'INT. KITCHEN - DAY\n\nA party. Everyone dances in the golden light, laughing.\n\nEXT. ROAD - NIGHT\n\nCold rain. She walks alone, crying.\n\nINT. ATTIC - DAWN\n\nQuiet. A letter by the window, tea going cold.\n';

/** A full soundtrack of SHORT_SCRIPT in 3 segments: the save panel is on screen. Resolves to the songs' titles. */
export async function soundtrackOfScript(page) {
  await page.click('#tab-soundtrack');
  await page.fill('#script-text', SHORT_SCRIPT);
  await page.click('#script-go');
  await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
  await page.fill('#segments', '3');
  await page.press('#segments', 'Tab');
  await page.click('#full-soundtrack');
  await page.waitForFunction(() => /^Full soundtrack: /.test(document.getElementById('match-status').textContent), null, { timeout: 60000 });
  await page.waitForSelector('#export-m3u');
  return page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent));
}

/** Click a download button; resolves to the file's name and text (the page's context needs acceptDownloads). */
export async function downloaded(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: d.suggestedFilename(), text: fs.readFileSync(await d.path(), 'utf8') };
}

/** A basic Spotify export (songs named by artist and title, no ids) of `pool`'s songs, as a zip written into `dir`. */
export function basicExportZip(dir, name, pool, plays = 120) {
  const recs = basicRecords(plays, { pool, seed: 11 }).map((r) => ({ ...r, msPlayed: 45000 + (r.msPlayed % 100000) }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, smallZip({ 'MyData/StreamingHistory_music_0.json': recs }));
  return file;
}

/** A full soundtrack of `segments` parts for the first film matching `query` (the Soundtrack tab). */
export async function soundtrackFor(page, query, segments = 4) {
  await page.click('#tab-soundtrack');
  await page.fill('#film-search', query);
  await page.waitForSelector('#film-results button');
  await page.click('#film-results li:first-child button');
  await page.fill('#segments', String(segments));
  await page.press('#segments', 'Tab');
  await page.click('#full-soundtrack');
  await page.waitForFunction(() => /^Full soundtrack: /.test(document.getElementById('match-status').textContent), null, { timeout: 60000 });
  return page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent));
}
