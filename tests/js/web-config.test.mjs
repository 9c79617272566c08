// web/config.js: base URLs from the address bar are accepted only for
// loopback or the services' own https domains; the test hook and defaults.
import test from 'node:test';
import assert from 'node:assert/strict';
import { acceptableBase, getConfig, resetConfig, DEFAULTS, configuredOrigins } from '../../web/config.js';

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
