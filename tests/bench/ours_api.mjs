// ours_api.mjs — our shipped engine (build/wasm/moodspace.{mjs,wasm}, the
// files the page loads) driven through the page's JSON ABI (wasm/api.c:
// ms_model_load, ms_predict), so the figures include what the page pays on
// top of the C code: copying texts into wasm memory, JSON in and out.
//   node tests/bench/ours_api.mjs latency MODEL TEXTS SIZES RUNS
// Prints one JSON line: {"sizes": {"1": [ms...], ...}}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Loads the shipped engine; returns { load(bytes) → handle, predict(h, texts) → results }. */
export async function openEngine() {
  const glue = path.join(root, 'build/wasm/moodspace.mjs');
  const { default: create } = await import(glue);
  const M = await create({ wasmBinary: fs.readFileSync(glue.replace(/\.mjs$/, '.wasm')) });
  const result = (p) => {              // a char* result: copy out, free, parse
    const s = M.UTF8ToString(p);
    M._ms_free(p);
    const v = JSON.parse(s);
    if (v && v.error) throw new Error(v.error);
    return v;
  };
  const withString = (str, fn) => {    // large text through _malloc, not the stack
    const n = M.lengthBytesUTF8(str) + 1;
    const p = M._malloc(n);
    try { M.stringToUTF8(str, p, n); return fn(p); } finally { M._free(p); }
  };
  return {
    load(bytes) {
      const p = M._malloc(bytes.length);
      try { M.HEAPU8.set(bytes, p); return result(M._ms_model_load(p, bytes.length)).model; } finally { M._free(p); }
    },
    predict(h, texts) { return withString(JSON.stringify(texts), (p) => result(M._ms_predict(h, p))); },
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
