// The engine's Worker: loads the wasm and the model once, then answers
// requests one at a time in arrival order (a promise chain is the queue).
//
// In:  { id, method: 'init', args: [{ modelUrl }] }
//      { id, method: the name of a call of engine.js's engine object (workerCall:
//        not its internals, not loadModel / freeModel), args: [...] }
// Out: { id, result } | { id, error: message } | { id, progress: { done, total } }
//
// 'predict' with a long list of texts runs in chunks and posts progress after
// each chunk. Only web/engine/engine.js touches wasm memory.

import { defaultEngine, workerCall } from './engine.js';
import { packFilms, packCompactCatalog, isCompactCatalog } from './pack-films.js';
import { normalizeCatalog, CATALOG_VERSION } from '../film/film.js';

const CHUNK = 16;
let ready = null;
let queue = Promise.resolve();

async function init({ modelUrl }) {
  const res = await fetch(modelUrl);
  if (!res.ok) throw new Error(`The model file could not be downloaded (HTTP ${res.status}).`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const eng = await defaultEngine();
  const info = eng.loadModel(bytes);
  return { ...info, constants: eng.constants };
}

// filmFit({ catalogUrl, ... }): the film catalog is fetched, read and packed
// here, once per URL, instead of on the page's main thread; the ranking comes
// back with each film's title (ranking[i].title). The fetch starts when the
// request arrives, not when its turn comes.
const catalogs = new Map();
function packedCatalogAt(url) {
  if (!catalogs.has(url)) {
    const p = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`The film catalog could not be downloaded (HTTP ${r.status}).`);
      const json = await r.json();
      if (isCompactCatalog(json) && json.version === CATALOG_VERSION) return packCompactCatalog(json);
      const films = normalizeCatalog(json);   // another form; a compact one of another version throws
      const names = [...new Set(films.flatMap((f) => Object.keys(f.overall || {}).filter((k) => k !== 'id')))];
      return { ...packFilms(films, names), titles: films.map((f) => f.title) };
    });
    p.catch(() => catalogs.delete(url));
    catalogs.set(url, p);
  }
  return catalogs.get(url);
}
async function filmFitAt(fn, req, rest) {
  const { catalogUrl, ...fit } = req;
  const cat = await packedCatalogAt(catalogUrl);
  const res = fn({ ...fit, catalog: cat }, ...rest);
  const title = new Map(cat.films.map((f, i) => [f.id, cat.titles[i]]));
  for (const r of res?.ranking || []) r.title = title.get(r.id) ?? null;
  return res;
}

async function run(id, method, args) {
  if (method === 'init') {
    ready ||= init(args[0] || {});
    try { return await ready; } catch (e) { ready = null; throw e; }
  }
  if (!ready) throw new Error('The engine is not initialised.');
  await ready;
  const fn = workerCall(await defaultEngine(), method);
  if (method === 'predict' && Array.isArray(args[0]) && args[0].length > CHUNK) {
    const texts = args[0]; const out = [];
    for (let i = 0; i < texts.length; i += CHUNK) {
      const part = await fn(texts.slice(i, i + CHUNK), ...args.slice(1));
      out.push(...(Array.isArray(part) ? part : part?.predictions || []));
      self.postMessage({ id, progress: { done: Math.min(i + CHUNK, texts.length), total: texts.length } });
    }
    return out;
  }
  if (method === 'filmFit' && typeof args[0]?.catalogUrl === 'string') return filmFitAt(fn, args[0], args.slice(1));
  return fn(...args);
}

self.onmessage = (ev) => {
  const { id, method, args = [] } = ev.data || {};
  if (method === 'filmFit' && typeof args[0]?.catalogUrl === 'string') packedCatalogAt(args[0].catalogUrl).catch(() => {});
  queue = queue.then(() => run(id, method, args)).then(
    (result) => self.postMessage({ id, result }),
    (e) => self.postMessage({ id, error: String(e?.message || e) }),
  );
};
