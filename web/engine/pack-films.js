// pack-films.js — films as the engine's filmFit takes them (one float array),
// apart from engine.js so the page can pack the catalog on its side without
// bundling the engine's loader (its ./moodspace.mjs is found next to engine.js).
import { isNum, compactFilm, overallMood } from '../film/compact-film.js';

/**
 * Films as filmFit's packed catalog: { metrics, films: [{ id, scenes: n }],
 * data: Float32Array } with each film's scene rows (`metrics` order, NaN when
 * missing) followed by its n scene weights (1 when the film has none). Built
 * once per catalog by the page (it crosses to the worker as one array).
 * films: [{ id, scenes: [{ metrics: {...} } | { energy, ... }], scene_weights? | weights? }]
 */
export function packFilms(films, metrics) {
  const m = metrics.length;
  let total = 0;
  for (const f of films) total += (f.scenes?.length || 0) * (m + 1);
  const data = new Float32Array(total);
  const list = [];
  let at = 0;
  for (const f of films) {
    const sc = f.scenes || [];
    const w = f.scene_weights || f.weights;
    const n = sc.length;
    if (!n) continue;
    for (let i = 0; i < n; i++) {
      const x = sc[i]?.metrics && typeof sc[i].metrics === 'object' ? sc[i].metrics : sc[i] || {};
      for (let j = 0; j < m; j++) {
        const v = x[metrics[j]];
        data[at + i * m + j] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
      }
    }
    for (let i = 0; i < n; i++) {
      const v = Array.isArray(w) && w.length === n ? w[i] : 1;
      data[at + n * m + i] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
    }
    at += n * (m + 1);
    list.push({ id: String(f.id), scenes: n });
  }
  return { metrics: [...metrics], films: list, data };
}

const collate = new Intl.Collator().compare;   // localeCompare's order (film.js sorts the same way), one collator

/** A catalog file in the compact form (weights/catalog.json) or not: the test film.js's normalizeCatalog makes. */
export const isCompactCatalog = (json) => !!json && Array.isArray(json.films) && Array.isArray(json.metrics) && Array.isArray(json.mean) &&
  Array.isArray(json.std) && json.films.some((f) => Array.isArray(f?.m));

/**
 * A compact catalog file (weights/catalog.json; its version checked by the
 * caller) → packFilms' shape directly, plus `titles` (the films' titles, in
 * `films` order) and `sources` (each film's index in json.films), without a
 * film object per scene: the films read by compact-film.js, as film.js reads
 * them for the page. The same numbers, films, order and columns as
 * packFilms(cleaned normalizeCatalog(json), the metrics of the films' overall
 * moods) (tests/js/pack-catalog.test.mjs).
 */
export function packCompactCatalog(json) {
  const names = json.metrics.map(String);
  const cat = { metrics: names, mean: json.mean, std: json.std, zunit: json.zunit, wunit: json.wunit };
  const kept = json.films.map((f, i) => compactFilm(f, cat, i)).filter(Boolean);
  kept.sort((a, b) => collate(a.title, b.title));
  // the columns: every metric some film's overall mood has, in the order they are first met
  const columns = new Set();
  for (const c of kept) for (const x of Object.keys(overallMood(c, names))) columns.add(x);
  const metrics = [...columns];
  const col = metrics.map((x) => names.indexOf(x));
  const m = metrics.length;
  let total = 0;
  for (const c of kept) total += c.n * (m + 1);
  const data = new Float32Array(total);
  const films = []; const titles = []; const sources = [];
  let at = 0;
  for (const c of kept) {
    for (let j = 0; j < c.n; j++) {
      for (let q = 0; q < m; q++) { const v = c.value(j, col[q]); data[at + j * m + q] = v === undefined ? NaN : v; }
    }
    for (let j = 0; j < c.n; j++) { const v = c.weights ? c.weights[j] : 1; data[at + c.n * m + j] = isNum(v) ? v : NaN; }
    at += c.n * (m + 1);
    films.push({ id: c.id, scenes: c.n });
    titles.push(c.title);
    sources.push(c.i);
  }
  return { metrics, films, data, titles, sources };
}

// The Soundtrack view's search reads the catalog from the worker, so the page's main thread
// does not fetch and parse the whole catalog on the way to a film: the titles in the page's
// order (film.js's normalizeCatalog keeps the same films and sorts them the same way), then
// the chosen film's own entry, which the page decodes as loadCatalog does
// (film-catalog.js catalogFilm). `cat` is packCompactCatalog's answer with `compact`, the
// catalog it read; null for any other catalog (the page then reads the catalog itself).

