// build-sw.mjs — run by web/build/build.mjs after everything else is in dist/:
//   1. draws the app icons (PNG, our own tiny encoder) into dist/icons/;
//   2. lists the files to precache (the app shell, scripts, wasm, weights,
//      catalog, corpus words, demo library, icons, manifest) and hashes
//      their content into a cache version;
//   3. writes dist/sw.js = `self.__MS_PRECACHE = {version, files};` + the
//      service worker (the esbuild output of web/sw.js, or web/sw.js itself).
// Prints the precache size. Also runnable alone: node web/build/build-sw.mjs [dist]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

// --- PNG icons -------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA pixels (Uint8Array, w*h*4) → PNG bytes. */
export function encodePng(w, h, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;   // 8-bit RGBA
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * w * 4, w * 4).copy(raw, y * (w * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const hex = (s) => [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16));
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/**
 * The MoodSpace mark: a dark tile, a disc shading from violet (calm) to
 * coral (intense), and a white wave (a mood arc) across it. `maskable`
 * fills the whole square and keeps the mark inside the safe zone.
 */
export function drawIcon(size, { maskable = false } = {}) {
  const SS = 4;                     // supersampling per axis
  const px = new Uint8Array(size * size * 4);
  const bg = hex('#1d1b2e'), c1 = hex('#7b61ff'), c2 = hex('#e0627a'), white = [255, 255, 255];
  const radius = maskable ? 0 : 0.22;      // tile corner radius (share of size)
  const disc = maskable ? 0.30 : 0.36;     // disc radius
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    let acc = [0, 0, 0], alpha = 0;
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const u = (x + (sx + 0.5) / SS) / size, v = (y + (sy + 0.5) / SS) / size;
      // rounded tile
      const dx = Math.max(radius - u, 0, u - (1 - radius)), dy = Math.max(radius - v, 0, v - (1 - radius));
      if (radius && dx * dx + dy * dy > radius * radius) continue;
      let col = bg;
      const cx = u - 0.5, cy = v - 0.5;
      if (cx * cx + cy * cy <= disc * disc) col = mix(c1, c2, Math.min(1, Math.max(0, (u - 0.5 + disc) / (2 * disc))));
      // wave: y = 0.5 + a * sin(...), drawn as a band over the disc's width and a bit beyond
      const span = disc * 1.25;
      if (Math.abs(cx) <= span) {
        const wy = 0.5 - 0.12 * Math.sin(((cx + span) / (2 * span)) * Math.PI * 2.2) * (maskable ? 0.85 : 1);
        if (Math.abs(v - wy) <= (maskable ? 0.028 : 0.034)) col = white;
      }
      acc = acc.map((a, i) => a + col[i]);
      alpha++;
    }
    const o = (y * size + x) * 4;
    if (alpha) { px[o] = acc[0] / alpha; px[o + 1] = acc[1] / alpha; px[o + 2] = acc[2] / alpha; }
    px[o + 3] = Math.round((alpha / (SS * SS)) * 255);
  }
  return encodePng(size, size, px);
}

export function writeIcons(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const out = { 'icon-192.png': drawIcon(192), 'icon-512.png': drawIcon(512), 'maskable-512.png': drawIcon(512, { maskable: true }),
    'apple-touch-icon.png': drawIcon(180, { maskable: true }), 'favicon-32.png': drawIcon(32) };
  for (const [name, bytes] of Object.entries(out)) fs.writeFileSync(path.join(dir, name), bytes);
  return Object.keys(out).map((n) => `icons/${n}`);
}

// --- precache --------------------------------------------------------------------

// Never precached: the worker itself, source maps, build scripts.
const SKIP = [/^sw\.js$/, /\.map$/, /^build[^/]*\.mjs$/, /(^|\/)\./];

function walk(dir, base = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), rel));
    else if (e.isFile() && !SKIP.some((re) => re.test(rel))) out.push(rel);
  }
  return out;
}

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function buildServiceWorker(dist, { webDir = WEB, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  writeIcons(path.join(dist, 'icons'));
  const files = walk(dist).sort();
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    const data = fs.readFileSync(path.join(dist, f));
    bytes += data.length;
    hash.update(f).update('\0').update(data);
  }
  const version = hash.digest('hex').slice(0, 16);
  const swSrc = fs.existsSync(path.join(dist, 'sw.js')) ? fs.readFileSync(path.join(dist, 'sw.js'), 'utf8') : fs.readFileSync(path.join(webDir, 'sw.js'), 'utf8');
  const manifest = { version, files };
  fs.writeFileSync(path.join(dist, 'sw.js'), `self.__MS_PRECACHE=${JSON.stringify(manifest)};\n${swSrc.replace(/^self\.__MS_PRECACHE=.*\n/, '')}`);
  log(`web/build/build-sw.mjs: service worker ${version}: ${files.length} files precached, ${(bytes / 1e6).toFixed(2)} MB`);
  return { version, files, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildServiceWorker(path.resolve(process.argv[2] || path.join(WEB, '..', 'dist')));
}
