// The shipped WebAssembly (build/wasm/moodspace.{mjs,wasm}) loaded in Node
// through web/engine/engine.js: same predictions as the native build (within 1e-5),
// same matching results, and hostile input answered with errors, never a
// crash. Weights: a tiny deterministic random model written by
// tests/js/fixtures/tiny-model.mjs (nothing committed, nothing from data/).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createEngine } from '../../web/engine/engine.js';
import { makeTinyModel, TINY_WORDS } from './fixtures/tiny-model.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');
const tool = path.join(root, 'build/moodspace');

const META = { match_weights: { energy: 1, valence: 1, tempo: 0.5, liveness: 0.25 } };
const modelBytes = makeTinyModel({ seed: 11, seqLen: 16, meta: JSON.stringify(META) });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'moodspace-engine-test-'));
const modelPath = path.join(tmp, 'tiny.bin');
fs.writeFileSync(modelPath, modelBytes);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Texts of our own: short and long, accents, lyric furniture, punctuation,
// empty, unknown words only, and one longer than the sequence length.
const TEXTS = [
  'love the night, dance in the rain',
  '[Chorus] Baby baby never leave — forever in the summer sun (x2)',
  'Cold city, broken heart; tears in the dark and nobody home alone',
  'FIRE! Fire! fire on the wild road, run run run',
  'Ça va? Él llora; Über alles — ÉTÉ, dream, kiss, gold',
  '',
  'zzz qqq xxyyzz unknownword another',
  '[00:12.30] slow light in the sky [00:15.00] slow light in the sky',
  Array.from({ length: 60 }, (_, i) => ['love', 'night', 'cry', 'party', 'blood', 'cold'][i % 6]).join(' '),
  'dance dance dance party party summer summer sun sun gold gold light light wild wild fire',
  'broken\ttears\nrain\r\ncold\u00a0alone   dark',
  "don't stop, can't stop: rock-n-roll all night",
];

async function engineInstance() {
  return createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
}

function native(args, input) {
  return execFileSync(tool, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

function near(got, want, tol, what) {
  const lim = tol * Math.max(1, Math.abs(want));
  assert.ok(Math.abs(got - want) <= lim, `${what}: got ${got}, want ${want} (tol ${lim})`);
}

// Deterministic pseudo-random songs and segments in the model's units.
function songs(n, seed) {
  let s = seed >>> 0;
  const r = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  return Array.from({ length: n }, (_, i) => ({
    id: `song-${i}`, energy: r(), valence: r(), tempo: 70 + 110 * r(), liveness: r() * 0.8,
  }));
}

test('the engine loads in Node and reports its constants', async () => {
  const eng = await engineInstance();
  assert.equal(eng.constants.pool_size, 20);
  assert.equal(eng.constants.pool_max_rank, 70);
  assert.equal(eng.model, 0);
});

test('the model loads from bytes and reports metrics, statistics and recommended weights', async () => {
  const eng = await engineInstance();
  const info = eng.loadModel(modelBytes);
  assert.ok(Number.isInteger(info.model) && info.model > 0);
  assert.deepEqual(info.metrics, ['energy', 'valence', 'tempo', 'liveness']);
  near(info.mean.tempo, 121.5, 1e-6, 'tempo mean');
  near(info.std.tempo, 28, 1e-6, 'tempo std');
  assert.deepEqual(info.weights, META.match_weights);
  assert.equal(info.seq_len, 16);
});

test('wasm predictions equal the native build within 1e-5', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const got = eng.predict(TEXTS.map((text, i) => ({ id: i, text })));
  const lines = native(['predict', '--model', modelPath, '--jsonl'],
    TEXTS.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, TEXTS.length);
  assert.equal(got.length, TEXTS.length);
  let distinct = new Set();
  for (let i = 0; i < TEXTS.length; i++) {
    assert.equal(got[i].id, i);
    assert.equal(lines[i].id, i);
    for (const m of ['energy', 'valence', 'tempo', 'liveness']) {
      assert.equal(typeof got[i][m], 'number', `text ${i} ${m}`);
      // the tool prints 6 significant digits: compare relative to max(1, |value|)
      near(got[i][m], lines[i][m], 1e-5, `text ${i} ${m}`);
    }
    distinct.add(got[i].energy.toFixed(6));
  }
  assert.ok(distinct.size >= 6, 'different texts give different predictions');
  // the same texts one at a time give the same numbers as the batch
  for (let i = 0; i < 3; i++) {
    const [one] = eng.predict([TEXTS[i]]);
    for (const m of ['energy', 'valence', 'tempo', 'liveness']) near(one[m], got[i][m], 1e-6, `single vs batch ${i} ${m}`);
  }
});

test('with the shipped model too, wasm predictions equal the native build within 1e-5', async (t) => {
  const shipped = path.join(root, 'weights/model.bin');
  if (!fs.existsSync(shipped)) { t.skip('weights/model.bin is not there yet'); return; }
  const eng = await engineInstance();
  const info = eng.loadModel(fs.readFileSync(shipped));
  const got = eng.predict(TEXTS);
  const lines = native(['predict', '--model', shipped, '--jsonl'],
    TEXTS.map((text, i) => JSON.stringify({ id: i, text })).join('\n') + '\n').trim().split('\n').map((l) => JSON.parse(l));
  for (let i = 0; i < TEXTS.length; i++)
    for (const m of info.metrics) near(got[i][m], lines[i][m], 1e-5, `shipped model, text ${i} ${m}`);
});

test('predict keeps the input order and reports bad items in place', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const r = eng.predict(['love', 42, { id: 'x' }, { id: 'y', text: 'rain' }, null, 'night']);
  assert.equal(r.length, 6);
  assert.equal(typeof r[0].energy, 'number');
  assert.match(r[1].error, /expected a text/);
  assert.equal(r[2].id, 'x');
  assert.match(r[2].error, /"text" must be a string/);
  assert.equal(r[3].id, 'y');
  assert.equal(typeof r[3].energy, 'number');
  assert.ok(r[4].error);
  assert.equal(typeof r[5].energy, 'number');
});

