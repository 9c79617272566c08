// demo.js — the bundled demo library: a few hundred songs with moods
// predicted from their lyrics by the shipped model (built by
// `./build.sh demo` into weights/demo.json; no lyrics inside), so the whole
// app works with no account and no network. Always labelled as a demo.
//
//   mountDemo(el, ctx)          the "Try the demo" card's button
//   startDemo(ctx, { url })     load demo.json into the library store
//   parseDemo(json)             → { songs, words } (validated; unit-tested)

import { metricsFrom } from '../ui.js';

export const DEMO_LABEL = 'Demo library';

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** demo.json → library songs (source 'demo', lyricsStatus 'none') and per-song words. */
export function parseDemo(json) {
  if (!json || typeof json !== 'object' || !Array.isArray(json.songs)) throw new Error('demo.json has no "songs" list');
  const songs = [];
  const words = {};
  for (const s of json.songs) {
    if (!s || typeof s !== 'object' || typeof s.id !== 'string' || !/^[A-Za-z0-9]{22}$/.test(s.id)) continue;
    const metrics = metricsFrom(s.metrics);   // finite and within each metric's range
    if (!Object.keys(metrics).length) continue;
    songs.push({
      id: s.id, uri: `spotify:track:${s.id}`,
      title: typeof s.title === 'string' ? s.title : '', artist: typeof s.artist === 'string' ? s.artist : '',
      album: '', durationMs: 0, explicit: false,
      releaseDate: isNum(s.year) ? String(s.year) : '',
      lyricsStatus: 'none', metrics,
    });
    if (Array.isArray(s.words)) {
      words[s.id] = s.words.filter((p) => Array.isArray(p) && typeof p[0] === 'string' && isNum(p[1])).slice(0, 20)
        .map(([w, c]) => [w.slice(0, 40), c]);
    }
  }
  if (!songs.length) throw new Error('demo.json holds no usable songs');
  return { songs, words };
}

/** onReady(n): the demo's songs are in the library (the views start), before it is stored. */
export async function startDemo(ctx, { url = './demo.json', onReady = () => {} } = {}) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the demo library could not be loaded (HTTP ${res.status})`);
  const { songs, words } = parseDemo(await res.json());
  const { library } = ctx;
  // the demo is a mode of its own: the user's library stays as it is, kept
  library.enterDemo({ songs, words, label: `${DEMO_LABEL} (sample songs)` });
  const saved = library.save?.();
  ctx.events?.dispatchEvent(new CustomEvent('library-ready'));   // the views start while it is stored
  onReady(songs.length);
  await saved;
  return songs.length;
}

/** Back to the user's own library (nothing of it was changed by the demo). */
export async function leaveDemo(ctx) {
  const { library } = ctx;
  if (!library.leaveDemo()) return false;
  await library.save?.();
  ctx.events?.dispatchEvent(new CustomEvent('library-ready'));
  return true;
}

export function mountDemo(root, ctx) {
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.id = 'demo-start';
  btn.className = 'primary';
  btn.textContent = 'Open the demo library';
  const status = document.createElement('p');
  status.className = 'muted';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  root.replaceChildren(btn, status);
  // the strip shown over every tab while the demo is on (index.html #demo-mode)
  const strip = document.getElementById('demo-mode');
  const leaveBtn = document.getElementById('demo-leave');
  const sync = () => {
    const on = ctx.library.state.mode === 'demo';
    if (strip) strip.hidden = !on;
    const ownSongs = on ? ctx.library.own?.songs?.size || 0 : 0;
    const text = document.getElementById('demo-mode-text');
    if (text) text.textContent = `Demo mode.${ownSongs ? ` Your own library (${ownSongs} songs) is kept as it is; go back to it any time.` : ' Leave it to bring your own music.'}`;
  };
  ctx.library.subscribe((ev) => { if (ev.type === 'reset' || ev.type === 'restore') sync(); });
  sync();
  leaveBtn?.addEventListener('click', async () => {
    await leaveDemo(ctx);
    status.textContent = '';
    ctx.showTab?.('music', { focusView: true });
  });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    status.textContent = 'Loading the demo library…';
    try {
      // the Taste tab (which says it is a demo, its badge) opens as soon as the
      // songs are in, not after they are written to this browser's storage
      const n = await startDemo(ctx, { onReady: () => ctx.showTab?.('taste', { focusView: true }) });
      status.textContent = `Opened: ${n} sample songs. Your own library is kept; leave the demo to get back to it.`;
    } catch (e) {
      status.textContent = `The demo could not start: ${e.message || e}`;
    } finally {
      btn.disabled = false;
    }
  });
}
