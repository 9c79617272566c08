// PKCE helpers of web/spotify/auth.js: verifier alphabet and length, S256 challenge
// (RFC 7636 appendix B test vector), base64url without padding.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomString, challengeFromVerifier, base64url } from '../../web/spotify/auth.js';

test('the S256 challenge matches the RFC 7636 appendix B example', async () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  assert.equal(await challengeFromVerifier(verifier), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('verifiers use only unreserved characters, have the asked length and differ', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const v = randomString(64);
    assert.equal(v.length, 64);
    assert.match(v, /^[A-Za-z0-9\-._~]+$/);
    seen.add(v);
  }
  assert.equal(seen.size, 200);
  assert.equal(randomString(43).length, 43);
  assert.equal(randomString(128).length, 128);
});

test('base64url has no padding and uses - and _', () => {
  assert.equal(base64url(new Uint8Array([0xfb, 0xff, 0xfe])), '-__-');
  assert.equal(base64url(new Uint8Array([1])), 'AQ');
});

test('a challenge is 43 characters of base64url', async () => {
  const c = await challengeFromVerifier(randomString(64));
  assert.match(c, /^[A-Za-z0-9_-]{43}$/);
});
