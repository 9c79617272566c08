// tfjs_model.mjs — our weights as a TensorFlow.js LayersModel, and the
// TF.js side's tokenizer.
//
// export: `bench_engine dump MODEL PREFIX` writes the architecture, the
// vocabulary and every parameter (already in Keras layouts: Embedding [V][D],
// Conv1D [K][C][F], LSTM kernel [C][4H] / recurrent [H][4H] / bias [4H] with
// gates i,f,c,o, Dense [I][O]); buildModel() rebuilds the same network from
// stock tf.layers, setWeights() copies the parameters verbatim, and
// saveLayersModel() writes what tensorflowjs_converter would: model.json
// (format "layers-model", topology + weightsManifest) and the binary shard(s).
// loadLayersModelFromDir() reads them back the way a page fetches them.
import fs from 'node:fs';
import path from 'node:path';

const ACT = ['linear', 'relu', 'tanh', 'sigmoid'];

/** Reads PREFIX.json + PREFIX.f32 written by `bench_engine dump`. */
export function readDump(prefix) {
  const info = JSON.parse(fs.readFileSync(prefix + '.json', 'utf8'));
  const buf = fs.readFileSync(prefix + '.f32');
  info.params = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (info.params.length !== info.n_params) throw new Error(`${prefix}.f32: ${info.params.length} floats, header says ${info.n_params}`);
  return info;
}

/** Why TF.js's stock layers cannot express this architecture, or null.
 * A first TF-IDF layer has no TF.js layer (nor has Keras' TextVectorization
 * one in TF.js); it becomes JavaScript preprocessing (makeFeaturizer) in front
 * of the Dense layers, shipped as idf.bin next to the model files. */
export function unsupportedReason(info) {
  for (const [i, L] of info.layers.entries()) {
    if (L.type === 'tfidf' && i === 0) continue;
    if (L.type === 'meanpool_masked') return 'masked mean pooling (TF.js GlobalAveragePooling1D ignores masks)';
    if (!['embedding', 'dropout', 'conv1d', 'maxpool1d', 'lstm', 'bilstm', 'dense', 'gap1d', 'gmp1d'].includes(L.type))
      return `layer type ${L.type}`;
    if ((L.type === 'conv1d' || L.type === 'dense') && !(L.act >= 0 && L.act < ACT.length)) return `activation ${L.act}`;
  }
  return null;
}

/** The network as a tf.Sequential with our parameters. */
export function buildModel(tf, info) {
  const why = unsupportedReason(info);
  if (why) throw new Error(`TF.js cannot express this model: ${why}`);
  const m = tf.sequential();
  const weights = [];
  const tensorsOf = (li) => info.tensors.filter((t) => t.layer === li);
  const take = (t, shape) => tf.tensor(info.params.subarray(t.offset, t.offset + t.rows * t.cols), shape, 'float32');
  let first = { inputShape: [info.seq_len] };
  info.layers.forEach((L, li) => {
    const ts = tensorsOf(li);
    if (li > 0 && !(li === 1 && info.layers[0].type === 'tfidf')) first = {};
    switch (L.type) {
      case 'tfidf':
        first = { inputShape: [info.vocab_size] };
        return;
      case 'embedding':
        m.add(tf.layers.embedding({ ...first, inputDim: info.vocab_size, outputDim: L.units, inputLength: info.seq_len }));
        weights.push(take(ts[0], [ts[0].rows, ts[0].cols]));
        break;
      case 'dropout':
        m.add(tf.layers.dropout({ rate: L.rate }));
        break;
      case 'conv1d':
        m.add(tf.layers.conv1d({ filters: L.units, kernelSize: L.size, activation: ACT[L.act], padding: 'valid' }));
        weights.push(take(ts[0], [L.size, L.in_c, L.units]), take(ts[1], [L.units]));
        break;
      case 'maxpool1d':
        m.add(tf.layers.maxPooling1d({ poolSize: L.size, strides: L.size, padding: 'valid' }));
        break;
      case 'lstm':
      case 'bilstm': {
        // Keras 2 / TF2 defaults; TF.js defaults recurrentActivation to hardSigmoid, so say it.
        const cfg = { units: L.units, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: (L.flags & 1) === 1 };
        const H = L.units;
        if (L.type === 'lstm') m.add(tf.layers.lstm(cfg));
        else m.add(tf.layers.bidirectional({ layer: tf.layers.lstm(cfg), mergeMode: 'concat' }));
        for (let k = 0; k < ts.length; k += 3)
          weights.push(take(ts[k], [L.in_c, 4 * H]), take(ts[k + 1], [H, 4 * H]), take(ts[k + 2], [4 * H]));
        break;
      }
      case 'dense':
        m.add(tf.layers.dense({ ...first, units: L.units, activation: ACT[L.act] }));
        weights.push(take(ts[0], [ts[0].rows, ts[0].cols]), take(ts[1], [L.units]));
        break;
      case 'gap1d': m.add(tf.layers.globalAveragePooling1d()); break;
      case 'gmp1d': m.add(tf.layers.globalMaxPooling1d()); break;
    }
  });
  m.setWeights(weights);
  weights.forEach((w) => w.dispose());
  return m;
}

/** The idf vector of a first TF-IDF layer (Float32Array [V]), or null. */
export function tfidfWeights(info) {
  if (info.layers[0].type !== 'tfidf') return null;
  const t = info.tensors.find((x) => x.layer === 0);
  return info.params.slice(t.offset, t.offset + t.rows * t.cols);
}

