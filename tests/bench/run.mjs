#!/usr/bin/env node
// run.mjs — MoodSpace against TensorFlow.js, same machine, same run, same
// model. `./build.sh bench` builds the project, then runs this:
//
//   node tests/bench/run.mjs [--runs N] [--full] [--only a,b] [--no-pin] [--core C]
//
//   --runs N   timed runs per measurement after one warm-up (default 5, min 5
//              unless --only is given)
//   --full     also give the slow TF.js cpu backend N runs at 1,000 songs and
//              the screenplay, and TF.js training N epochs (default: 1 each,
//              without a warm-up run of its own: the smaller sizes warmed it)
//   --only     a subset of: parity,latency,cold,size,train,match,limit,page,lighthouse
//   --baseline DIR   the page and Lighthouse sections also measure DIR, a
//              dist/ built from another commit (e.g. main: git worktree add
//              /tmp/ms-main main && (cd /tmp/ms-main && ./build.sh)), so the
//              table gives both figures from the same run
//   --no-pin   do not pin every timed process to one core (taskset -c C)
//
// Prints one table (median of the runs, min–max) and writes every raw figure
// to tests/bench/results/bench-<time>.json (+ latest.json). Inputs are
// invented (tests/bench/texts.mjs), never ../shared/data. Intermediate files
// (our bench drivers, the TF.js export of our weights, texts) go to
// build/bench/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { songs as makeSongs, screenplay as makeScreenplay } from './texts.mjs';
import { distinctWords, makeTokenizer, unsupportedReason } from './tfjs_model.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const W = path.join(ROOT, 'build/bench');
const RESULTS = path.join(ROOT, 'tests/bench/results');
const rel = (p) => path.relative(ROOT, p);

// ---- options ----------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : dflt; };
const ONLY = opt('--only') ? new Set(opt('--only').split(',')) : null;
const RUNS = Math.max(ONLY ? 1 : 5, parseInt(opt('--runs', '5'), 10));
const FULL = argv.includes('--full');
const NCPU = os.cpus().length;
const CORE = parseInt(opt('--core', String(NCPU - 1)), 10);
const PIN = !argv.includes('--no-pin') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const want = (s) => !ONLY || ONLY.has(s);
const SIZES = [1, 20, 70, 1000];
const MATCH_L = [100, 10000, 100000], MATCH_S = [10, 50, 200];

const log = (m) => process.stderr.write(`bench: ${m}\n`);
fs.mkdirSync(W, { recursive: true });
fs.mkdirSync(RESULTS, { recursive: true });

// ---- helpers ------------------------------------------------------------------
function run(cmd, args, { pin = true, env, allowFail = false, timeout = 20 * 60e3 } = {}) {
  const full = pin && PIN ? ['taskset', ['-c', String(CORE), cmd, ...args]] : [cmd, args];
  const r = spawnSync(full[0], full[1], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env }, timeout });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${cmd} ${args.join(' ').slice(0, 300)} failed (${r.status ?? r.signal}):\n${(r.stderr || '').slice(-2000)}`);
  }
  return r;
}
function runJSON(cmd, args, o) {
  const r = run(cmd, args, o);
  const text = r.stdout.trim();
  try { return JSON.parse(text); } catch { /* progress lines before the result */ }
  const lines = text.split('\n');
  try { return JSON.parse(lines[lines.length - 1]); } catch (e) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ').slice(0, 200)}: no JSON result (${e.message}): ${text.slice(-300)}`);
  }
}
const node = (script, args, o) => runJSON(process.execPath, [path.join(ROOT, 'tests/bench', script), ...args], o);
const native = (args, o) => runJSON(path.join(W, 'bench_engine'), args, o);
const wasm = (args, o) => node('wasm_driver.mjs', args, o);
const tfjs = (task, o) => node('tfjs_worker.mjs', [JSON.stringify(task)], o);

