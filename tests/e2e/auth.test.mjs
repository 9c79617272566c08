// Browser tests of Spotify sign-in (PKCE) against the fake accounts service:
// the round trip, what is stored and what is not, refresh before expiry and
// on 401 with a rotated refresh token, invalid_grant keeping the screen, a
// forged state, sign-out, minimal scopes; where tokens live (access token in
// memory, refresh token in sessionStorage), two tabs refreshing at once, the
// ?client_id= question. Real app code from dist/ in Chromium.
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

// what this tab keeps: { refresh_token, scope } in sessionStorage (no access token anywhere)
const tokensOf = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('moodspace.session') || 'null'));
const storedValues = (page) => page.evaluate(() => [localStorage, sessionStorage].flatMap((st) => Object.keys(st).map((k) => `${k}=${st.getItem(k)}`)));
const lastApiAuth = (sp) => sp.requests.filter((r) => r.path.startsWith('/v1/')).at(-1)?.auth;
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
    assert.match(t.refresh_token, /^RT-/);
    assert.equal(t.access_token, undefined, 'the access token is not stored');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('moodspace.pkce')), null, 'verifier discarded');
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    assert.match(lastApiAuth(env.spotify), /^Bearer AT-/, 'the access token is used from memory');
    const stored = await storedValues(page);
    assert.ok(!stored.some((v) => /AT-/.test(v)), `no access token in any storage: ${stored}`);
    assert.ok(!stored.some((v) => /RT-/.test(v) && !v.startsWith('moodspace.session=')), 'the refresh token only in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.getItem('moodspace.tokens')), null, 'nothing in localStorage');
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
    const authBefore = lastApiAuth(env.spotify);
    const refreshed = env.spotify.tokens.refreshed;
    env.spotify.expireAccessTokens();
    const n = env.spotify.requests.length;
    await page.click('#reload-spotify');
    await page.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent));
    const after = await tokensOf(page);
    assert.equal(env.spotify.tokens.refreshed, refreshed + 1, 'exactly one refresh');
    assert.notEqual(after.refresh_token, before.refresh_token, 'rotated refresh token stored');
    const later = env.spotify.requests.slice(n);
    const me = later.filter((r) => r.path === '/v1/me').at(-1);
    assert.ok(me && me.auth !== authBefore && /^Bearer AT-/.test(me.auth), 'the new access token is used');
    const refreshReq = later.find((r) => r.path === '/api/token');
    assert.equal(refreshReq.body.grant_type, 'refresh_token');
    assert.equal(refreshReq.body.refresh_token, before.refresh_token);
    if (await page.isVisible('#banner')) assert.doesNotMatch(await page.textContent('#banner-text'), /sign in|expired|Spotify/i);
  } finally { await page.closeAll(); }
});

test('a token about to expire is refreshed before the call (no 401 seen)', { skip }, async () => {
  // access tokens that live 30 s: always within the one-minute margin
  const short = await startEnv({ spotify: { expiresIn: 30 }, lrclib: false });
  short.spotify.setTracks(makeTracks(5, { imageBase: short.spotify.origin }));
  const page = await newPage(browser, short);
  try {
    await signIn(page, short);
    await page.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent));
    const n = short.spotify.requests.length;
    await page.click('#reload-spotify');
    await page.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent));
    const later = short.spotify.requests.slice(n);
    assert.equal(later[0].path, '/api/token', 'refresh first');
    assert.equal(later[0].body.grant_type, 'refresh_token');
  } finally { await page.closeAll(); await short.stop(); }
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

test('sign out removes every token; the Client ID field is remembered; ?client_id= asks before it is saved', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    await page.waitForFunction(() => document.querySelectorAll('#song-table tbody tr').length > 0);
    await page.click('#signout');
    const stored = await storedValues(page);
    assert.ok(!stored.some((v) => /token|pkce|moodspace\.session|AT-|RT-/.test(v)), `no token left: ${stored}`);
    assert.equal(await page.isVisible('#signin'), true);
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.inputValue('#client-id'), env.spotify.clientId, 'Client ID remembered');
    // a link with another Client ID: declined, nothing changes
    const other = 'abcdef0123456789abcdef0123456789';
    await page.goto(`${env.appUrl}?client_id=${other}`);
    await page.waitForSelector('html[data-app="ready"]');
    assert.match(page.dialogs.at(-1) || '', new RegExp(`Client ID ${other}`), 'the page asked');
    assert.equal(await page.inputValue('#client-id'), env.spotify.clientId, 'declined: not saved');
    assert.equal(new URL(page.url()).searchParams.get('client_id'), null, 'removed from the address bar');
    // accepted: saved
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => d.accept().catch(() => {}));
    await page.goto(`${env.appUrl}?client_id=${other}`);
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.inputValue('#client-id'), other);
    assert.equal(await page.textContent('#redirect-uri'), env.appUrl);
  } finally { await page.closeAll(); }
});

