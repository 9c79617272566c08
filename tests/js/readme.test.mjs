// The README's structure: the map of the code near the top and true to the
// tree, section names that code comments point to still there, and the fuzz
// coverage table naming the engine's files as they are now (a file split
// without re-measuring shows up here).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const lines = readme.split('\n');
const headings = lines.filter((l) => /^#{2,3} /.test(l)).map((l) => l.replace(/^#+ /, ''));
// comments may cite any heading, sub-sections included
const anyHeading = lines.filter((l) => /^#{2,6} /.test(l)).map((l) => l.replace(/^#+ /, ''));
const engineFiles = fs.readdirSync(path.join(root, 'wasm')).filter((f) => f.endsWith('.c')).sort();

/** The lines of the README section whose heading is `name` (up to the next heading of its level or above). */
function section(name) {
  const at = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, '') === name);
  assert.ok(at >= 0, `README has a section "${name}"`);
  const level = /^#+/.exec(lines[at])[0].length;
  const end = lines.findIndex((l, i) => i > at && /^#+ /.test(l) && /^#+/.exec(l)[0].length <= level);
  return lines.slice(at + 1, end < 0 ? undefined : end);
}

test('the map of the code comes right after the two commands, near the top, and names every engine file and web folder', () => {
  assert.deepEqual(headings.slice(0, 2), ['The two commands', 'Layout: a map of the code']);
  assert.ok(lines.findIndex((l) => l === '## Layout: a map of the code') < 40, 'the map starts within the first 40 lines');
  const map = section('Layout: a map of the code').join('\n');
  const words = new Set(map.split(/[^A-Za-z0-9_.]+/));
  const missing = engineFiles.map((f) => f.replace(/\.c$/, '')).filter((stem) => !words.has(stem) && !words.has(`${stem}.c`));
  assert.deepEqual(missing, [], 'every wasm/*.c is placed in the engine stack');
  const webDirs = fs.readdirSync(path.join(root, 'web'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const webReadme = fs.readFileSync(path.join(root, 'web/README.md'), 'utf8');
  for (const d of webDirs) {
    assert.ok(map.includes(` ${d}/`), `the map names web/${d}/`);
    assert.match(webReadme, new RegExp(`^    ${d}/ `, 'm'), `web/README.md has a line for ${d}/`);
  }
});

test('no two sections share a name, and the sections code comments point to exist', () => {
  assert.equal(new Set(headings).size, headings.length, `repeated headings: ${headings.filter((h, i) => headings.indexOf(h) !== i)}`);
  // comments cite the README as: (see README, "Release years") or README.md, "Where your tokens are"
  const cited = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return /\.(m?js|c|h|sh)$/.test(e.name) ? [p] : [];
  });
  for (const f of ['wasm', 'web', 'tests'].flatMap((d) => walk(path.join(root, d)))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/README(?:\.md)?, "([^"]+)"/g)) cited.push([path.relative(root, f), m[1]]);
  }
  assert.ok(cited.length >= 3, 'the citations are found');
  for (const [file, name] of cited) {
    assert.ok(anyHeading.includes(name) || readme.includes(`**${name}.**`), `${file} cites README "${name}", which is no section or lead-in`);
  }
});

test('the fuzz coverage table lists the engine\'s files as they are now, with consistent sums', () => {
  const rows = section('Fuzzing').map((l) => /^\| wasm\/([a-z0-9_]+\.c) \| ([\d,]+) \| ([\d,]+) \| ([\d.]+) % \|$/.exec(l)).filter(Boolean);
  const num = (s) => Number(s.replace(/,/g, ''));
  const listed = rows.map((r) => r[1]);
  // no row (the README says why): strtod.c is the wasm build's, label.c the tools', stb_ds_impl.c all stb_ds's header
  const noRow = ['label.c', 'stb_ds_impl.c', 'strtod.c'];
  assert.deepEqual(listed, engineFiles.filter((f) => !noRow.includes(f)), 'one row per engine file, in order');
  for (const r of rows) {
    assert.ok(num(r[3]) <= num(r[2]), `${r[1]}: covered ≤ lines`);
    assert.ok(Math.abs((100 * num(r[3])) / num(r[2]) - Number(r[4])) < 0.051, `${r[1]}: the percentage is covered / lines`);
  }
  const total = section('Fuzzing').map((l) => /^\| \*\*all engine files\*\* \| ([\d,]+) \| ([\d,]+) \| ([\d.]+) % \|$/.exec(l)).find(Boolean);
  assert.ok(total, 'a total row');
  assert.equal(num(total[1]), rows.reduce((a, r) => a + num(r[2]), 0), 'the total lines are the sum of the rows');
  assert.equal(num(total[2]), rows.reduce((a, r) => a + num(r[3]), 0), 'the total covered are the sum of the rows');
});

test('code, tests and the model card say why, never which issue: no "issue N" in wasm/, web/, tests/ or weights/MODEL.md', () => {
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return ['node_modules', 'golden', 'corpus'].includes(e.name) ? [] : walk(p);
    return /\.(m?js|c|h|sh|css|html|md)$/.test(e.name) || e.name === 'Makefile' ? [p] : [];
  });
  // tests/bench still cites its targets' issues (left to whoever next changes the bench)
  const files = [...['wasm', 'web', 'tests'].flatMap((d) => walk(path.join(root, d))), path.join(root, 'weights/MODEL.md')]
    .filter((f) => !path.relative(root, f).startsWith(`tests${path.sep}bench${path.sep}`) && f !== fileURLToPath(import.meta.url));
  assert.ok(files.length > 100, 'the tree is walked');
  const found = [];
  for (const f of files) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((l, i) => { if (/\bissues? #?\d/i.test(l)) found.push(`${path.relative(root, f)}:${i + 1}: ${l.trim().slice(0, 100)}`); });
  }
  assert.deepEqual(found, []);
});
