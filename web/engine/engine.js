// engine.js — the ONE module that loads MoodSpace's WebAssembly engine and
// touches its memory. Works in a page, in a (module) Worker and in Node.
//
//   import { createEngine } from './engine.js';
//   const eng = await createEngine();                       // browser / Worker:
//                                                           //   ./moodspace.mjs + ./moodspace.wasm
//   const eng = await createEngine({ moduleUrl, wasmBinary }); // Node: pass the .wasm bytes
//   const info = eng.loadModel(bytes);      // Uint8Array of a weights file → model info, made current
//   eng.predict(['some lyrics', { id: 7, text: '...' }])
//       → [{ energy, valence, tempo, liveness, ... }, { id: 7, ... }]  (per-item { id?, error } too)
//   eng.match({ songs, target, k: 3 })     → { matches: [{ index, id, distance, diff }], skipped, ... }
//   eng.soundtrack({ songs, segments, reuse: false }) → { assignment: [...], total, ... }
//   eng.pool({ n: 57, seed }) or ({ tracks, seed }) → { offset, indices, seed, tracks? }
//   eng.explain(text, { top: 5, max_words: 64 }) → { prediction, words, top: { metric: [...] } }
//   eng.parseScript(text, { format: 'auto', filename, text: true }) → { format, title, scenes: [...] }
//   eng.arc(text, { segments: 4, format, filename, ... }) → { overall, segments, scenes, ... }
//   eng.arcFromMetrics({ scenes: [{ energy, ... }], weights?, segments }) → same shape
//   eng.readScript(text, { format, filename }) → parseScript's answer, each scene with its "mood", + "overall"
//   eng.filmSoundtrack({ scenes, scene_weights, segments, songs, quick?, detail? })
//       → { overall, segments: [{ first_scene, last_scene, mood, pct, song: { index, id }, song_mood, song_pct, distance }] }
//   eng.filmFit({ catalog: packFilms(films, metrics), songs, segments, top, results? }) → { ranking: [{ id, score, result }], failed }
//   eng.info(), eng.setWeights({ tempo: 0.5 }), eng.freeModel(handle), eng.constants
//
// Everything is synchronous once the engine exists (the Worker around it
// queues calls; see web/engine/worker.js). Errors the engine reports — a bad weights
// file, a malformed request — are thrown as Error(message); predict's
// per-item errors stay in its result array. The full request and result
// shapes are documented in wasm/match.h, wasm/explain.h, wasm/scene.h,
// wasm/arc.h and wasm/api.h.
//
// Options of every model-using call may carry { model: handle } to use a
// model other than the current one (several can be loaded at once).
// match/soundtrack without any loaded model need "mean" and "std" in the
// request (see wasm/match.h).
//
// Module-level: defaultEngine() is one engine created on first use from
// ./moodspace.mjs, and workerCall(engine, name) finds a call on it by name;
// that is what web/engine/worker.js uses. There is no list of names to keep:
// every function of the object wrap() returns is a call (except the model
// lifecycle the Worker owns), so adding an engine call is a C function in
// wasm/api.c (or api_script.c / api_film.c), its declaration in wasm/api.h and one method in wrap();
// tests/js/api-wiring.test.mjs checks that all three agree.
//
// Memory rules (the wasm heap can move when it grows, and nothing in it is
// garbage-collected): inputs go through _malloc (never the small
// wasm stack), HEAP views are re-read after anything that may grow memory,
// results are copied out (UTF8ToString) before the engine frees them, and
// every allocation is freed in a finally.

import { packFilms } from './pack-films.js';

export { packFilms };
const DEFAULT_MODULE_URL = './moodspace.mjs';

/**
 * Create an engine instance.
 * @param {object} [opts]
 * @param {Function} [opts.factory]  the Emscripten factory (createMoodSpace); else imported from moduleUrl
 * @param {string|URL} [opts.moduleUrl]  URL of moodspace.mjs (default: next to this file)
 * @param {string|URL} [opts.wasmUrl]    URL of moodspace.wasm (default: next to moodspace.mjs)
 * @param {ArrayBuffer|Uint8Array} [opts.wasmBinary]  the .wasm bytes (required in Node)
 */
export async function createEngine(opts = {}) {
  let factory = opts.factory;
  if (!factory) {
    const url = opts.moduleUrl ? String(opts.moduleUrl) : new URL(DEFAULT_MODULE_URL, import.meta.url).href;
    factory = (await import(/* @vite-ignore */ url)).default;
  }
  const modOpts = {};
  if (opts.wasmBinary) modOpts.wasmBinary = opts.wasmBinary instanceof Uint8Array ? opts.wasmBinary : new Uint8Array(opts.wasmBinary);
  if (opts.wasmUrl) {
    const wasmUrl = String(opts.wasmUrl);
    modOpts.locateFile = (path) => (path.endsWith('.wasm') ? wasmUrl : path);
  }
  modOpts.print = () => {};
  modOpts.printErr = (s) => { if (globalThis.console) console.warn(`moodspace engine: ${s}`); };
  const mod = await factory(modOpts);
  return wrap(mod);
}

