// The Soundtrack view's search lists the catalog's titles from the engine's
// worker (which has read the catalog for the Taste tab) and decodes only the
// chosen film on the page. The list must be loadCatalog's, film for film
// (same ids, titles, years, order: the same search results), and a chosen
// film exactly the film loadCatalog gives (same scenes and moods: the same
// soundtrack).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packCompactCatalog, catalogTitles, catalogEntry, packFilms } from '../../web/engine/pack-films.js';
import { readCatalog, briefFilms, decodeCatalogEntry, withReleaseYears } from '../../web/film/film-catalog.js';
import { rankFilms } from '../../web/film/film-search.js';
import { CATALOG_VERSION } from '../../web/film/film.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The worker's side (as web/engine/worker.js keeps it), the answers passed as postMessage would. */
const workerCat = (json) => ({ ...packCompactCatalog(structuredClone(json)), compact: structuredClone(json) });

function assertSameAsLoadCatalog(json, years, queries) {
  const full = readCatalog(structuredClone(json), years);
  const cat = workerCat(json);
  const brief = briefFilms(structuredClone(catalogTitles(cat)), years);
  assert.deepEqual(brief.map((f) => [f.id, f.title, f.year]), full.map((f) => [f.id, f.title, f.year]), 'the same films, titles and years, in the same order');
  for (const q of queries) {
    const a = rankFilms(brief, q, 30); const b = rankFilms(full, q, 30);
    assert.deepEqual(a.films.map((f) => f.at), b.films.map((f) => full.indexOf(f)), `the same results for “${q}”`);
    assert.equal(a.total, b.total);
  }
  brief.forEach((f, k) => {
    const e = structuredClone(catalogEntry(cat, f.at, f.id));
    const one = withReleaseYears([decodeCatalogEntry(e)], years)[0];
    assert.equal(JSON.stringify(one), JSON.stringify(full[k]), `${f.title}: the film loadCatalog gives`);
  });
  return { cat, brief, full };
}

const fixture = {
  version: CATALOG_VERSION, metrics: ['energy', 'valence', 'tempo'], mean: [0.5, 0.4, 110], std: [0.1, 0.2, 20], zunit: 0.01, wunit: 10,
  films: [
    { id: 'zeta', title: '  Zeta Run ', n: 3, overall: [0.5, 0.4, 112], locs: ['ROOF', 'CAFE \u0096 NIGHT'], l: [0, 1, 1], m: [10, -20, 5, 0, 0, 0, 30, 15, -7], w: [2, 0, 5] },
    { id: 'alpha', title: 'The Alpha', n: 2, overall: [0.6, 0.3], m: [1, 2, 3, 4, null, 6], w: [1, 1, 1] },
    { id: 'beta', title: 'Beta (2010)', n: 2, overall: [0.6, 0.3, 100], m: [1, 2, 3, 4, 5, 6], w: [3, 'x'] },
    { id: 'beta2', title: 'Beta', n: 1, overall: [0.6, 0.3, 100], m: [1, 2, 3] },
    { id: 7, title: 'Numbered', n: 1, overall: [0.5, 0.5, 100], m: [0, 0, 0] },
    { id: 'short', title: 'Short rows', n: 2, m: [1, 2, 3] },
    { id: 'none', title: 'No scenes', n: 0, m: [] },
    { id: 'untitled', title: '  ', n: 1, m: [1, 2, 3] },
    { id: 'holes', title: 'Holes', n: 3, m: [null, 1, 2, null, null, null, 3, null, 4] },
  ],
};

test('the search list and a chosen film from the worker are loadCatalog\'s (a catalog written for this test)', () => {
  const { cat, brief, full } = assertSameAsLoadCatalog(fixture, { 'Zeta Run': 1999, Beta: 2004 }, ['the', 'beta', 'z', 'alpha', 'nothing here', '']);
  assert.deepEqual(brief.map((f) => f.id), ['beta2', 'beta', 'holes', 'film-4', 'alpha', 'zeta']);
  assert.equal(full.find((f) => f.id === 'zeta').scenes[1].heading, 'CAFE – NIGHT', 'headings repaired as loadCatalog does');
  assert.equal(catalogEntry(cat, 0, 'beta'), null, 'a film asked for at another place is not given');
  assert.equal(catalogEntry(cat, 99, 'alpha'), null);
  assert.equal(catalogEntry(cat, 'x', 'alpha'), null);
  assert.equal(decodeCatalogEntry(null), null);
  assert.equal(decodeCatalogEntry({ ...catalogEntry(cat, 0, 'alpha'), version: CATALOG_VERSION + 1 }), null, 'another format version is not read');
});

test('a catalog not in the compact form gives no list (the page reads it itself)', () => {
  const cat = packFilms([{ id: 'a', title: 'A', scenes: [{ metrics: { energy: 0.5 } }], overall: { energy: 0.5 } }], ['energy']);
  assert.equal(catalogTitles(cat), null);
  assert.equal(catalogEntry(cat, 0, 'a'), null);
});

const shipped = path.join(root, 'weights/catalog.json');
test('the shipped catalog: the same list, the same results and every film the same', { skip: !fs.existsSync(shipped) && 'no weights/catalog.json' }, () => {
  const json = JSON.parse(fs.readFileSync(shipped, 'utf8'));
  const yf = path.join(root, 'weights/release_years.json');
  const y = fs.existsSync(yf) ? JSON.parse(fs.readFileSync(yf, 'utf8')) : null;
  const { brief } = assertSameAsLoadCatalog(json, y?.years || y, ['the', 'a', 'love', 'star', 'x', 'godfather', 'casa', 'the the', '2']);
  assert.ok(brief.length > 100);
});

// dist/catalog-titles.json (web/build/build.mjs) is the list the worker gives, so the page
// searches it without waiting for the worker; a chosen film is still checked by id (catalogEntry).
const titlesFile = path.join(root, 'dist/catalog-titles.json');
test('the built title list is the worker\'s list of the shipped catalog', { skip: !(fs.existsSync(titlesFile) && fs.existsSync(shipped)) && 'no dist/catalog-titles.json or weights/catalog.json (run ./build.sh)' }, () => {
  const json = JSON.parse(fs.readFileSync(shipped, 'utf8'));
  const built = JSON.parse(fs.readFileSync(titlesFile, 'utf8'));
  assert.equal(built.version, CATALOG_VERSION);
  assert.deepEqual(built.films, catalogTitles(workerCat(json)));
});
