// compact-film.js — one film of a compact catalog (weights/catalog.json, see
// wasm/tools/cmd_catalog.c) read once, for both of its readers: the page's
// film (film.js decodeCompactFilm: scene objects, headings) and the engine
// Worker's packed catalog (web/engine/pack-films.js packCompactCatalog: one
// float array, no object per scene). Pure functions, no DOM, so the Worker
// can import them; the two readers cannot disagree on which films a catalog
// holds, their ids, titles, weights, scene values or overall moods.
//
// A compact film: per-scene metrics as integer z-scores in `m` (value =
// mean + std * int * zunit), scene lengths in units of `wunit` words in `w`,
// the overall mood in `overall` (in `metrics` order).

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** Mean of a list of metric objects, per metric present in all (those of the first non-empty one). */
export function meanMetrics(list) {
  const good = list.filter((m) => m && Object.keys(m).length);
  if (!good.length) return {};
  const keys = Object.keys(good[0]).filter((k) => good.every((m) => isNum(m[k])));
  const out = {};
  for (const k of keys) out[k] = good.reduce((a, m) => a + m[k], 0) / good.length;
  return out;
}

/**
 * Entry i of a compact catalog's films → what both readers take from it, or
 * null when the catalog leaves it out (no title, no scenes, fewer values
 * than scenes). cat: { metrics: [names], mean, std, zunit?, wunit? }.
 * → { f (the entry), i, n (scenes), id, title, weights (words per scene, or null),
 *     value(j, q) (scene j's metric q, undefined when missing) }
 */
export function compactFilm(f, cat, i = 0) {
  const k = cat.metrics.length;
  if (!f || typeof f !== 'object' || typeof f.title !== 'string' || !f.title.trim()) return null;
  const n = Number.isInteger(f.n) ? f.n : 0;
  const m = Array.isArray(f.m) ? f.m : [];
  if (n < 1 || m.length < n * k) return null;
  const zunit = isNum(cat.zunit) ? cat.zunit : 1; const wunit = isNum(cat.wunit) ? cat.wunit : 1;
  const { mean, std } = cat;
  const w = Array.isArray(f.w) ? f.w : [];
  return {
    f, i, n,
    id: typeof f.id === 'string' ? f.id : `film-${i}`,
    title: f.title.trim().slice(0, 200),
    weights: w.length === n ? w.map((x) => Math.max(1, (Number(x) || 0) * wunit)) : null,
    value(j, q) { const z = m[j * k + q]; return isNum(z) && isNum(mean[q]) && isNum(std[q]) ? mean[q] + std[q] * z * zunit : undefined; },
  };
}

/** Scene j's metrics ({ name: value }, the missing ones left out). */
export function sceneMetrics(c, names, j) {
  const out = {};
  for (let q = 0; q < names.length; q++) { const v = c.value(j, q); if (v !== undefined) out[names[q]] = v; }
  return out;
}

/** The film's overall mood: its own when it has every metric, else the mean of its scenes' (meanMetrics). */
export function overallMood(c, names) {
  const own = {};
  if (Array.isArray(c.f.overall)) names.forEach((nm, q) => { if (isNum(c.f.overall[q])) own[nm] = c.f.overall[q]; });
  if (Object.keys(own).length === names.length) return own;
  return meanMetrics(Array.from({ length: c.n }, (_, j) => sceneMetrics(c, names, j)));
}
