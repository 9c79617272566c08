// wasm_driver.mjs — runs tests/bench/bench_engine.c compiled to WebAssembly
// (build/bench/bench_engine.{cjs,wasm}, NODERAWFS) with the given arguments:
//   node tests/bench/wasm_driver.mjs COMMAND ARGS...
// The .wasm bytes are handed over as wasmBinary (Emscripten 3.1.6 would
// otherwise try fetch() under Node 20).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const js = path.join(root, 'build/bench/bench_engine.cjs');
const createBench = createRequire(import.meta.url)(js);
let status = 0;
await createBench({
  wasmBinary: fs.readFileSync(js.replace(/\.cjs$/, '.wasm')),
  arguments: process.argv.slice(2),
  print: (s) => process.stdout.write(s + '\n'),
  printErr: (s) => process.stderr.write(s + '\n'),
  quit: (code) => { status = code; },
});
process.exitCode = status;
