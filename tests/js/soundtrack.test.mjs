// `moodspace soundtrack` and the page's matching path (web/engine/engine.js →
// ms_film_soundtrack in the shipped wasm) on fixtures written here: a tiny
// random model calibrated with hand-made tables, a hand-made version-4
// catalog, a library of made-up songs and a short Fountain script. The same
// film and library give the same soundtrack through both. Nothing from
// ../shared/data.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createEngine, packFilms } from '../../web/engine/engine.js';
import { normalizeCatalog, CATALOG_VERSION } from '../../web/film/film.js';
import { whyWords, ordinal } from '../../web/soundtrack/soundtrack.js';
import { makeTinyModel, TINY_OUTPUTS } from './fixtures/tiny-model.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tool = path.join(root, 'build/moodspace');
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');
const skip = !fs.existsSync(tool) || !fs.existsSync(wasmPath) ? 'build/moodspace or the wasm is missing (run ./build.sh)' : false;

// Calibration tables: uniform knots, songs over mean ± 2 std, scenes and
// segments over mean ± 0.5 std (films sit in a corner, as with the real model).
const KNOTS = 101;
const names = TINY_OUTPUTS.map(([n]) => n);
const uniform = (lo, hi) => Array.from({ length: KNOTS }, (_, t) => lo + ((hi - lo) * t) / (KNOTS - 1));
const domain = (levels, spread) => ({ levels, metrics: names,
  q: levels.map(() => TINY_OUTPUTS.map(([, mean, std]) => uniform(mean - spread * std, mean + spread * std))) });
const CALIBRATION = { songs: domain([1], 2), scenes: domain([1], 0.5), segments: domain([1, 2, 3, 4, 6, 8, 16, 64], 0.5) };
const META = { match_weights: { energy: 1, valence: 1, tempo: 0.25, liveness: 0.25 }, calibration: CALIBRATION };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'moodspace-soundtrack-test-'));
test.after(() => { if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true }); });
const file = (name, body) => { const p = path.join(tmp, name); fs.writeFileSync(p, body); return p; };
const modelPath = file('model.bin', makeTinyModel({ seed: 5, seqLen: 16, meta: JSON.stringify(META) }));
const rawModelPath = file('raw.bin', makeTinyModel({ seed: 5, seqLen: 16, meta: '' }));

// deterministic made-up numbers
let state = 12345;
const rand = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 4294967296; };

// A catalog: 4 films of 12-30 scenes whose moods drift, in z units of 0.1 std.
const catalog = { version: CATALOG_VERSION, metrics: names, mean: TINY_OUTPUTS.map((o) => o[1]), std: TINY_OUTPUTS.map((o) => o[2]),
  zunit: 0.1, wunit: 10, segments: 4, films: [] };
for (const [id, n] of [['dark-harbour', 24], ['bright-fair', 18], ['long-night', 30], ['short-walk', 12]]) {
  const m = [];
  for (let j = 0; j < n; j++) for (let q = 0; q < names.length; q++) m.push(Math.round(6 * Math.sin(j / 4 + q + id.length) + 4 * (rand() - 0.5)));
  catalog.films.push({ id, title: id.replace('-', ' '), n, overall: [0, 0, 0, 0], acts: [0], locs: ['DOCK', 'ROOM WITH A VERY LONG NAME'],
    l: Array.from({ length: n }, (_, j) => j % 2), w: Array.from({ length: n }, (_, j) => 1 + (j % 5)), m });
}
const catalogPath = file('catalog.json', JSON.stringify(catalog));
const oldCatalogPath = file('old.json', JSON.stringify({ ...catalog, version: 3 }));

// A library of 30 songs (the file order is the ranking), as `predict --jsonl` lines.
const songs = Array.from({ length: 30 }, (_, i) => {
  const s = { id: `song-${i}`, title: `Song ${i}`, artist: `Artist ${i % 7}` };
  TINY_OUTPUTS.forEach(([n, mean, std]) => { s[n] = mean + std * 2 * (rand() * 2 - 1); });
  return s;
});
const libraryPath = file('library.jsonl', `${songs.map((s) => JSON.stringify(s)).join('\n')}\n`);