function stats(xs) {
  const a = [...xs].sort((x, y) => x - y);
  if (!a.length) return null;
  const m = a.length >> 1;
  return { median: a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2, min: a[0], max: a[a.length - 1], n: a.length };
}
const mtime = (p) => { try { return fs.statSync(p).mtimeMs; } catch { return 0; } };
const newer = (out, ins) => mtime(out) === 0 || ins.some((i) => mtime(i) > mtime(out));
const ls = (dir, re) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => re.test(f)).map((f) => path.join(dir, f)) : []);

// ---- what the table and the JSON collect ---------------------------------------
const results = { sections: {}, rows: [], notes: [] };
const row = (section, item, engine, s, extra = {}) => results.rows.push({ section, item, engine, ...(s || {}), ...extra });
const note = (m) => { results.notes.push(m); log(m); };

// ---- machine ---------------------------------------------------------------------
const cpuModel = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model;
const flags = ((fs.readFileSync('/proc/cpuinfo', 'utf8').match(/flags\s*:\s*(.*)/) || [])[1] || '').split(' ');
const git = (a) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
const tfVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version;
results.machine = {
  nproc: NCPU, cpu: cpuModel, simd: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => flags.includes(f)),
  mem_gb: +(os.totalmem() / 2 ** 30).toFixed(1), loadavg_start: os.loadavg().map((x) => +x.toFixed(2)),
  node: process.version, emcc: (spawnSync('emcc', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0],
  cc: (spawnSync('cc', ['--version'], { encoding: 'utf8' }).stdout || '').split('\n')[0], tfjs: tfVersion,
  commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'wasm', 'web']) !== '',
  date: new Date().toISOString(), pinned_core: PIN ? CORE : null, runs: RUNS, full: FULL,
};
log(`${NCPU} cpu(s), ${cpuModel}; load ${results.machine.loadavg_start.join(' ')}; ${RUNS} runs after a warm-up${PIN ? `, pinned to core ${CORE}` : ''}`);

// ---- build our bench drivers --------------------------------------------------------
const INC = ['-Iwasm', '-Ibuild/deps/cjson', '-I/usr/include/stb'];
const engineSrc = [...ls(path.join(ROOT, 'wasm'), /\.[ch]$/), path.join(ROOT, 'build/deps/cjson/cJSON.c')];
function buildDrivers() {
  const libs = ['build/native/libtools.a', 'build/native/libengine.a'].map((p) => path.join(ROOT, p));
  for (const l of libs) if (!fs.existsSync(l)) throw new Error(`${rel(l)} is missing: run ./build.sh first`);
  const src = path.join(ROOT, 'tests/bench/bench_engine.c');
  const exe = path.join(W, 'bench_engine');
  if (newer(exe, [src, ...libs, ...ls(path.join(ROOT, 'wasm'), /\.h$/)])) {
    log('cc tests/bench/bench_engine.c (native driver, the release flags of wasm/Makefile)');
    run('cc', ['-std=c11', '-D_DEFAULT_SOURCE', '-O3', '-g', '-DNDEBUG', ...INC, '-Wall', '-Wextra', src, ...libs, '-lm', '-pthread', '-o', exe], { pin: false });
  }
  // the wasm driver: the engine sources with the flags of the shipped wasm
  // (-O3 -msimd128), plus NODERAWFS so it reads the same files
  const wjs = path.join(W, 'bench_engine.cjs');
  if (newer(wjs, [src, ...engineSrc])) {
    log('emcc tests/bench/bench_engine.c + wasm/*.c (wasm driver, -O3 -msimd128)');
    run('emcc', ['-std=c11', '-D_DEFAULT_SOURCE', ...INC, '-O3', '-msimd128', '-DNDEBUG', '-sMODULARIZE=1', '-sEXPORT_NAME=createBench',
      '-sENVIRONMENT=node', '-sNODERAWFS=1', '-sALLOW_MEMORY_GROWTH=1', '-sMAXIMUM_MEMORY=2GB', '-o', wjs,
      ...ls(path.join(ROOT, 'wasm'), /\.c$/), 'build/deps/cjson/cJSON.c', src], { pin: false, env: { NODE_PATH: '/usr/share/nodejs' } });
  }
  const psrc = path.join(ROOT, 'tests/bench/peak.c');
  if (newer(path.join(W, 'peak'), [psrc])) run('cc', ['-std=c11', '-D_DEFAULT_SOURCE', '-O2', psrc, '-o', path.join(W, 'peak')], { pin: false });
  if (newer(path.join(W, 'peak.cjs'), [psrc])) {
    run('emcc', ['-O3', '-msimd128', '-sMODULARIZE=1', '-sEXPORT_NAME=createPeak', '-sENVIRONMENT=node', psrc, '-o', path.join(W, 'peak.cjs')],
      { pin: false, env: { NODE_PATH: '/usr/share/nodejs' } });
  }
}

