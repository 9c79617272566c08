// tfjs_worker.mjs — the TensorFlow.js side of the benchmark, one task per
// process (run.mjs spawns it): node tfjs_worker.mjs '<task JSON>'
// Prints one JSON line with the results on stdout.
//
// Uses the @tensorflow/tfjs union package (core, layers, cpu backend; in
// Node the ES module files of tfjs-core are not loadable one by one) plus
// @tensorflow/tfjs-backend-wasm (SIMD, single thread). Tasks:
//   {task:"export", dump, dir}                    our weights → LayersModel files
//   {task:"parity", backend, dir, ids, n, seq}    predict on our engine's ids
//   {task:"latency", backend, dir, vocab, texts, sizes, runs, bigRuns, bigFrom, noWarmup}
//   {task:"train", backend, dir, vocab, texts, n, epochs, batch, bridge}
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

import { buildModel, saveLayersModel, loadLayersModelFromDir, makeTokenizer, encodeAll, readDump, tfidfWeights, readIdf, makeFeaturizer, modelInput } from './tfjs_model.mjs';

const task = JSON.parse(process.argv[2]);
const now = () => performance.now();
const readTexts = (p) => fs.readFileSync(p, 'utf8').split('\0').filter((s, i, a) => i < a.length - 1 || s.length);