test('top-k, soundtrack and pool in wasm are identical to the native tool', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const lib = songs(400, 3);
  const target = { energy: 0.7, valence: 0.3, tempo: 128, liveness: 0.2 };
  const topReq = { songs: lib, target, k: 5 };
  const a = eng.match(topReq);
  const b = JSON.parse(native(['match', '--model', modelPath], JSON.stringify(topReq)));
  assert.deepEqual(a, b);
  assert.equal(a.matches.length, 5);
  assert.deepEqual(a.weights, META.match_weights);

  const segments = songs(25, 99).map(({ id, ...m }) => m);
  const stReq = { songs: lib, segments };
  const c = eng.soundtrack(stReq);
  const d = JSON.parse(native(['match', '--model', modelPath], JSON.stringify(stReq)));
  assert.deepEqual(c, d);
  assert.equal(new Set(c.assignment.map((x) => x.index)).size, 25, 'distinct songs');
  // the pruned solution equals the unpruned one
  const full = eng.soundtrack({ ...stReq, prune_k: -1 });
  near(full.total, c.total, 1e-9, 'pruned total equals the full optimum');

  // songs travel packed as float32 rows by default; the plain JSON path agrees,
  // also when some songs lack metrics or carry them under "metrics"
  const mixed = [...lib.slice(0, 50), { id: 'no-tempo', energy: 0.5, valence: 0.5, liveness: 0.1 },
    { id: 'nested', metrics: { energy: 0.7, valence: 0.31, tempo: 127, liveness: 0.2 } }, { id: 'str', energy: '0.5' }];
  for (const req of [topReq, stReq, { songs: mixed, target, k: 60 }, { songs: mixed, segments: segments.slice(0, 9) }]) {
    const fn = req.target ? 'match' : 'soundtrack';
    assert.deepEqual(eng[fn](req), eng._unpacked[fn](req), `${fn}: packed and JSON paths agree`);
  }
  const mixedRes = eng.match({ songs: mixed, target, k: 60 });
  assert.deepEqual(mixedRes.skipped.map((x) => x.id), ['no-tempo', 'str']);
  assert.ok(mixedRes.matches.some((x) => x.id === 'nested'));

  const weighted = { ...topReq, weights: { tempo: 0, liveness: 0 } };
  assert.deepEqual(eng.match(weighted), JSON.parse(native(['match', '--model', modelPath], JSON.stringify(weighted))));

  const poolReq = { n: 64, seed: 123456789 };
  const p = eng.pool(poolReq);
  assert.deepEqual(p, JSON.parse(native(['match', '--no-model', '--mode', 'pool'], JSON.stringify(poolReq))));
  assert.ok(p.offset >= 0 && p.offset <= 44 && p.indices.length === 20);
  const fresh = eng.pool({ n: 100 });
  assert.ok(Number.isInteger(fresh.seed), 'a missing seed is drawn and returned');
  assert.deepEqual(eng.pool({ n: 100, seed: fresh.seed }), fresh, 'and reproduces the pool');
  // a 16-digit seed comes back with every digit (cJSON alone prints 15 and changed it)
  assert.equal(eng.pool({ n: 100, seed: 8675424139041631 }).seed, 8675424139041631, 'a 16-digit seed is returned exactly');
  assert.equal(eng.pool({ n: 12, seed: 1 }).indices.length, 12, 'fewer than 20 tracks: all of them');
});

