// Spotify sign-in: Authorization Code with PKCE, entirely in the browser.
//
// - login(): S256 challenge from a fresh random verifier, a random `state`;
//   both kept in sessionStorage for the round trip only.
// - completeLogin(): on return, checks `state`, exchanges the code, discards
//   the verifier, strips ?code&state from the address bar, stores the tokens.
// - getAccessToken(): refreshes shortly before expiry (one refresh at a time);
//   refresh(): stores a rotated refresh token; `invalid_grant` (revoked, or
//   older than Spotify's 6 months) signs out quietly and emits
//   'signin-required' so the page can ask the user to sign in again while
//   everything on screen stays.
// - signOut() removes every token of this tab and of its duplicates (tabs
//   holding the same refresh token, through an encrypted hand-off).
//
// Where tokens live (the page may share its origin, e.g. http://127.0.0.1:8000,
// with whatever the user serves there later): the access token only in
// memory; the refresh token and the granted scopes in sessionStorage, so they
// survive the sign-in round trip and reloads but end with the tab. Tokens
// from older versions (localStorage) are moved over and deleted. (What the
// origin keeps otherwise is listed in README.md, "Where your tokens are".)
//
// Tabs: a tab opened by duplicating another starts with the same refresh
// token, and Spotify rotates it on every refresh. Refreshes therefore run
// under a Web Lock (one tab at a time). No token ever crosses the
// BroadcastChannel, which any page of the origin can read and write: a tab
// that rotated (or signed out) leaves a hand-off record in localStorage,
// AES-GCM encrypted with a key derived from the refresh token it replaced
// and filed under a hash of it, then announces only {type: 'changed'}. Every
// tab then re-reads storage: only a tab holding that old refresh token can
// find and open the record (a duplicate of the tab); anything else on the
// channel is ignored, and a forged record fails authentication. Records are
// deleted after HANDOFF_TTL_MS. A refused refresh re-reads the hand-off (and
// waits briefly for an announcement) before it signs anyone out.
//
// Events (on `authEvents`, an EventTarget): 'change' (signed in/out),
// 'signin-required' (detail: { reason }).

import { getConfig, overridesActive } from '../config.js';

export const BASE_SCOPES = ['user-top-read', 'user-read-recently-played'];
export const SAVE_SCOPE = 'playlist-modify-private';

const SESSION_KEY = 'moodspace.session';   // sessionStorage: { refresh_token, scope }
const LEGACY_TOKENS_KEY = 'moodspace.tokens';   // localStorage, before: migrated, then removed
const CLIENT_KEY = 'moodspace.clientId';
const PENDING_KEY = 'moodspace.pkce';
const REFRESH_MARGIN_MS = 60_000;
const LOCK_NAME = 'moodspace-token-refresh';
const CHANNEL_NAME = 'moodspace-auth';
const ANNOUNCE_WAIT_MS = 500;   // how long a refused refresh waits for another tab's new tokens
const HANDOFF_PREFIX = 'moodspace.handoff.';
const HANDOFF_RETRY_MS = 400;   // a second look after a channel message (storage lag between tabs)   // localStorage: encrypted hand-offs between duplicated tabs
const HANDOFF_TTL_MS = 120_000;

export const authEvents = new EventTarget();

export class AuthError extends Error {
  constructor(message, code) { super(message); this.name = 'AuthError'; this.code = code; }
}

// --- PKCE helpers (pure; unit-tested) ----------------------------------------

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** A random string of `n` unreserved characters (RFC 7636 §4.1), unbiased. */
export function randomString(n = 64) {
  const out = [];
  while (out.length < n) {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    for (const b of bytes) {
      if (b < 198 && out.length < n) out.push(UNRESERVED[b % 66]); // 198 = 3*66
    }
  }
  return out.join('');
}

export function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** S256 code challenge: BASE64URL(SHA256(ASCII(verifier))). */
export async function challengeFromVerifier(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(digest);
}

// --- storage ------------------------------------------------------------------

function store() { return globalThis.localStorage; }
function session() { return globalThis.sessionStorage; }
function readJSON(st, key) {
  try { return JSON.parse(st?.getItem(key) || 'null'); } catch { return null; }
}