async function buildTfjsBundles() {
  const esbuild = await import('esbuild');
  const entry = path.join(ROOT, 'tests/bench/tfjs_entry.mjs');
  for (const [platform, format, out] of [['browser', 'esm', 'tfjs-min.browser.mjs'], ['node', 'cjs', 'tfjs-min.node.cjs']]) {
    const outfile = path.join(W, out);
    if (!newer(outfile, [entry, path.join(ROOT, 'package-lock.json')])) continue;
    await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, format, platform, mainFields: ['module', 'main'], outfile,
      logLevel: 'error', external: platform === 'browser' ? ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto', 'util'] : [] });
  }
}

// ---- inputs ---------------------------------------------------------------------------
function writeInputs() {
  const songs = makeSongs(1000, 7);
  const sp = makeScreenplay(120, 11);
  fs.writeFileSync(path.join(W, 'songs.txt'), songs.join('\0') + '\0');
  fs.writeFileSync(path.join(W, 'screenplay.txt'), sp.text);
  fs.writeFileSync(path.join(W, 'one-song.txt'), songs[0]);
  const words = songs.map((s) => s.split(/\s+/).filter(Boolean).length);
  results.inputs = { songs: songs.length, words_per_song: stats(words), screenplay: { pages: 120, scenes_written: sp.scenes, words: sp.words } };
  // vocabulary for a random-init seed model: our texts' words by frequency, then fillers
  const vocab = distinctWords([...songs, sp.text]).slice(0, 1998);
  for (let i = 0; vocab.length < 1998; i++) vocab.push(`unusedword${i}`);
  fs.writeFileSync(path.join(W, 'random-vocab.txt'), vocab.join('\n') + '\n');
  return { songs, sp };
}

// ---- models: ours → dump → TF.js LayersModel --------------------------------------------
function prepareModel(name, file) {
  const prefix = path.join(W, `dump-${name}`);
  native(['dump', file, prefix], { pin: false });
  const info = JSON.parse(fs.readFileSync(prefix + '.json', 'utf8'));
  fs.writeFileSync(path.join(W, `vocab-${name}.json`), JSON.stringify(info.vocab));
  const m = { name, file, prefix, info, vocabFile: path.join(W, `vocab-${name}.json`), tfDir: path.join(W, `tfjs-${name}`) };
  m.why = unsupportedReason(info);
  if (!m.why) tfjs({ task: 'export', dump: prefix, dir: m.tfDir }, { pin: false });
  m.layers = info.layers.map((l) => l.type + (l.units ? `(${l.units}${l.size ? `,${l.size}` : ''})` : '')).join(' → ');
  return m;
}

// multiply-adds of one forward pass, per layer, from the architecture
function macs(info) {
  let total = 0;
  const per = [];
  for (const L of info.layers) {
    const T = L.in_t || 1;
    let n = 0;
    if (L.type === 'conv1d') n = L.out_t * L.units * L.size * L.in_c;
    else if (L.type === 'lstm') n = T * 4 * L.units * (L.in_c + L.units);
    else if (L.type === 'bilstm') n = 2 * T * 4 * L.units * (L.in_c + L.units);
    else if (L.type === 'dense') n = (L.in_t || 1) * L.in_c * L.units;
    if (n) per.push({ layer: L.type, macs: n });
    total += n;
  }
  return { total, per };
}