const utf8 = new TextEncoder();

function wrap(mod) {
  let current = 0;   // handle of the current model (0: none)
  const metricsOf = new Map();   // handle → its output names (for packing songs)

  // Copy a string into engine memory (NUL-terminated). Returns [ptr, bytes].
  // (TextEncoder, not Emscripten's per-character JS loop: requests can be MBs.)
  function putString(s) {
    const bytes = utf8.encode(String(s ?? ''));   // lone surrogates become U+FFFD
    const n = bytes.length;
    const p = mod._malloc(n + 1);
    if (!p) throw new Error('The engine ran out of memory.');
    const heap = mod.HEAPU8;   // read after _malloc, which may grow memory
    heap.set(bytes, p);
    heap[p + n] = 0;
    return [p, n];
  }

  // Take a result string: copy it out, free it in the engine, parse it.
  function takeJson(p, { allowItemErrors = false } = {}) {
    if (!p) throw new Error('The engine ran out of memory.');
    let text;
    try { text = mod.UTF8ToString(p); } finally { mod._ms_free(p); }
    const v = JSON.parse(text);
    if (!allowItemErrors || !Array.isArray(v)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.error === 'string') throw new Error(v.error);
    }
    return v;
  }

  // Call fn(ptr1, ptr2, ...) with each string argument copied into memory.
  function withStrings(strings, fn) {
    const ptrs = [];
    try {
      for (const s of strings) ptrs.push(putString(s));
      return fn(...ptrs);
    } finally {
      for (const [p] of ptrs) mod._free(p);
    }
  }

  // Lone UTF-16 surrogates (broken text from anywhere) become U+FFFD, so they
  // cannot make a whole JSON request unparseable for the engine.
  // Non-integer numbers go as the float32 the engine will use anyway, in 9
  // significant digits (enough to identify a float32 exactly), which the
  // engine parses on its fast path (see ms_strtod in wasm/strtod.h).
  const json = (v) => JSON.stringify(v ?? {}, (k, x) => (
    typeof x === 'string' ? wellFormed(x)
      : typeof x === 'number' && !Number.isInteger(x) && Number.isFinite(x) ? f32(x) : x));
  const modelOf = (o) => (o && Number.isInteger(o.model) ? o.model : current);

  const constants = takeJson(mod._ms_constants());

  // The metrics a request compares: its own "metrics", else the model's,
  // else the keys of its "mean" (the engine decides; this only picks the
  // columns to pack).
  function packColumns(req, o) {
    if (Array.isArray(req.metrics) && req.metrics.every((m) => typeof m === 'string')) return req.metrics;
    const h = modelOf(o);
    if (h) {
      if (!metricsOf.has(h)) { try { metricsOf.set(h, api.info({ model: h }).metrics); } catch { return null; } }
      return metricsOf.get(h);
    }
    if (req.mean && typeof req.mean === 'object') return Object.keys(req.mean);
    return null;
  }

  // match / soundtrack: songs travel as float32 rows ("packed", see
  // wasm/match.h) rather than JSON numbers; ids are mapped back here.
  function matchCall(fn, req, o) {
    const songs = req?.songs;
    const cols = Array.isArray(songs) && songs.length > 0 && songs.every((s) => s && typeof s === 'object' && !Array.isArray(s))
      ? packColumns(req, o) : null;
    if (!cols || !cols.length) {
      return withStrings([json(req)], ([p]) => takeJson(fn(modelOf(o), p, 0, 0)));
    }
    const m = cols.length, n = songs.length;
    const rows = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      const s = songs[i];
      for (let j = 0; j < m; j++) {
        const top = s[cols[j]];
        const v = top !== undefined ? top : s.metrics?.[cols[j]];
        rows[i * m + j] = typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e30 ? v : NaN;
      }
    }
    const { songs: _, ...rest } = req;
    rest.packed = { metrics: cols, n };
    const p = mod._malloc(rows.byteLength || 4);
    if (!p) throw new Error('The engine ran out of memory.');
    let res;
    try {
      mod.HEAPU8.set(new Uint8Array(rows.buffer), p);   // view read after _malloc
      res = withStrings([json(rest)], ([q]) => takeJson(fn(modelOf(o), q, p, rows.length)));
    } finally {
      mod._free(p);
    }
    const withId = (e) => {
      const s = songs[e.index];
      if (s && 'id' in s && s.id !== undefined) e.id = s.id;
    };
    for (const e of res.matches || []) withId(e);
    for (const e of res.assignment || []) withId(e);
    for (const e of res.skipped || []) withId(e);
    for (const e of res.segments || []) {
      if (e.song) withId(e.song);
      for (const a of e.alternatives || []) if (a.song) withId(a.song);
    }
    for (const e of res.quick?.picks || []) if (e.song) withId(e.song);
    return res;
  }

  const api = {
    constants,
    /** Internal: the same request through JSON only (tests compare both paths). */
    _unpacked: {
      match: (req, o) => withStrings([json(req)], ([p]) => takeJson(mod._ms_match(modelOf(o), p, 0, 0))),
      soundtrack: (req, o) => withStrings([json(req)], ([p]) => takeJson(mod._ms_soundtrack(modelOf(o), p, 0, 0))),
    },
    /** The handle of the current model (0 when none). */
    get model() { return current; },

    /** Load a weights file (Uint8Array/ArrayBuffer). Makes it the current model; returns its info. */
    loadModel(bytes) {
      const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
      if (!u8.length) throw new Error('The model file is empty.');
      const p = mod._malloc(u8.length);
      if (!p) throw new Error('The engine ran out of memory loading the model.');
      try {
        mod.HEAPU8.set(u8, p);   // HEAPU8 read after _malloc (which may grow memory)
        const info = takeJson(mod._ms_model_load(p, u8.length));
        current = info.model;
        metricsOf.set(info.model, info.metrics);
        return info;
      } finally {
        mod._free(p);
      }
    },

    /** Free a loaded model (default: the current one). */
    freeModel(handle = current) {
      const r = takeJson(mod._ms_model_free(handle));
      metricsOf.delete(handle);
      if (handle === current) current = 0;
      return r;
    },

    /** Model info: header, metrics, mean, std, matching weights. */
    info(o) { return takeJson(mod._ms_model_info(modelOf(o))); },

    /** Set the model's default matching weights, e.g. { tempo: 0.5, liveness: 0 }. */
    setWeights(weights, o) {
      return withStrings([json(weights)], ([p]) => takeJson(mod._ms_model_set_weights(modelOf(o), p)));
    },

    /** Predict metrics for texts (strings or { id, text }). One result per input, in order. */
    predict(texts, o) {
      if (!Array.isArray(texts)) throw new Error('predict expects an array of texts.');
      return withStrings([json(texts)], ([p]) => takeJson(mod._ms_predict(modelOf(o), p), { allowItemErrors: true }));
    },

    /** Top-k songs nearest to a target mood. */
    match(req, o) { return matchCall(mod._ms_match, req, o); },

    /** Optimal assignment of distinct songs to segments. */
    soundtrack(req, o) { return matchCall(mod._ms_soundtrack, req, o); },

    /**
     * A film's soundtrack on the calibrated scale (wasm/soundtrack.h): the ONE
     * matching path of the page, the Taste tab and `moodspace soundtrack`.
     * req: { scenes: [{ energy, ... }], scene_weights?, segments, songs (ranked),
     *        quick?: { seed, avoid_offset }, detail? } → { segments | quick, overall, scenes? }
     */
    filmSoundtrack(req, o) { return matchCall(mod._ms_film_soundtrack, req, o); },

    /**
     * The films whose soundtrack from these songs is closest, in ONE engine
     * call (ms_film_fit, wasm/api_film.c): each film's filmSoundtrack, ranked by
     * the mean distance of its segments to their songs.
     * req: { catalog: packFilms(films, metrics) | films: [{ id, scenes: [{ energy, ... }], scene_weights? }],
     *        songs, segments = 6, top = 5, results = top (how many of the top come with their result) }
     * → { ranking: [{ id, score, result }], failed, films, songs, segments }
     */
    filmFit({ catalog, films, songs = [], segments = 6, top = 5, results } = {}, o) {
      const cat = catalog || packFilms(films || [], packColumns({}, o) || []);
      const m = cat.metrics.length;
      if (!m || !(cat.data instanceof Float32Array)) throw new Error('filmFit needs films (or packFilms(films, metrics)).');
      const n = songs.length;
      const buf = new Float32Array(n * m + cat.data.length);
      for (let i = 0; i < n; i++) {
        const s = songs[i] || {};
        for (let j = 0; j < m; j++) {
          const top = s[cat.metrics[j]];
          const v = top !== undefined ? top : s.metrics?.[cat.metrics[j]];
          buf[i * m + j] = typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e30 ? v : NaN;
        }
      }
      buf.set(cat.data, n * m);
      const req = { segments, top, ...(results !== undefined ? { results } : {}), packed: { metrics: cat.metrics, n }, films: cat.films };
      const p = mod._malloc(buf.byteLength || 4);
      if (!p) throw new Error('The engine ran out of memory.');
      let res;
      try {
        mod.HEAPU8.set(new Uint8Array(buf.buffer), p);   // view read after _malloc
        res = withStrings([json(req)], ([q]) => takeJson(mod._ms_film_fit(modelOf(o), q, p, buf.length)));
      } finally {
        mod._free(p);
      }
      const withId = (e) => {
        const s = e && songs[e.index];
        if (s && 'id' in s && s.id !== undefined) e.id = s.id;
      };
      for (const r of res.ranking || []) {
        for (const g of r.result?.segments || []) withId(g.song);
        for (const e of r.result?.skipped || []) withId(e);
      }
      return res;
    },

    /** The seed's song pool. A missing seed is drawn at random (and returned). */
    pool(req = {}) {
      const r = { ...req };
      if (r.seed === undefined || r.seed === null) r.seed = randomSeed();
      return withStrings([json(r)], ([p]) => takeJson(mod._ms_pool(p)));
    },

    /** Which words moved the prediction most. opts: { top, max_words, model }. */
    explain(text, o = {}) {
      const req = { text: String(text ?? '') };
      if (o.top !== undefined) req.top = o.top;
      if (o.max_words !== undefined) req.max_words = o.max_words;
      return withStrings([json(req)], ([p]) => takeJson(mod._ms_explain(modelOf(o), p)));
    },

    /** Split a screenplay / subtitles into scenes. opts: { format, filename, text (default true), sub_gap, sub_window, max_scenes }. */
    parseScript(text, o = {}) {
      const opts = { text: true, ...stripModel(o) };
      return withStrings([String(text ?? ''), json(opts)], ([tp, tn], [op]) => takeJson(mod._ms_scenes(tp, tn, op)));
    },

    /** Script → scenes → predicted mood arc and segments. opts: scene options + { segments, smooth, equal, action_weight, dialogue_weight, scenes }. */
    arc(text, o = {}) {
      return withStrings([String(text ?? ''), json(stripModel(o))], ([tp, tn], [op]) => takeJson(mod._ms_arc(modelOf(o), tp, tn, op)));
    },

    /** Arc and segments from per-scene metrics: { scenes: [{ energy, ... }], weights?, segments, ... }. */
    arcFromMetrics(req, o) { return withStrings([json(req)], ([p]) => takeJson(mod._ms_arc_from_metrics(modelOf(o), p))); },

    /**
     * A script read once (ms_read_script): parseScript's answer, each scene
     * with its text and predicted "mood", plus "metrics" and "overall" (the
     * numbers arc() gives), from one parse and one prediction, no arc.
     * opts: parseScript's and arc()'s options.
     */
    readScript(text, o = {}) {
      return withStrings([String(text ?? ''), json(stripModel(o))], ([tp, tn], [op]) => takeJson(mod._ms_read_script(modelOf(o), tp, tn, op)));
    },
  };
  return api;
}