/** The Client ID in use: the saved one (the field) or the build default. */
export function getClientId() {
  return store()?.getItem(CLIENT_KEY) || getConfig().clientId || '';
}

/**
 * A well-formed ?client_id= in the address bar that differs from the saved
 * one, or ''. It is NOT saved: a link must not switch the app the user signs
 * in to without asking (the page asks, then calls setClientId).
 */
export function clientIdFromUrl() {
  let q = null;
  try { q = new URLSearchParams(globalThis.location?.search || '').get('client_id'); } catch { /* not a page */ }
  return q && /^[A-Za-z0-9]{8,64}$/.test(q) && q !== getClientId() ? q : '';
}

/** Remember the user's own Client ID (empty string forgets it). */
export function setClientId(id) {
  const v = String(id || '').trim();
  if (v && !/^[A-Za-z0-9]{8,64}$/.test(v)) throw new AuthError('A Client ID is 32 letters and digits (from the Spotify developer dashboard).', 'bad_client_id');
  if (v) store()?.setItem(CLIENT_KEY, v); else store()?.removeItem(CLIENT_KEY);
}

/** The redirect URI to register: this page's address without query or hash (e.g. http://127.0.0.1:8000/). */
export function redirectUri() {
  const loc = globalThis.location;
  const path = loc.pathname.replace(/index\.html$/, '');
  return loc.origin + path;
}

let memory = null;   // { access_token, token_type, expires_at, refresh_token, scope } or null
let persisted = true;   // false when sessionStorage refused the last write: memory is all there is

/** Tokens of older versions sat in localStorage: move the refresh token to this tab's session, delete them. */
function migrateLegacy() {
  const old = readJSON(store(), LEGACY_TOKENS_KEY);
  if (!old) return;
  try { store().removeItem(LEGACY_TOKENS_KEY); } catch { /* storage off */ }
  if (old.refresh_token && !readJSON(session(), SESSION_KEY)) writeSession({ refresh_token: old.refresh_token, scope: old.scope || '' });
}

function writeSession(t) {
  try {
    if (t?.refresh_token) session().setItem(SESSION_KEY, JSON.stringify({ refresh_token: t.refresh_token, scope: t.scope || '' }));
    else session().removeItem(SESSION_KEY);
    persisted = true;
  } catch { persisted = false; /* storage off: the tokens live in memory only */ }
}

/** The tokens of this tab: the access token from memory, the refresh token from sessionStorage. */
export function getTokens() {
  migrateLegacy();
  tabs();
  const saved = readJSON(session(), SESSION_KEY);
  if (!saved?.refresh_token) {
    // memory alone: storage off, or Spotify sent no refresh token
    if (memory && (!persisted || (!memory.refresh_token && memory.access_token))) return memory;
    memory = null;
    return null;
  }
  if (!memory || memory.refresh_token !== saved.refresh_token) {
    memory = { access_token: null, token_type: 'Bearer', expires_at: 0, refresh_token: saved.refresh_token, scope: saved.scope || '' };
  }
  return memory;
}
function saveTokens(t) { memory = t; writeSession(t); }
function clearTokens() {
  memory = null;
  writeSession(null);
  try { store()?.removeItem(LEGACY_TOKENS_KEY); } catch { /* storage off */ }
}

export function isSignedIn() { const t = getTokens(); return !!(t && (t.access_token || t.refresh_token)); }
export function grantedScopes() { return (getTokens()?.scope || '').split(/\s+/).filter(Boolean); }
export function hasScope(s) { return grantedScopes().includes(s); }

// --- other tabs -------------------------------------------------------------------

