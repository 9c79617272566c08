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

/** Why TF.js's stock layers cannot express this architecture, or null. */
export function unsupportedReason(info) {
  for (const L of info.layers) {
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
  info.layers.forEach((L, li) => {
    const ts = tensorsOf(li);
    const first = li === 0 ? { inputShape: [info.seq_len] } : {};
    switch (L.type) {
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
        m.add(tf.layers.dense({ units: L.units, activation: ACT[L.act] }));
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

/** Writes model.json + group1-shard1of1.bin into dir (as tensorflowjs_converter does). */
export async function saveLayersModel(tf, model, dir) {
  fs.mkdirSync(dir, { recursive: true });
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
  return ['model.json', 'group1-shard1of1.bin'].map((f) => path.join(dir, f));
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
