// ours_api.mjs — our shipped engine as the page uses it: web/engine/engine.js over
// build/wasm/moodspace.{mjs,wasm} and wasm/api.c's JSON ABI (loadModel →
// ms_model_load, predict → ms_predict), so the figures include what the page
// pays on top of the C code: copying texts into wasm memory, JSON in and out.
//   node tests/bench/ours_api.mjs latency MODEL TEXTS SIZES RUNS
//   node tests/bench/ours_api.mjs soundtrack MODEL L S RUNS   (engine.match + engine.soundtrack)
// Prints one JSON line: {"sizes": {"1": [ms...], ...}} / {"topk_ms", "soundtrack_ms"}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The page's engine: web/engine/engine.js over build/wasm/moodspace.{mjs,wasm}.
 * Returns { load(bytes) → handle, predict(h, texts) → results }. */
export async function openEngine() {
  const { createEngine } = await import(pathToFileURL(path.join(root, 'web/engine/engine.js')).href);
  const glue = path.join(root, 'build/wasm/moodspace.mjs');
  const eng = await createEngine({ moduleUrl: pathToFileURL(glue).href, wasmBinary: fs.readFileSync(glue.replace(/\.mjs$/, '.wasm')) });
  return {
    load(bytes) { return eng.loadModel(bytes).model; },
    predict(h, texts) { return eng.predict(texts, { model: h }); },
    engine: eng,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'soundtrack') {
  // the page's soundtrack call: engine.soundtrack({songs, segments}) with the
  // model's metrics (songs packed as float32 rows by engine.js)
  const [, , , model, L, S, runs] = process.argv;
  const eng = await openEngine();
  const info = eng.engine.loadModel(fs.readFileSync(model));
  let st = 12345 + (+L) * 7919 + (+S);
  const rnd = () => { st = (st * 1103515245 + 12345) % 2147483648; return st / 2147483648; };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(6.283185307179586 * rnd());
  const row = (scale) => Object.fromEntries(info.metrics.map((k) => [k, info.mean[k] + scale * info.std[k] * gauss()]));
  const songs = Array.from({ length: +L }, (_, i) => ({ id: i, ...row(1) }));
  const segments = Array.from({ length: +S }, () => row(0.6));
  const ms = [], topk = [];
  for (let r = -1; r < +runs; r++) {
    const t0 = performance.now();
    const m = eng.engine.match({ songs, target: segments[0], k: 3 });
    const t1 = performance.now();
    const res = eng.engine.soundtrack({ songs, segments, reuse: true });
    const t2 = performance.now();
    if (!m.matches || m.matches.length !== 3 || res.assignment.length !== +S) throw new Error('bad result');
    if (r >= 0) { topk.push(t1 - t0); ms.push(t2 - t1); }
  }
  process.stdout.write(JSON.stringify({ songs: +L, segments: +S, metrics: info.metrics.length, topk_ms: topk, soundtrack_ms: ms }) + '\n');
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, model, textsFile, sizes, runs] = process.argv.slice(2);
  if (cmd !== 'latency') throw new Error('usage: ours_api.mjs latency MODEL TEXTS SIZES RUNS | soundtrack MODEL L S RUNS');
  const eng = await openEngine();
  const h = eng.load(fs.readFileSync(model));
  const texts = fs.readFileSync(textsFile, 'utf8').split('\0');
  const out = { sizes: {} };
  for (const N of sizes.split(',').map(Number)) {
    const slice = texts.slice(0, N), ms = [];
    for (let r = -1; r < +runs; r++) {
      const t0 = performance.now();
      const res = eng.predict(h, slice);
      if (r >= 0) ms.push(performance.now() - t0);
      if (res.length !== N) throw new Error('wrong result count');
    }
    out.sizes[N] = ms;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
