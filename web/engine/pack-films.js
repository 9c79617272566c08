// pack-films.js — films as the engine's filmFit takes them (one float array),
// apart from engine.js so the page can pack the catalog on its side without
// bundling the engine's loader (its ./moodspace.mjs is found next to engine.js).

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
