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
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
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
      if (loopback && path.extname(file) === '.html') {
        const body = Buffer.from(fs.readFileSync(file, 'utf8').replace(META_CSP, (_, a, b) => a + metaPolicy + b));
        res.writeHead(200, { ...head, 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(200, { ...head, 'content-length': st.size });
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(file).pipe(res);
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
