// The joint soundtrack's share card, in Chromium against the
// page built in dist/: the demo library on one side, a friend's taste file
// (written here, with two of the demo's songs and ten of their own) on the
// other. "Share as image" in "A soundtrack for the two of you" gives a PNG of
// each size that decodes at its size, keeps its footer band clean and
// carries the joint soundtrack (both names, the score, the film, the parts
// and whose each song is). Dropped on a fresh page with the network off, the
// card reopens the same joint soundtrack. JOINT_SHOTS=dir keeps the cards
// and screenshots of the reopened view.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, DIST } from './helpers.mjs';
import { readCard } from '../../web/keep/open-card.js';
import { layoutCard, SIZES, THEMES } from '../../web/keep/card-layout.js';
import { cardSpec } from '../../web/keep/card-content.js';
import { buildTasteFile, tasteFileText } from '../../web/friend/taste-file.js';
import '../../web/friend/joint-card.js';   // (registers the 'joint' kind of card, as the page does)

const skip = distMissing() || engineMissing() || ['demo.json', 'catalog.json'].map((f) => (fs.existsSync(path.join(DIST, f)) ? null : `dist/${f} is missing (run ./build.sh)`)).find(Boolean) || false;
const SHOTS = process.env.JOINT_SHOTS || '';
let browser; let env;

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ spotify: false, lrclib: false });   // the demo and the catalog: no network at all
});
test.after(async () => { await env?.stop(); await browser?.close(); });

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
const METRICS = ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'];

/** Ben's taste file: two of the demo's songs (so some are both of ours) and ten invented ones spread over the moods. */
function bensFile(demoSongs) {
  const own = Array.from({ length: 10 }, (_, i) => ({ title: `Ben Song ${i + 1}`, artist: i % 2 ? 'Orchard Fire' : 'Cold Letters',
    metrics: { energy: (i * 0.097) % 1, valence: ((i * 0.31) + 0.05) % 1, danceability: 0.3 + (i % 4) * 0.15, acousticness: 1 - ((i * 0.097) % 1), tempo: 90 + i * 5, liveness: 0.1 } }));
  const songs = [...demoSongs.map((s) => ({ title: s.title, artist: s.artist, metrics: s.metrics })), ...own];
  const mean = Object.fromEntries(METRICS.map((m) => [m, songs.reduce((t, s) => t + s.metrics[m], 0) / songs.length]));
  return tasteFileText(buildTasteFile({ name: 'Ben', artists: ['Orchard Fire', 'Cold Letters', demoSongs[0].artist], songs, mood: { n: songs.length, mean } }, { metrics: METRICS }));
}

/** The joint soundtrack on screen: its parts, songs and whose marks. */
const jointOnScreen = (page, list) => page.$$eval(`${list} li`, (lis) => lis.map((li) => ({
  segment: li.dataset.segment, whose: li.dataset.whose, seg: li.querySelector('.friend-seg').textContent,
  title: li.querySelector('.friend-song strong').textContent, artist: li.querySelector('.friend-song span').textContent })));

/** Decoded in the browser: the size, and the footer band's pixels that are not its own lines compared with the band's colour. */
async function decode(page, buf, size) {
  const l = layoutCard(cardSpec({ kind: 'blocks', size, data: { theme: 'friend' }, address: 'x' }), () => 10);
  const foot = l.ops.filter((o) => o.type === 'text' && o.box.y >= l.band.top);
  const g = { top: Math.ceil(l.band.top) + 1, firstTop: Math.floor(foot[0].box.y) - 1, lastBottom: Math.ceil(foot.at(-1).box.y + foot.at(-1).box.h) + 1, band: THEMES.friend.band };
  return page.evaluate(async ({ b64, g: geo }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height); const x = c.getContext('2d'); x.drawImage(bmp, 0, 0);
    const want = [1, 3, 5].map((i) => parseInt(geo.band.slice(i, i + 2), 16));
    let off = 0;
    for (const [y0, y1] of [[geo.top, geo.firstTop], [geo.lastBottom, bmp.height]]) {
      const d = x.getImageData(0, y0, bmp.width, y1 - y0).data;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - want[0]) > 2 || Math.abs(d[i + 1] - want[1]) > 2 || Math.abs(d[i + 2] - want[2]) > 2) off++;
    }
    return { width: bmp.width, height: bmp.height, off };
  }, { b64: buf.toString('base64'), g });
}

