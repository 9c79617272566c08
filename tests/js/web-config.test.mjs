// web/config.js: base URLs from the address bar are accepted only for
// loopback or the services' own https domains; the test hook and defaults.
import test from 'node:test';
import assert from 'node:assert/strict';
import { acceptableBase, getConfig, resetConfig, DEFAULTS, configuredOrigins, servedFromLoopback, overridesActive } from '../../web/config.js';

test('address-bar base URLs: loopback or the real service domains only', () => {
  assert.ok(acceptableBase('apiBase', 'http://127.0.0.1:4567/v1'));
  assert.ok(acceptableBase('apiBase', 'http://localhost:3000/v1'));
  assert.ok(acceptableBase('apiBase', 'https://api.spotify.com/v1'));
  assert.ok(acceptableBase('lrclibBase', 'https://lrclib.net'));
  assert.ok(!acceptableBase('apiBase', 'https://evil.example/v1'));
  assert.ok(!acceptableBase('apiBase', 'https://spotify.com.evil.example/v1'));
  assert.ok(!acceptableBase('apiBase', 'http://api.spotify.com/v1'), 'plain http to a real host');
  assert.ok(!acceptableBase('lrclibBase', 'https://api.spotify.com'), 'each base to its own service');
  assert.ok(!acceptableBase('apiBase', 'http://user:pw@127.0.0.1:1/v1'));
  assert.ok(!acceptableBase('apiBase', 'javascript:alert(1)'));
  assert.ok(!acceptableBase('apiBase', 'not a url'));
});

test('the test hook overrides the defaults and trailing slashes are dropped', () => {
  resetConfig();
  globalThis.__MOODSPACE_CONFIG__ = { apiBase: 'http://127.0.0.1:9/v1/', retryBaseMs: 5 };
  try {
    const c = getConfig();
    assert.equal(c.apiBase, 'http://127.0.0.1:9/v1');
    assert.equal(c.retryBaseMs, 5);
    assert.equal(c.lrclibBase, DEFAULTS.lrclibBase);
    assert.ok(Object.isFrozen(c));
    assert.deepEqual(configuredOrigins(c), ['https://accounts.spotify.com', 'http://127.0.0.1:9', 'https://lrclib.net', 'https://open.spotify.com']);
  } finally { delete globalThis.__MOODSPACE_CONFIG__; resetConfig(); }
});

// A crafted link to a hosted MoodSpace must not point it at
// another server (the token would follow); only a page served from loopback
// (local testing) takes overrides from the address bar, and they are listed
// for the banner.
function withLocation(href, fn) {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'location');
  const u = new URL(href);
  Object.defineProperty(globalThis, 'location', { value: { href: u.href, search: u.search, origin: u.origin }, configurable: true });
  resetConfig();
  try { return fn(); } finally {
    if (saved) Object.defineProperty(globalThis, 'location', saved); else delete globalThis.location;
    resetConfig();
  }
}

test('address-bar overrides are ignored unless the page itself is served from loopback', () => {
  const evil = '?api=http://127.0.0.1:9999/v1&accounts=http://127.0.0.1:9999&lrclib=http://localhost:1&embed=http://127.0.0.1:2/e';
  withLocation(`https://moodspace.example/${evil}`, () => {
    assert.equal(servedFromLoopback(), false);
    const c = getConfig();
    for (const k of ['apiBase', 'accountsBase', 'lrclibBase', 'embedBase']) assert.equal(c[k], DEFAULTS[k], `${k} stays the default`);
    assert.deepEqual(overridesActive(), []);
  });
  withLocation(`http://192.168.1.5:8000/${evil}`, () => assert.equal(getConfig().apiBase, DEFAULTS.apiBase, 'a LAN address is not loopback'));
  withLocation(`http://127.0.0.1:8000/${evil}`, () => {
    assert.equal(servedFromLoopback(), true);
    assert.equal(getConfig().apiBase, 'http://127.0.0.1:9999/v1');
    assert.deepEqual(overridesActive().map((o) => `${o.param}=${o.url}`),
      ['accounts=http://127.0.0.1:9999', 'api=http://127.0.0.1:9999/v1', 'lrclib=http://localhost:1', 'embed=http://127.0.0.1:2/e']);
  });
  withLocation('http://[::1]:8000/?api=https://evil.example/v1', () => {
    assert.equal(servedFromLoopback(), true);
    assert.equal(getConfig().apiBase, DEFAULTS.apiBase, 'still only loopback or the real service domains');
    assert.deepEqual(overridesActive(), []);
  });
});

test('the production CSP allows no loopback origin; the test variant does; the header adds frame-ancestors', async () => {
  const { contentSecurityPolicy, cspHeader, securityHeaders } = await import('../../web/build/csp.mjs');
  const prod = contentSecurityPolicy({ extraOrigins: '' });
  assert.doesNotMatch(prod, /127\.0\.0\.1|localhost|\[::1\]/);
  assert.match(prod, /connect-src 'self' https:\/\/accounts\.spotify\.com https:\/\/api\.spotify\.com https:\/\/lrclib\.net;/);
  assert.match(contentSecurityPolicy({ loopback: true, extraOrigins: '' }), /connect-src [^;]*http:\/\/127\.0\.0\.1:\*/);
  assert.match(cspHeader({ extraOrigins: '' }), /; frame-ancestors 'none'$/);
  assert.doesNotMatch(prod, /frame-ancestors/, 'ignored in a <meta>: the header carries it');
  const h = securityHeaders({ extraOrigins: '' });
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['referrer-policy'], 'no-referrer');
});
