// Browser tests of Spotify sign-in (PKCE) against the fake accounts service:
// the round trip, what is stored and what is not, refresh before expiry and
// on 401 with a rotated refresh token, invalid_grant keeping the screen, a
// forged state, sign-out, minimal scopes. Real app code from dist/ in Chromium.
import test from 'node:test';
import assert from 'node:assert/strict';
import { distMissing, launchBrowser, startEnv, newPage, signIn, lrclibSongsFor } from './helpers.mjs';
import { makeTracks } from '../fake/spotify.mjs';

const skip = distMissing() || false;
let browser; let env;

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
  env.spotify.setTracks(makeTracks(20, { imageBase: env.spotify.origin }));  // paging is covered in app.test.mjs
  env.lrclib.setSongs(lrclibSongsFor(env.spotify.tracks));
});
test.after(async () => { await env?.stop(); await browser?.close(); });

const tokensOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('moodspace.tokens') || 'null'));
const songRows = (page) => page.locator('#song-table tbody tr').count();

test('sign-in: PKCE S256 round trip, code stripped, verifier discarded, tokens stored, minimal scopes', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('code'), null, 'code stripped from the address bar');
    assert.equal(url.searchParams.get('state'), null, 'state stripped from the address bar');
    const authz = env.spotify.requests.filter((r) => r.path === '/authorize').at(-1);
    assert.equal(authz.query.code_challenge_method, 'S256');
    assert.equal(authz.query.redirect_uri, env.appUrl);
    assert.match(authz.query.state, /^[A-Za-z0-9\-._~]{16,}$/);
    assert.deepEqual(authz.query.scope.split(' ').sort(), ['user-read-recently-played', 'user-top-read']);
    const exchange = env.spotify.requests.filter((r) => r.path === '/api/token').at(-1);
    assert.equal(exchange.body.grant_type, 'authorization_code');
    assert.match(exchange.body.code_verifier, /^[A-Za-z0-9\-._~]{43,128}$/);
    const t = await tokensOf(page);
    assert.match(t.access_token, /^AT-/); assert.match(t.refresh_token, /^RT-/);
    assert.ok(t.expires_at > Date.now() + 3000 * 1000);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('moodspace.pkce')), null, 'verifier discarded');
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    assert.match(await page.textContent('#account'), /Test Listener/);
    assert.deepEqual(page.blocked, []);
  } finally { await page.closeAll(); }
});

test('a 401 refreshes once, stores the rotated refresh token, and the call succeeds', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    const before = await tokensOf(page);
    const refreshed = env.spotify.tokens.refreshed;
    env.spotify.expireAccessTokens();
    const n = env.spotify.requests.length;
    await page.click('#reload-spotify');
    await page.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent));
    const after = await tokensOf(page);
    assert.equal(env.spotify.tokens.refreshed, refreshed + 1, 'exactly one refresh');
    assert.notEqual(after.refresh_token, before.refresh_token, 'rotated refresh token stored');
    assert.notEqual(after.access_token, before.access_token);
    const later = env.spotify.requests.slice(n);
    assert.ok(later.some((r) => r.path === '/v1/me' && r.auth === `Bearer ${after.access_token}`));
    const refreshReq = later.find((r) => r.path === '/api/token');
    assert.equal(refreshReq.body.grant_type, 'refresh_token');
    assert.equal(refreshReq.body.refresh_token, before.refresh_token);
    if (await page.isVisible('#banner')) assert.doesNotMatch(await page.textContent('#banner-text'), /sign in|expired|Spotify/i);
  } finally { await page.closeAll(); }
});

test('a token about to expire is refreshed before the call (no 401 seen)', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    await page.evaluate(() => {
      const t = JSON.parse(localStorage.getItem('moodspace.tokens'));
      t.expires_at = Date.now() + 5000; localStorage.setItem('moodspace.tokens', JSON.stringify(t));
    });
    const n = env.spotify.requests.length;
    await page.click('#reload-spotify');
    await page.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent));
    const later = env.spotify.requests.slice(n);
    assert.equal(later[0].path, '/api/token', 'refresh first');
    assert.ok(!later.some((r) => r.path.startsWith('/v1/') && r.injected), 'no injected errors');
    const t = await tokensOf(page);
    assert.ok(t.expires_at > Date.now() + 3000 * 1000);
  } finally { await page.closeAll(); }
});

test('invalid_grant asks to sign in again and keeps the library on screen', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    const rows = await songRows(page);
    env.spotify.expireAccessTokens();
    env.spotify.revokeRefreshTokens();
    await page.click('#reload-spotify');
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner-text'), /sign in again/i);
    assert.equal(await page.isVisible('#banner-signin'), true);
    assert.equal(await songRows(page), rows, 'what was on screen stays');
    assert.equal(await tokensOf(page), null, 'dead tokens removed');
    assert.equal(await page.isVisible('#signin'), true);
    // signing in again brings the same library back without fetching it again
    const n = env.spotify.apiRequests().length;
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.spotify.accountsBase + '/authorize')), page.click('#banner-signin')]);
    await Promise.all([page.waitForURL((u) => u.toString().startsWith(env.appUrl)), page.click('#approve')]);
    await page.waitForFunction(() => /Signed in again as Test Listener/.test(document.getElementById('status').textContent));
    assert.equal(await songRows(page), rows);
    assert.deepEqual(env.spotify.apiRequests().slice(n).map((r) => r.path), ['/v1/me']);
  } finally { await page.closeAll(); }
});

test('a returned state that does not match is refused and the code is not exchanged', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await page.goto(env.appUrl);
    await page.waitForSelector('html[data-app="ready"]');
    const n = env.spotify.requests.length;
    await page.goto(`${env.appUrl}?code=C-forged&state=not-the-one`);
    await page.waitForSelector('#banner:not([hidden])');
    assert.match(await page.textContent('#banner-text'), /state check failed/);
    assert.equal(new URL(page.url()).search, '', 'address bar cleaned');
    assert.ok(!env.spotify.requests.slice(n).some((r) => r.path === '/api/token'));
    assert.equal(await tokensOf(page), null);
  } finally { await page.closeAll(); }
});

test('sign out removes every token; the Client ID field is remembered and ?client_id= is accepted', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    await page.click('#signout');
    const keys = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
    assert.ok(!keys.some((k) => /token|pkce/.test(k)), `no token left: ${keys}`);
    assert.equal(await page.isVisible('#signin'), true);
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.inputValue('#client-id'), env.spotify.clientId, 'Client ID remembered');
    await page.goto(`${env.appUrl}?client_id=abcdef0123456789abcdef0123456789`);
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.inputValue('#client-id'), 'abcdef0123456789abcdef0123456789');
    assert.equal(await page.textContent('#redirect-uri'), env.appUrl);
  } finally { await page.closeAll(); }
});
