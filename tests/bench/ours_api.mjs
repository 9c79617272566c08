// ours_api.mjs — our shipped engine as the page uses it: web/engine.js over
// build/wasm/moodspace.{mjs,wasm} and wasm/api.c's JSON ABI (loadModel →
// ms_model_load, predict → ms_predict), so the figures include what the page
// pays on top of the C code: copying texts into wasm memory, JSON in and out.
//   node tests/bench/ours_api.mjs latency MODEL TEXTS SIZES RUNS
// Prints one JSON line: {"sizes": {"1": [ms...], ...}}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The page's engine: web/engine.js over build/wasm/moodspace.{mjs,wasm}.
 * Returns { load(bytes) → handle, predict(h, texts) → results }. */
export async function openEngine() {
  const { createEngine } = await import(pathToFileURL(path.join(root, 'web/engine.js')).href);
  const glue = path.join(root, 'build/wasm/moodspace.mjs');
  const eng = await createEngine({ moduleUrl: pathToFileURL(glue).href, wasmBinary: fs.readFileSync(glue.replace(/\.mjs$/, '.wasm')) });
  return {
    load(bytes) { return eng.loadModel(bytes).model; },
    predict(h, texts) { return eng.predict(texts, { model: h }); },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, model, textsFile, sizes, runs] = process.argv.slice(2);
  if (cmd !== 'latency') throw new Error('usage: ours_api.mjs latency MODEL TEXTS SIZES RUNS');
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
