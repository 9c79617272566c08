// soundtrack-prices.mjs — what a new library's first soundtrack costs in the page:
// the song prices (wasm/soundtrack.c) are computed once per library, in wasm,
// then kept. Times the shipped engine (build/wasm) on one catalog film, 6
// segments, for libraries of 300, 2,000 and 10,000 songs (the demo songs,
// repeated with small deterministic changes):
//
//   node tests/bench/soundtrack-prices.mjs [--film Alien]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../../web/engine/engine.js';
import { normalizeCatalog } from '../../web/film/film.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const filmId = args.includes('--film') ? args[args.indexOf('--film') + 1] : 'Alien';
const eng = await createEngine({ moduleUrl: pathToFileURL(path.join(root, 'build/wasm/moodspace.mjs')).href,
  wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/moodspace.wasm')) });
const info = eng.loadModel(fs.readFileSync(path.join(root, 'weights/model.bin')));
const names = info.outputs.map((o) => o.name);
const films = normalizeCatalog(JSON.parse(fs.readFileSync(path.join(root, 'weights/catalog.json'), 'utf8')));
const film = films.find((f) => f.id === filmId) || films[0];
const demo = JSON.parse(fs.readFileSync(path.join(root, 'weights/demo.json'), 'utf8'));
const base = demo.songs || demo.tracks;
const value = (s, k) => (s.metrics ? s.metrics[k] : s[k]);

for (const n of [300, 2000, 10000]) {
  let st = 1;
  const jitter = () => ((st = (st * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  const songs = Array.from({ length: n }, (_, i) => {
    const s = base[i % base.length]; const o = { id: `s${i}` };
    for (const k of names) o[k] = value(s, k) * (1 + (i >= base.length ? jitter() : 0));
    return o;
  });
  const req = { scenes: film.scenes.map((s) => s.metrics), scene_weights: film.weights, segments: 6, songs };
  let t = performance.now();
  const first = eng.filmSoundtrack(req);
  const tFirst = performance.now() - t;
  t = performance.now();
  eng.filmSoundtrack(req);
  const tNext = performance.now() - t;
  console.log(`${String(n).padStart(6)} songs, ${film.title}, ${first.segments.length} segments: first soundtrack ${tFirst.toFixed(0)} ms (song prices), next ${tNext.toFixed(0)} ms`);
}