let channel = null;
const announced = new EventTarget();   // 'tokens' when a hand-off gave this tab new tokens
function tabs() {
  if (channel || typeof globalThis.BroadcastChannel !== 'function') return channel;
  channel = new BroadcastChannel(CHANNEL_NAME);
  channel.unref?.();   // Node (unit tests): do not keep the process alive
  // the one message read: "something changed, look in your storage"; whatever
  // else arrives (tokens, a sign-out order) is ignored
  channel.onmessage = (ev) => { if (ev.data?.type === 'changed') pickUpHandoffSoon(); };
  // localStorage reaches another tab's process a moment after a channel message
  // can: the storage event fires once the hand-off is readable here
  globalThis.addEventListener?.('storage', (ev) => {
    if (ev.key?.startsWith(HANDOFF_PREFIX) && ev.newValue) pickUpHandoff().catch(() => {});
  });
  sweepHandoffs();
  return channel;
}
function announce(msg) { try { tabs()?.postMessage(msg); } catch { /* no channel */ } }
function changed(signedIn) { authEvents.dispatchEvent(new CustomEvent('change', { detail: { signedIn } })); }

const utf8 = (s) => new TextEncoder().encode(s);
const fromB64url = (s) => Uint8Array.from(atob(String(s).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** The storage key and AES-GCM key of the hand-off addressed to holders of `refreshToken`. */
async function handoffKeys(refreshToken) {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle || !refreshToken) return null;
  const id = HANDOFF_PREFIX + base64url(await subtle.digest('SHA-256', utf8(`moodspace-handoff-id:${refreshToken}`))).slice(0, 32);
  const raw = await subtle.digest('SHA-256', utf8(`moodspace-handoff-key:${refreshToken}`));
  return { id, key: await subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']) };
}

/** Delete hand-offs older than HANDOFF_TTL_MS (or unreadable). */
function sweepHandoffs(now = Date.now()) {
  const st = store();
  if (!st) return;
  try {
    for (let i = st.length - 1; i >= 0; i--) {
      const k = st.key(i);
      if (!k?.startsWith(HANDOFF_PREFIX)) continue;
      const at = Number(readJSON(st, k)?.at);
      if (!(at > now - HANDOFF_TTL_MS && at <= now + 60_000)) st.removeItem(k);
    }
  } catch { /* storage off */ }
}

/**
 * Tell the tabs holding `replaced` (duplicates of this one) what happened to
 * it: {type: 'tokens', tokens} or {type: 'signout'}, encrypted for them in
 * localStorage; the channel carries only {type: 'changed'}.
 */
async function leaveHandoff(replaced, message) {
  try {
    const k = await handoffKeys(replaced);
    if (!k) return;
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(k.id) }, k.key, utf8(JSON.stringify(message)));
    sweepHandoffs();
    store()?.setItem(k.id, JSON.stringify({ at: Date.now(), iv: base64url(iv), ct: base64url(ct) }));
  } catch { return; /* storage or crypto off: the other tab will be asked to sign in again */ }
  announce({ type: 'changed' });
}

/** Look now, and once more shortly after (the hand-off may not be readable in this tab yet). */
function pickUpHandoffSoon() {
  pickUpHandoff().then((applied) => {
    if (!applied) setTimeout(() => pickUpHandoff().catch(() => {}), HANDOFF_RETRY_MS);
  }).catch(() => {});
}

let picking = null;
/** Re-read storage: apply a hand-off addressed to this tab's refresh token. True when one was applied. */
function pickUpHandoff() {
  if (picking) return picking;
  picking = (async () => {
    const mine = getTokens();
    const k = await handoffKeys(mine?.refresh_token);
    const rec = k && readJSON(store(), k.id);
    if (!rec?.iv || !rec?.ct) return false;
    let msg;
    try {
      const plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(rec.iv), additionalData: utf8(k.id) }, k.key, fromB64url(rec.ct));
      msg = JSON.parse(new TextDecoder().decode(plain));
    } catch { return false; /* not sealed with this tab's token: forged or damaged */ }
    if (getTokens()?.refresh_token !== mine.refresh_token) return false;   // changed meanwhile
    if (msg?.type === 'signout') { clearTokens(); changed(false); return true; }
    const t = msg?.type === 'tokens' ? msg.tokens : null;
    if (!t || typeof t.access_token !== 'string' || typeof t.refresh_token !== 'string') return false;
    saveTokens({ access_token: t.access_token, token_type: t.token_type || 'Bearer', expires_at: Number(t.expires_at) || 0,
      refresh_token: t.refresh_token, scope: typeof t.scope === 'string' ? t.scope : '' });
    announced.dispatchEvent(new Event('tokens'));
    return true;
  })().finally(() => { picking = null; });
  return picking;
}