// ---- 1. parity ----------------------------------------------------------------------------
function parity(m, n = 64) {
  const ours = native(['parity', m.file, path.join(W, 'songs.txt'), String(n)], { pin: false });
  const oursW = wasm(['parity', m.file, path.join(W, 'songs.txt'), String(n)], { pin: false });
  const O = ours.n_outputs, S = ours.seq_len;
  const ids = new Int32Array(ours.items.flatMap((it) => it.ids));
  const idsFile = path.join(W, `ids-${m.name}.bin`);
  fs.writeFileSync(idsFile, Buffer.from(ids.buffer));
  const res = { model: m.name, texts: n, outputs: m.info.outputs.map((o) => o.name) };
  const maxDiff = (a, b) => a.reduce((mx, v, i) => Math.max(mx, Math.abs(v - b[i])), 0);
  const zOurs = ours.items.flatMap((it) => it.z);
  res.fast_vs_reference_z = Math.max(...ours.items.filter((it) => it.z_ref).map((it) => maxDiff(it.z, it.z_ref)));
  res.native_vs_wasm_z = maxDiff(zOurs, oursW.items.flatMap((it) => it.z));
  res.native_vs_wasm_ids_equal = ours.items.every((it, i) => it.ids.join() === oursW.items[i].ids.join());
  res.z_range = [Math.min(...zOurs), Math.max(...zOurs)];
  // the TF.js side's own tokenizer must give our ids (checked on every benchmark text)
  const encode = makeTokenizer(m.info.vocab, S);
  const texts = fs.readFileSync(path.join(W, 'songs.txt'), 'utf8').split('\0').slice(0, n);
  res.js_tokenizer_same_ids = texts.every((t, i) => encode(t).join() === ours.items[i].ids.join());
  if (m.why) { res.tfjs = `not expressible: ${m.why}`; return res; }
  for (const backend of ['wasm', 'cpu']) {
    const t = tfjs({ task: 'parity', backend, dir: m.tfDir, ids: idsFile, n, seq: S }, { pin: false });
    const dz = maxDiff(zOurs, t.z);
    // in Spotify units: out = z * std + mean, per metric
    const dOut = m.info.outputs.map((o, j) => ({ metric: o.name,
      max_abs: Math.max(...ours.items.map((it, i) => Math.abs((t.z[i * O + j] - it.z[j]) * o.std))) }));
    res[`tfjs_${backend}`] = { max_abs_z: dz, max_abs_out: dOut, simd: t.simd, pass: dz <= 1e-4 };
  }
  res.pass = res.tfjs_wasm.pass && res.tfjs_cpu.pass && res.fast_vs_reference_z <= 1e-4 && res.native_vs_wasm_z <= 1e-4;
  return res;
}

