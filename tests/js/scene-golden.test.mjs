// The shipped .wasm scene parser against the C golden files
// (tests/c/golden/scene/NAME.in → NAME.expected, written by tests/c/test_scene.c):
// every UTF-8 input must give the same scenes in the browser build as natively.
// Inputs that are not valid UTF-8 (binary, invalid_utf8) cannot pass through a
// JS string unchanged and are covered by the C test alone.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createEngine } from '../../web/engine/engine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'tests/c/golden/scene');
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');

function utf8(buf) {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(buf); } catch { return null; }
}

test('the wasm scene parser matches the C golden files', async (t) => {
  if (!fs.existsSync(wasmPath)) { t.skip('build/wasm/moodspace.wasm is not built'); return; }
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  const inputs = fs.readdirSync(dir).filter((f) => f.endsWith('.in')).sort();
  assert.ok(inputs.length >= 9, 'golden inputs exist');
  let compared = 0;
  for (const name of inputs) {
    const hint = name.slice(0, -3);
    const text = utf8(fs.readFileSync(path.join(dir, name)));
    if (text === null || text.includes('\u0000')) continue;
    const lines = fs.readFileSync(path.join(dir, `${hint}.expected`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const [head, ...scenes] = lines;
    let got;
    try { got = eng.parseScript(text, { filename: hint, text: true }); } catch (e) { got = { error: e.message }; }
    if (head.error) { assert.ok(got.error, `${name}: rejected`); compared++; continue; }
    assert.equal(got.format, head.format, `${name}: format`);
    assert.equal(got.title, head.title, `${name}: title`);
    assert.equal(got.year, head.year, `${name}: year`);
    assert.deepEqual(got.warnings, head.warnings, `${name}: warnings`);
    assert.deepEqual(got.scenes, scenes, `${name}: scenes`);
    compared++;
  }
  assert.ok(compared >= 7, `compared ${compared} golden files`);
});
