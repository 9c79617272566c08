// The Content-Security-Policy of the page, for web/build/build.mjs (the <meta> in
// dist/index.html) and tests/fake/static-server.mjs (the HTTP header).
//
// production (the default): the page talks to its own origin, Spotify and
//   LRCLIB only. No loopback origin but the page's own ('self'), so even a
//   page served from http://127.0.0.1:8000 cannot send a token to another
//   local port, whatever the address bar says.
// loopback: also http://127.0.0.1:* and http://localhost:*, for the fake
//   Spotify and LRCLIB servers of the tests. Only the test server asks for
//   it (serveStatic(root, port, { loopback: true })), by rewriting the
//   <meta> of index.html as it serves it; dist/ always holds production.
//
// A <meta> policy cannot carry frame-ancestors (clickjacking): the header
// form adds it, and a static host must send that header (README, hosting).
// MOODSPACE_EXTRA_ORIGINS="https://a.example https://b.example" adds origins
// to connect-src and frame-src (e.g. a self-hosted LRCLIB).

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;

export function contentSecurityPolicy({ loopback = false, extraOrigins = process.env.MOODSPACE_EXTRA_ORIGINS || '' } = {}) {
  const extra = extraOrigins.split(/\s+/).filter((o) => ORIGIN.test(o));
  const more = [...(loopback ? ['http://127.0.0.1:*', 'http://localhost:*'] : []), ...extra].join(' ');
  const plus = more ? ' ' + more : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `img-src 'self' data: blob: https://i.scdn.co https://*.scdn.co https://*.spotifycdn.com${loopback ? ' http://127.0.0.1:* http://localhost:*' : ''}`,
    `connect-src 'self' https://accounts.spotify.com https://api.spotify.com https://lrclib.net${plus}`,
    `frame-src https://open.spotify.com${plus}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self' https://accounts.spotify.com",
  ].join('; ');
}

/** The same policy as an HTTP header, with what only a header can carry. */
export function cspHeader(opts) {
  return `${contentSecurityPolicy(opts)}; frame-ancestors 'none'`;
}

/** Every header a static host should send with the app (README, hosting). */
export function securityHeaders(opts) {
  return {
    'content-security-policy': cspHeader(opts),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}
