// Runtime configuration: every external base URL the page talks to.
//
// Precedence (highest first):
//   1. a test hook: globalThis.__MOODSPACE_CONFIG__ = { apiBase: ..., ... }
//      (set by the browser tests through page.addInitScript before any module runs);
//   2. query parameters: ?accounts=  ?api=  ?lrclib=  ?embed=
//      (remembered for the tab in sessionStorage so they survive the sign-in
//      round trip, which returns to the bare redirect URI);
//   3. the defaults below (real Spotify and LRCLIB).
// (?client_id= is handled by auth.js: the page asks before saving it.)
//
// Overrides from the address bar are accepted only when the page itself is
// served from loopback (local testing), and only for loopback origins or
// https origins on the same service's domain: a crafted link to a hosted
// MoodSpace cannot point it, and the user's Spotify token, anywhere else.
// overridesActive() lists the overrides in force so the page can show them
// (web/notices.js). The production Content-Security-Policy (web/build/csp.mjs)
// allows no loopback origin at all but the page's own.

export const APP_VERSION = '0.1.0';
export const LRCLIB_CLIENT = `MoodSpace/${APP_VERSION} (https://github.com/moodspace/moodspace)`;

/** Defaults; BUILD_CLIENT_ID may be replaced at build time (esbuild define). */
export const DEFAULTS = Object.freeze({
  accountsBase: 'https://accounts.spotify.com',
  apiBase: 'https://api.spotify.com/v1',
  lrclibBase: 'https://lrclib.net',
  embedBase: 'https://open.spotify.com/embed',
  // Default client id compiled in by web/build/build.mjs (MOODSPACE_CLIENT_ID env), may be ''.
  clientId: typeof __MOODSPACE_CLIENT_ID__ === 'string' ? __MOODSPACE_CLIENT_ID__ : '',
  // The app's address printed on share cards (web/build/build.mjs, MOODSPACE_APP_URL env);
  // '' = the address the page is served from (web/keep/card-content.js appAddress).
  appUrl: typeof __MOODSPACE_APP_URL__ === 'string' ? __MOODSPACE_APP_URL__ : '',
  // Spotify retry policy (the funnel): first backoff, cap, bounded 5xx retries.
  retryBaseMs: 500,
  retryMaxMs: 30000,
  max429Retries: 6,
  max5xxRetries: 3,
  // LRCLIB: concurrent requests.
  lyricsConcurrency: 4,
});

const PARAMS = { accounts: 'accountsBase', api: 'apiBase', lrclib: 'lrclibBase', embed: 'embedBase' };
const TRUSTED = {
  accountsBase: /^https:\/\/([a-z0-9-]+\.)*spotify\.com$/,
  apiBase: /^https:\/\/([a-z0-9-]+\.)*spotify\.com$/,
  lrclibBase: /^https:\/\/([a-z0-9-]+\.)*lrclib\.net$/,
  embedBase: /^https:\/\/([a-z0-9-]+\.)*spotify\.com$/,
};
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const SESSION_KEY = 'moodspace.config';

/** True when the page is served from loopback (http://127.0.0.1, localhost, [::1]). */
export function servedFromLoopback(loc = globalThis.location) {
  try { return LOOPBACK.test(new URL(String(loc?.href)).origin); } catch { return false; }
}

/** True if `url` may be used as a base URL for `key` when it comes from the address bar. */
export function acceptableBase(key, url) {
  let u;
  try { u = new URL(url); } catch { return false; }
  if (u.username || u.password) return false;
  return LOOPBACK.test(u.origin) || (TRUSTED[key] ? TRUSTED[key].test(u.origin) : false);
}

function readSession() {
  if (!servedFromLoopback()) return {};
  try { return JSON.parse(globalThis.sessionStorage?.getItem(SESSION_KEY) || '{}') || {}; }
  catch { return {}; }
}

function fromQuery() {
  const out = {};
  let search = '';
  try { search = globalThis.location?.search || ''; } catch { /* not a page */ }
  if (!servedFromLoopback()) return out;
  const q = new URLSearchParams(search);
  for (const [p, key] of Object.entries(PARAMS)) {
    const v = q.get(p);
    if (v && acceptableBase(key, v)) out[key] = v.replace(/\/+$/, '');
  }
  if (Object.keys(out).length) {
    try { globalThis.sessionStorage?.setItem(SESSION_KEY, JSON.stringify({ ...readSession(), ...out })); }
    catch { /* storage may be off */ }
  }
  return out;
}

let current = null;

/** The configuration in force (computed once per page; see resetConfig for tests). */
export function getConfig() {
  if (current) return current;
  const hook = (globalThis.__MOODSPACE_CONFIG__ && typeof globalThis.__MOODSPACE_CONFIG__ === 'object')
    ? globalThis.__MOODSPACE_CONFIG__ : {};
  const cfg = { ...DEFAULTS, ...readSession(), ...fromQuery(), ...hook };
  for (const k of Object.keys(PARAMS).map((p) => PARAMS[p])) cfg[k] = String(cfg[k]).replace(/\/+$/, '');
  current = Object.freeze(cfg);
  return current;
}

/**
 * The base URLs taken from the address bar (this page load or earlier in the
 * tab) that differ from the defaults: [{ param, key, url }]. Empty unless
 * the page is served from loopback. The test hook does not count.
 */
export function overridesActive() {
  const from = { ...readSession(), ...fromQuery() };
  return Object.entries(PARAMS).filter(([, key]) => from[key] && from[key] !== DEFAULTS[key])
    .map(([param, key]) => ({ param, key, url: from[key] }));
}

/** Forget the address-bar overrides of this tab (the banner's "use the defaults"). */
export function clearOverrides() {
  try { globalThis.sessionStorage?.removeItem(SESSION_KEY); } catch { /* storage off */ }
  current = null;
}

/** Replace the configuration (Node unit tests) or drop the cached one (undefined). */
export function resetConfig(overrides) {
  current = overrides ? Object.freeze({ ...DEFAULTS, ...overrides }) : null;
  return current;
}

/** Origins the page talks to (for display and for checking the CSP in tests). */
export function configuredOrigins(cfg = getConfig()) {
  return ['accountsBase', 'apiBase', 'lrclibBase', 'embedBase'].map((k) => {
    try { return new URL(cfg[k]).origin; } catch { return null; }
  }).filter(Boolean);
}