test('predicted songs match a predicted scene end to end', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const preds = eng.predict(TEXTS.slice(0, 10).map((text, i) => ({ id: i, text })));
  const [scene] = eng.predict(['night rain, a broken heart alone in the cold city']);
  const r = eng.match({ songs: preds, target: scene, k: 3 });
  assert.equal(r.matches.length, 3);
  for (let i = 1; i < 3; i++) assert.ok(r.matches[i - 1].distance <= r.matches[i].distance);
});

test('explain names the words that moved the prediction', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const text = 'love love fire night rain cold broken tears party summer';
  const r = eng.explain(text, { top: 3 });
  const [pred] = eng.predict([text]);
  for (const m of ['energy', 'valence', 'tempo', 'liveness']) near(r.prediction[m], pred[m], 1e-5, `explain prediction ${m}`);
  assert.equal(r.tokens, 10);
  assert.equal(r.distinct, 9);
  assert.equal(r.words[0].word, 'love');
  assert.equal(r.words[0].count, 2);
  for (const m of ['energy', 'valence', 'tempo', 'liveness']) {
    const top = r.top[m];
    assert.ok(top.length <= 3);
    for (let i = 1; i < top.length; i++) assert.ok(Math.abs(top[i - 1].delta) >= Math.abs(top[i].delta));
  }
  // the delta of a word is the prediction minus the prediction without it
  const without = text.split(' ').filter((w) => w !== 'fire').join(' ');
  const [p2] = eng.predict([without]);
  const fire = r.words.find((w) => w.word === 'fire');
  near(fire.delta.energy, pred.energy - p2.energy, 1e-5, 'occlusion delta');
  assert.throws(() => eng.explain(text, { top: 0 }), /top/);
});

test('several models can be loaded, used and freed', async () => {
  const eng = await engineInstance();
  const a = eng.loadModel(modelBytes);
  const b = eng.loadModel(makeTinyModel({ seed: 5, seqLen: 16 }));
  assert.notEqual(a.model, b.model);
  assert.equal(eng.model, b.model);
  const pa = eng.predict([TEXTS[0]], { model: a.model })[0];
  const pb = eng.predict([TEXTS[0]])[0];
  assert.notEqual(pa.energy, pb.energy);
  assert.deepEqual(eng.info({ model: b.model }).weights, { energy: 1, valence: 1, tempo: 1, liveness: 1 });
  eng.setWeights({ tempo: 0.5 });
  assert.equal(eng.info().weights.tempo, 0.5);
  assert.throws(() => eng.setWeights({ tempo: -1 }), /bad weight/);
  assert.throws(() => eng.setWeights({ energy: 0, valence: 0, tempo: 0, liveness: 0 }), /all metric weights are 0/);
  eng.freeModel(b.model);
  assert.equal(eng.model, 0);
  assert.throws(() => eng.predict(['x']), /no such model/);
  assert.equal(typeof eng.predict(['x'], { model: a.model })[0].energy, 'number');
});

