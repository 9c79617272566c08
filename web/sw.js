// sw.js — MoodSpace's service worker: a boring, versioned precache.
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
//   activate  take control of open pages; delete the caches of older
//             versions only when no page is open. With pages open (the user
//             reloaded one of several tabs) the old caches stay, and the
//             fetch handler still answers an old page's requests (a lazy
//             chunk such as pdf.js's) from them; the next activation with no
//             page open deletes them.
//   fetch     only same-origin GETs without an Authorization header are
//             answered: precached paths from the current cache (navigations
//             get the cached index.html), other paths from an older version's
//             cache when they are there. Everything else — Spotify, LRCLIB,
//             any API response carrying a user's token — goes to the network
//             untouched and is never cached here.
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

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    if (open.length === 0) for (const key of await olderCaches()) await caches.delete(key);
    await self.clients.claim();
  })());
});

/** A file of an older version still open in some tab (its lazy chunks), or undefined. */
async function fromOlderCache(key) {
  for (const name of await olderCaches()) {
    const hit = await (await caches.open(name)).match(key);
    if (hit) return hit;
  }
  return undefined;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  if (req.headers.has('authorization')) return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  let key = url.origin + url.pathname;      // the query string never selects a different file
  if (req.mode === 'navigate') {
    if (!(url.href.startsWith(SCOPE) && (key === SCOPE || key === INDEX))) return;
    key = INDEX;
  }
  if (!PRECACHED.has(key)) {
    if (!url.href.startsWith(SCOPE)) return;
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