test('the joint soundtrack’s card: both sizes, what it carries, and dropped on a fresh offline page it reopens the same joint soundtrack', { skip, timeout: 300000 }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  let fresh = null;
  try {
    await page.goto(env.appUrl);
    await ready(page);
    await page.click('#demo-start');
    await page.waitForSelector('#taste-mount[data-rendered]');
    await page.click('#tab-taste');
    await page.fill('#friend-my-name', 'Ana');
    await page.press('#friend-my-name', 'Tab');
    const demoSongs = await page.evaluate(() => globalThis.moodspace.library.songList().filter((s) => s.metrics).slice(0, 2).map((s) => ({ title: s.title, artist: s.artist, metrics: s.metrics })));
    assert.equal(demoSongs.length, 2);
    await page.setInputFiles('#friend-file', { name: 'ben.json', mimeType: 'application/json', buffer: Buffer.from(bensFile(demoSongs)) });
    await page.waitForFunction(() => document.querySelectorAll('#friend-joint-list li').length === 6 || /could not/.test(document.getElementById('friend-joint-status')?.textContent || ''), null, { timeout: 120000 });
    const shown = await jointOnScreen(page, '#friend-joint-list');
    assert.equal(shown.length, 6, await page.textContent('#friend-joint-status'));
    const score = await page.$eval('#friend-score', (s) => s.dataset.score);
    assert.match(score, /^\d+$/);
    const film = (await page.textContent('#friend-joint-status')).split(':')[0].replace(/, the film you two fit best$/, '');
    assert.match(film, /\(\d{4}\)$/, 'a catalog film with its year');

    const cards = {};
    for (const size of Object.keys(SIZES)) {
      await page.selectOption('#friend-share-size', size);
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#friend-share')]);
      const buf = fs.readFileSync(await d.path());
      const name = d.suggestedFilename();
      assert.match(name, size === 'story' ? /^moodspace-.+-with-Ben-story\.png$/ : /^moodspace-.+-with-Ben\.png$/, name);
      const px = await decode(page, buf, size);
      assert.deepEqual([px.width, px.height], [SIZES[size].width, SIZES[size].height], `${size}: the PNG's size`);
      assert.equal(px.off, 0, `${size}: ${px.off} pixels of the footer band are not the band`);
      assert.match(await page.textContent('#friend-joint-keep .share-status'), new RegExp(`Saved ${name.replace(/[.()]/g, '\\$&')} \\(${SIZES[size].width}×${SIZES[size].height}, made in this browser\\)`));
      // what the card carries: the same joint soundtrack, both names, the score
      const card = readCard(new Uint8Array(buf));
      assert.equal(card.kind, 'joint');
      const j = card.data;
      assert.deepEqual(j.names, { me: 'Ana', friend: 'Ben' });
      assert.equal(String(j.score), score);
      assert.equal(`${j.film.title} (${j.film.year})`, film);
      assert.deepEqual(j.parts.map((p) => p.song.title), shown.map((s) => s.title));
      assert.deepEqual(j.parts.map((p) => p.song.artist), shown.map((s) => s.artist));
      assert.deepEqual(j.parts.map((p) => (p.song.whose === 'both' ? 'both' : j.names[p.song.whose])), shown.map((s) => s.whose), 'whose each song is');
      cards[size] = { buf, name, data: j };
      if (SHOTS) { fs.mkdirSync(SHOTS, { recursive: true }); fs.writeFileSync(path.join(SHOTS, `joint-${size}-${SIZES[size].width}x${SIZES[size].height}.png`), buf); }
    }
    assert.deepEqual(cards.post.data, cards.story.data, 'both sizes carry the same joint soundtrack');
    assert.deepEqual(page.errors, []);

    // a fresh page (no library, no friend's file), the network off: the card dropped on it reopens the joint soundtrack
    fresh = await newPage(browser, env);
    await fresh.goto(env.appUrl);
    await ready(fresh);
    await fresh.context().setOffline(true);
    await fresh.evaluate(async ({ b64, name }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer(); dt.items.add(new File([bytes], name, { type: 'image/png' }));
      const el = document.getElementById('main');
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { b64: cards.story.buf.toString('base64'), name: cards.story.name });
    await fresh.waitForSelector('#opened-joint');
    assert.match(await fresh.textContent('#open-card-status'), /^Reopened the soundtrack for Ana & Ben \(/);
    assert.equal(await fresh.$eval('#view-taste', (v) => v.hidden), false, 'shown in the Taste tab');
    assert.equal(await fresh.textContent('#opened-joint-h'), 'A soundtrack for the two of us, reopened: Ana & Ben');
    assert.equal(await fresh.$eval('#opened-joint-score', (s) => s.dataset.score), score);
    assert.equal(await fresh.textContent('#opened-joint-film'), `${film}: 6 parts`);
    const reopened = await jointOnScreen(fresh, '#opened-joint-list');
    // the same parts, songs and whose marks as the match it was made from
    assert.deepEqual(reopened.map(({ seg, ...x }) => x), shown.map(({ seg, ...x }) => x));
    assert.deepEqual(reopened.map((x) => x.seg), shown.map((x) => x.seg));
    const labels = await fresh.$$eval('#opened-joint-list .friend-whose', (s) => s.map((x) => x.textContent));
    assert.deepEqual(labels, shown.map((s) => (s.whose === 'both' ? 'in both our libraries' : `${s.whose}’s`)));
    if (SHOTS) {
      for (const [w, h, n] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
        await fresh.setViewportSize({ width: w, height: h });
        await fresh.$eval('#opened-joint', (e) => e.scrollIntoView());
        await fresh.screenshot({ path: path.join(SHOTS, `joint-reopened-${n}.png`) });
      }
      for (const [w, h, n] of [[390, 844, 'phone'], [1280, 900, 'desktop']]) {
        await page.setViewportSize({ width: w, height: h });
        await page.$eval('#friend-joint-keep', (e) => e.scrollIntoView({ block: 'center' }));
        await page.screenshot({ path: path.join(SHOTS, `joint-share-button-${n}.png`) });
      }
    }
    assert.deepEqual(fresh.errors, []);

    // hostile names (emoji, a long one, RTL) and 24 parts: both sizes still decode with a clean band and carry all 24
    const ME = 'Ana 👩🏽‍🚀🎧 Maximiliana';
    const THEM = 'بنيامين الطويل جدا جدا من المدينة 🎶🎶';
    await page.fill('#friend-my-name', ME);
    await page.press('#friend-my-name', 'Tab');
    await page.setInputFiles('#friend-file', { name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(bensFile(demoSongs).replace('"name":"Ben"', `"name":${JSON.stringify(THEM)}`)) });
    await page.waitForFunction((n) => document.getElementById('friend-result-h')?.textContent === `You and ${n}` && document.querySelectorAll('#friend-joint-list li').length === 6, THEM, { timeout: 60000 });
    await page.fill('#friend-segments', '24');
    await page.press('#friend-segments', 'Tab');
    await page.waitForFunction(() => document.querySelectorAll('#friend-joint-list li').length === 24, null, { timeout: 120000 });
    const long = await jointOnScreen(page, '#friend-joint-list');
    for (const size of Object.keys(SIZES)) {
      await page.selectOption('#friend-share-size', size);
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#friend-share')]);
      const buf = fs.readFileSync(await d.path());
      const px = await decode(page, buf, size);
      assert.deepEqual([px.width, px.height], [SIZES[size].width, SIZES[size].height]);
      assert.equal(px.off, 0, `hostile ${size}: ${px.off} pixels of the footer band are not the band`);
      const j = readCard(new Uint8Array(buf)).data;
      assert.deepEqual(j.names, { me: ME, friend: THEM });
      assert.deepEqual(j.parts.map((p) => p.song.title), long.map((s) => s.title));
      if (SHOTS) fs.writeFileSync(path.join(SHOTS, `joint-hostile-24-${size}-${SIZES[size].width}x${SIZES[size].height}.png`), buf);
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await fresh?.closeAll();
    await page.closeAll();
  }
});