test('a model whose words, output names or meta are not valid UTF-8 is refused; multi-byte words load', async () => {
  const eng = await engineInstance();
  const words = (bad) => [...TINY_WORDS.slice(0, 4), Uint8Array.from(bad), ...TINY_WORDS.slice(4, 8)];
  // a word cut inside a character (last or not), an overlong NUL, a surrogate, a stray byte
  for (const bad of [[0x61, 0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0x6e, 0xe2, 0x82]]) {
    assert.throws(() => eng.loadModel(makeTinyModel({ seqLen: 16, words: words(bad) })), /not valid UTF-8/, `word ${bad}`);
    assert.throws(() => eng.loadModel(makeTinyModel({ seqLen: 16, words: [...TINY_WORDS, Uint8Array.from(bad)] })),
      /not valid UTF-8/, `last word ${bad}`);
  }
  const outputs = [[Uint8Array.from([0x65, 0xc3]), 0.5, 0.2], ['valence', 0.47, 0.24]];
  assert.throws(() => eng.loadModel(makeTinyModel({ seqLen: 16, outputs })), /not valid UTF-8/, 'an output name');
  assert.throws(() => eng.loadModel(makeTinyModel({ seqLen: 16, meta: Uint8Array.from([0x7b, 0x7d, 0xe2, 0x28]) })),
    /not valid UTF-8/, 'the meta');
  const info = eng.loadModel(makeTinyModel({ seqLen: 16, words: [...TINY_WORDS, 'café', 'ночь', '夜', '🎵'] }));
  assert.equal(info.vocab_size, TINY_WORDS.length + 6);
  eng.freeModel(info.model);
});

test('hostile input gets an error from every call, and the engine keeps working', async () => {
  const eng = await engineInstance();
  assert.throws(() => eng.loadModel(new Uint8Array([1, 2, 3])), /not a MoodSpace weights file/);
  const damaged = modelBytes.slice();
  damaged[damaged.length - 40] ^= 0xff;
  assert.throws(() => eng.loadModel(damaged), /damaged|checksum/);
  assert.throws(() => eng.loadModel(modelBytes.slice(0, 200)), /truncated/);
  assert.throws(() => eng.loadModel(new Uint8Array(0)), /empty/);
  eng.loadModel(modelBytes);
  assert.throws(() => eng.predict('not an array'), /array/);
  assert.throws(() => eng.match({ songs: 'x', target: {} }), /error|must|missing/);
  assert.throws(() => eng.match({ songs: [], target: { energy: 'loud' } }), /target/);
  assert.throws(() => eng.soundtrack({ songs: songs(2, 1), segments: songs(3, 2) }), /need at least 3 songs/);
  assert.throws(() => eng.soundtrack({ songs: [], segments: {} }), /segments/);
  assert.throws(() => eng.pool({ n: -4, seed: 1 }), /"n"/);
  assert.throws(() => eng.pool({ n: 5, seed: 2 ** 60 }), /seed/);
  assert.throws(() => eng.explain(123, { max_words: 1e9 }), /max_words/);
  assert.throws(() => eng.parseScript('INT. ROOM - DAY', { format: 'klingon' }), /format/);
  assert.throws(() => eng.arc('INT. ROOM - DAY', { segments: 0 }), /segments/);
  assert.throws(() => eng.arcFromMetrics({ scenes: 5 }), /scenes/);
  // lone surrogates, NULs, huge and deeply nested inputs
  const odd = eng.predict(['\ud800 broken \udfff', 'a\u0000b', '\uffff'.repeat(1000)]);
  assert.equal(odd.length, 3);
  for (const r of odd) assert.equal(typeof r.energy, 'number');
  assert.throws(() => eng.match(JSON.parse('[' + '[]'.repeat(1) + ']')), /object/);
  const deep = { songs: [], target: {} };
  let cur = deep.target;
  for (let i = 0; i < 2000; i++) { cur.x = {}; cur = cur.x; }
  assert.throws(() => eng.match(deep));
  // a 6 MB text grows memory; the HEAP views must be re-read after it
  const big = 'love night rain '.repeat(400000);
  const [bp] = eng.predict([big]);
  const [sp] = eng.predict(['love night rain '.repeat(8)]);
  near(bp.energy, sp.energy, 1e-6, 'a huge text reads its first seq_len tokens');
  const r = eng.predict([TEXTS[0]]);
  assert.equal(typeof r[0].energy, 'number', 'still working afterwards');
});

