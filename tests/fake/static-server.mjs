// A small static file server for dist/ on 127.0.0.1 (used by ./build.sh serve
// and by the browser tests). Serves index.html for "/", sets the right MIME
// types (application/wasm matters for streaming compilation) and never lists
// directories or leaves the root.
//
// Every response carries the headers a static host must send (web/build/csp.mjs:
// Content-Security-Policy with frame-ancestors 'none', X-Content-Type-Options,
// Referrer-Policy, X-Frame-Options). The policy is the production one; with
// { loopback: true } (the browser tests, whose fake Spotify and LRCLIB run
// on other 127.0.0.1 ports) the header and the <meta> policy of every HTML
// file served allow loopback too. dist/ itself is never changed.
//
// Compression: web/build/compress.mjs writes NAME.br and NAME.gz beside each
// compressible file at build time; a request whose Accept-Encoding takes br
// (else gzip, q=0 refusing) gets that file as it is, with Content-Encoding,
// and every compressible file is sent with Vary: Accept-Encoding. An HTML
// file rewritten for loopback is compressed as it is sent (it is small).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy, securityHeaders } from '../../web/build/csp.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream', '.map': 'application/json',
};
const META_CSP = /(<meta http-equiv="Content-Security-Policy" content=")[^"]*(")/i;
const COMPRESSIBLE = /\.(html|js|mjs|css|json|wasm|webmanifest|svg|txt|map|bin)$/;

/** The encodings an Accept-Encoding header accepts, best first among br and gzip (RFC 9110 q-values). */
export function acceptedEncodings(header) {
  const q = new Map();
  for (const part of String(header || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const of = (e) => (q.has(e) ? q.get(e) : q.has('*') ? q.get('*') : 0);
  return ['br', 'gzip'].filter((e) => of(e) > 0).sort((a, b) => of(b) - of(a));
}

/** Start serving `root` on 127.0.0.1:`port` (0 = any free port). Resolves to the http.Server. */
export function serveStatic(root, port = 0, { loopback = false } = {}) {
  const base = path.resolve(root);
  const headers = securityHeaders({ loopback });
  const metaPolicy = contentSecurityPolicy({ loopback });
  const server = http.createServer((req, res) => {
    let pathname;
    try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); }
    catch { res.writeHead(400, headers).end('bad request'); return; }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const file = path.resolve(base, '.' + pathname);
    if (!file.startsWith(base + path.sep)) { res.writeHead(403, headers).end('forbidden'); return; }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) { res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found'); return; }
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      const head = { ...headers, 'content-type': type, 'cache-control': 'no-cache' };
      const compressible = COMPRESSIBLE.test(file);
      if (compressible) head.vary = 'Accept-Encoding';
      const encodings = compressible ? acceptedEncodings(req.headers['accept-encoding']) : [];
      if (loopback && path.extname(file) === '.html') {
        let body = Buffer.from(fs.readFileSync(file, 'utf8').replace(META_CSP, (_, a, b) => a + metaPolicy + b));
        const enc = encodings[0];
        if (enc) { body = enc === 'br' ? zlib.brotliCompressSync(body) : zlib.gzipSync(body); head['content-encoding'] = enc; }
        res.writeHead(200, { ...head, 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      let send = file, size = st.size;
      for (const enc of encodings) {
        const variant = `${file}.${enc === 'br' ? 'br' : 'gz'}`;
        let vs;
        try { vs = fs.statSync(variant); } catch { continue; }
        if (!vs.isFile() || vs.mtimeMs < st.mtimeMs) continue;   // a stale variant is never sent
        send = variant; size = vs.size; head['content-encoding'] = enc;
        break;
      }
      res.writeHead(200, { ...head, 'content-length': size });
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(send).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '8000'] = process.argv.slice(2);
  const server = await serveStatic(root, Number(port));
  console.log(`MoodSpace on http://127.0.0.1:${server.address().port}/`);
}