/** Run fn while holding the cross-tab refresh lock (just run it where Web Locks are missing). */
function withRefreshLock(fn) {
  const locks = globalThis.navigator?.locks;
  return locks?.request ? locks.request(LOCK_NAME, fn) : fn();
}

/** Resolves after another tab announced new tokens, or after ms. */
function announcement(ms) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); announced.removeEventListener('tokens', done); resolve(); };
    const timer = setTimeout(done, ms);
    announced.addEventListener('tokens', done);
  });
}

/** Remove every token (this tab's and the other tabs') and the pending PKCE values. */
export function signOut() {
  const held = getTokens()?.refresh_token;
  clearTokens();
  try { session()?.removeItem(PENDING_KEY); } catch { /* storage off */ }
  if (held) leaveHandoff(held, { type: 'signout' });   // duplicates of this tab sign out too
  changed(false);
}

// --- the flow -------------------------------------------------------------------

/**
 * Start sign-in: navigates to Spotify's authorize page. `extraScopes` are added
 * to the minimal ones (e.g. SAVE_SCOPE when the user saves a playlist).
 * `navigate` is injectable for tests; returns the authorize URL.
 */
export async function login({ extraScopes = [], navigate = (u) => globalThis.location.assign(u), confirm = globalThis.confirm } = {}) {
  const clientId = getClientId();
  if (!clientId) throw new AuthError('Enter your Spotify Client ID first (see "How to get a Client ID").', 'no_client_id');
  // an authorization page set from the address bar (?accounts=, loopback pages
  // only, web/config.js): say where sign-in goes and go only if the user agrees
  const steered = overridesActive().find((o) => o.key === 'accountsBase');
  if (steered && getConfig().accountsBase === steered.url) {
    const ok = typeof confirm === 'function' && confirm(`Sign-in will go to ${steered.url}/authorize (set with ?accounts= in the address bar), ` +
      'not to accounts.spotify.com. Continue only if you set this up yourself. Go there?');
    if (!ok) throw new AuthError(`Sign-in cancelled: it would have gone to ${steered.url}, not to Spotify.`, 'cancelled');
  }
  const verifier = randomString(64);
  const state = randomString(32);
  const challenge = await challengeFromVerifier(verifier);
  const scopes = [...new Set([...BASE_SCOPES, ...grantedScopes(), ...extraScopes])];
  session().setItem(PENDING_KEY, JSON.stringify({ verifier, state, redirect: redirectUri() }));
  const u = new URL(getConfig().accountsBase + '/authorize');
  u.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, scope: scopes.join(' '),
    redirect_uri: redirectUri(), state, code_challenge_method: 'S256', code_challenge: challenge,
  }).toString();
  navigate(u.toString());
  return u.toString();
}

function stripAuthParams() {
  const u = new URL(globalThis.location.href);
  for (const p of ['code', 'state', 'error', 'error_description']) u.searchParams.delete(p);
  globalThis.history.replaceState(globalThis.history.state, '', u.pathname + (u.search ? u.search : '') + u.hash);
}

