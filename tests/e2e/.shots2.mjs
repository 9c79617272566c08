// (not a test: screenshots for the brief; run by hand)
import fs from 'node:fs';
import { launchBrowser, startEnv, newPage, signIn, lrclibSongsFor } from './helpers.mjs';
import { makeTracks } from '../fake/spotify.mjs';
const out = '/work/shots/front';
const browser = await launchBrowser();
const env = await startEnv({});
try {
  for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const ctx = { viewport: { width: w, height: h }, ...(w < 500 ? { isMobile: true, hasTouch: true } : {}) };
    const tracks = makeTracks(16, { imageBase: env.spotify.origin });
    env.spotify.setTracks(tracks);
    env.lrclib.clearFailures();
    env.lrclib.setSongs(lrclibSongsFor(tracks, { missingEvery: 5, instrumentalEvery: 0, searchOnlyEvery: 0 }));
    const page = await newPage(browser, env, { context: ctx });
    await signIn(page, env);
    env.lrclib.delayMs = 300;
    await page.waitForFunction(() => globalThis.moodspace.library.songList().filter((s) => s.lyricsStatus === 'found').length >= 5, null, { timeout: 30000 });
    await page.context().setOffline(true);
    await page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 60000 });
    env.lrclib.delayMs = 0;
    await page.screenshot({ path: `${out}/lyrics-offline-${tag}.png`, fullPage: true });
    await page.context().setOffline(false);
    await page.locator('button.paste-lyrics').first().click();
    await page.waitForSelector('#paste-lyrics[open]');
    await page.screenshot({ path: `${out}/paste-lyrics-${tag}.png` });
    await page.keyboard.press('Escape');
    await page.click('#tab-soundtrack');
    await page.fill('#film-search', 'Back to the Future');
    await page.waitForSelector('#film-bring:not([hidden])');
    await page.locator('#view-soundtrack').screenshot({ path: `${out}/bring-film-${tag}.png` });
    await page.closeAll();
  }
} finally { await env.stop(); await browser.close(); }
