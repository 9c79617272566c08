// The engine's calls are listed once, in wasm/api.h. This test fails unless
// every call there is exported by the built wasm, used by web/engine/engine.js
// and called by the API fuzzer (tests/fuzz/fuzz_api.c), and nothing else is
// exported or used; and the Worker's lookup (workerCall) reaches every
// method of the engine object and nothing outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createEngine, workerCall } from '../../web/engine/engine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');

// The calls of api.h: each declaration line `TYPE ms_NAME(` (the rule
// wasm/Makefile uses to write the export list).
export function apiCalls(header) {
  const names = [];
  for (const line of header.split('\n')) {
    const m = /^[a-z][a-z ]*[ *](ms_[a-z0-9_]+)\(/.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

const calls = apiCalls(read('wasm/api.h'));
const sorted = (a) => [...new Set(a)].sort();

test('api.h lists the engine calls, each defined once in api.c and its two companions (api_script.c, api_film.c)', () => {
  assert.ok(calls.includes('ms_film_soundtrack') && calls.includes('ms_free') && calls.length >= 15, calls.join(' '));
  assert.equal(new Set(calls).size, calls.length, 'a call is declared twice');
  // the interface's C files: api.c and api_*.c (they share the private api_internal.h)
  const apiFiles = fs.readdirSync(path.join(root, 'wasm')).filter((f) => /^api(_[a-z]+)?\.c$/.test(f)).sort();
  assert.deepEqual(apiFiles, ['api.c', 'api_film.c', 'api_script.c']);
  const apiC = apiFiles.map((f) => read(`wasm/${f}`)).join('\n');
  for (const name of calls) {
    const defs = apiC.match(new RegExp(`^[a-z][a-z ]*[ *]${name}\\([^;]*\\{`, 'gm')) || [];
    assert.equal(defs.length, 1, `${name}: ${defs.length} definitions in wasm/api*.c`);
  }
  // no ms_ call of api.c outside the list (a static helper is not a call)
  const defined = [...apiC.matchAll(/^(?:char|void|int|double)\s*\*?\s*(ms_[a-z0-9_]+)\(/gm)].map((m) => m[1]);
  assert.deepEqual(sorted(defined), sorted(calls), 'api*.c defines an ms_ call that api.h does not list');
  // the tools reach the engine through api.h, never a hand-written declaration
  for (const dir of ['wasm', 'wasm/tools', 'tests/c', 'tests/fuzz']) {
    for (const f of fs.readdirSync(path.join(root, dir))) {
      if (!/\.[ch]$/.test(f) || (dir === 'wasm' && /^api(_[a-z]+)?\.[ch]$/.test(f))) continue;
      const text = read(`${dir}/${f}`);
      assert.ok(!text.includes('#include "api_internal.h"'), `${dir}/${f} includes the interface's private header`);
      for (const name of calls) {
        assert.ok(!new RegExp(`^[a-z][a-z ]*[ *]${name}\\([^)]*\\)\\s*;`, 'm').test(text), `${dir}/${f} declares ${name} by hand`);
      }
    }
  }
});

test('the built wasm exports exactly the calls of api.h (plus malloc and free)', async (t) => {
  if (!fs.existsSync(wasmPath)) { t.skip('build/wasm/moodspace.wasm not built (./build.sh)'); return; }
  // the release wasm's own export names are minified: the module object
  // Emscripten builds around it names each export _NAME
  const { default: factory } = await import(mjsPath);
  const mod = await factory({ wasmBinary: fs.readFileSync(wasmPath), print: () => {}, printErr: () => {} });
  for (const name of calls) assert.equal(typeof mod[`_${name}`], 'function', `the wasm does not export ${name}`);
  const extra = Object.keys(mod).filter((k) => k.startsWith('_ms_') && !calls.includes(k.slice(1)));
  assert.deepEqual(extra, [], `the wasm exports ms_ functions api.h does not list: ${extra.join(' ')}`);
  assert.ok(typeof mod._malloc === 'function' && typeof mod._free === 'function', 'engine.js needs malloc and free');
});

test('engine.js reaches every call of api.h and no other', () => {
  const src = read('web/engine/engine.js');
  const used = sorted([...src.matchAll(/\bmod\._(ms_[a-z0-9_]+)\b/g)].map((m) => m[1]));
  const missing = calls.filter((n) => !used.includes(n));
  assert.deepEqual(missing, [], `engine.js has no method reaching ${missing.join(' ')}`);
  const unknown = used.filter((n) => !calls.includes(n));
  assert.deepEqual(unknown, [], `engine.js calls ${unknown.join(' ')}, not in wasm/api.h`);
});

test('the API fuzzer calls every call of api.h', () => {
  const src = read('tests/fuzz/fuzz_api.c').replace(/\/\*[\s\S]*?\*\//g, '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const missing = calls.filter((n) => !new RegExp(`\\b${n}\\(`).test(src));
  assert.deepEqual(missing, [], `tests/fuzz/fuzz_api.c never calls ${missing.join(' ')}`);
});

test('the Worker finds every call on the engine object by name, and nothing else', async (t) => {
  if (!fs.existsSync(wasmPath)) { t.skip('build/wasm/moodspace.wasm not built (./build.sh)'); return; }
  const { default: factory } = await import(mjsPath);
  const eng = await createEngine({ factory, wasmBinary: fs.readFileSync(wasmPath) });
  const methods = Object.keys(eng).filter((k) => typeof eng[k] === 'function' && !k.startsWith('_'));
  assert.ok(methods.includes('filmSoundtrack') && methods.includes('predict'), methods.join(' '));
  for (const name of methods) {
    if (name === 'loadModel' || name === 'freeModel') continue;
    assert.equal(typeof workerCall(eng, name), 'function', name);
  }
  // a bound call works like the method
  assert.deepEqual(workerCall(eng, 'pool')({ n: 57, seed: 9 }), eng.pool({ n: 57, seed: 9 }));
  for (const bad of ['loadModel', 'freeModel', '_unpacked', 'constants', 'model', 'toString', 'constructor',
    '__proto__', 'hasOwnProperty', 'nope', '', undefined, 3]) {
    assert.throws(() => workerCall(eng, bad), /Unknown engine call/, String(bad));
  }
});