// ---- 2. latency -------------------------------------------------------------------------------
function latency(m) {
  const out = { model: m.name, engines: {} };
  const songsFile = path.join(W, 'songs.txt'), spFile = path.join(W, 'screenplay.txt'), scenesFile = path.join(W, `scenes-${m.name}.txt`);
  log(`latency ${m.name}: ours native`);
  const nat = native(['latency', m.file, songsFile, SIZES.join(','), String(RUNS)]);
  const natSp = native(['screenplay', m.file, spFile, String(RUNS), scenesFile]);
  out.engines['ours native'] = { sizes: nat.sizes, screenplay: natSp.total_ms, parse_ms: natSp.parse_ms, scenes: natSp.scenes };
  log(`latency ${m.name}: ours wasm`);
  const was = wasm(['latency', m.file, songsFile, SIZES.join(','), String(RUNS)]);
  const wasSp = wasm(['screenplay', m.file, spFile, String(RUNS)]);
  out.engines['ours wasm'] = { sizes: was.sizes, screenplay: wasSp.total_ms, parse_ms: wasSp.parse_ms, scenes: wasSp.scenes };
  log(`latency ${m.name}: ours wasm through the page's JSON API`);
  const api = node('ours_api.mjs', ['latency', m.file, songsFile, SIZES.join(','), String(RUNS)]);
  out.engines['ours wasm page API'] = { sizes: api.sizes };
  out.scenes = natSp.scenes;
  out.scene_words = natSp.words;
  if (!m.why) {
    for (const backend of ['wasm', 'cpu']) {
      log(`latency ${m.name}: TF.js ${backend}`);
      const slow = backend === 'cpu' && !FULL;
      const t = tfjs({ task: 'latency', backend, dir: m.tfDir, vocab: m.vocabFile, texts: songsFile, sizes: SIZES, runs: RUNS,
        bigRuns: slow ? 1 : RUNS, bigFrom: 1000, batch: 1000, seq: m.info.seq_len });
      const ts = tfjs({ task: 'latency', backend, dir: m.tfDir, vocab: m.vocabFile, texts: scenesFile, sizes: [natSp.scenes],
        runs: slow ? 1 : RUNS, batch: 1000, seq: m.info.seq_len, noWarmup: slow });
      out.engines[`TF.js ${backend}`] = { sizes: t.sizes, screenplay: ts.sizes[natSp.scenes], simd: t.simd };
    }
  }
  return out;
}

// ---- 3. cold start -------------------------------------------------------------------------------
function coldStart(m) {
  const one = path.join(W, 'one-song.txt');
  const res = { model: m.name, ours: [], tfjs: [] };
  for (let r = -1; r < RUNS; r++) {       // r = -1: warms the OS file cache only
    const a = node('cold.mjs', ['ours', m.file, one]);
    const b = m.why ? null : node('cold.mjs', ['tfjs', m.tfDir, one, m.vocabFile, String(m.info.seq_len)]);
    if (r < 0) continue;
    res.ours.push(a);
    if (b) res.tfjs.push(b);
  }
  return res;
}

// ---- 4. size on the wire -----------------------------------------------------------------------------
function sizeOf(files) {
  let raw = 0, gz = 0, br = 0;
  const each = [];
  for (const f of files) {
    const b = fs.readFileSync(f);
    const g = zlib.gzipSync(b, { level: 9 }).length;
    const r = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
    raw += b.length; gz += g; br += r;
    each.push({ file: rel(f), raw: b.length, gzip: g, brotli: r });
  }
  return { raw, gzip: gz, brotli: br, files: each };
}
function sizes(models) {
  const res = {};
  const engineFiles = ['build/wasm/moodspace.wasm', 'build/wasm/moodspace.mjs'].map((p) => path.join(ROOT, p));
  const engineJs = path.join(ROOT, 'web/engine/engine.js');
  if (fs.existsSync(engineJs)) engineFiles.push(engineJs);
  res['ours engine'] = sizeOf(engineFiles);
  const tfDist = (p) => path.join(ROOT, 'node_modules/@tensorflow', p);
  const wasmBin = tfDist('tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  res['TF.js engine (dist bundles)'] = sizeOf([tfDist('tfjs-core/dist/tf-core.fesm.min.js'), tfDist('tfjs-layers/dist/tf-layers.fesm.min.js'),
    tfDist('tfjs-backend-wasm/dist/tf-backend-wasm.fesm.min.js'), wasmBin]);
  res['TF.js engine (esbuild minimal bundle)'] = sizeOf([path.join(W, 'tfjs-min.browser.mjs'), wasmBin]);
  for (const m of models) {
    res[`ours weights ${m.name}`] = sizeOf([m.file]);
    if (m.int8 && !m.info.quantized) res[`ours weights ${m.name} int8`] = sizeOf([m.int8]);
    if (!m.why) res[`TF.js model ${m.name}`] = sizeOf(ls(m.tfDir, /^(model\.json|group1-shard.*\.bin|idf\.bin)$/));
  }
  // the page's whole precache, as listed in dist/sw.js
  const sw = path.join(ROOT, 'dist/sw.js');
  if (fs.existsSync(sw)) {
    const mm = fs.readFileSync(sw, 'utf8').match(/__MS_PRECACHE\s*=\s*(\{[\s\S]*?\})\s*;/);
    if (mm) {
      try {
        const files = JSON.parse(mm[1]).files.map((f) => path.join(ROOT, 'dist', f === '' || f.endsWith('/') ? f + 'index.html' : f)).filter((f) => fs.existsSync(f));
        res['page precache (dist/sw.js)'] = sizeOf([...new Set(files)]);
        res['page precache (dist/sw.js)'].listed = JSON.parse(mm[1]).files.length;
      } catch (e) { note(`dist/sw.js precache list unreadable: ${e.message}`); }
    }
  } else note('dist/sw.js missing: no page precache figure (run ./build.sh)');
  return res;
}

