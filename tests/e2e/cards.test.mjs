// Browser tests of the share cards (and the Keep section that lists
// them): cards of both sizes decode, carry their JSON and keep
// the footer band free of anything drawn above it, with a hostile title and
// 24 segments; a card opened with the picker or dropped on the page reopens
// the same soundtrack (the JSON compared) or taste summary; foreign, damaged
// and non-PNG files get a message; Web Share gets the PNG where the browser
// can share files; the Keep panel sits above the songs. Real app code from
// dist/ in Debian's Chromium (helpers.mjs). CARD_SHOTS=dir keeps the cards made.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, launchBrowser, startEnv, newPage, soundtrackFor, needDist } from './helpers.mjs';
import { readCard } from '../../web/keep/open-card.js';
import { layoutCard, SIZES, THEMES } from '../../web/keep/card-layout.js';
import { cardSpec } from '../../web/keep/card-content.js';
import { soundtrackPayload, CARD_KEYWORD } from '../../web/keep/card-payload.js';
import { withText } from '../../web/keep/png-text.js';
import { hostileDetail, tinyPng, HOSTILE_TITLE } from '../js/fixtures/cards.mjs';

const skip = distMissing() || false;
const noFilms = needDist('demo.json', 'catalog.json');
const SHOTS = process.env.CARD_SHOTS || '';
let browser; let env;

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({ spotify: false, lrclib: false });   // demo, catalog and cards only: no network at all
});
test.after(async () => { await env?.stop(); await browser?.close(); });

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
async function openDemo(page) {
  await page.goto(env.appUrl);
  await ready(page);
  await page.click('#demo-start');
  await page.waitForSelector('#taste-mount[data-rendered]');
}
/** Choose the size, press the share button, return the PNG's bytes (and keep a copy under CARD_SHOTS). */
async function share(page, id, size, shot) {
  await page.selectOption(`#${id}-size`, size);
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
  const buf = fs.readFileSync(await d.path());
  if (SHOTS && shot) { fs.mkdirSync(SHOTS, { recursive: true }); fs.writeFileSync(path.join(SHOTS, `${shot}-${size}-${SIZES[size].width}x${SIZES[size].height}.png`), buf); }
  return { buf, name: d.suggestedFilename() };
}

/**
 * The card decoded by the browser: its size, and the pixels of the footer
 * band that are not the footer's own lines (above its first line and below
 * its last) compared with the band's colour; the strip just above the band
 * must be smooth (no glyph edges: nothing written there either).
 */
async function pixelCheck(page, buf, kind, size) {
  const l = layoutCard(cardSpec({ kind, size, data: {}, address: 'x' }), () => 10);
  const foot = l.ops.filter((o) => o.type === 'text' && o.box.y >= l.band.top);
  const geo = { top: Math.ceil(l.band.top) + 1, firstTop: Math.floor(foot[0].box.y) - 1, lastBottom: Math.ceil(foot.at(-1).box.y + foot.at(-1).box.h) + 1, band: THEMES[kind].band };
  return page.evaluate(async ({ b64, g }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height); const x = c.getContext('2d'); x.drawImage(bmp, 0, 0);
    const want = [1, 3, 5].map((i) => parseInt(g.band.slice(i, i + 2), 16));
    let off = 0;
    for (const [y0, y1] of [[g.top, g.firstTop], [g.lastBottom, bmp.height]]) {
      const d = x.getImageData(0, y0, bmp.width, y1 - y0).data;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - want[0]) > 2 || Math.abs(d[i + 1] - want[1]) > 2 || Math.abs(d[i + 2] - want[2]) > 2) off++;
    }
    let edges = 0;
    const above = x.getImageData(0, g.top - 34, bmp.width, 30).data;
    for (let i = 4; i < above.length; i += 4) if (Math.abs(above[i] - above[i - 4]) + Math.abs(above[i + 1] - above[i - 3]) + Math.abs(above[i + 2] - above[i - 2]) > 24) edges++;
    return { width: bmp.width, height: bmp.height, off, edges };
  }, { b64: buf.toString('base64'), g: geo });
}

