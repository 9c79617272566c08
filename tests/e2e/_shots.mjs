// Issue 20 point 3, in Chromium against the fakes: two friends, each with a
// library of their own (pasted song lists; lyrics from the fake LRCLIB; the
// moods from the real model). Ana downloads her taste file, Ben makes a
// link; Ana opens Ben's file and Ben opens Ana's link: both see the same
// score and the same joint soundtrack (same film, same songs in the same
// parts, marked whose they are), and no request leaves the page during the
// match. A link opened in the browser lands on the match too; a damaged or
// hostile file gives a message and nothing else.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, makeLyric, downloaded } from './helpers.mjs';

const skip = distMissing() || engineMissing() || false;
let browser; let env;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-friend-'));

// two invented libraries: 3 songs and 2 artists in common
const BOTH = [['Paper Comets', 'Lantern Weather'], ['Paper Comets', 'Static Bloom'], ['Marble Orbit', 'Saffron Hours']];
const ANA = [...BOTH, ['Velvet Harbor', 'Copper Rain'], ['Velvet Harbor', 'Hollow Tide'], ['Glass Meadow', 'Winter Signal'],
  ['Glass Meadow', 'Ember Kite'], ['Tidal Echo', 'Drift Parade'], ['Tidal Echo', 'Neon Porch'], ['Marble Orbit', 'Quiet Engine']];
const BEN = [['Marble Orbit', 'Saffron Hours'], ['Sunday Static', 'Brass Lanterns'], ['Sunday Static', 'Loud Summer'], ['Paper Comets', 'Static Bloom'],
  ['Orchard Fire', 'Golden Stairs'], ['Orchard Fire', 'Run Alive'], ['Paper Comets', 'Lantern Weather'], ['Cold Letters', 'Grave Window'], ['Cold Letters', 'Empty Field']];
const KINDS = ['bright', 'dark', 'soft'];
const lyricsOf = (list, offset) => list.map(([artist, title], i) => ({ track: title, artist, album: '', lyrics: makeLyric(KINDS[(i + offset) % 3], i + offset) }));

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
const lyricsDone = (page) => page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 90000 });

async function libraryOf(list, name) {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  await page.goto(env.appUrl);
  await ready(page);
  await page.click('#tab-music');
  if (!(await page.$eval('#paste', (d) => d.open))) await page.click('#paste summary');
  await page.fill('#paste-list', list.map(([a, t]) => `${a} – ${t}`).join('\n'));
  await page.click('#paste-import');
  await page.waitForSelector('.import-status.ok', { state: 'attached', timeout: 30000 });
  await lyricsDone(page);
  await page.waitForFunction((n) => globalThis.moodspace.library.songList().filter((s) => s.metrics).length >= n, list.length - 1, { timeout: 60000 });
  await page.click('#tab-taste');
  await page.fill('#friend-my-name', name);
  await page.press('#friend-my-name', 'Tab');
  return page;
}

/** Every request the page makes from now on; stop() → the ones not to the page's own origin. */
function recordRequests(page, origin) {
  const seen = [];
  const on = (r) => seen.push(r.url());
  page.on('request', on);
  return () => { page.off('request', on); return { all: seen, away: seen.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) }; };
}

/** The match on screen once its joint soundtrack is built. */
async function matchShown(page) {
  await page.waitForFunction(() => document.querySelectorAll('#friend-joint-list li').length > 0 || /could not/.test(document.getElementById('friend-joint-status')?.textContent || ''), null, { timeout: 120000 });
  return page.evaluate(() => ({
    score: document.getElementById('friend-score').dataset.score,
    heading: document.getElementById('friend-result-h').textContent,
    reasons: [...document.querySelectorAll('#friend-reasons li')].map((li) => ({ kind: li.dataset.kind, text: li.textContent })),
    status: document.getElementById('friend-joint-status').textContent,
    songs: [...document.querySelectorAll('#friend-joint-list li')].map((li) => ({ segment: li.dataset.segment, key: li.dataset.key, whose: li.dataset.whose,
      title: li.querySelector('.friend-song strong').textContent, label: li.querySelector('.friend-whose').textContent })),
  }));
}


await (async () => {
  browser = await launchBrowser();
  env = await startEnv({});
  const seen = new Map();
  for (const r of [...lyricsOf(ANA, 0), ...lyricsOf(BEN, 5)]) if (!seen.has(`${r.artist}|${r.track}`)) seen.set(`${r.artist}|${r.track}`, r);
  env.lrclib.setSongs([...seen.values()]);
  const ana = await libraryOf(ANA, 'Ana');
  const ben = await libraryOf(BEN, 'Ben');
  const benFile = await downloaded(ben, '#friend-download');
  const benPath = path.join(tmp, benFile.name); fs.writeFileSync(benPath, benFile.text);
  await ana.setViewportSize({ width: 1280, height: 900 });
  await ana.setInputFiles('#friend-file', benPath);
  await matchShown(ana);
  await ana.click('#friend-make-link');
  await ana.waitForTimeout(500);
  const sec = await ana.$('#friend');
  await sec.screenshot({ path: '/work/shots/friend/match-desktop.png' });
  await ana.setViewportSize({ width: 390, height: 844 });
  await ana.waitForTimeout(500);
  await (await ana.$('#friend')).screenshot({ path: '/work/shots/friend/match-phone.png' });
  await ana.evaluate(() => document.getElementById('friend-result').scrollIntoView());
  await ana.screenshot({ path: '/work/shots/friend/match-phone-viewport.png' });
  await ana.click('#friend-keep');
  await ana.click('#tab-soundtrack');
  await ana.waitForTimeout(1500);
  await ana.setViewportSize({ width: 1280, height: 900 });
  await ana.screenshot({ path: '/work/shots/friend/kept-soundtrack-desktop.png', fullPage: false });
  console.log(JSON.stringify(ana.errors), JSON.stringify(ben.errors));
  await ana.closeAll(); await ben.closeAll();
  await env.stop(); await browser.close();
})();