/** wasm/bow.h's TF-IDF features of one id sequence, in JavaScript:
 * x[v] = (1 + ln count_v)·idf[v] for ids v >= 2, L2-normalised; out[0] =
 * idf[0]·ln(1 + n) (n = non-padding ids), out[1] = idf[1]·distinct/n. */
export function makeFeaturizer(idf) {
  const V = idf.length, count = new Float64Array(V), seen = [];
  return function featurize(ids, out = new Float32Array(V)) {
    out.fill(0);
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      let v = ids[i];
      if (v === 0) continue;
      if (v < 0 || v >= V) v = 1;
      n++;
      if (v < 2) continue;
      if (count[v] === 0) seen.push(v);
      count[v]++;
    }
    let ss = 0;
    for (const v of seen) { const x = (1 + Math.log(count[v])) * idf[v]; out[v] = x; ss += x * x; }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (const v of seen) { out[v] *= inv; count[v] = 0; }
    out[0] = idf[0] * Math.log(1 + n);
    out[1] = n ? idf[1] * seen.length / n : 0;
    seen.length = 0;
    return out;
  };
}

/** Writes model.json + group1-shard1of1.bin into dir (as tensorflowjs_converter
 * does), plus idf.bin for a TF-IDF model. */
export async function saveLayersModel(tf, model, dir, idf = null) {
  fs.mkdirSync(dir, { recursive: true });
  const extra = [];
  if (idf) { fs.writeFileSync(path.join(dir, 'idf.bin'), Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength)); extra.push(path.join(dir, 'idf.bin')); }
  else fs.rmSync(path.join(dir, 'idf.bin'), { force: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const shard = 'group1-shard1of1.bin';
    const json = {
      format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`, convertedBy: 'MoodSpace tests/bench/tfjs_model.mjs',
      modelTopology: a.modelTopology, weightsManifest: [{ paths: [shard], weights: a.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const data = Array.isArray(a.weightData) ? Buffer.concat(a.weightData.map((b) => Buffer.from(b))) : Buffer.from(a.weightData);
    fs.writeFileSync(path.join(dir, shard), data);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return [...['model.json', 'group1-shard1of1.bin'].map((f) => path.join(dir, f)), ...extra];
}

/** The idf.bin next to a saved TF-IDF model, or null. */
export function readIdf(dir) {
  const p = path.join(dir, 'idf.bin');
  if (!fs.existsSync(p)) return null;
  const b = fs.readFileSync(p);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Inputs for model.predict from [n * seq] ids: the ids themselves, or their
 * TF-IDF features when the model starts with a TF-IDF layer. */
export function modelInput(tf, ids, n, seq, featurize) {
  if (!featurize) return tf.tensor2d(ids, [n, seq], 'int32');
  const first = featurize(ids.subarray(0, seq));
  const X = new Float32Array(n * first.length);
  X.set(first, 0);
  for (let i = 1; i < n; i++) featurize(ids.subarray(i * seq, (i + 1) * seq), X.subarray(i * first.length, (i + 1) * first.length));
  return tf.tensor2d(X, [n, first.length], 'float32');
}

/** tf.loadLayersModel over files in dir: reads model.json and its shards. */
export async function loadLayersModelFromDir(tf, dir) {
  const handler = {
    async load() {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const specs = [], bufs = [];
      for (const g of json.weightsManifest) {
        specs.push(...g.weights);
        for (const p of g.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(bufs);
      return {
        modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
        convertedBy: json.convertedBy, weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
  return tf.loadLayersModel(handler);
}

// ---- the TF.js side's tokenizer -------------------------------------------
// What a TF.js user would write to mirror TextVectorization
// (lower_and_strip_punctuation, whitespace split, output_sequence_length):
// drop [section tags], lower-case, delete ASCII punctuation, split on
// whitespace, look words up (unknown → 1), cut/pad with 0 to seq_len.
// run.mjs checks it gives exactly our engine's ids on every benchmark text.
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const TAG = /\[[^\]\n]{0,118}\]/g;

export function makeTokenizer(vocab, seqLen) {
  const map = new Map();
  for (let id = 2; id < vocab.length; id++) map.set(vocab[id], id);
  return function encode(text, out = new Int32Array(seqLen)) {
    const words = text.replace(TAG, ' ').toLowerCase().replace(PUNCT, '').split(/\s+/);
    let n = 0;
    for (const w of words) {
      if (!w) continue;
      out[n++] = map.get(w) ?? 1;
      if (n === seqLen) break;
    }
    out.fill(0, n);
    return out;
  };
}

/** Token ids of many texts as one [n * seqLen] Int32Array. */
export function encodeAll(encode, texts, seqLen) {
  const ids = new Int32Array(texts.length * seqLen);
  texts.forEach((t, i) => encode(t, ids.subarray(i * seqLen, (i + 1) * seqLen)));
  return ids;
}

/** Our vocabulary words as listed by a words file (for make-random). */
export function distinctWords(texts, encodeWordsOnly) {
  const freq = new Map();
  for (const t of texts)
    for (const w of t.replace(TAG, ' ').toLowerCase().replace(PUNCT, '').split(/\s+/))
      if (w) freq.set(w, (freq.get(w) || 0) + 1);
  return [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
}
