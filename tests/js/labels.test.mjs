// The committed scene labels hold numbers and headings, never script text, and the
// blind relabelling's report is what labels/blind.mjs prints from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (f) => JSON.parse(readFileSync(path.join(root, 'labels', f), 'utf8'));
const scale = (v) => Number.isInteger(v) && v >= 1 && v <= 9;

test('labels/scenes.json: film, index, heading, split and 1–9 numbers per labeller, nothing else', () => {
  const { scenes } = read('scenes.json');
  assert.ok(scenes.length > 5000);
  for (const s of scenes) {
    assert.deepEqual(Object.keys(s).sort(), ['energy', 'film', 'heading', 'index', 'split', 'valence']);
    assert.ok(s.valence.every(scale) && s.energy.every(scale), `${s.film}#${s.index}`);
    assert.ok(s.heading.length <= 200, `${s.film}#${s.index}: a heading, not text`);
  }
});

test('labels/blind.json: numbers only, for scenes labelled in scenes.json, each once', () => {
  const known = new Set(read('scenes.json').scenes.map((s) => `${s.film}#${s.index}`));
  const { scenes } = read('blind.json');
  const ids = scenes.map((s) => `${s.film}#${s.index}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const s of scenes) {
    assert.deepEqual(Object.keys(s).sort(), ['energy', 'film', 'index', 'valence']);
    assert.ok(scale(s.valence) && scale(s.energy) && known.has(`${s.film}#${s.index}`), `${s.film}#${s.index}`);
  }
});

test('labels/BLIND.md is what labels/blind.mjs prints', () => {
  const out = execFileSync(process.execPath, [path.join(root, 'labels/blind.mjs')], { encoding: 'utf8' });
  assert.equal(readFileSync(path.join(root, 'labels/BLIND.md'), 'utf8'), out);
});