test('scripts parse into scenes and a mood arc with segments', async () => {
  const eng = await engineInstance();
  eng.loadModel(modelBytes);
  const script = [
    'Title: A Test of Moods', '',
    'INT. KITCHEN - NIGHT', '',
    'Rain on the window. A broken cup.', '',
    'ANNA', 'I cry alone in the cold dark.', '',
    'EXT. BEACH - DAY', '',
    'Summer sun, a party on the sand.', '',
    'BEN', 'Dance with me, baby, forever!', '',
    'INT. CAR - NIGHT', '',
    'The road is wild. Fire in the sky.', '',
    'ANNA', 'Run, run home.', '',
  ].join('\n');
  const parsed = eng.parseScript(script, { format: 'fountain' });
  assert.equal(parsed.scenes.length, 3);
  assert.match(parsed.scenes[1].text, /Dance with me/);
  const arc = eng.arc(script, { format: 'fountain', segments: 2 });
  assert.equal(arc.segments.length, 2);
  assert.equal(typeof arc.overall.energy, 'number');
  const again = eng.arcFromMetrics({ scenes: arc.scenes.map((s) => s.mood), segments: 3 });
  assert.equal(again.segments.length, 3);
  // the arc's segments feed the soundtrack directly
  const st = eng.soundtrack({ songs: songs(10, 5), segments: arc.segments.map((s) => s.mood) });
  assert.equal(st.assignment.length, 2);
});

test('in Chromium, the page and a module Worker load the engine and predict like Node', async (t) => {
  if (!fs.existsSync('/usr/bin/chromium')) { t.skip('no /usr/bin/chromium'); return; }
  const { chromium } = await import('playwright-core');
  const { serveStatic } = await import('../fake/static-server.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moodspace-engine-web-'));
  // engine.js and what it imports, in web/'s layout; the wasm next to engine.js
  for (const f of ['engine/engine.js', 'engine/pack-films.js', 'film/compact-film.js']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(root, 'web', f), path.join(dir, f));
  }
  fs.copyFileSync(mjsPath, path.join(dir, 'engine/moodspace.mjs'));
  fs.copyFileSync(wasmPath, path.join(dir, 'engine/moodspace.wasm'));
  fs.writeFileSync(path.join(dir, 'tiny.bin'), modelBytes);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>engine</title>');
  // the Worker uses the module-level API, as web/engine/worker.js does
  fs.writeFileSync(path.join(dir, 'w.js'), `import { defaultEngine, workerCall } from './engine/engine.js';
self.onmessage = async (ev) => {
  try {
    const engine = await defaultEngine();
    const bytes = new Uint8Array(await (await fetch('./tiny.bin')).arrayBuffer());
    await engine.loadModel(bytes);
    self.postMessage({ result: workerCall(engine, 'predict')(ev.data) });
  } catch (e) { self.postMessage({ error: String(e.message || e) }); }
};`);
  const server = await serveStatic(dir, 0);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    const texts = TEXTS.slice(0, 5);
    const inPage = await page.evaluate(async (texts) => {
      const { createEngine } = await import('./engine/engine.js');
      const eng = await createEngine();
      eng.loadModel(new Uint8Array(await (await fetch('./tiny.bin')).arrayBuffer()));
      return eng.predict(texts);
    }, texts);
    const inWorker = await page.evaluate((texts) => new Promise((resolve) => {
      const w = new Worker('./w.js', { type: 'module' });
      w.onmessage = (ev) => resolve(ev.data);
      w.onerror = (ev) => resolve({ error: ev.message || 'worker error' });
      w.postMessage(texts);
    }), texts);
    assert.deepEqual(errors, []);
    assert.ok(!inWorker.error, inWorker.error);
    const eng = await engineInstance();
    eng.loadModel(modelBytes);
    const want = eng.predict(texts);
    for (let i = 0; i < texts.length; i++) {
      for (const m of ['energy', 'valence', 'tempo', 'liveness']) {
        near(inPage[i][m], want[i][m], 1e-6, `page text ${i} ${m}`);
        near(inWorker.result[i][m], want[i][m], 1e-6, `worker text ${i} ${m}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