async function dropFile(page, buf, name, type = 'image/png', target = '#main') {
  await page.evaluate(async ({ b64, name: n, type: t, target: sel }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer(); dt.items.add(new File([bytes], n, { type: t }));
    const el = document.querySelector(sel);
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { b64: buf.toString('base64'), name, type, target });
}

const withoutTime = (rec) => { const { savedAt, ...rest } = rec; return rest; };

test('a hostile soundtrack card (long RTL/emoji title, 24 segments) reopens from the picker; both sizes decode with a clean footer band', { skip: noFilms }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await page.goto(env.appUrl);
    await ready(page);
    const payload = soundtrackPayload(hostileDetail(24), 1_700_000_000_000);
    const card = Buffer.from(withText(tinyPng(), CARD_KEYWORD, JSON.stringify(payload)));
    await page.click('#tab-soundtrack');
    await page.setInputFiles('#open-card-file', { name: 'hostile.png', mimeType: 'image/png', buffer: card });
    await page.waitForFunction(() => /^Reopened the soundtrack/.test(document.getElementById('open-card-status').textContent), null, { timeout: 30000 });
    assert.equal(await page.$$eval('#full-list li', (li) => li.length), 24);
    assert.equal(await page.textContent('#film-title'), `${HOSTILE_TITLE} (1994)`);
    assert.deepEqual(await page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent)), payload.soundtrack.picks.map((p) => p.song.title));
    // the Keep panel (and its share button) comes before the 24 songs
    assert.ok(await page.evaluate(() => !!(document.getElementById('save-mount').compareDocumentPosition(document.getElementById('full-list')) & Node.DOCUMENT_POSITION_FOLLOWING)));
    for (const size of Object.keys(SIZES)) {
      const { buf, name } = await share(page, 'share-soundtrack', size, 'soundtrack-hostile-24');
      assert.match(name, size === 'story' ? /-story\.png$/ : /[^y]\.png$/);
      const px = await pixelCheck(page, buf, 'soundtrack', size);
      assert.deepEqual([px.width, px.height], [SIZES[size].width, SIZES[size].height]);
      assert.equal(px.off, 0, `${size}: ${px.off} pixels of the footer band are not the band (something was drawn into it)`);
      assert.equal(px.edges, 0, `${size}: ${px.edges} glyph edges just above the band`);
      const back = readCard(new Uint8Array(buf));
      assert.equal(back.kind, 'soundtrack');
      assert.deepEqual(withoutTime(back.record), withoutTime(payload.soundtrack), `${size}: the card carries the same soundtrack`);
      assert.match(await page.textContent('#save-mount .share-status'), new RegExp(`\\(${SIZES[size].width}×${SIZES[size].height}, made in this browser\\)`));
    }
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.blocked, []);
  } finally { await page.closeAll(); }
});

