// compress.mjs — run by web/build/build.mjs last (after the service worker):
// writes NAME.br (brotli) and NAME.gz (gzip) next to every compressible file
// of dist/, so `./build.sh serve` (tests/fake/static-server.mjs) sends them
// as they are, with Content-Encoding and Vary: Accept-Encoding, instead of
// compressing on every request. Node's own zlib does both; nothing to install.
//
// Compressed once per content: the results are kept in build/precompressed/
// under the file's SHA-256, so a rebuild only compresses what changed.
// Brotli at quality 11 (the best) below 1 MB, 9 above (11 takes ~25 s on the
// 4.7 MB catalog for 10 % less); gzip at level 9. A variant that would not
// save at least 5 % is not written (the server then sends the file itself).
// Also runnable alone: node web/build/compress.mjs [dist]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const COMPRESSIBLE = /\.(html|js|mjs|css|json|wasm|webmanifest|svg|txt|map|bin)$/;
const MIN_BYTES = 1024;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

const ENCODERS = {
  br: (buf) => zlib.brotliCompressSync(buf, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: buf.length < 1 << 20 ? 11 : 9,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
  } }),
  gz: (buf) => zlib.gzipSync(buf, { level: 9 }),
};

/** Write the .br and .gz variants of dist's compressible files. Returns { files, bytes, br, gz }. */
export function precompress(dist, { cacheDir = path.join(ROOT, 'build/precompressed') } = {}) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const sum = { files: 0, bytes: 0, br: 0, gz: 0 };
  for (const file of [...walk(dist)]) {
    if (!COMPRESSIBLE.test(file)) continue;
    const buf = fs.readFileSync(file);
    if (buf.length < MIN_BYTES) continue;
    const hash = crypto.createHash('sha256').update(buf).digest('hex');
    sum.files++; sum.bytes += buf.length;
    for (const [ext, encode] of Object.entries(ENCODERS)) {
      const cached = path.join(cacheDir, `${hash}.${ext}`);
      let out;
      if (fs.existsSync(cached)) out = fs.readFileSync(cached);
      else { out = encode(buf); fs.writeFileSync(cached, out); }
      if (out.length > buf.length * 0.95) continue;
      fs.writeFileSync(`${file}.${ext}`, out);
      sum[ext] += out.length;
    }
  }
  return sum;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = path.resolve(process.argv[2] || path.join(ROOT, 'dist'));
  const s = precompress(dist);
  console.log(`${s.files} files, ${(s.bytes / 1e6).toFixed(2)} MB: brotli ${(s.br / 1e6).toFixed(2)} MB, gzip ${(s.gz / 1e6).toFixed(2)} MB`);
}