test('sign-out offers to forget the library and lyrics kept in IndexedDB', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    // every lyric fetched and cached first: a fetch still in flight would cache after the forget
    await page.waitForFunction(() => document.getElementById('lyrics-label')?.textContent === 'Lyrics fetched', null, { timeout: 60000 });
    await page.evaluate(() => globalThis.moodspace.library.save());
    const count = () => page.evaluate(async () => {
      const open = (name) => new Promise((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const keys = async (name, store) => {
        const db = await open(name);
        try {
          if (!db.objectStoreNames.contains(store)) return 0;
          return await new Promise((res) => { const q = db.transaction(store).objectStore(store).count(); q.onsuccess = () => res(q.result); });
        } finally { db.close(); }
      };
      return { library: await keys('keyval-store', 'keyval'), lyrics: await keys('moodspace-lyrics', 'lyrics') };
    });
    let before = await count();
    // lyrics are fetched (and cached) in the background after the songs appear
    for (let i = 0; i < 100 && !(before.library > 0 && before.lyrics > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await page.evaluate(() => globalThis.moodspace.library.save());
      before = await count();
    }
    assert.ok(before.library > 0 && before.lyrics > 0, `library and lyrics saved: ${JSON.stringify(before)}`);
    await page.click('#signout');
    await page.waitForSelector('#forget-notice');
    assert.match(await page.textContent('#forget-notice'), /still saved in this browser/);
    await page.click('#forget-data');
    await page.waitForFunction(() => /were deleted/.test(document.getElementById('forget-notice')?.textContent || ''));
    assert.deepEqual(await count(), { library: 0, lyrics: 0 });
    assert.equal(await page.locator('#song-table tbody tr').count(), 0, 'the library left the screen');
  } finally { await page.closeAll(); }
});

test('tokens of older versions in localStorage move to the tab session and leave localStorage', { skip }, async () => {
  const page = await newPage(browser, env);
  try {
    await signIn(page, env);
    const t = await tokensOf(page);
    // what an older version left behind
    await page.evaluate((rt) => {
      sessionStorage.removeItem('moodspace.session');
      localStorage.setItem('moodspace.tokens', JSON.stringify({ access_token: 'AT-old', expires_at: 0, refresh_token: rt, scope: 'user-top-read' }));
    }, t.refresh_token);
    await page.reload();
    await page.waitForSelector('html[data-app="ready"]');
    assert.equal(await page.evaluate(() => localStorage.getItem('moodspace.tokens')), null, 'removed from localStorage');
    assert.equal(await page.isVisible('#signed-in'), true, 'still signed in');
    assert.match((await tokensOf(page)).refresh_token, /^RT-/);
  } finally { await page.closeAll(); }
});

test('two tabs refreshing at once both stay signed in (Web Locks, rotating refresh tokens); no token crosses the tab channel', { skip }, async () => {
  const a = await newPage(browser, env);
  try {
    await signIn(a, env);
    await a.waitForFunction(() => /Lyrics:|Found \d+ songs/.test(document.getElementById('status').textContent));
    // a duplicated tab: same origin, same browser profile, a copy of the tab's session
    const session = await a.evaluate(() => sessionStorage.getItem('moodspace.session'));
    const b = await a.context().newPage();
    b.on('dialog', (d) => d.dismiss().catch(() => {}));
    await b.addInitScript((s) => { if (!sessionStorage.getItem('moodspace.session')) sessionStorage.setItem('moodspace.session', s); }, session);
    await b.goto(env.appUrl);
    await b.waitForSelector('html[data-app="ready"]');
    await b.waitForFunction(() => /Lyrics:|Found \d+ songs/.test(document.getElementById('status').textContent));
    // another page of the same origin (any project served there) listens to the tab channel
    const spy = await a.context().newPage();
    await spy.goto(`${env.appUrl}not-moodspace.html`);
    await spy.evaluate(() => { window.heard = []; const bc = new BroadcastChannel('moodspace-auth'); bc.onmessage = (e) => window.heard.push(e.data); window.bc = bc; });
    // slow refresh answers: without the lock, the two tabs' refreshes would overlap
    env.spotify.setRefreshDelay(300);
    const roundTokens = [];
    for (let round = 0; round < 4; round++) {
      env.spotify.expireAccessTokens();
      const n = env.spotify.requests.length;
      await Promise.all([a, b].map((p) => p.evaluate(() => { document.getElementById('status').textContent = ''; document.getElementById('reload-spotify').click(); })));
      // the reloads meet the expired token and refresh; wait for that first, because
      // the status line below can already be showing a background lyrics update
      const refreshed = () => env.spotify.requests.slice(n).some((r) => r.path === '/api/token');
      for (let i = 0; i < 100 && !refreshed(); i++) await new Promise((r) => setTimeout(r, 100));
      for (const p of [a, b]) await p.waitForFunction(() => /Found \d+ songs|Lyrics:/.test(document.getElementById('status').textContent) || !document.getElementById('banner').hidden);
      for (const [name, p] of [['first', a], ['second', b]]) {
        assert.equal(await p.isVisible('#signed-in'), true, `round ${round}: the ${name} tab is still signed in`);
        if (await p.isVisible('#banner')) assert.doesNotMatch(await p.textContent('#banner-text'), /sign in again|expired/i, `round ${round}: ${name} tab`);
      }
      assert.ok(env.spotify.requests.slice(n).some((r) => r.path === '/api/token'), `round ${round}: refreshed`);
      assert.equal(env.spotify.tokens.maxConcurrentRefresh, 1, `round ${round}: never two refreshes in flight (the Web Lock)`);
      assert.equal((await tokensOf(a)).refresh_token, (await tokensOf(b)).refresh_token, 'both tabs hold the rotated token');
      roundTokens.push((await tokensOf(a)).refresh_token);
    }
    // the channel only ever said "changed": no token, and nothing in localStorage in the clear
    const heard = await spy.evaluate(() => window.heard);
    assert.ok(heard.length >= 4, `announcements heard: ${heard.length}`);
    assert.ok(heard.every((m) => JSON.stringify(m) === '{"type":"changed"}'), `only {type: 'changed'}: ${JSON.stringify(heard).slice(0, 300)}`);
    const shared = await spy.evaluate(() => Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'));
    const used = new Set([...env.spotify.requests.map((r) => r.auth?.replace(/^Bearer /, '')), ...env.spotify.requests.map((r) => r.body?.refresh_token),
      ...roundTokens].filter(Boolean));
    assert.ok(used.size >= 5);
    for (const t of used) assert.ok(!shared.includes(t), `token ${t.slice(0, 8)}… not readable in localStorage`);
    // forged messages change nothing: no tokens accepted, no sign-out obeyed
    const held = (await tokensOf(a)).refresh_token;
    await spy.evaluate((rt) => {
      window.bc.postMessage({ type: 'tokens', replaced: rt, tokens: { access_token: 'AT-forged', refresh_token: 'RT-forged', expires_at: Date.now() + 3600e3 } });
      window.bc.postMessage({ type: 'signout' });
      window.bc.postMessage({ type: 'changed' });
    }, held);
    // a forged hand-off record under a made-up key is ignored too
    await spy.evaluate(() => localStorage.setItem('moodspace.handoff.forged', JSON.stringify({ at: Date.now(), iv: 'AAAA', ct: 'AAAA' })));
    await spy.evaluate(() => window.bc.postMessage({ type: 'changed' }));
    await new Promise((r) => setTimeout(r, 500));
    for (const p of [a, b]) {
      assert.equal(await p.isVisible('#signed-in'), true, 'forged messages sign nobody out');
      assert.equal((await tokensOf(p)).refresh_token, held, 'forged tokens are not taken');
    }
    // signing out in one tab removes the tokens of its duplicate too (through the sealed hand-off)
    await a.click('#signout');
    await b.waitForSelector('#signin', { state: 'visible' });
    assert.equal(await tokensOf(b), null, 'the other tab forgot its tokens');
  } finally { env.spotify.setRefreshDelay(0); await a.closeAll(); }
});
