// sw.js — MoodSpace's service worker: a boring, versioned precache.
//
// web/build-sw.mjs prepends `self.__MS_PRECACHE = { version, files }` to the
// built copy (dist/sw.js): version is a hash of every precached file's
// content, files are the app shell, the scripts, the wasm engine, the model
// weights, the film catalog, the corpus word list and the demo library.
//
//   install   fetch every precached file (bypassing the HTTP cache) into
//             "moodspace-<version>"
//   activate  delete every other "moodspace-*" cache, take control of open pages
//   fetch     only same-origin GETs without an Authorization header whose path
//             is precached are answered, from the cache (navigations get the
//             cached index.html). Everything else — Spotify, LRCLIB, any API
//             response carrying a user's token — goes to the network untouched
//             and is never cached here.
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
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

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
  if (!PRECACHED.has(key)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(key);
    if (hit) return hit;
    return fetch(req);
  })());
});
