// The precompressed serve: web/build/compress.mjs writes .br and .gz beside
// each compressible file, tests/fake/static-server.mjs (what ./build.sh serve
// runs) sends them with Content-Encoding and Vary: Accept-Encoding, and the
// decoded bytes are the file's. On files written here, and on dist/ when built.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { precompress } from '../../web/build/compress.mjs';
import { serveStatic, acceptedEncodings } from '../fake/static-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'moodspace-serve-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function get(port, pathname, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    // (http.get sends no Accept-Encoding unless asked: the identity case)
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const decode = (r) => (r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body)
  : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body);

test('Accept-Encoding: br before gzip, q-values and refusals respected', () => {
  assert.deepEqual(acceptedEncodings('gzip, deflate, br, zstd'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('gzip'), ['gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0, gzip;q=0.5'), ['gzip']);
  assert.deepEqual(acceptedEncodings('br;q=0.2, gzip;q=0.9'), ['gzip', 'br']);
  assert.deepEqual(acceptedEncodings('*'), ['br', 'gzip']);
  assert.deepEqual(acceptedEncodings('identity'), []);
  assert.deepEqual(acceptedEncodings(''), []);
  assert.deepEqual(acceptedEncodings(undefined), []);
});

test('precompressed files: the right Content-Encoding, Vary, length, and decoded bytes equal to the file', async () => {
  const dir = path.join(tmp, 'site');
  fs.mkdirSync(path.join(dir, 'chunks'), { recursive: true });
  const js = `// made-up script\n${Array.from({ length: 400 }, (_, i) => `export const v${i} = ${i} * 2;`).join('\n')}\n`;
  const json = JSON.stringify({ films: Array.from({ length: 300 }, (_, i) => ({ id: `film-${i}`, m: [i % 7, i % 3, -i % 5] })) });
  let x = 2463534242;
  const random = Buffer.from(Array.from({ length: 4096 }, () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x & 255; }));   // xorshift: does not compress
  fs.writeFileSync(path.join(dir, 'app.js'), js);
  fs.writeFileSync(path.join(dir, 'chunks', 'c.js'), js);
  fs.writeFileSync(path.join(dir, 'catalog.json'), json);
  fs.writeFileSync(path.join(dir, 'noise.bin'), random);
  fs.writeFileSync(path.join(dir, 'tiny.css'), 'body{margin:0}');
  fs.writeFileSync(path.join(dir, 'icon.png'), random);
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>t</title>${'<p>x</p>'.repeat(300)}`);
  const sum = precompress(dir, { cacheDir: path.join(tmp, 'cache') });
  assert.equal(sum.files, 5, 'every compressible file of 1 KB or more (not the tiny CSS, not the PNG)');
  for (const f of ['app.js', 'chunks/c.js', 'catalog.json', 'index.html']) {
    for (const ext of ['br', 'gz']) assert.ok(fs.existsSync(path.join(dir, `${f}.${ext}`)), `${f}.${ext}`);
  }
  assert.equal(fs.existsSync(path.join(dir, 'noise.bin.br')), false, 'a variant that saves nothing is not written');
  assert.equal(fs.existsSync(path.join(dir, 'tiny.css.br')), false);
  assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'catalog.json.br'))), Buffer.from(json));
  // a second run reuses the cache and writes the same bytes
  const before = fs.readFileSync(path.join(dir, 'app.js.br'));
  precompress(dir, { cacheDir: path.join(tmp, 'cache') });
  assert.deepEqual(fs.readFileSync(path.join(dir, 'app.js.br')), before);

  for (const loopback of [false, true]) {
    const server = await serveStatic(dir, 0, { loopback });
    const { port } = server.address();
    try {
      for (const [f, type] of [['app.js', 'text/javascript'], ['chunks/c.js', 'text/javascript'], ['catalog.json', 'application/json']]) {
        const file = fs.readFileSync(path.join(dir, f));
        for (const [accept, enc] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'], [null, undefined], ['identity', undefined]]) {
          const r = await get(port, `/${f}`, accept ? { 'accept-encoding': accept } : {});
          assert.equal(r.status, 200);
          assert.equal(r.headers['content-encoding'], enc, `${f} with ${accept}`);
          assert.equal(r.headers.vary, 'Accept-Encoding');
          assert.match(r.headers['content-type'], new RegExp(`^${type}`), 'the type of the file, not of the variant');
          assert.equal(Number(r.headers['content-length']), r.body.length);
          if (enc) assert.ok(r.body.length < file.length, 'smaller on the wire');
          assert.deepEqual(decode(r), file, `${f} decoded equals the file (${accept})`);
          assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/, 'the security headers stay');
        }
        const h = await get(port, `/${f}`, { 'accept-encoding': 'br' }, 'HEAD');
        assert.equal(h.headers['content-encoding'], 'br');
        assert.equal(Number(h.headers['content-length']), fs.statSync(path.join(dir, `${f}.br`)).size);
        assert.equal(h.body.length, 0);
      }
      // not compressed: the PNG (no Vary), the noise (no variant), the tiny CSS
      const png = await get(port, '/icon.png', { 'accept-encoding': 'br, gzip' });
      assert.equal(png.headers['content-encoding'], undefined);
      assert.equal(png.headers.vary, undefined);
      const noise = await get(port, '/noise.bin', { 'accept-encoding': 'br, gzip' });
      assert.equal(noise.headers['content-encoding'], undefined);
      assert.equal(noise.headers.vary, 'Accept-Encoding');
      assert.deepEqual(noise.body, random);
      const css = await get(port, '/tiny.css', { 'accept-encoding': 'br' });
      assert.equal(css.headers['content-encoding'], undefined);
      assert.equal(css.body.toString(), 'body{margin:0}');
      // the page: compressed either way; for loopback with its policy rewritten
      const html = await get(port, '/', { 'accept-encoding': 'gzip, br' });
      assert.equal(html.headers['content-encoding'], 'br');
      const text = decode(html).toString();
      if (loopback) assert.match(text, /http:\/\/127\.0\.0\.1:\*/, 'the loopback policy is in the page');
      else assert.deepEqual(decode(html), fs.readFileSync(path.join(dir, 'index.html')));
      // the variants stay reachable by name, as plain bytes
      const raw = await get(port, '/app.js.br', { 'accept-encoding': 'br' });
      assert.equal(raw.headers['content-encoding'], undefined);
      assert.deepEqual(raw.body, fs.readFileSync(path.join(dir, 'app.js.br')));
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
  // a variant older than its file (a file changed after the build) is not sent
  const server = await serveStatic(dir, 0);
  try {
    const later = new Date(Date.now() + 60000);
    fs.writeFileSync(path.join(dir, 'app.js'), `${js}// changed\n`);
    fs.utimesSync(path.join(dir, 'app.js'), later, later);
    const r = await get(server.address().port, '/app.js', { 'accept-encoding': 'br, gzip' });
    assert.equal(r.headers['content-encoding'], undefined);
    assert.match(r.body.toString(), /\/\/ changed\n$/);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

const dist = path.join(root, 'dist');
const noDist = !fs.existsSync(path.join(dist, 'app.js.br')) ? 'dist/ is not built with its compressed files (run ./build.sh)' : false;
test('dist/: the built app is served compressed and decodes to the very files', { skip: noDist }, async () => {
  const server = await serveStatic(dist, 0);
  const { port } = server.address();
  try {
    for (const f of ['app.js', 'worker.js', 'sw.js', 'style.css', 'moodspace.wasm', 'moodspace.mjs', 'catalog.json', 'demo.json', 'model.bin']) {
      if (!fs.existsSync(path.join(dist, f))) continue;
      const file = fs.readFileSync(path.join(dist, f));
      for (const [accept, enc] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip']]) {
        const r = await get(port, `/${f}`, { 'accept-encoding': accept });
        assert.equal(r.headers.vary, 'Accept-Encoding', f);
        if (!fs.existsSync(path.join(dist, `${f}.${enc === 'br' ? 'br' : 'gz'}`))) continue;
        assert.equal(r.headers['content-encoding'], enc, f);
        assert.deepEqual(decode(r), file, `${f} (${enc})`);
      }
    }
    const wasm = await get(port, '/moodspace.wasm', { 'accept-encoding': 'br' });
    assert.equal(wasm.headers['content-type'], 'application/wasm', 'streaming compilation still gets its type');
  } finally {
    await new Promise((r) => server.close(r));
  }
});
