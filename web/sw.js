// sw.js — MoodSpace's service worker: a boring, versioned precache that
// answers only for MoodSpace and leaves when the origin stops serving it.
//
// web/build/build-sw.mjs prepends `self.__MS_PRECACHE = { version, files }` to the
// built copy (dist/sw.js): version is a hash of every precached file's
// content, files are the app shell, the scripts, the wasm engine, the model
// weights, the film catalog, the corpus word list and the demo library.
//
//   install   fetch every precached file (bypassing the HTTP cache) into
//             "moodspace-<version>". An update then WAITS: tabs of the old
//             version keep running on it (web/notices.js tells the user a
//             new version is ready; its "Reload" button sends
//             {type: 'skip-waiting'}).
//   activate  take control of open pages. The caches of older versions are
//             deleted as soon as no page that was open before this version
//             took over is still open (prune below): at once when none is,
//             else when the last of them has gone — checked on every
//             navigation and when a page starts ({type: 'prune'} from
//             web/notices.js). Until then the fetch handler still answers an
//             old page's requests (a lazy chunk such as pdf.js's) from them.
//   fetch     only same-origin GETs without an Authorization header, inside
//             the scope, for a precached path (or an older version's file)
//             are answered; navigations only for the scope's root and
//             index.html. Everything else — another project's pages and files,
//             Spotify, LRCLIB, any API response carrying a user's token — goes
//             to the network untouched and is never cached here.
//   leaving   the origin may serve something else later (a dev server on the
//             same port). Each navigation in the scope (the app's own, which
//             waits for the answer, or any other page, which does not) asks
//             the network for this worker's
//             own script (sw.js) while the cached page is prepared: when the
//             server answers and it is not MoodSpace's (404, or another file),
//             the worker stops answering anything, deletes every MoodSpace
//             cache, unregisters itself and lets the navigation through to
//             the network, so the other project loads as if MoodSpace had
//             never been there. Offline or a server error: the cached app, as
//             before.
const MANIFEST = self.__MS_PRECACHE || { version: 'unbuilt', files: [] };
const PREFIX = 'moodspace-';
const CACHE = PREFIX + MANIFEST.version;
const SCOPE = self.registration ? self.registration.scope : self.location.href.replace(/[^/]*$/, '');
const urlOf = (f) => new URL(f, SCOPE).href;
const PRECACHED = new Set(MANIFEST.files.map(urlOf));
const INDEX = urlOf('index.html');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(MANIFEST.files.map((f) => new Request(urlOf(f), { cache: 'reload', credentials: 'same-origin' })));
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

async function olderCaches() {
  return (await caches.keys()).filter((k) => k.startsWith(PREFIX) && k !== CACHE);
}

// The windows open when this version took over (they may run an older
// version): kept in a cache entry so it survives the worker being stopped.
const OLD_CLIENTS = 'moodspace:meta';   // (not a version: outside PREFIX)
const OLD_CLIENTS_KEY = new URL('__moodspace/old-clients', SCOPE).href;
async function windows() { return self.clients.matchAll({ type: 'window', includeUncontrolled: true }); }

/** Delete the older versions' caches once no window open before the activation remains. */
async function prune() {
  if (retired) return;
  const meta = await caches.open(OLD_CLIENTS);
  const hit = await meta.match(OLD_CLIENTS_KEY);
  const old = hit ? await hit.json().catch(() => ({ version: '', ids: [] })) : { version: CACHE, ids: [] };
  if (old.version !== CACHE) return;   // another version's record: its own worker prunes
  const open = new Set((await windows()).map((c) => c.id));
  if (old.ids.some((id) => open.has(id))) return;
  for (const key of await olderCaches()) await caches.delete(key);
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const ids = (await windows()).map((c) => c.id);
    const meta = await caches.open(OLD_CLIENTS);
    await meta.put(OLD_CLIENTS_KEY, new Response(JSON.stringify({ version: CACHE, ids }), { headers: { 'content-type': 'application/json' } }));
    await prune();
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'prune') event.waitUntil(prune());
});

// --- leaving an origin that no longer serves MoodSpace -------------------------

let retired = false;
const SELF_URL = self.location.href.replace(/[?#].*$/, '');
const PROBE_MS = 3000;

/**
 * Whether the origin still serves MoodSpace: true (it does), false (the
 * server answered with something else) or null (no answer: offline, a
 * server error, too slow). Asks for this worker's own script, bypassing
 * the HTTP cache.
 */
async function stillServed() {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), PROBE_MS);
  try {
    const res = await fetch(SELF_URL, { cache: 'no-store', credentials: 'same-origin', signal: ctl.signal });
    if (res.status >= 500) return null;
    if (!res.ok) return false;
    return (await res.text()).startsWith('self.__MS_PRECACHE=');
  } catch { return null; } finally { clearTimeout(timer); }
}

/** Stop answering, delete every MoodSpace cache, unregister. */
async function retire() {
  retired = true;
  for (const key of await caches.keys()) if (key.startsWith(PREFIX) || key === OLD_CLIENTS) await caches.delete(key);
  await self.registration.unregister();
}

/** A file of an older version still open in some tab (its lazy chunks), or undefined. */
async function fromOlderCache(key) {
  for (const name of await olderCaches()) {
    const hit = await (await caches.open(name)).match(key);
    if (hit) return hit;
  }
  return undefined;
}

self.addEventListener('fetch', (event) => {
  if (retired) return;
  const req = event.request;
  if (req.method !== 'GET') return;
  if (req.headers.has('authorization')) return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (!url.href.startsWith(SCOPE)) return;
  let key = url.origin + url.pathname;      // the query string never selects a different file
  if (req.mode === 'navigate') {
    if (!(key === SCOPE || key === INDEX)) {
      // not MoodSpace's page: never answered; still a sign of what the origin serves now
      event.waitUntil(stillServed().then((served) => (served === false ? retire() : undefined)));
      return;
    }
    event.respondWith((async () => {
      const served = await stillServed();
      if (served === false) { await retire(); return fetch(req); }
      event.waitUntil(prune());
      const hit = await (await caches.open(CACHE)).match(INDEX);
      return hit || fetch(req);
    })());
    return;
  }
  if (!PRECACHED.has(key)) {
    event.respondWith((async () => (await fromOlderCache(key)) || fetch(req))());
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(key);
    if (hit) return hit;
    return fetch(req);
  })());
});
