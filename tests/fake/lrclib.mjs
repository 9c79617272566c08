// A fake LRCLIB on 127.0.0.1 (random port): /api/get and /api/search with the
// real response fields, 404s, instrumental records, and failure injection.
//
//   const lr = await startFakeLrclib({ songs: [{ track, artist, album, duration, lyrics, instrumental, searchOnly }] });
//   lr.base                        e.g. http://127.0.0.1:41234
//   lr.requests                    { path, query, client (Lrclib-Client header), at }
//   lr.failTracks(names, status)   /api/get and /api/search for these track names answer `status` (default 500)
//   lr.hangTracks(names)           requests for these track names are never answered (until stop or clearFailures)
//   lr.maxInFlight                 the most requests ever open at once (concurrency check)
//   lr.delayMs = 30                answer each request after this many ms (to observe concurrency)
//   await lr.stop()
//
// Matching: /api/get needs track + artist (case-insensitive) and, when both
// sides have one, a duration within ±2 s. A song with `searchOnly: true` is
// not found by /api/get, only by /api/search (like a record with another album).

import http from 'node:http';

export async function startFakeLrclib(opts = {}) {
  let songs = (opts.songs || []).map((s, i) => ({ id: 1000 + i, ...s }));
  const requests = [];
  const failing = new Map();
  const hanging = new Set();
  const hung = new Set();
  let inFlight = 0;
  const state = { maxInFlight: 0, delayMs: opts.delayMs ?? 0 };

  const rec = (s) => ({
    id: s.id, name: s.track, trackName: s.track, artistName: s.artist, albumName: s.album || '',
    duration: s.duration, instrumental: !!s.instrumental,
    plainLyrics: s.instrumental ? null : s.lyrics,
    syncedLyrics: s.instrumental ? null : s.synced || null,
  });
  const eq = (a, b) => String(a || '').toLowerCase() === String(b || '').toLowerCase();

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://x');
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'Lrclib-Client, Content-Type', 'access-control-max-age': '600' });
      res.end(); return;
    }
    const q = Object.fromEntries(u.searchParams);
    requests.push({ path: u.pathname, query: q, client: req.headers['lrclib-client'] || '', at: Date.now() });
    inFlight++; state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const reply = (status, body) => {
      setTimeout(() => {
        inFlight--;
        res.writeHead(status, { ...cors, 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, state.delayMs);
    };
    const track = q.track_name || '';
    if ([...hanging].some((n) => eq(n, track))) { hung.add(res); inFlight--; return; }   // never answered
    for (const [name, status] of failing) {
      if (eq(name, track) || (q.q && q.q.toLowerCase().includes(name.toLowerCase()))) { reply(status, { code: status, name: 'InternalError', message: 'Injected failure' }); return; }
    }
    if (u.pathname === '/api/get') {
      if (!track || !q.artist_name) { reply(400, { code: 400, name: 'BadRequest', message: 'track_name and artist_name are required' }); return; }
      const d = q.duration ? Number(q.duration) : null;
      const s = songs.find((x) => !x.searchOnly && eq(x.track, track) && eq(x.artist, q.artist_name) && (d == null || x.duration == null || Math.abs(x.duration - d) <= 2));
      if (!s) { reply(404, { code: 404, name: 'TrackNotFound', message: 'Failed to find specified track' }); return; }
      reply(200, rec(s)); return;
    }
    if (u.pathname === '/api/search') {
      const words = (q.q || '').toLowerCase();
      const hits = songs.filter((x) => (track ? eq(x.track, track) : true) && (q.artist_name ? eq(x.artist, q.artist_name) : true) &&
        (!words || `${x.track} ${x.artist}`.toLowerCase().includes(words)) && (track || q.artist_name || words));
      reply(200, hits.map(rec)); return;
    }
    reply(404, { code: 404, name: 'NotFound', message: 'Not found' });
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base, requests,
    get maxInFlight() { return state.maxInFlight; },
    set delayMs(v) { state.delayMs = v; },
    setSongs(list) { songs = list.map((s, i) => ({ id: 1000 + i, ...s })); },
    failTracks(names, status = 500) { for (const n of names) failing.set(n, status); },
    hangTracks(names) { for (const n of names) hanging.add(n); },
    get hungRequests() { return hung.size; },
    clearFailures() { failing.clear(); hanging.clear(); for (const r of hung) r.destroy(); hung.clear(); },
    stop() { return new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }); },
  };
}
