// The Taste tab's film fit packs the catalog in the engine's worker straight
// from the compact file (packCompactCatalog), no longer through a film object
// per scene on the page: the packed floats, films, columns and order must be
// exactly what the page packed before (packFilms over the normalised and
// cleaned catalog), so the ranking is unchanged.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packFilms, packCompactCatalog, isCompactCatalog, catalogParts, mergeFits, fitInParts } from '../../web/engine/pack-films.js';
import { createEngine } from '../../web/engine/engine.js';
import { pathToFileURL } from 'node:url';
import { normalizeCatalog, CATALOG_VERSION } from '../../web/film/film.js';
import { metricsFrom } from '../../web/ui.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What web/taste/dashboard.js packed before: every film's overall-mood metrics as the columns. */
function packedBefore(json) {
  const films = normalizeCatalog(json);
  for (const f of films) f.overall = metricsFrom(f.overall);   // film-catalog.js's cleanFilms
  const names = [...new Set(films.flatMap((f) => Object.keys(f.overall || {})))];
  return { ...packFilms(films, names), titles: films.map((f) => f.title) };
}

function assertSame(json) {
  const now = packCompactCatalog(json);
  const before = packedBefore(json);
  assert.deepEqual(now.metrics, before.metrics, 'the same columns, in the same order');
  assert.deepEqual(now.films, before.films, 'the same films, ids and scene counts, in the same order');
  assert.deepEqual(now.titles, before.titles);
  assert.equal(now.data.length, before.data.length);
  assert.ok(Buffer.from(now.data.buffer).equals(Buffer.from(before.data.buffer)), 'the same float32 bits (NaN where a value is missing)');
  return now;
}

// a compact catalog written for this test: z-scores × zunit around mean ± std, weights in wunit words
const fixture = {
  version: CATALOG_VERSION, metrics: ['energy', 'valence', 'tempo'], mean: [0.5, 0.4, 110], std: [0.1, 0.2, 20], zunit: 0.01, wunit: 10,
  films: [
    { id: 'zeta', title: '  Zeta Run ', n: 3, overall: [0.5, 0.4, 112], m: [10, -20, 5, 0, 0, 0, 30, 15, -7], w: [2, 0, 5] },
    { id: 'alpha', title: 'Alpha', n: 2, overall: [0.6, 0.3], m: [1, 2, 3, 4, null, 6], w: [1, 1, 1] },      // overall short: the scenes' mean; a missing value; weights of another length
    { id: 'beta', title: 'beta (2010)', n: 2, overall: [0.6, 0.3, 100], m: [1, 2, 3, 4, 5, 6], w: [3, 'x'] },  // a weight that is not a number
    { id: 7, title: 'Numbered', n: 1, overall: [0.5, 0.5, 100], m: [0, 0, 0] },                                  // a numeric id: film-<index>
    { id: 'short', title: 'Short rows', n: 2, m: [1, 2, 3] },                                                      // fewer values than scenes: left out
    { id: 'none', title: 'No scenes', n: 0, m: [] },
    { id: 'untitled', title: '  ', n: 1, m: [1, 2, 3] },
    { id: 'holes', title: 'Holes', n: 3, m: [null, 1, 2, null, null, null, 3, null, 4] },                        // no overall; scenes missing a metric
  ],
};

test('the compact catalog packs to the same floats, films and columns as the page packed them', () => {
  assert.equal(isCompactCatalog(fixture), true);
  const p = assertSame(fixture);
  assert.deepEqual(p.films.map((f) => f.id), ['alpha', 'beta', 'holes', 'film-3', 'zeta']);
  assert.deepEqual(p.titles, ['Alpha', 'beta (2010)', 'Holes', 'Numbered', 'Zeta Run'].sort((a, b) => a.localeCompare(b)));
  assert.ok(p.data.some(Number.isNaN), 'missing values stay missing');
});

test('the shipped catalog (weights/catalog.json) packs exactly as before', { skip: !fs.existsSync(path.join(root, 'weights/catalog.json')) && 'no weights/catalog.json' }, () => {
  const json = JSON.parse(fs.readFileSync(path.join(root, 'weights/catalog.json'), 'utf8'));
  assert.equal(isCompactCatalog(json), true);
  const p = assertSame(json);
  assert.ok(p.films.length > 100);
});

test('a catalog not in the compact form is not taken for one', () => {
  assert.equal(isCompactCatalog({ films: [{ title: 'A', scenes: [{ energy: 0.5 }] }] }), false);
  assert.equal(isCompactCatalog(null), false);
});