/** → [{ id, title, at }] (at: the film's place in that order), or null. */
export function catalogTitles(cat) {
  if (!cat?.compact) return null;
  return cat.films.map((f, k) => ({ id: f.id, title: cat.titles[k], at: k }));
}

/** The film at `at` of catalogTitles' list, when its id is `id` → { version, metrics, mean, std,
 * zunit, wunit, index, film: its entry in the catalog (index: where) }, else null. */
export function catalogEntry(cat, at, id) {
  const k = Number(at);
  if (!cat?.compact || !Number.isInteger(k) || k < 0 || k >= cat.films.length || cat.films[k].id !== id) return null;
  const { version, metrics, mean, std, zunit, wunit } = cat.compact;
  const index = cat.sources[k];
  return { version, metrics, mean, std, zunit, wunit, index, film: cat.compact.films[index] };
}

/** A packed catalog in parts of at most `size` films, the first of at most `first` (views on its
 * data, in order; one empty part for none). */
export function catalogParts(cat, size, first = size) {
  const c = cat.metrics.length;
  const parts = [];
  let off = 0;
  for (let a = 0; a < cat.films.length || !parts.length;) {
    const films = cat.films.slice(a, a + (parts.length ? size : first));
    const len = films.reduce((s, f) => s + f.scenes * (c + 1), 0);
    parts.push({ metrics: cat.metrics, films, data: cat.data.subarray(off, off + len) });
    off += len;
    a += films.length || 1;
  }
  return parts;
}

/** The films of a packed catalog with these ids, in this order (ids it does not hold are left out). */
export function catalogPick(cat, ids) {
  const c = cat.metrics.length;
  const at = new Map();
  let off = 0;
  for (const f of cat.films) { at.set(f.id, { f, off }); off += f.scenes * (c + 1); }
  const picked = ids.map((id) => at.get(id)).filter(Boolean);
  const data = new Float32Array(picked.reduce((s, p) => s + p.f.scenes * (c + 1), 0));
  let to = 0;
  for (const p of picked) { const len = p.f.scenes * (c + 1); data.set(cat.data.subarray(p.off, p.off + len), to); to += len; }
  return { metrics: cat.metrics, films: picked.map((p) => p.f), data };
}

const utf8 = new TextEncoder();
/** C's strcmp order (UTF-8 bytes): how ms_film_fit breaks ties. */
function byteOrder(a, b) {
  const x = utf8.encode(a); const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/**
 * filmFit's answers for the parts of one catalog (catalogParts, same songs,
 * segments and top) → the answer for the whole: each film's soundtrack does
 * not depend on the other films, so the best `top` of all are among the best
 * `top` of each part, ranked as ms_film_fit ranks them (score, then id).
 */
export function mergeFits(parts, top = 5) {
  const ranking = parts.flatMap((p) => p.ranking || []).sort((x, y) => x.score - y.score || byteOrder(x.id, y.id)).slice(0, top);
  return { ...parts[0], films: parts.reduce((s, p) => s + p.films, 0), failed: parts.reduce((s, p) => s + p.failed, 0), ranking };
}

/**
 * A film fit over a whole packed catalog, asked in parts: call(req) is
 * engine.filmFit, between() is awaited before each call (the Worker answers
 * the requests that arrived meanwhile; while the Taste tab is hidden it waits
 * there), between({ first: true }) before the first (the requests are
 * answered, the fit does not wait). The first part is one film: the first
 * call for a library works out its songs' prices (soundtrack.c, a few
 * hundred milliseconds, kept by the engine for the next calls with the same
 * songs), and the Soundtrack view's full soundtrack needs them too, so they
 * are worked out at once whatever the tab, after the requests already
 * waiting (a chosen film), and a request that arrives meanwhile waits for
 * them alone, not for a part of `size` films as well. The parts are ranked
 * without their soundtracks ("results": 0): a film's score and soundtrack do
 * not depend on the other films, so one last call over the winners alone
 * gives their soundtracks. → the answer one call over the whole catalog gives.
 */
export async function fitInParts(call, cat, fit, size, between = async () => {}) {
  const top = fit.top ?? 5;   // 5: engine.filmFit's default
  const answers = [];
  for (const part of catalogParts(cat, size, 1)) {
    await between(answers.length ? undefined : { first: true });
    answers.push(call({ ...fit, catalog: part, results: 0 }));
  }
  const res = mergeFits(answers, top);
  const n = res.ranking.length;
  if (n) {
    await between();
    const winners = call({ ...fit, catalog: catalogPick(cat, res.ranking.map((r) => r.id)), top: n, results: Math.min(fit.results ?? n, n) });
    res.ranking = winners.ranking;
  }
  return res;
}
