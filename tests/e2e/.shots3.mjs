// (not a test: screenshots for the brief; run by hand)
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, startEnv, newPage, makeLyric } from './helpers.mjs';
import { smallZip, basicRecords, trackPool } from '../fake/history-export.mjs';
const out = '/work/shots/front';
const browser = await launchBrowser();
const env = await startEnv({});
try {
  const pool = trackPool(12, 21).map((t) => ({ ...t, uri: '' }));
  const file = '/tmp/ms-front-shot.zip';
  fs.writeFileSync(file, smallZip({ 'MyData/StreamingHistory_music_0.json': basicRecords(120, { pool, seed: 11 }).map((r) => ({ ...r, msPlayed: 45000 + (r.msPlayed % 100000) })) }));
  env.lrclib.setSongs(pool.map((t, i) => ({ track: t.title, artist: t.artist, album: '', lyrics: makeLyric(['bright', 'dark', 'soft'][i % 3], i) })));
  for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const page = await newPage(browser, env, { context: { viewport: { width: w, height: h }, ...(w < 500 ? { isMobile: true, hasTouch: true } : {}) } });
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('.import-status.ok', { state: 'attached' });
    await page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 90000 });
    await page.click('#tab-music');
    await page.screenshot({ path: `${out}/library-unresolved-${tag}.png` });
    await page.click('#tab-soundtrack');
    await page.fill('#script-text', 'INT. KITCHEN - DAY\n\nA party. Everyone dances.\n\nEXT. ROAD - NIGHT\n\nCold rain. She walks alone.\n\nINT. ATTIC - DAWN\n\nQuiet. A letter by the window.\n');
    await page.click('#script-go');
    await page.waitForFunction(() => !document.getElementById('film-panel').hidden, null, { timeout: 30000 });
    await page.fill('#segments', '3'); await page.press('#segments', 'Tab');
    await page.click('#full-soundtrack');
    await page.waitForSelector('#export-xspf');
    await page.locator('#save-mount').screenshot({ path: `${out}/keep-panel-signed-out-${tag}.png` });
    await page.closeAll();
  }
} finally { await env.stop(); await browser.close(); }