function f32(x) {
  const f = Math.fround(x);
  return Number.isFinite(f) ? Number(f.toPrecision(9)) : x;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormed(s) {
  return typeof s.toWellFormed === 'function' ? s.toWellFormed() : s.replace(LONE_SURROGATE, '\ufffd');
}

function stripModel(o) {
  const { model, ...rest } = o || {};
  return rest;
}

function randomSeed() {
  const a = new Uint32Array(2);
  globalThis.crypto.getRandomValues(a);
  return (a[0] & 0x1fffff) * 4294967296 + a[1];   // an integer below 2^53
}

// ---- module-level API: one default engine (what web/engine/worker.js uses) ----------

let defaultPromise = null;
/** The module's one engine, created on first use from ./moodspace.mjs. */
export function defaultEngine() {
  if (!defaultPromise) defaultPromise = createEngine().catch((e) => { defaultPromise = null; throw e; });
  return defaultPromise;
}

// The calls a Worker's client may not make: the Worker loads and owns its model.
const WORKER_OWNS = new Set(['loadModel', 'freeModel']);

/**
 * The engine call `name` of `eng` (an object from createEngine), bound to it,
 * for a request that names it: a function of the object itself, not one of
 * its internals (names starting with '_') nor the model lifecycle.
 * Throws Error('Unknown engine call: NAME') for anything else.
 */
export function workerCall(eng, name) {
  const ok = typeof name === 'string' && !name.startsWith('_') && !WORKER_OWNS.has(name)
    && Object.hasOwn(eng, name) && typeof eng[name] === 'function';
  if (!ok) throw new Error(`Unknown engine call: ${String(name)}`);
  return eng[name].bind(eng);
}
