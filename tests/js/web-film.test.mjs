// Pure helpers of the soundtrack view: catalog shapes, title search, metric
// means, and PDF line reconstruction from text positions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCatalog, searchFilms, meanMetrics } from '../../web/film/film.js';
import { pdfPagesToText, extensionOf } from '../../web/film/script-input.js';

const sc = (e, v) => ({ heading: `INT. ROOM ${e}`, metrics: { energy: e, valence: v } });

test('catalog entries of several shapes normalise; junk is dropped', () => {
  const films = normalizeCatalog({ metrics: ['energy', 'valence'], films: [
    { title: 'Zed', year: 1999, scenes: [sc(0.2, 0.4), sc(0.4, 0.6)] },
    { title: 'Alpha', scenes: [{ heading: 'EXT. SEA', energy: 0.9, valence: 0.1 }], overall: { energy: 0.5, valence: 0.5 } },
    { title: 'Arrays', scenes: [[0.1, 0.2], [0.3, 0.4]], headings: ['A', 'B'] },
    { title: '', scenes: [sc(1, 1)] }, null, 7, { title: 'No metrics', scenes: [] },
  ] });
  assert.deepEqual(films.map((f) => f.title), ['Alpha', 'Arrays', 'Zed']);
  const zed = films[2];
  assert.equal(zed.year, 1999);
  assert.ok(Math.abs(zed.overall.energy - 0.3) < 1e-12 && Math.abs(zed.overall.valence - 0.5) < 1e-12);
  assert.deepEqual(films[0].overall, { energy: 0.5, valence: 0.5 });
  assert.deepEqual(films[1].scenes[1], { index: 1, heading: 'B', metrics: { energy: 0.3, valence: 0.4 } });
});

test('search is case- and accent-insensitive and needs every word', () => {
  const films = normalizeCatalog([{ title: 'Amélie', scenes: [sc(1, 1)] }, { title: 'The Big Lebowski', scenes: [sc(1, 1)] }, { title: 'Big', scenes: [sc(1, 1)] }]);
  assert.deepEqual(searchFilms(films, 'amelie').map((f) => f.title), ['Amélie']);
  assert.deepEqual(searchFilms(films, 'BIG').map((f) => f.title), ['Big', 'The Big Lebowski']);
  assert.deepEqual(searchFilms(films, 'big lebow').map((f) => f.title), ['The Big Lebowski']);
  assert.equal(searchFilms(films, '').length, 3);
});

test('the mean of metric objects keeps only metrics every one has', () => {
  assert.deepEqual(meanMetrics([{ energy: 0.2, valence: 1 }, { energy: 0.4 }]), { energy: 0.30000000000000004 });
  assert.deepEqual(meanMetrics([]), {});
});

test('PDF text items become lines with indentation rebuilt from x positions', () => {
  const cw = 7.2; const L = 108;
  const item = (str, col, y) => ({ str, x: L + col * cw, y, w: str.length * cw, h: 12 });
  const page = [
    item('INT. KITCHEN - NIGHT', 0, 700),
    item('Rain on the window.', 0, 676),
    item('MARA', 22, 652),
    item('I never liked', 10, 640), item('storms.', 24, 640),
  ];
  const text = pdfPagesToText([page]);
  assert.equal(text, 'INT. KITCHEN - NIGHT\n\nRain on the window.\n\n                      MARA\n          I never liked storms.\n');
  assert.equal(pdfPagesToText([[]]), '');
});

test('file extensions are read case-insensitively', () => {
  assert.equal(extensionOf('My Script.FDX'), 'fdx');
  assert.equal(extensionOf('noext'), '');
});

test('an older compact catalog is refused with a clear message', () => {
  assert.throws(() => normalizeCatalog({ version: 3, metrics: ['energy'], mean: [0.5], std: [0.2], films: [{ id: 'f', title: 'Old', n: 1, m: [0] }] }),
    /format version 3 .* reads version 4; rebuild it with \.\/build\.sh catalog/);
});

test('the compact catalog (version 4) decodes z-score integers, locations and word weights', () => {
  const films = normalizeCatalog({ version: 4, metrics: ['energy', 'valence'], mean: [0.5, 0.4], std: [0.2, 0.1], zunit: 0.02, wunit: 10, segments: 4,
    films: [{ id: 'f', title: 'Compact', year: 2001, n: 3, overall: [0.51, 0.42], acts: [0, 1, 2], locs: ['KITCHEN', 'ROOF'], l: [0, 1, 0], w: [2, 0, 5],
      m: [50, -50, 0, 0, -100, 25] }, { id: 'bad', title: 'Short m', n: 2, m: [1] }] });
  assert.equal(films.length, 1);
  const f = films[0];
  assert.deepEqual(f.overall, { energy: 0.51, valence: 0.42 });
  assert.deepEqual(f.scenes.map((s) => s.heading), ['KITCHEN', 'ROOF', 'KITCHEN']);
  assert.ok(Math.abs(f.scenes[0].metrics.energy - 0.7) < 1e-12);   // 0.5 + 0.2 * 50 * 0.02
  assert.ok(Math.abs(f.scenes[0].metrics.valence - 0.3) < 1e-12);  // 0.4 + 0.1 * -50 * 0.02
  assert.ok(Math.abs(f.scenes[2].metrics.energy - 0.1) < 1e-12);
  assert.deepEqual(f.weights, [20, 1, 50]);
});

test('a brought film is kept as its arc only, and a tampered record is refused whole', async () => {
  const { toStored, fromStored } = await import('../../web/film/my-films.js');
  const film = { id: 'script:Zorbleflax', title: 'Zorbleflax', source: 'script', from: 'z.srt',
    scenes: [{ heading: '0:01–0:12', text: 'Happy birthday! Dance!', words: 4, metrics: { energy: 0.7, valence: 0.8 } },
      { heading: '3:01–3:12', text: 'Cold rain, alone.', words: 3, metrics: { energy: 0.2, valence: 0.1, bad: NaN } }],
    weights: [4, 3], overall: { energy: 0.45, valence: 0.45 } };
  const rec = toStored(film, 1000);
  assert.doesNotMatch(JSON.stringify(rec), /birthday|rain/, 'no script text');
  const back = fromStored(JSON.parse(JSON.stringify(rec)));
  assert.equal(back.title, 'Zorbleflax'); assert.equal(back.kept, true); assert.equal(back.source, 'script');
  assert.deepEqual(back.scenes.map((s) => s.metrics), [{ energy: 0.7, valence: 0.8 }, { energy: 0.2, valence: 0.1 }]);
  assert.deepEqual(back.weights, [4, 3]);
  for (const bad of [null, { ...rec, v: 2 }, { ...rec, title: '' }, { ...rec, scenes: [] }, { ...rec, scenes: [{ heading: 'x', metrics: {} }] },
    { ...rec, overall: { energy: 'high' } }, { ...rec, scenes: 'x' }]) assert.equal(fromStored(bad), null);
  assert.equal(fromStored({ ...rec, weights: [1] }).weights, undefined, 'weights that do not fit are dropped, not trusted');
});