// The worker runs the fit in parts (so the Soundtrack view's requests can go
// between them) and merges their rankings: the answer must be the whole
// catalog's, film for film, score for score.
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');
const haveEngine = ['weights/catalog.json', 'weights/model.bin', 'weights/demo.json'].every((f) => fs.existsSync(path.join(root, f))) && fs.existsSync(wasmPath);
test('a film fit in parts, merged, is the fit of the whole catalog (the shipped model, catalog and demo)', { skip: !haveEngine && 'the wasm, model, catalog or demo is missing (run ./build.sh)' }, async () => {
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  eng.loadModel(fs.readFileSync(path.join(root, 'weights/model.bin')));
  const cat = packCompactCatalog(JSON.parse(fs.readFileSync(path.join(root, 'weights/catalog.json'), 'utf8')));
  const songs = JSON.parse(fs.readFileSync(path.join(root, 'weights/demo.json'), 'utf8')).songs.map((s) => ({ id: s.id, ...s.metrics }));
  for (const [size, top] of [[256, 5], [97, 8]]) {
    const whole = eng.filmFit({ catalog: cat, songs, segments: 6, top });
    const parts = catalogParts(cat, size);
    assert.equal(parts.length, Math.ceil(cat.films.length / size));
    assert.equal(parts.reduce((a, p) => a + p.data.length, 0), cat.data.length);
    const merged = mergeFits(parts.map((p) => eng.filmFit({ catalog: p, songs, segments: 6, top })), top);
    assert.equal(JSON.stringify(merged), JSON.stringify(whole), `parts of ${size}: the same answer, key for key`);
    assert.equal(merged.ranking.length, top);
  }
  assert.equal(catalogParts({ metrics: ['energy'], films: [], data: new Float32Array(0) }, 10).length, 1, 'no films: one empty part (the engine says why)');
  // as the Worker asks it: parts ranked without soundtracks, then the winners' soundtracks in one call
  for (const [size, top] of [[128, 5], [300, 3]]) {
    const whole = eng.filmFit({ catalog: cat, songs, segments: 6, top });
    const asked = [];
    const got = await fitInParts((r) => { asked.push(r); return eng.filmFit(r); }, cat, { songs, segments: 6, top }, size);
    assert.equal(JSON.stringify(got), JSON.stringify(whole), `fitInParts(${size}): the whole catalog's answer, key for key`);
    assert.equal(asked.length, 1 + Math.ceil((cat.films.length - 1) / size) + 1, 'one call for the first film, one per part, and one for the winners');
    assert.equal(asked[0].catalog.films.length, 1, 'the first call (the songs\' prices) has one film');
    assert.ok(asked.slice(0, -1).every((r) => r.results === 0) && asked.at(-1).catalog.films.length === top);
  }
  const part = eng.filmFit({ catalog: catalogParts(cat, 50)[0], songs, segments: 6, top: 4, results: 1 });
  assert.ok(part.ranking[0].result && part.ranking.slice(1).every((r) => !('result' in r)), '"results": only the first films carry their soundtrack');
  assert.throws(() => eng.filmFit({ catalog: catalogParts(cat, 50)[0], songs, segments: 6, top: 4, results: 5 }), /results/);
});

// The Worker's between(): the requests that arrived meanwhile are answered, and a paused fit
// (its tab hidden) waits there. The first call is one film, after the requests already waiting
// but whatever the tab: it works out the songs' prices, which the Soundtrack view's full
// soundtrack needs too, and a request arriving meanwhile waits for them alone, not for a whole
// part as well.
test('a fit in parts: one film first (the songs\' prices), then parts, others let through between calls', async () => {
  const cat = packFilms([1, 2, 3, 4, 5, 6].map((i) => ({ id: `f${i}`, scenes: [{ energy: i / 10 }, { energy: i / 20 }] })), ['energy']);
  const order = [];
  const call = (r) => {
    order.push(`call ${r.catalog.films.map((f) => f.id).join(',')}`);
    return { films: r.catalog.films.length, failed: 0, ranking: r.catalog.films.map((f, k) => ({ id: f.id, score: k })) };
  };
  await fitInParts(call, cat, { top: 2 }, 2, async (o) => { order.push(o?.first ? 'first' : 'between'); });
  assert.deepEqual(order, ['first', 'call f1', 'between', 'call f2,f3', 'between', 'call f4,f5', 'between', 'call f6', 'between', 'call f1,f2']);
  assert.deepEqual(catalogParts(cat, 4, 1).map((p) => p.films.length), [1, 4, 1]);
  assert.deepEqual(catalogParts(cat, 4).map((p) => p.films.length), [4, 2]);
  const one = catalogParts(cat, 4, 1);
  assert.deepEqual([...one[1].data], [...cat.data.subarray(one[0].data.length, one[0].data.length + one[1].data.length)], 'views on the packed data, in order');
});
