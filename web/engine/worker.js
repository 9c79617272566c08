// The engine's Worker: loads the wasm and the model once, then answers
// requests one at a time in arrival order, except that the Taste tab's film
// fit over the whole catalog (filmFit with catalogUrl, a second or more on a
// slow machine) runs in parts and lets the requests that arrived meanwhile
// (the Soundtrack view's, a click away) go between its parts.
//
// In:  { id, method: 'init', args: [{ modelUrl, catalogUrl? }] }   catalogUrl: read ahead at once (below)
//      { id, method: the name of a call of engine.js's engine object (workerCall:
//        not its internals, not loadModel / freeModel), args: [...] }
//      { id, method: 'prepareCatalog', args: [url] }   the film fit's catalog read ahead
//      { id, method: 'catalogTitles', args: [url] }    → [{ id, title, at }] | null (the search's list)
//      { id, method: 'catalogFilm', args: [url, at, id] } → one compact film entry | null
//      { id, method: 'pauseFits', args: [true | false] }  a film fit waits between its parts, or goes on
// Out: { id, result } | { id, error: message } | { id, progress: { done, total } }
//
// 'predict' with a long list of texts runs in chunks and posts progress after
// each chunk. Only web/engine/engine.js touches wasm memory.

import { defaultEngine, workerCall } from './engine.js';
import { packFilms, packCompactCatalog, isCompactCatalog, fitInParts, catalogTitles, catalogEntry } from './pack-films.js';
import { normalizeCatalog, CATALOG_VERSION } from '../film/film.js';

const CHUNK = 16;
let ready = null;
const FIT_PART = 128;   // films per part of a film fit (a part takes tens of ms)

// The wasm (fetched and compiled by ./moodspace.mjs) and the model are
// downloaded at the same time, not one after the other. The film catalog
// (catalogUrl) too: every page asks for it once the engine is up (the Taste
// tab's film fit, the Soundtrack view's chosen film), and reading it here
// puts its download and parse in the time the worker waits for the wasm and
// the model, not after them, where the first soundtrack waited for it.
async function init({ modelUrl, catalogUrl }) {
  if (typeof catalogUrl === 'string') packedCatalogAt(catalogUrl).catch(() => {});   // said by whoever asks for it
  const engine = defaultEngine();
  engine.catch(() => {});   // (said below, once the model is here)
  const res = await fetch(modelUrl);
  if (!res.ok) throw new Error(`The model file could not be downloaded (HTTP ${res.status}).`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const eng = await engine;
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
      if (isCompactCatalog(json) && json.version === CATALOG_VERSION) return { ...packCompactCatalog(json), compact: json };
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
  const res = await fitInParts((r) => fn(r, ...rest), cat, fit, FIT_PART, letOthersThrough);
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
  // the catalog read ahead, before a film fit asks for it (not an engine call) → how many films
  if (method === 'prepareCatalog') return (await packedCatalogAt(String(args[0]))).films.length;
  // the Soundtrack view's search, from the catalog read here (pack-films.js): not engine calls
  if (method === 'catalogTitles') return catalogTitles(await packedCatalogAt(String(args[0])));
  if (method === 'catalogFilm') return catalogEntry(await packedCatalogAt(String(args[0])), args[1], args[2]);
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

// the queue
const isFit = (job) => job.method === 'filmFit' && typeof job.args[0]?.catalogUrl === 'string';
const waiting = [];
let busy = false;
function answer(job) {
  return run(job.id, job.method, job.args).then(
    (result) => self.postMessage({ id: job.id, result }),
    (e) => self.postMessage({ id: job.id, error: String(e?.message || e) }),
  );
}
async function pump() {
  if (busy) return;
  busy = true;
  try { while (waiting.length) await answer(waiting.shift()); } finally { busy = false; }
}
// While the Taste tab is hidden its film fit waits between two parts ({ method: 'pauseFits',
// args: [true] }, answered at once, outside the queue; [false] lets it go on), so the
// Soundtrack view's requests and the page's main thread have the CPU; the requests that
// arrive meanwhile are still answered.
let paused = false;
let wake = null;
const nudge = () => { const w = wake; wake = null; w?.(); };
// A task of its own, after the messages already posted to this Worker: a message to itself,
// not setTimeout(0), which browsers hold back 4 ms once timers nest five deep (from the
// fit's fifth part on, 4 ms of nothing between every two parts).
const turn = new MessageChannel();
const turnWaiters = [];
turn.port1.onmessage = () => turnWaiters.shift()?.();
const nextTask = () => new Promise((r) => { turnWaiters.push(r); turn.port2.postMessage(0); });
/** Before a part of a film fit: the requests that arrived meanwhile (other fits wait their turn);
 * then, while paused, the fit waits, except before its first part (pack-films.js fitInParts). */
async function letOthersThrough({ first = false } = {}) {
  await nextTask();   // the messages posted meanwhile are received
  for (;;) {
    for (let i = 0; i < waiting.length;) {
      if (isFit(waiting[i])) i++;
      else await answer(waiting.splice(i, 1)[0]);
    }
    if (!paused || first) return;
    await new Promise((r) => { wake = r; });
  }
}

self.onmessage = (ev) => {
  const { id, method, args = [] } = ev.data || {};
  if (method === 'pauseFits') { paused = args[0] === true; self.postMessage({ id, result: paused }); nudge(); return; }
  const job = { id, method, args };
  if (isFit(job)) packedCatalogAt(args[0].catalogUrl).catch(() => {});
  waiting.push(job);
  pump();
  nudge();
};
