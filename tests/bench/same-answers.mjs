#!/usr/bin/env node
// same-answers.mjs — a fingerprint of the engine's answers on the shipped
// files, to show that a change meant to be faster changes no answer:
//
//   node tests/bench/same-answers.mjs [--dist DIR] > after.txt   # default dist/
//   diff before.txt after.txt                                      # empty: the same bytes
//
// Uses DIR's moodspace.{mjs,wasm}, model.bin, demo.json and catalog.json with
// this tree's web/engine JS. One line per answer, a SHA-256 prefix of its JSON:
// the model's info; "the film your library fits best" over the whole catalog,
// in one call and in the Taste tab's parts (1 film, then 128 a part); for 8
// catalog films, filmSoundtrack at 6 segments, at 24 with alternatives and
// detail, and a quick pick; the same for a library of 3,000 songs (the demo's,
// varied deterministically: a library the size of a user's); predict of 40
// texts; readScript and arc of a screenplay written here. The times of the
// load, the fits and predict go to stderr.
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../../web/engine/engine.js';
import { packCompactCatalog, catalogParts, mergeFits } from '../../web/engine/pack-films.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const dist = path.resolve(root, argv.includes('--dist') ? argv[argv.indexOf('--dist') + 1] : 'dist');
const read = (f) => fs.readFileSync(path.join(dist, f));
const hash = (v) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
const times = {};
function timed(name, fn) {
  const t = performance.now();
  const r = fn();
  times[name] = Math.round(performance.now() - t);
  return r;
}

const eng = await createEngine({ moduleUrl: pathToFileURL(path.join(dist, 'moodspace.mjs')).href, wasmBinary: read('moodspace.wasm') });
console.log('info', hash(timed('loadModel', () => eng.loadModel(read('model.bin')))));
const demo = JSON.parse(read('demo.json'));
const demoSongs = demo.songs.map((s) => ({ id: s.id, ...s.metrics }));
let seed = 1;
const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
const bigSongs = Array.from({ length: 3000 }, (_, i) => {
  const s = demoSongs[i % demoSongs.length];
  const out = { id: `${s.id}-${i}` };
  for (const [k, v] of Object.entries(s)) if (k !== 'id') out[k] = k === 'tempo' ? v * (1 + jitter()) : Math.min(1, Math.max(0, v + jitter()));
  return out;
});
const cat = packCompactCatalog(JSON.parse(read('catalog.json')));
const m = cat.metrics.length;
const films = [];
for (let k = 0, off = 0; k < cat.films.length; off += cat.films[k].scenes * (m + 1), k++) films.push({ f: cat.films[k], off });
const scenesOf = ({ f, off }) => {
  const scenes = []; const weights = [];
  for (let i = 0; i < f.scenes; i++) {
    scenes.push(Object.fromEntries(cat.metrics.map((x, j) => [x, cat.data[off + i * m + j]])));
    weights.push(cat.data[off + f.scenes * m + i]);
  }
  return { scenes, scene_weights: weights };
};

for (const [name, songs] of [['demo', demoSongs], ['3000', bigSongs]]) {
  const fit = timed(`fit ${name}`, () => eng.filmFit({ catalog: cat, songs, segments: 6, top: 5 }));
  console.log(`fit ${name}`, hash(fit), fit.ranking.map((r) => r.id).join(' '));
  const parts = timed(`fit ${name} in parts`, () => catalogParts(cat, 128, 1).map((p) => eng.filmFit({ catalog: p, songs, segments: 6, top: 5 })));
  console.log(`fit ${name} in parts`, hash(mergeFits(parts, 5)));
  for (const k of [0, 1, 17, 100, 333, 500, 777, films.length - 1]) {
    const film = scenesOf(films[k]);
    for (const req of [{ segments: 6 }, { segments: 24, alternatives: 3, detail: true }, { segments: 6, quick: { seed: 7, avoid_offset: -1 } }]) {
      console.log(`soundtrack ${name} ${films[k].f.id} ${JSON.stringify(req)}`, hash(eng.filmSoundtrack({ ...film, songs, ...req })));
    }
  }
}
const texts = demo.songs.slice(0, 40).map((s, i) => `${s.title} ${s.artist} ${(s.words || []).map(([w, n]) => `${w} `.repeat(Math.min(n, 5))).join(' ')} line ${i}`);
console.log('predict', hash(timed('predict', () => eng.predict(texts))));
const script = ['INT. KITCHEN - NIGHT', '', 'ANNA pours coffee. A scream outside.', '', 'ANNA', 'Who is there?', '',
  'EXT. GARDEN - DAY', '', 'Children laugh and dance in the sun. A birthday cake.', '',
  'INT. CAR - NIGHT', '', 'He drives fast. Sirens. Gunshots shatter the window.', ''].join('\n');
console.log('readScript', hash(eng.readScript(script.repeat(3))));
console.log('arc', hash(eng.arc(script.repeat(3), { segments: 3 })));
process.stderr.write(`same-answers: ${path.relative(root, dist) || '.'}: ${JSON.stringify(times)} (ms)\n`);
