// peak_wasm.mjs — runs tests/bench/peak.c compiled to wasm (build/bench/peak.cjs)
// and prints its JSON line.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const js = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../build/bench/peak.cjs');
const create = createRequire(import.meta.url)(js);
await create({ wasmBinary: fs.readFileSync(js.replace(/\.cjs$/, '.wasm')), arguments: process.argv.slice(2),
  print: (s) => process.stdout.write(s + '\n'), printErr: (s) => process.stderr.write(s + '\n') });