test('a demo soundtrack card dropped on the page reopens the same soundtrack (its JSON compared); statuses of the last one are cleared', { skip: noFilms }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await openDemo(page);
    const titles = await soundtrackFor(page, 'pulp fiction', 6);
    const first = await share(page, 'share-soundtrack', 'post', 'soundtrack-pulp-fiction');
    const made = readCard(new Uint8Array(first.buf));
    assert.equal(made.record.film.title, 'Pulp Fiction');
    assert.equal(made.year, 1994);
    assert.deepEqual(made.record.picks.map((p) => p.song.title), titles);
    const px = await pixelCheck(page, first.buf, 'soundtrack', 'post');
    assert.equal(px.off, 0); assert.equal(px.edges, 0);
    // another soundtrack replaces it: the share status of the first is gone with it
    assert.match(await page.textContent('#save-mount .share-status'), /Saved/);
    await soundtrackFor(page, '12 monkeys', 4);
    assert.equal(await page.textContent('#save-mount .share-status'), '');
    // the card dropped on the page (on the Taste tab) brings Pulp Fiction back, exactly
    await page.click('#tab-taste');
    await dropFile(page, first.buf, first.name);
    await page.waitForFunction(() => /^Reopened the soundtrack for Pulp Fiction/.test(document.getElementById('open-card-status').textContent));
    assert.equal(await page.getAttribute('#tab-soundtrack', 'aria-selected'), 'true');
    assert.deepEqual(await page.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent)), titles);
    const again = readCard(new Uint8Array((await share(page, 'share-soundtrack', 'story', 'soundtrack-pulp-fiction')).buf));
    assert.deepEqual(withoutTime(again.record), withoutTime(made.record), 'the reopened soundtrack makes the same card JSON');
    // a new soundtrack clears what was said about the card
    await soundtrackFor(page, '12 monkeys', 3);
    assert.equal(await page.textContent('#open-card-status'), '');
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('the demo taste card: both sizes, no fake ranking, no scene wording; dropped, it shows the same taste summary', { skip: noFilms }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await openDemo(page);
    await page.waitForSelector('#share-taste');
    let card;
    for (const size of Object.keys(SIZES)) {
      const { buf } = await share(page, 'share-taste', size, 'taste-demo');
      const px = await pixelCheck(page, buf, 'taste', size);
      assert.deepEqual([px.width, px.height], [SIZES[size].width, SIZES[size].height]);
      assert.equal(px.off, 0, `${size}: footer band`); assert.equal(px.edges, 0, `${size}: above the band`);
      card = readCard(new Uint8Array(buf));
      assert.equal(card.kind, 'taste');
      assert.deepEqual([card.taste.artists.items, card.taste.songs.items], [[], []], 'the demo has no plays: no ranking on its card');
    }
    assert.equal(card.taste.sentence, await page.textContent('.dash-verdict-line'));
    await page.click('#tab-soundtrack');
    await dropFile(page, Buffer.from(withText(tinyPng(), CARD_KEYWORD, JSON.stringify({ format: 'moodspace-card', version: 1, kind: 'taste', taste: card.taste }))), 'taste.png');
    await page.waitForSelector('#opened-taste');
    assert.equal(await page.getAttribute('#tab-taste', 'aria-selected'), 'true');
    assert.equal(await page.textContent('#opened-taste-quadrant'), card.taste.quadrant);
    assert.equal(await page.textContent('#opened-taste-sentence'), card.taste.sentence);
    assert.equal(await page.$$eval('#opened-taste-table tbody tr', (r) => r.length), card.taste.percentiles.length);
    await page.click('#opened-taste-close');
    assert.equal(await page.$('#opened-taste'), null);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('foreign, damaged, newer, non-PNG and huge files get a clear message and break nothing', { skip: noFilms }, async () => {
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl);
    await ready(page);
    await page.click('#tab-soundtrack');
    const good = Buffer.from(withText(tinyPng(), CARD_KEYWORD, JSON.stringify(soundtrackPayload(hostileDetail(3)))));
    const damaged = Buffer.from(good); damaged[damaged.length - 30] ^= 0xff;
    const newer = Buffer.from(withText(tinyPng(), CARD_KEYWORD, JSON.stringify({ format: 'moodspace-card', version: 9, kind: 'soundtrack', soundtrack: { redesigned: true } })));
    const cases = [
      [{ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(tinyPng()) }, /holds no MoodSpace card data/],
      [{ name: 'card.png', mimeType: 'image/png', buffer: damaged }, /damaged \(a checksum does not match\)/],
      [{ name: 'card.png', mimeType: 'image/png', buffer: good.subarray(0, good.length - 50) }, /damaged or cut short/],
      [{ name: 'new.png', mimeType: 'image/png', buffer: newer }, /newer MoodSpace \(card version 9\).*Reload the page/],
      [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }, /not a PNG image/],
      [{ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a....') }, /not a PNG image/],
    ];
    for (const [file, re] of cases) {
      await page.setInputFiles('#open-card-file', file);
      await page.waitForFunction(() => document.getElementById('open-card-status').classList.contains('error'));
      assert.match(await page.textContent('#open-card-status'), re, file.name);
      await page.evaluate(() => { const s = document.getElementById('open-card-status'); s.className = 'muted'; s.textContent = ''; });
    }
    // a huge file is refused by its size, before it is read
    await page.evaluate(() => {
      const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array(45 * 1024 * 1024)], 'huge.png', { type: 'image/png' }));
      document.getElementById('main').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => document.getElementById('open-card-status').classList.contains('error'));
    assert.match(await page.textContent('#open-card-status'), /huge\.png is 45 MB: far bigger than a MoodSpace card/);
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});

test('where the browser shares files, "Share as image" opens the share sheet with the PNG instead of downloading', { skip: noFilms }, async () => {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  try {
    await page.addInitScript(() => {
      navigator.canShare = (d) => Array.isArray(d?.files) && d.files.every((f) => f instanceof File);
      navigator.share = async (d) => { const f = d.files[0]; window.__shared = { name: f.name, type: f.type, size: f.size, bytes: Array.from(new Uint8Array(await f.arrayBuffer()).subarray(0, 8)) }; };
    });
    await openDemo(page);
    let downloads = 0; page.on('download', () => { downloads++; });
    await page.selectOption('#share-taste-size', 'story');
    await page.click('#share-taste');
    await page.waitForFunction(() => window.__shared);
    const shared = await page.evaluate(() => window.__shared);
    assert.equal(shared.name, 'moodspace-taste-story.png');
    assert.equal(shared.type, 'image/png');
    assert.deepEqual(shared.bytes, [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.match(await page.textContent('#taste-mount .share-status'), /Shared moodspace-taste-story\.png \(1080×1920/);
    assert.equal(downloads, 0, 'nothing downloaded');
    // cancelling the sheet says so
    await page.evaluate(() => { navigator.share = async () => { throw new DOMException('cancelled', 'AbortError'); }; });
    await page.click('#share-taste');
    await page.waitForFunction(() => /cancelled/.test(document.querySelector('#taste-mount .share-status').textContent));
    assert.deepEqual(page.errors, []);
  } finally { await page.closeAll(); }
});
