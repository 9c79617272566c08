// A fake Spotify for tests: the accounts service (authorize + token, PKCE S256,
// rotating refresh tokens) and the Web API endpoints MoodSpace uses, with
// Spotify's 2026 response shapes, on 127.0.0.1 with a random port.
//
//   const sp = await startFakeSpotify({ tracks, clientId });
//   sp.accountsBase, sp.apiBase, sp.embedBase, sp.origin
//   sp.requests                    every request: { method, path, query, auth, body, at }
//   sp.inject({ path: /regex/, status: 429, times: 1, retryAfter: '1', method })
//                                  the next `times` API requests matching get that status
//   sp.expireAccessTokens()        current access tokens answer 401 from now on
//   sp.revokeRefreshTokens()       refresh → 400 invalid_grant
//   sp.playlists                   created playlists: { id, body, items: [[uris...] per call] }
//   sp.tokens                      { issued, refreshed, rotations, maxConcurrentRefresh }
//   sp.setRefreshDelay(ms)         answer refresh requests after ms (0: at once), so
//                                  refreshes from two tabs would overlap unless serialised
//   sp.setCatalog(tracks)          more tracks that only GET /v1/search finds (the user's
//                                  own `tracks` are searchable too)
//   sp.searchDelayMs = 30          answer each search after this many ms; sp.maxSearchInFlight
//                                  is the most searches ever open at once
//   await sp.stop()
//
// Data: `tracks` (Spotify track objects; default: makeTracks(120)) ranked
// differently per time range; artists from the tracks. Top endpoints page with
// limit ≤ 50 (400 above) and stop at 100 items like the real API.
// GET /v1/search?type=track&q=… answers { tracks: paging } with the tracks
// whose name, artists and album hold every word of q (case and accents
// folded; field filters such as artist: are read as plain words), in
// catalog order, like the real endpoint's relevance order for an exact query.

import http from 'node:http';
import crypto from 'node:crypto';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A deterministic 22-character base62 id (like Spotify's) from a label. */
export function spotifyId(label) {
  const h = crypto.createHash('sha256').update(String(label)).digest();
  let s = '';
  for (let i = 0; i < 22; i++) s += B62[h[i] % 62];
  return s;
}

const WORDS = ['Paper', 'Lantern', 'River', 'Static', 'Velvet', 'Orbit', 'Harbor', 'Ember', 'Salt', 'Meadow',
  'Neon', 'Willow', 'Copper', 'Tide', 'Hollow', 'Signal', 'Marble', 'Thistle', 'Falcon', 'Cinder'];

/** n original, made-up tracks in Spotify's track-object shape (images on `imageBase`). */
export function makeTracks(n, { imageBase = '' } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = i % 17;
    const artistId = spotifyId(`artist-${a}`);
    out.push(trackObject({
      id: spotifyId(`track-${i}`),
      name: `${WORDS[i % 20]} ${WORDS[(i * 7 + 3) % 20]} ${i}`,
      artist: { id: artistId, name: `The ${WORDS[(a * 3) % 20]}s` },
      album: `${WORDS[(i * 5) % 20]} Sessions`,
      durationMs: 150000 + (i * 7919) % 120000,
      explicit: i % 9 === 0,
      releaseDate: `${1970 + (i * 13) % 55}-0${1 + (i % 9)}-1${i % 10}`,
      imageBase,
    }));
  }
  return out;
}

