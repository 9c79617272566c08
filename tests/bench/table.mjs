// table.mjs — turns run.mjs's results into the one printed table (also
// stored in the JSON as "table"), with the issue's targets checked at the end.
const stats = (xs) => {
  if (!xs || !xs.length) return null;
  const a = [...xs].sort((x, y) => x - y), m = a.length >> 1;
  return { median: a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2, min: a[0], max: a[a.length - 1], n: a.length };
};
const f = (x, d) => {
  if (x == null || !Number.isFinite(x)) return '–';
  if (d != null) return x.toFixed(d);
  const ax = Math.abs(x);
  return ax >= 100 ? x.toFixed(0) : ax >= 10 ? x.toFixed(1) : ax >= 1 ? x.toFixed(2) : ax >= 0.01 ? x.toFixed(3) : x.toExponential(1);
};
const rng = (s) => (s ? `${f(s.min)}–${f(s.max)}` : '');
const kb = (b) => (b / 1024).toFixed(b < 10240 ? 1 : 0);
const ratio = (a, b) => (a && b ? b / a : null);
const times = (r) => (r == null ? '–' : r >= 1 ? `${f(r)}x` : `1/${f(1 / r)}x`);

function grid(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const num = /^[-+]?[\d.,]+(e[-+]?\d+)?(x| KB| ms|%)?$|^[–-]$|^1\/[\d.]+x$|^[\d.]+–[\d.]+$/;
  const line = (r) => '  ' + r.map((c, i) => { const t = String(c ?? ''); return i > 1 && num.test(t) ? t.padStart(w[i]) : t.padEnd(w[i]); }).join('  ').trimEnd();
  return [line(head), '  ' + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function printTable(R) {
  const M = R.machine, S = R.sections;
  let o = '';
  const h = (t) => { o += `\n${t}\n`; };
  const targets = [];
  const target = (name, ok, got) => targets.push([ok == null ? 'n/a' : ok ? 'MET' : 'MISSED', name, got]);

  o += `MoodSpace vs TensorFlow.js ${M.tfjs} — ${M.date}\n`;
  o += `machine: nproc ${M.nproc}, ${M.cpu} (${M.simd.join(' ')}), ${M.mem_gb} GB; Node ${M.node}; ${M.emcc.replace(/ \(.*/, '')}\n`;
  o += `commit ${M.commit}${M.dirty ? ' + uncommitted changes in wasm/ or web/' : ''}; load average ${M.loadavg_start.join(' ')} at start, ${(M.loadavg_end || []).join(' ')} at end`;
  o += ` (other processes share this machine; figures vary with them)\n`;
  o += `every figure: median of ${M.runs} timed runs after a warm-up, (min–max); timed processes pinned to core ${M.pinned_core ?? 'none'}; one thread each\n`;
  for (const n of R.notes) o += `note: ${n}\n`;

  h('MODELS');
  for (const m of R.models) {
    o += `  ${m.name} (${m.file}): ${m.layers}\n    ${m.n_params.toLocaleString('en')} parameters, seq_len ${m.seq_len}, vocab ${m.vocab}, outputs ${m.outputs.map((x) => x.name).join(' ')}; `;
    o += `${f(m.macs.total / 1e6)} M multiply-adds per song (${m.macs.per.map((p) => `${p.layer} ${f(p.macs / 1e6)} M`).join(', ')}); TF.js: ${m.tfjs}\n`;
  }

  if (S.parity) {
    h('1. SAME MODEL, TWO ENGINES — both engines fed the same token ids (our tokenizer\'s); z = the network\'s raw (standardised) output, tolerance 1e-4');
    const rows = [];
    for (const p of S.parity) {
      for (const b of ['wasm', 'cpu']) {
        const t = p[`tfjs_${b}`];
        if (!t) { rows.push([p.model, `TF.js ${b}`, p.tfjs || '–', '', '']); continue; }
        rows.push([p.model, `TF.js ${b}${t.simd ? ' (SIMD)' : ''} vs ours`, f(t.max_abs_z), t.pass ? 'PASS' : 'FAIL',
          t.max_abs_out.map((d) => `${d.metric} ${f(d.max_abs)}`).join(', ')]);
      }
      rows.push([p.model, 'ours fast path vs reference', f(p.fast_vs_reference_z), p.fast_vs_reference_z <= 1e-4 ? 'PASS' : 'FAIL', 'the layer-by-layer nn.h path, 8 texts']);
      rows.push([p.model, 'ours native vs ours wasm', f(p.native_vs_wasm_z), p.native_vs_wasm_z <= 1e-4 ? 'PASS' : 'FAIL', `token ids identical: ${p.native_vs_wasm_ids_equal ? 'yes' : 'NO'}`]);
      rows.push([p.model, 'TF.js-side JS tokenizer', '', p.js_tokenizer_same_ids ? 'PASS' : 'FAIL', `same ids as ours on all ${p.texts} texts: ${p.js_tokenizer_same_ids ? 'yes' : 'NO'}`]);
      if (p.int8_change && p.already_int8) rows.push([p.model, 'int8 weights vs float32', '', '', 'the file is int8 already']);
      else if (p.int8_change) rows.push([p.model, 'int8 weights vs float32', '', '', 'max change: ' + p.int8_change.map((d) => `${d.metric} ${f(d.max_abs)} (${f(d.max_abs / d.std)} std)`).join(', ')]);
    }
    o += grid(['model', 'check', 'max |Δz|', 'result', 'max |Δ| in Spotify units (out = z·std + mean)'], rows);
    o += `  (z range of these outputs: ${S.parity.map((p) => `${p.model} ${f(p.z_range[0])}..${f(p.z_range[1])}`).join('; ')})\n`;
  }

  if (S.latency) {
    h('2. INFERENCE LATENCY — tokenize + predict, one call per batch (ms); "× TF.js wasm" = how many times faster than TF.js wasm');
    o += '  ours native/wasm: the C entry points (model_predict_texts); page API: build/wasm/moodspace.wasm through wasm/api.c\'s JSON ABI.\n';
    o += '  TF.js: JS tokenizer (same ids, checked above) + tensor2d + model.predict + data(). Screenplay: ours includes scene parsing;\n';
    o += '  TF.js gets our parser\'s scene texts for free.\n';
    const rows = [];
    for (const L of S.latency) {
      const tw = L.engines['TF.js wasm'];
      const items = [...Object.keys(Object.values(L.engines)[0].sizes).map((n) => [`${n} song${n === '1' ? '' : 's'}`, +n, (e) => e.sizes?.[n]]),
        [`screenplay, ${L.scenes} scenes`, L.scenes, (e) => e.screenplay]];
      for (const [label, n, get] of items) {
        const base = tw ? stats(get(tw)) : null;
        for (const [eng, e] of Object.entries(L.engines)) {
          const s = stats(get(e));
          if (!s) continue;
          rows.push([`${L.model} ${label}`, eng + (e.simd ? ' (SIMD)' : ''), f(s.median), rng(s), s.n, f(s.median / n), times(ratio(s.median, base?.median))]);
        }
      }
      const t1 = stats(tw?.sizes?.['1'])?.median, t70 = stats(tw?.sizes?.['70'])?.median;
      const o1 = stats(L.engines['ours wasm']?.sizes?.['1'])?.median, o70 = stats(L.engines['ours wasm']?.sizes?.['70'])?.median;
      const a1 = stats(L.engines['ours wasm page API']?.sizes?.['1'])?.median, a70 = stats(L.engines['ours wasm page API']?.sizes?.['70'])?.median;
      if (L.model.startsWith('seed') && t1) {
        target(`${L.model}: ≥10x faster than TF.js wasm at 1 song (ours wasm; page API)`, ratio(o1, t1) >= 10, `${times(ratio(o1, t1))}; ${times(ratio(a1, t1))}`);
        target(`${L.model}: ≥5x faster than TF.js wasm at 70 songs (ours wasm; page API)`, ratio(o70, t70) >= 5, `${times(ratio(o70, t70))}; ${times(ratio(a70, t70))}`);
      }
    }
    o += grid(['input', 'engine', 'median', '(min–max)', 'runs', 'ms/song', '× TF.js wasm'], rows);
  }

  if (S.cold) {
    h('3. COLD START — fresh process per run: from the script\'s first line to the first prediction (module compile + instantiate + weights load + 1 song)');
    const rows = [];
    for (const c of S.cold) {
      const ours = stats(c.ours.map((x) => x.ms)), tf = stats(c.tfjs.map((x) => x.ms));
      const step = (arr, k) => stats(arr.map((x) => x.steps[k]).filter((v) => v != null));
      rows.push([c.model, 'ours (moodspace.wasm + api)', f(ours.median), rng(ours), ours.n, f(step(c.ours, 'instantiate')?.median), f(step(c.ours, 'weights')?.median), f(stats(c.ours.map((x) => x.since_process_start_ms)).median), '']);
      if (tf) {
        rows.push([c.model, 'TF.js wasm (minimal bundle)', f(tf.median), rng(tf), tf.n, f(step(c.tfjs, 'instantiate')?.median), f(step(c.tfjs, 'weights')?.median), f(stats(c.tfjs.map((x) => x.since_process_start_ms)).median), times(ratio(ours.median, tf.median))]);
        if (c.model.startsWith('seed')) target(`${c.model}: cold start ≥5x faster than TF.js wasm`, ratio(ours.median, tf.median) >= 5, times(ratio(ours.median, tf.median)));
      }
    }
    o += grid(['model', 'engine', 'ms', '(min–max)', 'runs', 'engine ready at', 'weights at', 'since node start', 'ours faster'], rows);
  }

  if (S.size) {
    h('4. SIZE ON THE WIRE — KB raw / gzip -9 / brotli -q 11');
    const rows = Object.entries(S.size).map(([k, v]) => [k, kb(v.raw), kb(v.gzip), kb(v.brotli), v.files.length + (v.listed ? ` (of ${v.listed} listed)` : '')]);
    o += grid(['what', 'raw', 'gzip', 'brotli', 'files'], rows);
    const seed = Object.keys(S.size).find((k) => /^ours weights seed(-random)?$/.test(k));
    if (seed) {
      const name = seed.replace('ours weights ', '');
      const ours = S.size['ours engine'].gzip + S.size[seed].gzip;
      const ours8 = S.size[`ours weights ${name} int8`] ? S.size['ours engine'].gzip + S.size[`ours weights ${name} int8`].gzip : null;
      const tfm = S.size[`TF.js model ${name}`];
      if (tfm) {
        const tfA = S.size['TF.js engine (dist bundles)'].gzip + tfm.gzip, tfB = S.size['TF.js engine (esbuild minimal bundle)'].gzip + tfm.gzip;
        const tfBest = Math.min(tfA, tfB);
        o += `  same model (${name}), engine + weights, gzip: ours ${kb(ours)} KB (int8 weights: ${ours8 ? kb(ours8) : '–'} KB) vs TF.js ${kb(tfBest)} KB (smaller of the two TF.js bundles) = ${f(ours / tfBest * 100, 1)}% (int8: ${ours8 ? f(ours8 / tfBest * 100, 1) : '–'}%)\n`;
        target(`${name}: engine + weights ≤ 1/4 of TF.js's bytes (gzip, float32 weights; int8)`, ours <= tfBest / 4, `${f(ours / tfBest * 100, 1)}%; ${ours8 ? f(ours8 / tfBest * 100, 1) : '–'}%`);
      }
    }
  }

  if (S.train) {
    const T = S.train;
    h(`5. TRAINING — ${T.songs} songs, batch ${T.batch}, ${T.loss}, ${T.optimizer}, dropout on; ${T.targets}; one core each`);
    const rows = [];
    const ours = stats(T.ours.epoch_ms);
    rows.push(['ours C trainer (native, 1 thread)', f(ours.median / 1000), rng(ours && { min: ours.min / 1000, max: ours.max / 1000 }), ours.n, f(ours.median / T.songs), '']);
    if (T.tfjs_wasm) {
      const tw = T.tfjs_wasm, ep = stats(tw.epoch_ms), bt = stats(tw.batch_ms);
      const full = tw.batch_ms.slice(0, -1);   // the last batch of an epoch is short
      const perSong = stats(full.map((x) => x / T.batch));
      rows.push(['TF.js wasm + fallback kernels (1 thread)', f(ep.median / 1000), `batches ${rng(bt)} ms`, `${ep.n} epoch, ${bt.n} batches`, f(ep.median / T.songs), times(ratio(ours.median, ep.median))]);
      o += grid(['engine', 's / epoch', '(min–max)', 'runs', 'ms / song-epoch', 'ours faster'], rows);
      o += `  stock TF.js wasm backend: ${tw.stock}\n`;
      if (tw.fallback) o += `  fallbacks used (calls, total ms): ${Object.entries(tw.fallback.calls).map(([k, v]) => `${k} ×${v} ${f(tw.fallback.ms[k])} ms`).join(', ') || 'none called'}\n`;
      o += '  (UnsortedSegmentSum = the Embedding gradient, a JS scatter-add; the Conv1D filter gradient is K matMuls on the wasm backend)\n';
      o += `  TF.js per-song from its full batches: ${f(perSong.median)} ms (${rng(perSong)})\n`;
      target('training ≥10x faster per song-epoch than TF.js wasm', ratio(ours.median, ep.median) >= 10, times(ratio(ours.median, ep.median)));
    } else o += grid(['engine', 's / epoch', '(min–max)', 'runs', 'ms / song-epoch', ''], rows);
  }

  if (S.match) {
    h('6. MATCHING AT SCALE — 6 metrics; top-3 nearest for one target; soundtrack = exact assignment of distinct songs (auto pruning); ms');
    const rows = [];
    S.match.native.forEach((n, i) => {
      const w = S.match.wasm[i];
      const tk = stats(n.topk_ms), st = stats(n.soundtrack_ms), wtk = stats(w.topk_ms), wst = stats(w.soundtrack_ms);
      rows.push([`${n.songs.toLocaleString('en')} × ${n.segments}${n.max_uses > 1 ? ` (reuse ≤${n.max_uses})` : ''}`, f(tk.median), f(st.median), rng(st), f(wtk.median), f(wst.median), rng(wst),
        `${f(n.mem_peak_mb - n.mem_before_mb)} / ${f(w.mem_peak_mb - w.mem_before_mb)}`,
        n.same_total == null ? 'not run' : `${n.same_total && w.same_total ? 'same' : 'DIFFERENT'} (dense ${f(n.dense_ms)} ms)`]);
      if (n.songs === 10000 && n.segments === 200) {
        const js = stats(w.json_soundtrack_ms);
        const pg = S.match.page && stats(S.match.page.find((p) => p.songs === 10000)?.soundtrack_ms);
        target('soundtrack 10,000 songs × 200 segments < 100 ms in wasm (C call; page engine.soundtrack)', wst.median < 100 && (!pg || pg.median < 100),
          `${f(wst.median)} ms; ${pg ? f(pg.median) + ' ms' : '–'}`);
        if (js) o += `  10,000 × 200 as one JSON request (match_json_soundtrack, ${f(w.json_request_mb)} MB of JSON): wasm ${f(js.median)} ms (${rng(js)}), native ${f(stats(n.json_soundtrack_ms).median)} ms\n`;
        for (const p of S.match.page || []) {
          const a = stats(p.soundtrack_ms), b = stats(p.topk_ms);
          o += `  page path (web/engine/engine.js soundtrack, ${p.metrics} metrics, songs packed as floats), ${p.songs.toLocaleString('en')} × ${p.segments}: soundtrack ${f(a.median)} ms (${rng(a)}), top-3 ${f(b.median)} ms\n`;
        }
      }
    });
    o += grid(['songs × segments', 'top-k nat', 'soundtrack nat', '(min–max)', 'top-k wasm', 'soundtrack wasm', '(min–max)', 'mem MB nat/wasm', 'pruned = dense optimum'], rows);
    o += '  mem: peak memory the matcher added: native VmHWM − VmRSS before; wasm: growth of the malloc heap top. dense = no pruning, full cost matrix.\n';
  }

  if (S.limit) {
    const P = S.limit;
    h('7. THE LIMIT — one core\'s measured multiply-add throughput (tight 12-accumulator loop, GMAC/s) vs our per-song time');
    o += `  native: ${Object.entries(P.native).map(([k, v]) => `${k} ${f(v)}`).join(', ')}; wasm: ${Object.entries(P.wasm).map(([k, v]) => `${k} ${f(v)}`).join(', ')}\n`;
    const rows = [];
    for (const m of R.models) {
      const L = S.latency?.find((x) => x.model === m.name);
      if (!L) continue;
      const conv = m.macs.per.filter((p) => p.layer === 'conv1d').reduce((a, p) => a + p.macs, 0);
      const rest = m.macs.total - conv;
      for (const [eng, peakName] of [['ours native', 'fma128'], ['ours wasm', 'simd128_muladd']]) {
        const peak = (eng === 'ours native' ? P.native : P.wasm)[peakName];
        for (const n of ['1', '1000']) {
          const s = stats(L.engines[eng]?.sizes?.[n]);
          if (!s || !peak) continue;
          const per = s.median / +n;
          const lim = m.macs.total / (peak * 1e9) * 1e3, limRest = rest / (peak * 1e9) * 1e3;
          rows.push([`${m.name} ${eng}`, `${n} song${n === '1' ? '' : 's'}`, f(per), `${peakName} ${f(peak)}`, f(lim), f(per / lim), f(limRest), f(per / limRest)]);
          if (m.name.startsWith('seed') && eng === 'ours wasm' && n === '1000')
            target(`${m.name}: within 3x of one core's 128-bit SIMD limit (wasm, 1000 songs; all MACs / without the conv's)`, per / lim <= 3, `${f(per / lim)}x; ${f(per / limRest)}x`);
        }
      }
    }
    o += grid(['model / engine', 'batch', 'ms/song', 'peak GMAC/s', 'limit ms (all MACs)', '× limit', 'limit ms (no conv)', '× limit'], rows);
    o += '  "all MACs": the model as written; "no conv": what is left after the exact Embedding⊗Conv1D table (the conv becomes 5 row-adds per\n';
    o += '  position), i.e. the LSTM + Dense arithmetic. wasm has no fused multiply-add, so its peak counts a mul + an add as one MAC.\n';
  }

  // the page in Chromium (tests/bench/page.mjs) and Lighthouse (tests/bench/lighthouse.mjs), this tree against a baseline
  if (S.page?.trees) {
    const trees = Object.entries(S.page.trees);
    h(`PAGE — Debian's Chromium, demo library, ${S.page.runs} runs after a warm-up each (median, min–max); one run, same load`);
    const ms = (t, k) => `${f(t.median[k], 0)} (${f(Math.min(...t.runs.map((x) => x[k])), 0)}–${f(Math.max(...t.runs.map((x) => x[k])), 0)})`;
    o += grid(['tree', 'Taste view ms (from the click)', 'first demo soundtrack ms (from navigation)', 'CLS first visit', 'CLS Taste', 'CLS Soundtrack'],
      trees.map(([name, t]) => [name, ms(t, 'taste_click_ms'), ms(t, 'soundtrack_ms'), f(t.max.cls_first, 4), f(t.max.cls_taste, 4), f(t.max.cls_soundtrack, 4)]));
    o += '  CLS: the largest of the runs (layout shifts without recent input, PerformanceObserver \'layout-shift\').\n';
    const [name, t] = trees.at(-1);
    const base = trees.length > 1 ? trees[0] : null;
    const vs = (k) => (base ? ` (${base[0]}: ${f(base[1].median[k], 0)} ms)` : '');
    target(`${name}: full Taste view <= 1.0 s`, t.median.taste_click_ms <= 1000, `${f(t.median.taste_click_ms, 0)} ms${vs('taste_click_ms')}`);
    target(`${name}: navigation to a first demo soundtrack <= 1.5 s`, t.median.soundtrack_ms <= 1500, `${f(t.median.soundtrack_ms, 0)} ms${vs('soundtrack_ms')}`);
    target(`${name}: CLS < 0.05 on the first visit, Taste and Soundtrack`, Math.max(t.max.cls_first, t.max.cls_taste, t.max.cls_soundtrack) < 0.05,
      [t.max.cls_first, t.max.cls_taste, t.max.cls_soundtrack].map((x) => f(x, 4)).join(' / '));
  }
  if (S.lighthouse?.trees) {
    const trees = Object.entries(S.lighthouse.trees);
    h(`LIGHTHOUSE ${S.lighthouse.version} — mobile (default settings), Debian's Chromium, served as ./build.sh serve does; median of ${S.lighthouse.runs}`);
    o += grid(['tree', 'Performance', 'Accessibility', 'Best Practices', 'SEO', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'SI ms'],
      trees.map(([name, t]) => [name, t.median.performance, t.median.accessibility, t.median['best-practices'], t.median.seo,
        f(t.median.fcp_ms, 0), f(t.median.lcp_ms, 0), f(t.median.tbt_ms, 0), f(t.median.cls, 3), f(t.median.si_ms, 0)]));
    const [name, t] = trees.at(-1);
    target(`${name}: Lighthouse mobile Performance >= 98, Accessibility 100, Best Practices 100`,
      t.median.performance >= 98 && t.median.accessibility === 100 && t.median['best-practices'] === 100,
      `${t.median.performance} / ${t.median.accessibility} / ${t.median['best-practices']}; CLS ${f(t.median.cls, 3)}`);
  }

  for (const [k, v] of Object.entries(R.errors || {})) o += `\nSECTION ${k} FAILED: ${v.split('\n').slice(0, 3).join(' | ')}\n`;
  h('TARGETS (the speed, size and page targets; ratios from this run)');
  o += grid(['result', 'target', 'measured'], targets);
  return o;
}