async function tokenRequest(body) {
  let res;
  try {
    res = await fetch(getConfig().accountsBase + '/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
  } catch (e) {
    throw new AuthError('Could not reach Spotify to sign in (network error). Try again when online.', 'network');
  }
  let json = null;
  try { json = await res.json(); } catch { /* not JSON */ }
  if (!res.ok || !json || !json.access_token) {
    const code = (json && json.error) || `http_${res.status}`;
    const msg = (json && (json.error_description || json.error)) || `HTTP ${res.status}`;
    throw new AuthError(`Spotify refused the sign-in: ${msg}`, code);
  }
  return json;
}

function storeTokenResponse(json, previous) {
  const t = {
    access_token: json.access_token,
    token_type: json.token_type || 'Bearer',
    expires_at: Date.now() + (Number(json.expires_in) || 3600) * 1000,
    // Spotify may rotate the refresh token; keep the old one if none is sent.
    refresh_token: json.refresh_token || previous?.refresh_token || null,
    scope: json.scope || previous?.scope || '',
  };
  saveTokens(t);
  return t;
}

/**
 * Finish sign-in if this page load is Spotify's redirect back. Returns
 * { status: 'none' } when there was no ?code/?error, { status: 'signed-in' },
 * or throws AuthError (state mismatch, refused, exchange failed). The
 * address bar is cleaned in every case and the verifier is discarded.
 */
export async function completeLogin() {
  const q = new URLSearchParams(globalThis.location.search);
  const code = q.get('code'); const state = q.get('state'); const error = q.get('error');
  if (!code && !error) return { status: 'none' };
  const pending = readJSON(session(), PENDING_KEY);
  session().removeItem(PENDING_KEY);   // the verifier never outlives one attempt
  stripAuthParams();
  if (!pending || !state || state !== pending.state) {
    throw new AuthError('The sign-in response did not match this page (state check failed). Please sign in again.', 'state_mismatch');
  }
  if (error) throw new AuthError(error === 'access_denied' ? 'You declined the Spotify sign-in.' : `Spotify sign-in failed: ${error}`, error);
  const json = await tokenRequest({
    grant_type: 'authorization_code', code, redirect_uri: pending.redirect || redirectUri(),
    client_id: getClientId(), code_verifier: pending.verifier,
  });
  storeTokenResponse(json, null);
  tabs();
  changed(true);
  return { status: 'signed-in' };
}

let refreshing = null;
const fresh = (t) => !!(t?.access_token && t.expires_at - REFRESH_MARGIN_MS > Date.now());
const refused = (e) => e.code === 'invalid_grant' || e.code === 'invalid_client' || e.code === 'http_400';

/**
 * Refresh the access token now (one request at a time in this tab, one tab
 * at a time under a Web Lock). Throws AuthError. A tab that waited for the
 * lock while another refreshed for it uses those tokens instead.
 */
export function refresh() {
  if (refreshing) return refreshing;
  tabs();
  const stale = getTokens()?.access_token || null;   // the token that failed or expired
  refreshing = withRefreshLock(async () => {
    await pickUpHandoff().catch(() => false);   // a duplicate may have rotated the token this tab holds
    let prev = getTokens();
    if (fresh(prev) && prev.access_token !== stale) return prev;   // another tab refreshed for us
    if (!prev?.refresh_token) {
      signOut();
      authEvents.dispatchEvent(new CustomEvent('signin-required', { detail: { reason: 'no_refresh_token' } }));
      throw new AuthError('Your Spotify session has ended. Please sign in again.', 'signin_required');
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const json = await tokenRequest({ grant_type: 'refresh_token', refresh_token: prev.refresh_token, client_id: getClientId() });
        const t = storeTokenResponse(json, prev);
        if (t.refresh_token !== prev.refresh_token) await leaveHandoff(prev.refresh_token, { type: 'tokens', tokens: t });
        return t;
      } catch (e) {
        if (!refused(e)) throw e;
        // Before signing out, re-read: another tab may have rotated the token
        // this one sent (its announcement can arrive just after the lock).
        let now = getTokens();
        if (now?.refresh_token === prev.refresh_token) { await pickUpHandoff().catch(() => false); now = getTokens(); }
        if (now?.refresh_token === prev.refresh_token) { await announcement(ANNOUNCE_WAIT_MS); now = getTokens(); }
        if (fresh(now) && now.access_token !== stale) return now;
        if (attempt === 0 && now?.refresh_token && now.refresh_token !== prev.refresh_token) { prev = now; continue; }
        clearTokens();
        changed(false);
        authEvents.dispatchEvent(new CustomEvent('signin-required', { detail: { reason: e.code } }));
        throw new AuthError('Your Spotify session has expired. Sign in again to continue — everything on screen stays.', 'signin_required');
      }
    }
  }).finally(() => { refreshing = null; });
  return refreshing;
}

/** A valid access token, refreshed when it expires within a minute. Throws AuthError when signed out. */
export async function getAccessToken() {
  const t = getTokens();
  if (!t) throw new AuthError('Not signed in to Spotify.', 'signin_required');
  if (!fresh(t)) return (await refresh()).access_token;
  return t.access_token;
}
