// Merge speed of the library's sources (web/library/sources.js, run by the
// page in the import Worker): an extended history of about N plays and the
// same history again as a second source (every play a duplicate), merged and
// de-duplicated, in Node. Not part of ./build.sh test (no timed assertions there).
//
//   node tests/bench/library-merge.mjs [PLAYS=300000]
import { HistoryImport } from '../../web/library/history-core.js';
import { mergeSources, dedupePlays, sourceMeta } from '../../web/library/sources.js';
import { extendedRecords, trackPool } from '../fake/history-export.mjs';

const n = Number(process.argv[2] || 300000);
const recs = extendedRecords(n, { pool: trackPool(Math.max(200, Math.floor(n / 15)), 9), seed: 4 });
const imp = new HistoryImport({ tzOffset: () => 0 });
const r = imp.beginFile('Streaming_History_Audio_0.json');
r.push(new TextEncoder().encode(JSON.stringify(recs)));
r.end();
const data = imp.playData();
const meta = sourceMeta(imp.finish(), data, { id: 'a', name: 'a' });
const entries = [{ meta, data }, { meta: { ...meta, id: 'b' }, data }];
let t0 = performance.now();
const d = dedupePlays(entries);
const tDedupe = (performance.now() - t0) / 1000;
t0 = performance.now();
const m = mergeSources(entries, { tzOffset: () => 0 });
const tMerge = (performance.now() - t0) / 1000;
console.log(`${data.files[0].end.length.toLocaleString('en')} plays × 2 sources → ${m.plays.toLocaleString('en')} kept (${d.total - d.kept} duplicates): ` +
  `de-duplication ${tDedupe.toFixed(2)} s, whole merge (de-duplication + summary + pool) ${tMerge.toFixed(2)} s`);
