// Films for the soundtrack view: the catalog's shapes normalised and title
// search. Pure functions (unit-tested). Segmenting an arc is the engine's
// (arcFromMetrics, wasm/arc.h).
//
// Film = { id, title, year, source: 'catalog'|'script',
//          scenes: [{ index, heading, metrics: {energy, ...}, text? , start?, end? }],
//          overall: { energy, ... } }

import { isNum, meanMetrics, compactFilm, sceneMetrics, overallMood } from './compact-film.js';

export { meanMetrics };
// localeCompare's order (the default locale's collator), without a collator built per comparison
const collate = new Intl.Collator().compare;
const byTitle = (a, b) => collate(a.title, b.title);

function metricsOf(obj, names) {
  if (Array.isArray(obj) && names) {
    const m = {};
    names.forEach((n, i) => { if (isNum(obj[i])) m[n] = obj[i]; });
    return m;
  }
  if (!obj || typeof obj !== 'object') return {};
  const src = obj.metrics && typeof obj.metrics === 'object' && !Array.isArray(obj.metrics) ? obj.metrics
    : Array.isArray(obj.metrics) && names ? metricsOf(obj.metrics, names) : obj;
  const m = {};
  for (const [k, v] of Object.entries(src)) {
    if (isNum(v) && !['index', 'start_line', 'end_line', 'words', 'start', 'end', 'year', 'scene', 'line'].includes(k)) m[k] = v;
  }
  return m;
}

/** One catalog entry (any of the documented variants) → Film, or null. */
export function normalizeFilm(f, i = 0, names = null) {
  if (!f || typeof f !== 'object') return null;
  const title = typeof f.title === 'string' && f.title.trim() ? f.title.trim().slice(0, 200) : null;
  if (!title) return null;
  const rawScenes = Array.isArray(f.scenes) ? f.scenes : [];
  const headings = Array.isArray(f.headings) ? f.headings : null;
  const scenes = rawScenes.map((s, j) => ({
    index: j,
    heading: typeof s?.heading === 'string' ? s.heading.slice(0, 200) : typeof headings?.[j] === 'string' ? headings[j].slice(0, 200) : `Scene ${j + 1}`,
    metrics: metricsOf(s, names || f.metric_names || null),
    ...(isNum(s?.start) ? { start: s.start, end: s.end } : {}),
  })).filter((s) => Object.keys(s.metrics).length);
  let overall = metricsOf(f.overall || f.mean || null, names);
  if (!Object.keys(overall).length) overall = meanMetrics(scenes.map((s) => s.metrics));
  if (!Object.keys(overall).length) return null;
  return {
    id: typeof f.id === 'string' || isNum(f.id) ? String(f.id) : `film-${i}`,
    title, year: isNum(f.year) && f.year > 1800 ? f.year : null,
    source: 'catalog', scenes, overall,
  };
}

/**
 * A compact catalog film (weights/catalog.json, see
 * wasm/tools/cmd_catalog.c; read by compact-film.js, as the engine Worker's
 * packed catalog reads it): per-scene metrics as integer z-scores, scene
 * locations by index, scene lengths in words. → Film (with word weights),
 * or null. Its scenes are decoded when first read (a film that is never
 * opened costs no scene objects; a catalog has ~10^5 scenes); cat.heading(text),
 * when given, cleans each scene location as it is decoded.
 */
export function decodeCompactFilm(f, cat, i = 0) {
  const names = cat.metrics;
  const c = compactFilm(f, cat, i);
  if (!c) return null;
  const locs = Array.isArray(f.locs) ? f.locs : []; const l = Array.isArray(f.l) ? f.l : [];
  const heading = typeof cat.heading === 'function' ? cat.heading : (h) => h;
  function decodeScenes() {
    const scenes = [];
    for (let j = 0; j < c.n; j++) {
      const loc = typeof locs[l[j]] === 'string' ? locs[l[j]] : '';
      scenes.push({ index: j, heading: heading(loc ? loc.slice(0, 200) : `Scene ${j + 1}`), metrics: sceneMetrics(c, names, j) });
    }
    return scenes;
  }
  const film = {
    id: c.id, title: c.title,
    year: isNum(f.year) && f.year > 1800 ? f.year : null, source: 'catalog', scenes: null, overall: null,
    weights: c.weights,
  };
  // scenes: a plain property once read (or set)
  Object.defineProperty(film, 'scenes', {
    enumerable: true, configurable: true,
    get() { const v = decodeScenes(); Object.defineProperty(film, 'scenes', { value: v, writable: true, enumerable: true, configurable: true }); return v; },
    set(v) { Object.defineProperty(film, 'scenes', { value: v, writable: true, enumerable: true, configurable: true }); },
  });
  film.overall = overallMood(c, names);
  return film;
}

/** The catalog format version the page reads (CATALOG_FORMAT_VERSION in wasm/soundtrack.h; the engine's constants say the same). */
export const CATALOG_VERSION = 4;

/**
 * A catalog file ({films: [...]} or [...]; the compact form, version
 * CATALOG_VERSION) → Film[] sorted by title. A compact catalog of another
 * version throws an Error saying so (its numbers would be read wrongly).
 */
export function normalizeCatalog(json, { heading = null } = {}) {
  if (json && Array.isArray(json.films) && Array.isArray(json.metrics) && Array.isArray(json.mean) && Array.isArray(json.std) &&
      json.films.some((f) => Array.isArray(f?.m))) {
    if (json.version !== CATALOG_VERSION) {
      throw new Error(`this film catalog is format version ${json.version ?? '?'} and the page reads version ${CATALOG_VERSION}; rebuild it with ./build.sh catalog`);
    }
    const cat = { metrics: json.metrics.map(String), mean: json.mean, std: json.std, zunit: json.zunit, wunit: json.wunit, heading };
    return json.films.map((f, i) => decodeCompactFilm(f, cat, i)).filter(Boolean).sort(byTitle);
  }
  const list = Array.isArray(json) ? json : Array.isArray(json?.films) ? json.films : [];
  const names = Array.isArray(json?.metrics) ? json.metrics.filter((x) => typeof x === 'string') : null;
  const films = list.map((f, i) => normalizeFilm(f, i, names)).filter(Boolean)
    .sort(byTitle);
  if (heading) for (const f of films) for (const x of f.scenes) x.heading = heading(x.heading);
  return films;
}

/** Films whose title contains every word of `query` (case- and accent-insensitive). */
export function searchFilms(films, query, limit = 30) {
  const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = fold(String(query || '')).split(/\s+/).filter(Boolean);
  const out = [];
  for (const f of films) {
    const t = fold(f.title);
    if (words.every((w) => t.includes(w))) { out.push(f); if (out.length >= limit) break; }
  }
  return out;
}