export function trackObject({ id, name, artist, album, durationMs = 200000, explicit = false, releaseDate = '2020-01-01', imageBase = '' }) {
  const art = { external_urls: { spotify: `https://open.spotify.com/artist/${artist.id}` }, href: `https://api.spotify.com/v1/artists/${artist.id}`, id: artist.id, name: artist.name, type: 'artist', uri: `spotify:artist:${artist.id}` };
  const albumId = spotifyId(`album-${album}`);
  return {
    album: {
      album_type: 'album', total_tracks: 10, available_markets: [], external_urls: { spotify: `https://open.spotify.com/album/${albumId}` },
      href: `https://api.spotify.com/v1/albums/${albumId}`, id: albumId,
      images: imageBase ? [{ url: `${imageBase}/images/${albumId}-640.png`, height: 640, width: 640 }, { url: `${imageBase}/images/${albumId}-300.png`, height: 300, width: 300 }, { url: `${imageBase}/images/${albumId}-64.png`, height: 64, width: 64 }] : [],
      name: album, release_date: releaseDate, release_date_precision: 'day', type: 'album', uri: `spotify:album:${albumId}`, artists: [art],
    },
    artists: [art], available_markets: [], disc_number: 1, duration_ms: durationMs, explicit,
    external_ids: {}, external_urls: { spotify: `https://open.spotify.com/track/${id}` },
    href: `https://api.spotify.com/v1/tracks/${id}`, id, is_local: false, name, track_number: 1, type: 'track', uri: `spotify:track:${id}`,
  };
}

const PNG_1PX = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a2b1d4b40000000049454e44ae426082', 'hex');

function b64url(buf) { return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); }

