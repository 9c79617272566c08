// cold.mjs — one cold start, in a fresh process (run.mjs spawns it K times):
//   node tests/bench/cold.mjs ours  MODEL.bin TEXT_FILE
//   node tests/bench/cold.mjs tfjs  MODEL_DIR TEXT_FILE VOCAB.json [SEQ_LEN]
// From the first line of this script to the first prediction's numbers:
//   ours: what the page loads: web/engine/engine.js + build/wasm/moodspace.{mjs,wasm}
//         (ours_api.mjs): import, compile + instantiate the wasm, load the
//         weights (loadModel), predict one song (predict, JSON ABI);
//   tfjs: the minimal TF.js bundle (tfjs-core + tfjs-layers +
//         tfjs-backend-wasm, build/bench/tfjs-min.node.cjs): import, start the
//         wasm backend (compile + instantiate its SIMD .wasm), load the
//         LayersModel (model.json + shard), tokenize in JS, predict one song.
// Files are read from disk on both sides (no network). Prints one JSON line:
// {"ms": first prediction, "since_process_start_ms": ..., "steps": {...}}.
const t0 = performance.now();
const fs = await import('node:fs');
const path = await import('node:path');
const { fileURLToPath } = await import('node:url');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [who, model, textFile, vocabFile] = process.argv.slice(2);
const text = fs.readFileSync(textFile, 'utf8');
const steps = {};
const mark = (k) => { steps[k] = performance.now() - t0; };
let out;

if (who === 'ours') {
  const { openEngine } = await import('./ours_api.mjs');
  const eng = await openEngine();
  mark('instantiate');
  const h = eng.load(fs.readFileSync(model));
  mark('weights');
  out = eng.predict(h, [text])[0];
} else if (who === 'tfjs') {
  const tf = (await import(path.join(root, 'build/bench/tfjs-min.node.cjs'))).default;
  mark('import');
  tf.setWasmPaths(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
  await tf.ready();
  mark('instantiate');
  const { loadLayersModelFromDir, makeTokenizer, readIdf, makeFeaturizer, modelInput } = await import('./tfjs_model.mjs');
  const m = await loadLayersModelFromDir(tf, model);
  const idf = readIdf(model);
  mark('weights');
  const seq = +process.argv[6] || m.inputs[0].shape[1];
  const encode = makeTokenizer(JSON.parse(fs.readFileSync(vocabFile, 'utf8')), seq);
  const x = modelInput(tf, encode(text), 1, seq, idf && makeFeaturizer(idf));
  const y = m.predict(x);
  out = Array.from(await y.data());
} else {
  throw new Error('usage: cold.mjs ours|tfjs ...');
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, since_process_start_ms: performance.now(), steps, out }) + '\n');
