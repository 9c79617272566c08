// Web build: bundles the static app from web/ into dist/ with esbuild, then
// copies the engine (build/wasm), the shipped weights and pdf.js's worker.
// Run by ./build.sh (node web/build/build.mjs). Env: MOODSPACE_CLIENT_ID = a default
// Spotify Client ID compiled in (optional; users can enter their own);
// MOODSPACE_APP_URL = the address printed on share cards (optional; default the
// address the page is served from).
//
// dist/ is flat whatever folder a source file lives in (web/README.md): the
// page finds its workers, the engine and the data next to index.html.
//
// dist/ layout:
//   index.html           with the production Content-Security-Policy filled in (web/build/csp.mjs)
//   style.css            minified
//   app.js               the page's entry point (ES module; code-split chunks in chunks/)
//   worker.js, history-worker.js, sw.js   the workers (WORKER_ENTRY_POINTS below: one file each; sw.js a page entry without chunks)
//   moodspace.mjs/.wasm  the engine (Emscripten output), copied as is
//   model.bin, catalog.json, demo.json, corpus_words.json, match_weights.json, release_years.json  (weights/, when present)
//   catalog-titles.json  (the catalog's titles for the Soundtrack view's search, from weights/catalog.json)
//   pdf.worker.min.mjs   pdf.js's worker, loaded only when a PDF is opened
//   *.br, *.gz           brotli and gzip variants of the compressible files (compress.mjs)
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { contentSecurityPolicy } from './csp.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const web = path.join(root, 'web');
const dist = path.join(root, 'dist');
const log = (m) => process.stderr.write(`web/build/build.mjs: ${m}\n`);

// The production policy (web/build/csp.mjs): no loopback origins. The test server
// swaps in the loopback variant as it serves index.html.
const CSP = contentSecurityPolicy();

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });

// Every entry point, by its path under web/. dist/ gets each as [name].js
// (app.js loads worker.js from next to itself, history.js loads history-worker.js, and hub.js
// registers sw.js, in the page's folder). The page's entries share code-split chunks;
// each Worker is one file: a Worker has a module map of its own, so a chunk shared
// with the page would be fetched again by it, one more round trip before it starts.
const PAGE_ENTRY_POINTS = ['app.js', 'sw.js'];
const WORKER_ENTRY_POINTS = ['engine/worker.js', 'library/history-worker.js'];

const common = {
  outdir: dist,
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: '[name]',
  // The Emscripten module stays a separate file next to its .wasm.
  external: ['./moodspace.mjs', '../build/wasm/moodspace.mjs'],
  define: {
    __MOODSPACE_CLIENT_ID__: JSON.stringify(process.env.MOODSPACE_CLIENT_ID || ''),
    // the address printed on share cards (default: the address the page is served from)
    __MOODSPACE_APP_URL__: JSON.stringify(process.env.MOODSPACE_APP_URL || ''),
  },
  legalComments: 'none',
  logLevel: 'warning',
};
await esbuild.build({ ...common, entryPoints: PAGE_ENTRY_POINTS.map((f) => path.join(web, f)), splitting: true, chunkNames: 'chunks/[name]-[hash]' });
await esbuild.build({ ...common, entryPoints: WORKER_ENTRY_POINTS.map((f) => path.join(web, f)), splitting: false });
await esbuild.build({
  entryPoints: [path.join(web, 'style.css')], outfile: path.join(dist, 'style.css'),
  bundle: true, minify: true, logLevel: 'warning',
});

const html = fs.readFileSync(path.join(web, 'index.html'), 'utf8').replace('%CSP%', CSP);
fs.writeFileSync(path.join(dist, 'index.html'), html);

// Other static files of the app (manifest, icons).
for (const f of fs.readdirSync(web)) {
  if (/\.(webmanifest|png|svg|ico|txt)$/.test(f)) fs.cpSync(path.join(web, f), path.join(dist, f), { recursive: true });
  if (f === 'icons' && fs.statSync(path.join(web, f)).isDirectory()) fs.cpSync(path.join(web, f), path.join(dist, f), { recursive: true });
}

for (const f of ['moodspace.mjs', 'moodspace.wasm']) {
  const src = path.join(root, 'build/wasm', f);
  if (fs.existsSync(src)) fs.copyFileSync(src, path.join(dist, f));
  else log(`warning: ${path.relative(root, src)} is missing (run make first)`);
}
for (const f of ['model.bin', 'catalog.json', 'demo.json', 'corpus_words.json', 'match_weights.json', 'release_years.json']) {
  const src = path.join(root, 'weights', f);
  if (fs.existsSync(src)) fs.copyFileSync(src, path.join(dist, f));
}
// the Soundtrack view's search list (film-catalog.js catalogTitles): the catalog's titles in the
// page's order, as the engine's worker reads them (pack-films.js), so searching needs no catalog parse
{
  const src = path.join(root, 'weights/catalog.json');
  const { packCompactCatalog, isCompactCatalog, catalogTitles } = await import('../engine/pack-films.js');
  const json = fs.existsSync(src) ? JSON.parse(fs.readFileSync(src, 'utf8')) : null;
  if (isCompactCatalog(json)) {
    const films = catalogTitles({ ...packCompactCatalog(json), compact: json });
    fs.writeFileSync(path.join(dist, 'catalog-titles.json'), JSON.stringify({ version: json.version, films }));
  }
}
fs.copyFileSync(path.join(root, 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs'), path.join(dist, 'pdf.worker.min.mjs'));

// --- service worker: generate dist/sw.js here, after every file above is in dist/.
(await import('./build-sw.mjs')).buildServiceWorker(dist);

// --- last: brotli and gzip variants of every compressible file (web/build/compress.mjs),
// which ./build.sh serve sends with Content-Encoding (the precache above lists the files themselves).
{
  const c = (await import('./compress.mjs')).precompress(dist);
  log(`precompressed ${c.files} files (${(c.bytes / 1e6).toFixed(2)} MB): brotli ${(c.br / 1e6).toFixed(2)} MB, gzip ${(c.gz / 1e6).toFixed(2)} MB`);
}