async function setBackend(name) {
  if (name === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);   // one core
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialise`);
  await tf.ready();
  return { backend: tf.getBackend(), simd: name === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : null };
}

// The stock wasm backend has no Conv2DBackpropFilter (Conv1D's weight
// gradient) and no UnsortedSegmentSum (the Embedding's gradient), so
// model.fit fails. These are plain JavaScript fallback kernels for it,
// working on the wasm heap directly: a scatter-add, and the filter gradient
// as a loop over positions (channels-last, any stride/padding). Each is
// checked against the cpu backend's kernel on random data before use. For
// the Conv1D case itself the Conv2D gradient is replaced by one that builds
// the filter gradient from the backend's own matMul (faster than any loop).
// Every other kernel the wasm backend lacks is bridged to the cpu backend's
// JavaScript kernel (copy in, compute, copy out). Calls and time per kernel
// are counted.
function registerFallbackKernels() {
  const stats = { calls: {}, ms: {} };
  const timed = (name, fn) => (args) => {
    stats.calls[name] = (stats.calls[name] || 0) + 1;
    const t0 = performance.now();
    try { return fn(args); } finally { stats.ms[name] = (stats.ms[name] || 0) + performance.now() - t0; }
  };
  const own = {
    UnsortedSegmentSum: ({ inputs, attrs, backend }) => {
      const { x, segmentIds } = inputs;
      const n = attrs.numSegments;
      const out = backend.makeOutput([n, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
      const o = backend.typedArrayFromHeap(out);   // views taken after makeOutput (memory may grow)
      const xv = backend.typedArrayFromHeap(x), ids = backend.typedArrayFromHeap(segmentIds);
      const inner = ids.length ? xv.length / ids.length : 0;
      o.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const sgm = ids[i];
        if (sgm < 0 || sgm >= n) continue;
        const ob = sgm * inner, xb = i * inner;
        for (let j = 0; j < inner; j++) o[ob + j] += xv[xb + j];
      }
      return out;
    },
    Conv2DBackpropFilter: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs;
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
      const ci = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false,
        tf.backend_util.convertConv2DDataFormat(dataFormat));
      if (ci.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter fallback: channelsLast only');
      const out = backend.makeOutput(filterShape, 'float32');
      const dw = backend.typedArrayFromHeap(out);
      const xv = backend.typedArrayFromHeap(x), g = backend.typedArrayFromHeap(dy);
      const { batchSize: N, inHeight: IH, inWidth: IW, inChannels: C, outHeight: OH, outWidth: OW, outChannels: F,
        filterHeight: FH, filterWidth: FW, strideHeight: SH, strideWidth: SW } = ci;
      const top = ci.padInfo.top, left = ci.padInfo.left;
      dw.fill(0);
      for (let b = 0; b < N; b++)
        for (let oh = 0; oh < OH; oh++)
          for (let ow = 0; ow < OW; ow++) {
            const gb = ((b * OH + oh) * OW + ow) * F;
            for (let fh = 0; fh < FH; fh++) {
              const ih = oh * SH + fh - top;
              if (ih < 0 || ih >= IH) continue;
              for (let fw = 0; fw < FW; fw++) {
                const iw = ow * SW + fw - left;
                if (iw < 0 || iw >= IW) continue;
                const xb = ((b * IH + ih) * IW + iw) * C, wb = (fh * FW + fw) * C * F;
                for (let c = 0; c < C; c++) {
                  const v = xv[xb + c];
                  if (v === 0) continue;
                  const wc = wb + c * F;
                  for (let f = 0; f < F; f++) dw[wc + f] += v * g[gb + f];
                }
              }
            }
          }
      return out;
    },
  };
  const have = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  const cpu = new MathBackendCPU();
  const cpuKernel = (name) => tf.getKernelsForBackend('cpu').find((k) => k.kernelName === name);
  const viaCpu = (k) => ({ inputs, attrs, backend }) => {
    const cin = {};
    for (const [name, t] of Object.entries(inputs))
      cin[name] = t == null ? t : { dataId: cpu.write(backend.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    const res = k.kernelFunc({ inputs: cin, attrs, backend: cpu });
    const outs = (Array.isArray(res) ? res : [res]).map((o) => {
      const w = backend.makeOutput(o.shape, o.dtype);
      backend.typedArrayFromHeap(w).set(cpu.readSync(o.dataId));
      cpu.disposeData(o.dataId, true);
      return w;
    });
    for (const v of Object.values(cin)) if (v) cpu.disposeData(v.dataId, true);
    return Array.isArray(res) ? outs : outs[0];
  };
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (have.has(k.kernelName)) continue;
    const fn = own[k.kernelName] ? own[k.kernelName] : viaCpu(k);
    tf.registerKernel({ kernelName: k.kernelName, backendName: 'wasm', kernelFunc: timed(k.kernelName, fn) });
  }
  // check our two kernels against the cpu backend's on small random cases
  const check = (name, run) => {
    const a = tf.tidy(() => run().dataSync());
    const prev = tf.getBackend();
    tf.setBackend('cpu');
    const b = tf.tidy(() => run().dataSync());
    tf.setBackend(prev);
    let mx = 0;
    for (let i = 0; i < a.length; i++) mx = Math.max(mx, Math.abs(a[i] - b[i]));
    if (a.length !== b.length || !(mx < 1e-4)) throw new Error(`fallback kernel ${name} disagrees with the cpu backend (max diff ${mx})`);
  };
  // Conv1D (a 1-row Conv2D, stride 1, valid): its filter gradient as K
  // matrix products on the wasm backend's own (SIMD) matMul — TF.js at its
  // best, rather than the scalar JS loop above, which remains for other shapes.
  tf.registerGradient({
    kernelName: 'Conv2D', inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved;
      const { strides, pad, dataFormat, dilations } = attrs;
      const one = (v) => (Array.isArray(v) ? v.every((e) => e === 1) : v === 1 || v == null);
      const conv1d = filter.shape[0] === 1 && x.shape[1] === 1 && one(strides) && one(dilations) && pad === 'valid' && dataFormat === 'NHWC';
      return {
        x: () => tf.conv2dTranspose(dy, filter, x.shape, strides, pad),
        filter: () => {
          if (!conv1d) return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat, filterShape: filter.shape });
          const t0 = performance.now();
          const [N, , , C] = x.shape, [, K, , F] = filter.shape, OW = dy.shape[2];
          const g = dy.reshape([N * OW, F]);
          const parts = [];
          for (let k = 0; k < K; k++) parts.push(tf.matMul(x.slice([0, 0, k, 0], [N, 1, OW, C]).reshape([N * OW, C]), g, true, false));
          const r = tf.stack(parts).reshape(filter.shape);
          stats.calls['Conv1D filter grad (matMul)'] = (stats.calls['Conv1D filter grad (matMul)'] || 0) + 1;
          stats.ms['Conv1D filter grad (matMul)'] = (stats.ms['Conv1D filter grad (matMul)'] || 0) + performance.now() - t0;
          return r;
        },
      };
    },
  });
  check('Conv1D filter gradient via matMul', () => tf.grad((w) => tf.conv2d(tf.randomNormal([2, 1, 11, 3], 0, 1, 'float32', 6), w, 1, 'valid').square().sum())(tf.randomNormal([1, 4, 3, 5], 0, 1, 'float32', 7)));
  check('UnsortedSegmentSum', () => tf.unsortedSegmentSum(tf.randomNormal([12, 5], 0, 1, 'float32', 1), tf.tensor1d([0, 4, 2, 2, 9, 1, 0, 3, 3, 8, 7, 9], 'int32'), 10));
  check('Conv2DBackpropFilter', () => tf.grad((w) => tf.conv2d(tf.randomNormal([2, 1, 11, 3], 0, 1, 'float32', 2), w, [1, 1], 'valid').square().sum())(tf.randomNormal([1, 4, 3, 5], 0, 1, 'float32', 3)));
  check('Conv2DBackpropFilter (same, stride 2)', () => tf.grad((w) => tf.conv2d(tf.randomNormal([2, 4, 9, 3], 0, 1, 'float32', 4), w, [2, 2], 'same').square().sum())(tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 5)));
  stats.calls = {}; stats.ms = {};
  return stats;
}

let featurize = null;   // TF-IDF models: JS features from the ids
async function predictIds(model, ids, n, seq, batchSize) {
  const x = modelInput(tf, ids, n, seq, featurize);
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
    const files = await saveLayersModel(tf, model, task.dir, tfidfWeights(info));
    return { files, params: model.countParams() };
  }
  const env = await setBackend(task.backend);
  const model = await loadLayersModelFromDir(tf, task.dir);
  const idf = readIdf(task.dir);
  if (idf) featurize = makeFeaturizer(idf);
  const seq = task.seq || model.inputs[0].shape[1];
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
      const big = N >= (task.bigFrom ?? Infinity);
      const runs = big ? task.bigRuns : task.runs;
      const ms = [];
      // r = -1: warm-up (skipped for the big sizes of a slow backend, which
      // run after the smaller sizes have warmed everything up)
      for (let r = big || task.noWarmup ? 0 : -1; r < runs; r++) {
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
      if (task.bridge) res.fallback = registerFallbackKernels();
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
