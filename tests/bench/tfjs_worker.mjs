// tfjs_worker.mjs — the TensorFlow.js side of the benchmark, one task per
// process (run.mjs spawns it): node tfjs_worker.mjs '<task JSON>'
// Prints one JSON line with the results on stdout.
//
// Uses the @tensorflow/tfjs union package (core, layers, cpu backend; in
// Node the ES module files of tfjs-core are not loadable one by one) plus
// @tensorflow/tfjs-backend-wasm (SIMD, single thread). Tasks:
//   {task:"export", dump, dir}                    our weights → LayersModel files
//   {task:"parity", backend, dir, ids, n, seq}    predict on our engine's ids
//   {task:"latency", backend, dir, vocab, texts, sizes, runs, bigRuns, bigFrom}
//   {task:"train", backend, dir, vocab, texts, n, epochs, batch, bridge}
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { buildModel, saveLayersModel, loadLayersModelFromDir, makeTokenizer, encodeAll, readDump } from './tfjs_model.mjs';

const task = JSON.parse(process.argv[2]);
const now = () => performance.now();
const readTexts = (p) => fs.readFileSync(p, 'utf8').split('\0').filter((s, i, a) => i < a.length - 1 || s.length);

async function setBackend(name) {
  if (name === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);   // one core
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise`);
  await tf.ready();
  return { backend: tf.getBackend(), simd: name === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null };
}

// Run the cpu backend's JavaScript kernel for every kernel the wasm backend
// lacks (Conv2DBackpropFilter, ...): inputs are copied out of the wasm heap,
// computed in JS, copied back. Counts the calls per kernel.
function bridgeMissingKernels() {
  const have = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const cpu = new MathBackendCPU();
  const calls = {};
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (have.has(k.kernelName)) continue;
    tf.registerKernel({
      kernelName: k.kernelName, backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        calls[k.kernelName] = (calls[k.kernelName] || 0) + 1;
        const cin = {};
        for (const [name, t] of Object.entries(inputs)) {
          cin[name] = t == null ? t : { dataId: cpu.write(backend.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
        }
        const res = k.kernelFunc({ inputs: cin, attrs, backend: cpu });
        const outs = (Array.isArray(res) ? res : [res]).map((o) => {
          const w = backend.makeOutput(o.shape, o.dtype);
          backend.typedArrayFromHeap(w).set(cpu.readSync(o.dataId));
          cpu.disposeData(o.dataId, true);
          return w;
        });
        for (const v of Object.values(cin)) if (v) cpu.disposeData(v.dataId, true);
        return Array.isArray(res) ? outs : outs[0];
      },
    });
  }
  return calls;
}

async function predictIds(model, ids, n, seq, batchSize) {
  const x = tf.tensor2d(ids, [n, seq], 'int32');
  const y = model.predict(x, { batchSize });
  const out = await y.data();
  x.dispose(); y.dispose();
  return out;
}

async function main() {
  if (task.task === 'export') {
    await setBackend('cpu');
    const info = readDump(task.dump);
    const model = buildModel(tf, info);
    const files = await saveLayersModel(tf, model, task.dir);
    return { files, params: model.countParams() };
  }
  const env = await setBackend(task.backend);
  const model = await loadLayersModelFromDir(tf, task.dir);
  const seq = model.inputs[0].shape[1];
  const batchSize = task.batch || 32;

  if (task.task === 'parity') {
    const buf = fs.readFileSync(task.ids);
    const ids = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const out = await predictIds(model, ids, task.n, seq, batchSize);
    return { ...env, z: Array.from(out) };
  }

  const vocab = JSON.parse(fs.readFileSync(task.vocab, 'utf8'));
  const encode = makeTokenizer(vocab, seq);
  const texts = readTexts(task.texts);

  if (task.task === 'latency') {
    const res = { ...env, batchSize, sizes: {} };
    for (const N of task.sizes) {
      const slice = texts.slice(0, N);
      const runs = N >= (task.bigFrom ?? Infinity) ? task.bigRuns : task.runs;
      const ms = [];
      for (let r = -1; r < runs; r++) {      // r = -1: warm-up
        const t0 = now();
        const ids = encodeAll(encode, slice, seq);
        await predictIds(model, ids, N, seq, batchSize);
        if (r >= 0) ms.push(now() - t0);
      }
      res.sizes[N] = ms;
    }
    return res;
  }

  if (task.task === 'train') {
    const res = { ...env, batchSize };
    if (task.backend === 'wasm') {
      // First what the stock backend does with this model.
      try {
        model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanAbsoluteError' });
        const x = tf.tensor2d(encodeAll(encode, texts.slice(0, 2), seq), [2, seq], 'int32');
        await model.fit(x, tf.zeros([2, model.outputs[0].shape[1]]), { batchSize: 2, epochs: 1, verbose: 0 });
        res.stock = 'trains';
      } catch (e) {
        res.stock = `fails: ${e.message}`;
      }
      if (task.bridge) res.bridged_calls = bridgeMissingKernels();
    }
    const n = task.n;
    const O = model.outputs[0].shape[1];
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanAbsoluteError' });
    const x = tf.tensor2d(encodeAll(encode, texts.slice(0, n), seq), [n, seq], 'int32');
    const y = tf.randomNormal([n, O], 0, 1, 'float32', 42);   // random standardised targets
    // warm-up: two batches
    const xw = x.slice([0, 0], [2 * batchSize, seq]), yw = y.slice([0, 0], [2 * batchSize, O]);
    await model.fit(xw, yw, { batchSize, epochs: 1, verbose: 0, shuffle: false });
    const epochs = [], batches = [];
    let tb = 0;
    for (let e = 0; e < task.epochs; e++) {
      const t0 = now();
      tb = now();
      await model.fit(x, y, {
        batchSize, epochs: 1, verbose: 0, shuffle: true,
        callbacks: { onBatchEnd: async () => { const t = now(); batches.push(t - tb); tb = t; } },
      });
      epochs.push(now() - t0);
    }
    return { ...res, songs: n, epoch_ms: epochs, batch_ms: batches };
  }
  throw new Error(`unknown task ${task.task}`);
}

main().then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); process.exit(0); },
  (e) => { process.stderr.write(`tfjs_worker: ${e.stack || e}\n`); process.exit(1); });