// ---- 5. training -----------------------------------------------------------------------------------
function training(m) {
  const n = 600;
  const res = { model: m.name, songs: n, targets: 'random N(0,1) standardised targets on invented texts', batch: 32, loss: 'MAE', optimizer: 'Adam 1e-3' };
  log(`training ${m.name}: our C trainer, 1 thread`);
  res.ours = native(['train', m.file, path.join(W, 'songs.txt'), String(n), String(RUNS)]);
  if (!m.why) {
    log(`training ${m.name}: TF.js wasm (stock, then with the missing kernels bridged to the cpu backend's JS kernels)`);
    res.tfjs_wasm = tfjs({ task: 'train', backend: 'wasm', dir: m.tfDir, vocab: m.vocabFile, texts: path.join(W, 'songs.txt'), n,
      epochs: FULL ? RUNS : 1, batch: 32, bridge: true, seq: m.info.seq_len });
  }
  return res;
}

// ---- 6. matching -------------------------------------------------------------------------------------
function matching() {
  const res = { native: [], wasm: [] };
  for (const L of MATCH_L) {
    for (const S of MATCH_S) {
      log(`matching ${L} songs x ${S} segments`);
      const json = L === 10000 && S === 200 ? ['json'] : [];
      res.native.push(native(['match', String(L), String(S), String(RUNS), ...json]));
      res.wasm.push(wasm(['match', String(L), String(S), String(RUNS), ...json]));
    }
  }
  // the page's call: web/engine/engine.js match + soundtrack (songs packed as floats), the shipped model's metrics
  const shippedFile = path.join(ROOT, 'weights/model.bin');
  if (fs.existsSync(shippedFile)) {
    res.page = [10000, 100000].map((L) => node('ours_api.mjs', ['soundtrack', shippedFile, String(L), '200', String(RUNS)]));
  }
  return res;
}

// ---- 7. the limit ------------------------------------------------------------------------------------
function limit() {
  const nat = runJSON(path.join(W, 'peak'), []);
  // wasm: best of repeated calls, so V8 has tiered the loop up to TurboFan
  const was = node('peak_wasm.mjs', []);
  return { native: nat, wasm: was };
}

// ---- main ----------------------------------------------------------------------------------------------
const t0 = Date.now();
const PAGE_ONLY = ONLY && [...ONLY].every((x) => x === 'page' || x === 'lighthouse');
if (!PAGE_ONLY) {   // (the page sections need none of the drivers, bundles or models)
buildDrivers();
await buildTfjsBundles();
writeInputs();
}