export async function startFakeSpotify(opts = {}) {
  const clientId = opts.clientId || 'fakeclientid0123456789abcdefabcd';
  const rotate = opts.rotateRefreshTokens !== false;
  const expiresIn = opts.expiresIn ?? 3600;
  const requests = [];
  const injections = [];
  const codes = new Map();          // code → { challenge, redirect, scope, used }
  const access = new Map();         // token → { expires, scope, valid }
  const refresh = new Map();        // token → { scope, valid }
  const playlists = [];
  const tokens = { issued: 0, refreshed: 0, rotations: 0, maxConcurrentRefresh: 0 };
  let refreshDelay = 0, refreshInFlight = 0;
  let tracks = opts.tracks || null;
  let catalog = opts.catalog || [];
  const search = { delayMs: 0, inFlight: 0, maxInFlight: 0 };
  const fold = (x) => String(x || '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  let recentTracks = opts.recent || null;
  let origin = '';

  const ranked = (range) => {
    const list = tracks;
    if (range === 'short_term') return [...list].reverse();
    if (range === 'long_term') return list.filter((_, i) => i % 2 === 0).concat(list.filter((_, i) => i % 2 === 1));
    return list;
  };
  const artistsOf = (list) => {
    const seen = new Map();
    for (const t of list) for (const a of t.artists) if (!seen.has(a.id)) {
      seen.set(a.id, { ...a, images: [{ url: `${origin}/images/${a.id}-320.png`, height: 320, width: 320 }], genres: [] });
    }
    return [...seen.values()];
  };

  function send(res, status, body, headers = {}) {
    const data = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After',
      'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(data);
  }
  function apiError(res, status, message, headers) { send(res, status, { error: { status, message } }, headers); }

  function paging(req, list, { maxTotal = 100 } = {}) {
    const q = new URL(req.url, origin).searchParams;
    const limit = q.has('limit') ? Number(q.get('limit')) : 20;
    const offset = q.has('offset') ? Number(q.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) return { error: 'Invalid limit' };
    if (!Number.isInteger(offset) || offset < 0) return { error: 'Invalid offset' };
    const all = list.slice(0, maxTotal);
    const items = all.slice(offset, offset + limit);
    const u = new URL(req.url, origin);
    const href = `${origin}${u.pathname}?${u.searchParams}`;
    let next = null;
    if (offset + limit < all.length) { u.searchParams.set('offset', String(offset + limit)); u.searchParams.set('limit', String(limit)); next = `${origin}${u.pathname}?${u.searchParams}`; }
    return { href, items, limit, next, offset, previous: offset > 0 ? href : null, total: all.length };
  }

  function issue(scope) {
    const at = 'AT-' + crypto.randomBytes(18).toString('hex');
    const rt = 'RT-' + crypto.randomBytes(18).toString('hex');
    access.set(at, { expires: Date.now() + expiresIn * 1000, scope, valid: true });
    refresh.set(rt, { scope, valid: true });
    return { at, rt };
  }

  async function readBody(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, origin);
    const raw = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
    let body = raw;
    if (raw && /json/.test(req.headers['content-type'] || '')) { try { body = JSON.parse(raw); } catch { body = { unparsable: raw }; } }
    if (raw && /x-www-form-urlencoded/.test(req.headers['content-type'] || '')) body = Object.fromEntries(new URLSearchParams(raw));
    const rec = { method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), auth: req.headers.authorization || '', body, at: Date.now() };
    if (req.method !== 'OPTIONS') requests.push(rec);

    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': 'Authorization, Content-Type', 'access-control-max-age': '600' });
      res.end(); return;
    }

    // ---- accounts service
    if (u.pathname === '/authorize' && req.method === 'GET') {
      const q = u.searchParams;
      const redirect = q.get('redirect_uri') || '';
      let ru;
      try { ru = new URL(redirect); } catch { send(res, 400, '<p>INVALID_CLIENT: Invalid redirect URI</p>'); return; }
      if (ru.hostname === 'localhost') { send(res, 400, '<p>INVALID_CLIENT: Insecure redirect URI</p>'); return; }
      if (q.get('client_id') !== clientId) { send(res, 400, '<p>INVALID_CLIENT: Invalid client</p>'); return; }
      if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') || '')) {
        send(res, 400, '<p>Illegal PKCE parameters</p>'); return;
      }
      const code = 'C-' + crypto.randomBytes(16).toString('hex');
      codes.set(code, { challenge: q.get('code_challenge'), redirect, scope: q.get('scope') || '', used: false });
      const ok = new URL(redirect); ok.searchParams.set('code', code); if (q.has('state')) ok.searchParams.set('state', q.get('state'));
      const no = new URL(redirect); no.searchParams.set('error', 'access_denied'); if (q.has('state')) no.searchParams.set('state', q.get('state'));
      const esc = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      send(res, 200, `<!doctype html><title>Fake Spotify: authorize</title><h1>Allow MoodSpace?</h1><p id="scopes">${esc(q.get('scope') || '')}</p>` +
        `<a id="approve" href="${esc(ok.toString())}">Agree</a> <a id="deny" href="${esc(no.toString())}">Cancel</a>`);
      return;
    }
    if (u.pathname === '/api/token' && req.method === 'POST') {
      const f = typeof body === 'object' && body ? body : {};
      if (f.client_id !== clientId) { send(res, 400, { error: 'invalid_client', error_description: 'Invalid client' }); return; }
      if (f.grant_type === 'authorization_code') {
        const c = codes.get(f.code);
        if (!c || c.used) { send(res, 400, { error: 'invalid_grant', error_description: 'Invalid authorization code' }); return; }
        c.used = true;
        if (c.redirect !== f.redirect_uri) { send(res, 400, { error: 'invalid_grant', error_description: 'Invalid redirect URI' }); return; }
        const challenge = b64url(crypto.createHash('sha256').update(String(f.code_verifier || '')).digest());
        if (challenge !== c.challenge) { send(res, 400, { error: 'invalid_grant', error_description: 'code_verifier was incorrect' }); return; }
        const { at, rt } = issue(c.scope);
        tokens.issued++;
        send(res, 200, { access_token: at, token_type: 'Bearer', scope: c.scope, expires_in: expiresIn, refresh_token: rt });
        return;
      }
      if (f.grant_type === 'refresh_token') {
        refreshInFlight++;
        tokens.maxConcurrentRefresh = Math.max(tokens.maxConcurrentRefresh, refreshInFlight);
        if (refreshDelay) await new Promise((resolve) => setTimeout(resolve, refreshDelay));
        refreshInFlight--;
        const r = refresh.get(f.refresh_token);
        if (!r || !r.valid) { send(res, 400, { error: 'invalid_grant', error_description: 'Refresh token revoked' }); return; }
        tokens.refreshed++;
        const { at, rt } = issue(r.scope);
        if (rotate) { r.valid = false; tokens.rotations++; send(res, 200, { access_token: at, token_type: 'Bearer', scope: r.scope, expires_in: expiresIn, refresh_token: rt }); }
        else { refresh.delete(rt); send(res, 200, { access_token: at, token_type: 'Bearer', scope: r.scope, expires_in: expiresIn }); }
        return;
      }
      send(res, 400, { error: 'unsupported_grant_type' }); return;
    }

    // ---- static bits: images and embeds
    if (u.pathname.startsWith('/images/')) { res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }); res.end(PNG_1PX); return; }
    const emb = /^\/embed\/track\/([A-Za-z0-9]{22})$/.exec(u.pathname);
    if (emb) { send(res, 200, `<!doctype html><title>Fake Spotify embed</title><p>Embedded player for track ${emb[1]}</p>`); return; }

    // ---- Web API
    if (!u.pathname.startsWith('/v1/')) { apiError(res, 404, 'Service not found'); return; }
    for (const inj of injections) {
      if (inj.times > 0 && inj.path.test(u.pathname) && (!inj.method || inj.method === req.method)) {
        inj.times--; rec.injected = inj.status;
        const headers = inj.retryAfter != null ? { 'Retry-After': String(inj.retryAfter) } : {};
        const msg = inj.status === 403 ? 'Check settings on developer.spotify.com/dashboard, the user may not be registered.' : inj.status === 429 ? 'API rate limit exceeded' : 'Server error';
        apiError(res, inj.status, msg, headers); return;
      }
    }
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    const tok = m && access.get(m[1]);
    if (!tok) { apiError(res, 401, 'Invalid access token'); return; }
    if (!tok.valid || tok.expires < Date.now()) { apiError(res, 401, 'The access token expired'); return; }
    rec.tokenScope = tok.scope;

    const p = u.pathname;
    if (p === '/v1/me' && req.method === 'GET') {
      send(res, 200, { country: 'SE', display_name: opts.displayName || 'Test Listener', email: 'listener@example.com', explicit_content: { filter_enabled: false, filter_locked: false },
        external_urls: { spotify: 'https://open.spotify.com/user/testlistener' }, href: 'https://api.spotify.com/v1/users/testlistener', id: 'testlistener', images: [], product: 'premium', type: 'user', uri: 'spotify:user:testlistener' });
      return;
    }
    const top = /^\/v1\/me\/top\/(tracks|artists)$/.exec(p);
    if (top && req.method === 'GET') {
      const range = u.searchParams.get('time_range') || 'medium_term';
      if (!['short_term', 'medium_term', 'long_term'].includes(range)) { apiError(res, 400, 'Invalid time range'); return; }
      const list = top[1] === 'tracks' ? ranked(range) : artistsOf(ranked(range));
      const page = paging(req, list);
      if (page.error) { apiError(res, 400, page.error); return; }
      send(res, 200, page); return;
    }
    if (p === '/v1/me/player/recently-played' && req.method === 'GET') {
      const list = (recentTracks || tracks.slice(0, 30)).slice(0, 50);
      const t0 = Date.parse('2026-11-20T12:00:00Z');
      send(res, 200, { items: list.map((t, i) => ({ track: t, played_at: new Date(t0 - i * 240000).toISOString(), context: null })),
        next: null, cursors: { after: String(t0), before: String(t0 - list.length * 240000) }, limit: 50, href: `${origin}/v1/me/player/recently-played` });
      return;
    }
    if (p === '/v1/search' && req.method === 'GET') {
      const q = u.searchParams.get('q') || '';
      if (!q.trim()) { apiError(res, 400, 'No search query'); return; }
      if (u.searchParams.get('type') !== 'track') { apiError(res, 400, 'Missing parameter type'); return; }
      const words = fold(q).replace(/\b(track|artist|album|year|isrc):/g, ' ').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      const pool = [...catalog, ...tracks.filter((t) => !catalog.some((c) => c.id === t.id))];
      const hits = pool.filter((t) => { const hay = fold(`${t.name} ${t.artists.map((a) => a.name).join(' ')} ${t.album?.name || ''}`); return words.every((w) => hay.includes(w)); });
      const page = paging(req, hits, { maxTotal: 1000 });
      if (page.error) { apiError(res, 400, page.error); return; }
      search.inFlight++; search.maxInFlight = Math.max(search.maxInFlight, search.inFlight);
      if (search.delayMs) await new Promise((r) => setTimeout(r, search.delayMs));
      search.inFlight--;
      send(res, 200, { tracks: page }); return;
    }
    if (p === '/v1/me/playlists' && req.method === 'POST') {
      if (!tok.scope.split(' ').some((s) => s === 'playlist-modify-private' || s === 'playlist-modify-public')) { apiError(res, 403, 'Insufficient client scope'); return; }
      if (!body || typeof body !== 'object' || typeof body.name !== 'string') { apiError(res, 400, 'Missing name'); return; }
      const id = spotifyId(`playlist-${playlists.length}-${body.name}`);
      const pl = { id, body, items: [] };
      playlists.push(pl);
      send(res, 201, { collaborative: false, description: body.description || '', external_urls: { spotify: `https://open.spotify.com/playlist/${id}` },
        href: `https://api.spotify.com/v1/playlists/${id}`, id, images: [], name: body.name, owner: { id: 'testlistener', type: 'user' },
        public: body.public ?? true, snapshot_id: 'snap0', items: { href: '', items: [], limit: 100, next: null, offset: 0, previous: null, total: 0 }, type: 'playlist', uri: `spotify:playlist:${id}` });
      return;
    }
    const add = /^\/v1\/playlists\/([A-Za-z0-9]{22})\/items$/.exec(p);
    if (add && req.method === 'POST') {
      const pl = playlists.find((x) => x.id === add[1]);
      if (!pl) { apiError(res, 404, 'Not found'); return; }
      const uris = body?.uris;
      if (!Array.isArray(uris) || uris.length < 1 || uris.length > 100 || !uris.every((x) => /^spotify:track:[A-Za-z0-9]{22}$/.test(x))) { apiError(res, 400, 'Invalid uris'); return; }
      pl.items.push(uris);
      send(res, 201, { snapshot_id: `snap${pl.items.length}` }); return;
    }
    if (/^\/v1\/(audio-features|recommendations|audio-analysis)/.test(p) || /^\/v1\/users\/[^/]+\/playlists$/.test(p) || /\/tracks$/.test(p) && /^\/v1\/playlists\//.test(p)) {
      apiError(res, 403, 'Endpoint not available to this app'); return;   // gone in 2026 for new apps
    }
    apiError(res, 404, 'Service not found');
  });

  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  origin = `http://127.0.0.1:${server.address().port}`;
  if (!tracks) tracks = makeTracks(120, { imageBase: origin });

  return {
    origin, accountsBase: origin, apiBase: `${origin}/v1`, embedBase: `${origin}/embed`, clientId,
    requests, playlists, tokens,
    get tracks() { return tracks; },
    setTracks(t) { tracks = t; },
    setRecent(t) { recentTracks = t; },
    setCatalog(t) { catalog = t || []; },
    get maxSearchInFlight() { return search.maxInFlight; },
    set searchDelayMs(v) { search.delayMs = v; },
    inject({ path, status, times = 1, retryAfter, method }) { injections.push({ path: path instanceof RegExp ? path : new RegExp(path), status, times, retryAfter, method }); },
    clearInjections() { injections.length = 0; },
    expireAccessTokens() { for (const t of access.values()) t.valid = false; },
    revokeRefreshTokens() { for (const r of refresh.values()) r.valid = false; },
    setRefreshDelay(ms) { refreshDelay = ms; },
    apiRequests() { return requests.filter((r) => r.path.startsWith('/v1/')); },
    stop() { return new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }); },
  };
}