const SCRIPT = `Title: The Lighthouse Keeper

INT. LIGHTHOUSE - NIGHT

The keeper climbs. Rain on the glass, a cold wind, the lamp turns slowly.

KEEPER
Another night alone.

EXT. ROCKS - DAWN

Sun breaks through. Gulls, gold light, a boat on the water, laughter far off.

INT. KITCHEN - DAY

Tea, bread, a letter from the city. He reads it twice and smiles.

EXT. PIER - NIGHT

The storm returns. Waves over the pier, the lamp fails, he runs.
`;
const scriptPath = file('keeper.fountain', SCRIPT);

function cli(args) {
  const r = spawnSync(tool, ['soundtrack', '--model', modelPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stderr: r.stderr, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

test('moodspace soundtrack --help documents the command', { skip }, () => {
  const r = spawnSync(tool, ['soundtrack', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const w of ['--library', '--film', '--catalog', '--script', '--segments', '--quick', '--seed', 'first_scene', 'song_mood']) assert.match(r.stdout, new RegExp(w));
  const bad = spawnSync(tool, ['soundtrack', '--film', 'x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /give --library and one of --film or --script/);
});

test('moodspace soundtrack reads its options with the tools\' shared parser: usage errors exit 2 with one message', { skip }, () => {
  const bad = (args) => spawnSync(tool, ['soundtrack', '--library', libraryPath, ...args], { encoding: 'utf8' });
  for (const [args, msg] of [
    [['--film', 'x', '--segments', 'abc'], /^moodspace soundtrack: --segments needs a whole number, not 'abc'\n$/],
    [['--film', 'x', '--segments', '0'], /^moodspace soundtrack: --segments must be 1\.\.64\n$/],
    [['--fit', '--top', '101'], /^moodspace soundtrack: --top must be 1\.\.100\n$/],
    [['--film', 'x', '--seed', '1.5'], /^moodspace soundtrack: --seed must be an integer 0\.\.2\^53\n$/],
    [['--film', 'x', '--bogus'], /^moodspace soundtrack: unknown option --bogus \(--help\)\n$/],
    [['--film', 'x', 'stray'], /^moodspace soundtrack: unexpected argument 'stray' \(--help\)\n$/],
    [['--film'], /^moodspace soundtrack: --film needs a value \(--help\)\n$/],
    [['--fit', '--quick'], /--fit ranks catalog films/],
  ]) {
    const r = bad(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, msg, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  // a run that fails (not a usage error) exits 1
  const missing = cli(['--library', libraryPath, '--catalog', catalogPath, '--film', 'no-such-film']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^moodspace soundtrack: no film no-such-film in /);
});

test('catalog films: one JSON line each, distinct songs per film, headings and named songs', { skip }, () => {
  const r = cli(['--library', libraryPath, '--catalog', catalogPath, '--film', 'dark-harbour,short-walk', '--segments', '4']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines.map((l) => l.film).sort(), ['dark-harbour', 'short-walk']);
  for (const l of r.lines) {
    assert.equal(l.segments.length, 4);
    assert.equal(new Set(l.segments.map((g) => g.song.id)).size, 4, 'four different songs');
    assert.equal(l.segments[0].first_scene, 0);
    assert.equal(l.segments.at(-1).last_scene, l.scenes - 1);
    for (const g of l.segments) {
      assert.ok(['DOCK', 'ROOM WITH A VERY LONG NAME'].includes(g.heading));
      assert.match(g.song.title, /^Song \d+$/);
      for (const n of names) {
        assert.equal(typeof g.mood[n], 'number');
        assert.ok(g.pct[n] >= 0 && g.pct[n] <= 100 && g.song_pct[n] >= 0 && g.song_pct[n] <= 100);
      }
      assert.ok(g.distance >= 0);
    }
  }
  const all = cli(['--library', libraryPath, '--catalog', catalogPath, '--film', 'all', '--segments', '1']);
  assert.equal(all.lines.length, 4);
  assert.ok(all.lines.every((l) => l.segments.length === 1 && l.segments[0].first_scene === 0));
});

test('a catalog id holding a comma (as Green-Mile,-The does) is found whole', { skip }, () => {
  const withComma = file('comma.json', JSON.stringify({ ...catalog, films: [{ ...catalog.films[0], id: 'harbour,-the' }] }));
  const r = cli(['--library', libraryPath, '--catalog', withComma, '--film', 'harbour,-the', '--segments', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.lines.map((l) => l.film), ['harbour,-the']);
});

test('hostile catalogs: the CLI makes the page reader\'s checks (short mean/std, huge n, quotes in ids) and never crashes', { skip }, () => {
  const run = (name, body) => {
    const r = spawnSync(tool, ['soundtrack', '--model', modelPath, '--library', libraryPath, '--catalog', file(name, JSON.stringify(body)), '--film', 'all'],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.signal, null, `${name}: killed by ${r.signal}: ${r.stderr}`);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));   // throws on invalid JSON
    return { status: r.status, stderr: r.stderr, lines };
  };
  for (const [name, patch] of [['short-mean', { mean: [0.5] }], ['short-std', { std: [] }], ['text-mean', { mean: ['a', 'b', 'c', 'd'] }],
    ['no-mean', { mean: undefined }], ['zero-std', { std: [0, 1, 1, 1] }], ['huge-zunit', { zunit: 1e308 }]]) {
    const r = run(`${name}.json`, { ...catalog, ...patch });
    assert.equal(r.status, 1, `${name}: refused`);
    assert.match(r.stderr, /"mean" and "std" must hold one finite number per metric|"zunit" and "wunit" must be finite numbers > 0/, name);
  }
  const f0 = catalog.films[0];
  const hostile = [
    { ...f0, id: 'huge-n', n: 600000000 },       // n * metrics overflows an int
    { ...f0, id: 'huge-n2', n: 1e300 },
    { ...f0, id: 'frac-n', n: 2.5 },
    { ...f0, id: 'short-m', m: f0.m.slice(0, 5) },
    { ...f0, id: 'text-m', m: f0.m.map(() => 'x') },
    { ...f0, id: 'no-title', title: '  ' },
    { ...f0, id: 'quote " and \\ back\u0001slash', n: -1 },
    { ...f0, id: 'fine " quoted' },
  ];
  const r = run('hostile-films.json', { ...catalog, films: hostile });
  assert.equal(r.status, 0, r.stderr);
  const byId = Object.fromEntries(r.lines.map((l) => [l.film, l]));
  assert.deepEqual(Object.keys(byId).sort(), hostile.map((f) => f.id).sort());
  for (const id of ['huge-n', 'huge-n2', 'frac-n', 'short-m', 'no-title', 'quote " and \\ back\u0001slash']) assert.match(byId[id].error, /malformed catalog film/, id);
  // non-numeric moods are missing values, as the page reads them (the engine then says what is missing)
  assert.ok(byId['text-m'].error || byId['text-m'].segments, 'text-m answered');
  assert.equal(byId['fine " quoted'].segments.length, 4);
});

test('--quick: the seed pool (20 from an offset, never past the top 70) and its 3 nearest songs', { skip }, () => {
  const offsets = new Set();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const r = cli(['--library', libraryPath, '--catalog', catalogPath, '--film', 'long-night', '--quick', '--seed', String(seed)]);
    assert.equal(r.status, 0, r.stderr);
    const q = r.lines[0].quick;
    assert.equal(q.picks.length, 3);
    assert.equal(q.pool.length, 20);
    assert.ok(q.offset >= 0 && q.offset <= 10, `offset ${q.offset} within 30 songs`);
    assert.deepEqual(q.pool, Array.from({ length: 20 }, (_, i) => q.offset + i));
    for (const p of q.picks) assert.ok(q.pool.includes(songs.findIndex((s) => s.id === p.song.id)));
    offsets.add(q.offset);
  }
  assert.ok(offsets.size > 1, 'different seeds draw different pools');
});

test('--script: a screenplay of our own gets a soundtrack; old catalogs and uncalibrated models are refused', { skip }, () => {
  const r = cli(['--library', libraryPath, '--script', scriptPath, '--segments', '3']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.lines.length, 1);
  assert.equal(r.lines[0].title, 'The Lighthouse Keeper');
  assert.equal(r.lines[0].segments.length, 3);
  assert.equal(r.lines[0].segments[0].heading, 'INT. LIGHTHOUSE - NIGHT');
  const old = cli(['--library', libraryPath, '--catalog', oldCatalogPath, '--film', 'all']);
  assert.equal(old.status, 1);
  assert.match(old.stderr, /catalog version 3; this tool reads version 4 \(rebuild it/);
  const raw = spawnSync(tool, ['soundtrack', '--model', rawModelPath, '--library', libraryPath, '--catalog', catalogPath, '--film', 'all'], { encoding: 'utf8' });
  assert.equal(raw.status, 1);
  assert.match(raw.stderr, /no calibration \(run `moodspace calibrate`\)/);
});

test('the page path (web/engine/engine.js in wasm, the catalog decoded by web/film/film.js) gives the CLI\'s soundtrack', { skip }, async () => {
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  const info = eng.loadModel(fs.readFileSync(modelPath));
  assert.equal(info.calibrated, true);
  // the song table reaches the page (the Taste view's reference): the knots as written, rounded to 5 digits
  assert.deepEqual(Object.keys(info.song_quantiles), names);
  for (const [j, n] of names.entries()) {
    const want = CALIBRATION.songs.q[0][j];
    assert.equal(info.song_quantiles[n].length, KNOTS);
    assert.ok(info.song_quantiles[n].every((v, t) => Math.abs(v - want[t]) <= 1e-4 * Math.max(1, Math.abs(want[t]))), n);
  }
  assert.equal(eng.constants.catalog_version, CATALOG_VERSION, 'the page and the engine read the same catalog version');
  assert.equal(eng.constants.pool_size, 20);
  assert.equal(eng.constants.pool_max_rank, 70);
  const films = normalizeCatalog(JSON.parse(fs.readFileSync(catalogPath, 'utf8')));
  for (const segments of [1, 4, 6]) {
    const cliOut = cli(['--library', libraryPath, '--catalog', catalogPath, '--film', 'all', '--segments', String(segments)]).lines;
    for (const f of films) {
      // the request web/soundtrack/soundtrack.js sends
      const page = eng.filmSoundtrack({ scenes: f.scenes.map((s) => s.metrics), scene_weights: f.weights, segments,
        songs: songs.map((s) => ({ id: s.id, ...Object.fromEntries(names.map((n) => [n, s[n]])) })), metrics: Object.keys(f.overall) });
      const c = cliOut.find((l) => l.film === f.id);
      assert.deepEqual(page.segments.map((g) => [g.first_scene, g.last_scene, g.song.id, g.distance]),
        c.segments.map((g) => [g.first_scene, g.last_scene, g.song.id, g.distance]), `${f.id}, ${segments} segments`);
      assert.deepEqual(page.segments.map((g) => g.pct), c.segments.map((g) => g.pct));
    }
  }
  // the Taste tab's film fit goes through the same call
  const fit = eng.filmFit({ films: films.map((f) => ({ id: f.id, scenes: f.scenes.map((s) => s.metrics), scene_weights: f.weights })), songs, segments: 4 });
  assert.equal(fit.ranking.length, 4);
  assert.ok(fit.ranking.every((r, i) => i === 0 || r.score >= fit.ranking[i - 1].score));
  const best = films.find((f) => f.id === fit.ranking[0].id);
  const again = eng.filmSoundtrack({ scenes: best.scenes.map((s) => s.metrics), scene_weights: best.weights, segments: 4, songs });
  assert.deepEqual(again.segments.map((g) => g.song.id), fit.ranking[0].result.segments.map((g) => g.song.id));
  // draw again: another offset whenever the library allows one
  const first = eng.filmSoundtrack({ scenes: best.scenes.map((s) => s.metrics), songs, quick: { seed: 3 } });
  const next = eng.filmSoundtrack({ scenes: best.scenes.map((s) => s.metrics), songs, quick: { seed: 3, avoid_offset: first.quick.offset } });
  assert.notEqual(next.quick.offset, first.quick.offset);
  // no songs: the arc alone on the calibrated scale; a 6-scene script keeps 6 points
  const six = eng.filmSoundtrack({ scenes: [0.56, 0.70, 0.54, 0.68, 0.58, 0.66].map((e) => ({ energy: e, valence: e, tempo: 120, liveness: 0.2 })), songs: [], segments: 6, detail: true });
  assert.equal(six.scenes.length, 6);
  assert.equal(new Set(six.scenes.map((s) => s.smooth_pct.energy)).size, 6);
  assert.ok(six.segments.every((g) => !g.song));
  assert.throws(() => eng.filmSoundtrack({ scenes: [], songs }), /no scenes/);
});

test('"the film your library fits best": one engine call (ms_film_fit), the same list as `moodspace soundtrack --fit` and as every film\'s own soundtrack', { skip }, async () => {
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  eng.loadModel(fs.readFileSync(modelPath));
  const films = normalizeCatalog(JSON.parse(fs.readFileSync(catalogPath, 'utf8')));
  // a song without a weighted metric is left out by both paths (its index stays the library's)
  const lib = songs.map((s, i) => (i === 7 ? { ...s, energy: undefined } : s));
  const libPath = file('fit-library.jsonl', `${lib.map((s) => JSON.stringify(s)).join('\n')}\n`);
  for (const [segments, top] of [[6, 5], [4, 3], [1, 4]]) {
    // what web/taste/dashboard.js sends: the catalog packed once, the songs as objects
    const cat = packFilms(films, names);
    assert.equal(cat.data.length, films.reduce((a, f) => a + f.scenes.length * (names.length + 1), 0));
    const page = eng.filmFit({ catalog: cat, songs: lib.map((s) => ({ id: s.id, ...Object.fromEntries(names.map((n) => [n, s[n]])) })), segments, top });
    assert.equal(page.failed, 0);
    assert.equal(page.films, films.length);
    assert.equal(page.songs, lib.length - 1);
    assert.equal(page.ranking.length, Math.min(top, films.length));
    const cliFit = cli(['--library', libPath, '--catalog', catalogPath, '--fit', '--segments', String(segments), '--top', String(top)]);
    assert.equal(cliFit.status, 0, cliFit.stderr);
    assert.deepEqual(page.ranking.map((r) => [r.id, r.score]), cliFit.lines.map((l) => [l.film, l.score]), `same order and scores, ${segments} segments`);
    assert.deepEqual(cliFit.lines.map((l) => l.rank), cliFit.lines.map((_, i) => i + 1));
    assert.deepEqual(page.ranking.map((r) => r.result.segments.map((g) => [g.first_scene, g.last_scene, g.song.id, g.distance, g.pct])),
      cliFit.lines.map((l) => l.segments.map((g) => [g.first_scene, g.last_scene, g.song.id, g.distance, g.pct])), 'same soundtracks');
    // the ranking is each film's own soundtrack (ms_film_soundtrack) ranked by its mean distance
    const each = films.map((f) => {
      const r = eng.filmSoundtrack({ scenes: f.scenes.map((x) => x.metrics), scene_weights: f.weights, segments, songs: lib });
      return { id: f.id, score: r.segments.reduce((a, g) => a + g.distance, 0) / r.segments.length, result: r };
    }).sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1));
    assert.deepEqual(page.ranking.map((r) => [r.id, r.score]), each.slice(0, top).map((r) => [r.id, r.score]));
    assert.deepEqual(page.ranking.map((r) => r.result), each.slice(0, top).map((r) => r.result), 'the same answer as ms_film_soundtrack');
    // the film objects without packing give the same
    const loose = eng.filmFit({ films: films.map((f) => ({ id: f.id, scenes: f.scenes.map((x) => x.metrics), scene_weights: f.weights })), songs: lib, segments, top });
    assert.deepEqual(loose.ranking, page.ranking);
  }
  // bad input: clear messages, never a crash
  const cat = packFilms(films, names);
  assert.throws(() => eng.filmFit({ catalog: cat, songs: [], segments: 4 }), /no songs with a predicted mood/);
  assert.throws(() => eng.filmFit({ catalog: cat, songs, segments: 99 }), /"segments" must be an integer in 1\.\.64/);
  assert.throws(() => eng.filmFit({ catalog: { ...cat, films: [...cat.films, { id: 'x', scenes: 5 }] }, songs }), /do not fit the buffer/);
  assert.throws(() => eng.filmFit({ catalog: { ...cat, films: [{ id: 'x', scenes: 0 }] }, songs }), /film 0: needs/);
  const tooFew = eng.filmFit({ catalog: cat, songs: songs.slice(0, 3), segments: 6 });
  assert.equal(tooFew.failed, films.length, 'fewer songs than segments: every film fails, said in "failed"');
  assert.deepEqual(tooFew.ranking, []);
  // the CLI says what is wrong too
  const bad = cli(['--library', libraryPath, '--catalog', catalogPath, '--fit', '--quick']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--fit ranks catalog films/);
  assert.match(spawnSync(tool, ['soundtrack', '--help'], { encoding: 'utf8' }).stdout, /--fit: the films the library fits best/);
});

test('"Why this song?" in words from percentiles', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st']);
  const w = whyWords({ energy: 12, valence: 55, danceability: 48, acousticness: 90 }, { energy: 9, valence: 40, danceability: 60, acousticness: 88 });
  assert.equal(w, 'Both among the calmest 15 %. Both among the most acoustic 15 %.');
  assert.equal(whyWords({}, {}), '');
});