const models = [];
const seedFile = path.join(ROOT, 'weights/seed.bin');
if (PAGE_ONLY) { /* no models */ } else if (fs.existsSync(seedFile)) models.push(prepareModel('seed', seedFile));
else {
  const rnd = path.join(W, 'seed-random.bin');
  native(['make-random', rnd, path.join(W, 'random-vocab.txt'), '42'], { pin: false });
  note('weights/seed.bin not found: the seed architecture with random weights (model_init_random) stands in');
  models.push(prepareModel('seed-random', rnd));
}
const shipped = path.join(ROOT, 'weights/model.bin');
if (PAGE_ONLY) { /* no models */ } else if (fs.existsSync(shipped)) models.push(prepareModel('shipped', shipped));
else note('weights/model.bin not found: no shipped-model rows');
for (const m of models) {
  m.macs = macs(m.info);
  m.int8 = path.join(W, `${m.name}-int8.bin`);
  native(['quantize', m.file, m.int8], { pin: false });
}
results.models = models.map((m) => ({ name: m.name, file: rel(m.file), layers: m.layers, n_params: m.info.n_params,
  seq_len: m.info.seq_len, vocab: m.info.vocab_size, outputs: m.info.outputs, macs: m.macs, tfjs: m.why ? `not expressible: ${m.why}` : 'exported' }));

const S = results.sections;
// The page itself in Chromium (tests/bench/page.mjs: Taste view, first demo
// soundtrack, layout shift) and Lighthouse mobile (tests/bench/lighthouse.mjs),
// on dist/ and on --baseline DIR first when given.
function pageSections() {
  const base = opt('--baseline');
  const trees = [...(base ? ['--dist', path.resolve(base)] : []), '--dist', 'dist'];
  section('page', () => node('page.mjs', ['--runs', String(Math.max(3, Math.min(RUNS, 5))), ...trees], { pin: false, timeout: 40 * 60e3 }));
  section('lighthouse', () => node('lighthouse.mjs', ['--runs', String(Math.min(RUNS, 3)), ...trees], { pin: false, timeout: 40 * 60e3 }));
}
// a section that fails is reported in the table and the JSON; the others still run
function section(name, fn) {
  if (!want(name)) return;
  try { S[name] = fn(); } catch (e) {
    results.errors = results.errors || {};
    results.errors[name] = String(e.message || e).slice(0, 2000);
    note(`section ${name} FAILED: ${String(e.message || e).split('\n')[0].slice(0, 300)}`);
  }
}
section('parity', () => {
  S.parity = models.map((m) => parity(m));
  // int8 weights: how far the predictions move
  for (const m of models) {
    const a = native(['parity', m.file, path.join(W, 'songs.txt'), '64'], { pin: false });
    const b = native(['parity', m.int8, path.join(W, 'songs.txt'), '64'], { pin: false });
    const d = m.info.outputs.map((o, j) => ({ metric: o.name, std: o.std,
      max_abs: Math.max(...a.items.map((it, i) => Math.abs(it.out[j] - b.items[i].out[j]))) }));
    const p = S.parity.find((x) => x.model === m.name);
    p.int8_change = d;
    p.already_int8 = m.info.quantized === 1;
  }
  return S.parity;
});
const gate = (m) => {
  const p = S.parity && S.parity.find((x) => x.model === m.name);
  if (p && p.pass === false) { note(`PARITY FAILED for ${m.name}: its TF.js timings are reported but not comparable`); return false; }
  return true;
};
section('latency', () => models.map((m) => ({ ...latency(m), parity_ok: gate(m) })));
section('cold', () => models.map((m) => coldStart(m)));
section('size', () => sizes(models));
section('train', () => training(models[0]));
section('match', () => matching());
section('limit', () => limit());
pageSections();
results.machine.loadavg_end = os.loadavg().map((x) => +x.toFixed(2));
results.machine.seconds = Math.round((Date.now() - t0) / 1000);

// ---- the table ---------------------------------------------------------------------------------------------
const { printTable } = await import('./table.mjs');
const text = printTable(results);
process.stdout.write(text);
const stamp = results.machine.date.replace(/[:.]/g, '-');
results.table = text;
fs.writeFileSync(path.join(RESULTS, `bench-${stamp}.json`), JSON.stringify(results, null, 1));
fs.writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(results, null, 1));
log(`results: ${rel(path.join(RESULTS, `bench-${stamp}.json`))} (${results.machine.seconds} s)`);
if ((S.parity && S.parity.some((p) => p.pass === false)) || results.errors) process.exitCode = 1;
