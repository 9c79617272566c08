// Browser tests of issue 11's page hardening: the headers and framing, the
// banner while address-bar overrides are in force, and a service-worker
// update that leaves an open tab of the old version working.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distMissing, launchBrowser, startEnv, newPage, DIST } from './helpers.mjs';
import { buildServiceWorker } from '../../web/build/build-sw.mjs';

const skip = distMissing() || false;
let browser;
test.before(async () => { if (!skip) browser = await launchBrowser(); });
test.after(async () => { await browser?.close(); });

test('the server sends CSP with frame-ancestors, nosniff and Referrer-Policy; the app cannot be framed', { skip }, async () => {
  const env = await startEnv({ spotify: false, lrclib: false });
  const page = await newPage(browser, env);
  try {
    const res = await fetch(env.appUrl);
    assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    const built = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    assert.doesNotMatch(/http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(built)[1], /127\.0\.0\.1|localhost/, 'dist/ holds the production CSP');
    // another page framing the app: the frame stays empty
    await page.setContent(`<iframe id="f" src="${env.appUrl}" width="400" height="300"></iframe>`);
    await page.waitForFunction(() => document.getElementById('f'));
    const framed = page.frames().find((f) => f !== page.mainFrame());
    await framed.waitForLoadState('domcontentloaded').catch(() => {});
    const inside = await framed.evaluate(() => document.getElementById('signin') ? 'the app' : 'blocked').catch(() => 'blocked');
    assert.equal(inside, 'blocked', 'frame-ancestors refused the frame');
  } finally { await page.closeAll(); await env.stop(); }
});

test('address-bar overrides show a banner with a way back; the test hook alone shows none', { skip }, async () => {
  const env = await startEnv({ spotify: false, lrclib: false });
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.locator('#override-notice').count(), 0);
    await page.goto(`${env.appUrl}?api=http://127.0.0.1:9/v1`);
    await page.waitForSelector('html[data-app="ready"]');
    assert.match(await page.textContent('#override-notice'), /api → http:\/\/127\.0\.0\.1:9\/v1/);
    // remembered for the tab (the sign-in round trip drops the query)
    await page.goto(env.appUrl);
    await page.waitForSelector('#override-notice');
    await Promise.all([page.waitForEvent('load'), page.click('#override-reset')]);
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.locator('#override-notice').count(), 0, 'back to the real services');
  } finally { await page.closeAll(); await env.stop(); }
});

test('a service-worker update waits, says a new version is ready, and an old tab keeps its lazy chunks', { skip }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'moodspace-sw-'));
  fs.cpSync(DIST, root, { recursive: true });
  const env = await startEnv({ spotify: false, lrclib: false, root });
  const page = await newPage(browser, env, { context: { serviceWorkers: 'allow' } });
  const controlled = (p) => p.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    return true;
  });
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    await controlled(page);
    const chunk = fs.readdirSync(path.join(root, 'chunks')).find((f) => f.endsWith('.js'));
    const get = (p, f) => p.evaluate((u) => fetch(u).then((r) => r.status, () => 'network error'), `./chunks/${f}`);
    assert.equal(await get(page, chunk), 200);
    // a new build: that chunk is gone from the server, another file changed
    fs.rmSync(path.join(root, 'chunks', chunk));
    fs.appendFileSync(path.join(root, 'style.css'), '\n/* v2 */\n');
    buildServiceWorker(root, { log: () => {} });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('#update-notice');
    assert.match(await page.textContent('#update-notice'), /new version of MoodSpace is ready/);
    assert.equal(await get(page, chunk), 200, 'while the update waits, the old tab is served by the old version');
    // a second tab takes the update; the first, still on the old version, keeps working
    const second = await page.context().newPage();
    await second.goto(env.appUrl);
    await second.waitForSelector('html[data-app="ready"]');
    await second.waitForSelector('#update-notice');
    await Promise.all([second.waitForEvent('load'), second.click('#update-reload')]);
    await second.waitForSelector('html[data-app="ready"]');
    const keys = await second.evaluate(() => caches.keys());
    assert.equal(keys.filter((k) => k.startsWith('moodspace-')).length, 2, 'the old cache stays while an old tab is open');
    assert.equal(await get(page, chunk), 200, 'the old tab still loads its lazy chunk after the update');
    assert.equal(await second.locator('#update-notice').count(), 0, 'the reloaded tab runs the new version');
  } finally { await page.closeAll(); await env.stop(); fs.rmSync(root, { recursive: true, force: true }); }
});
