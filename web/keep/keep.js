// keep.js — soundtracks survive a reload and Spotify's sign-in page.
//
// Every full soundtrack shown (the shell's 'soundtrack' event) is kept in
// IndexedDB (idb-keyval) with what is needed to show it again without the
// engine's matcher: the film (catalog films by id; a script's scenes as
// metrics and headings, never its text), the segments and a snapshot of each
// chosen song. The last one shown is reopened when the page starts, and the
// Soundtrack tab lists the recent ones to reopen or delete.
//
//   mountKeep(root, ctx)   root: the "Recent soundtracks" container
//   toRecord(detail), fromRecord(record, { films, songs }),
//   readKept(stored) → { records, skipped }   (pure; unit-tested)
//
// What is read back from IndexedDB is checked record by record (readKept):
// a malformed or tampered one is skipped and counted ("1 kept soundtrack
// could not be read"), never allowed to hide the others; the next write
// keeps only the good ones.
import { get as idbGet, set as idbSet } from 'idb-keyval';
import { storeEvents } from '../stores.js';
import { el } from '../ui.js';

const LIST_KEY = 'moodspace.soundtracks.v1';
export const MAX_KEPT = 12;

const str = (v, max = 300) => (typeof v === 'string' ? v.slice(0, max) : '');
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const metricsOnly = (m) => Object.fromEntries(Object.entries(m && typeof m === 'object' ? m : {}).filter(([, v]) => num(v) != null));

function songSnapshot(s) {
  return { id: str(s.id, 100), uri: str(s.uri, 100), title: str(s.title), artist: str(s.artist), album: str(s.album),
    durationMs: num(s.durationMs) || 0, lyricsStatus: str(s.lyricsStatus, 20) || 'none', metrics: metricsOnly(s.metrics) };
}

/** The 'soundtrack' event's detail → a plain record for IndexedDB (null when it is not a full soundtrack). */
export function toRecord(d, now = Date.now()) {
  if (!d || d.kind !== 'full' || !d.film || !Array.isArray(d.picks) || !d.picks.length) return null;
  const f = d.film;
  const film = { id: str(String(f.id ?? ''), 200), title: str(f.title) || 'Untitled', source: f.source === 'script' ? 'script' : 'catalog' };
  if (film.source === 'script') {
    film.scenes = (f.scenes || []).map((x, i) => ({ index: i, heading: str(x.heading, 200), metrics: metricsOnly(x.metrics), words: num(x.words) || 0 }));
    film.weights = Array.isArray(f.weights) ? f.weights.filter((w) => num(w) != null) : null;
    film.overall = metricsOnly(f.overall);
  }
  const picks = d.picks.map((p) => ({
    song: p.song ? songSnapshot(p.song) : null,
    segment: p.segment && typeof p.segment === 'object'
      ? { segment: p.segment.segment, first: p.segment.first, last: p.segment.last, heading: str(p.segment.heading, 200), metrics: metricsOnly(p.segment.metrics) }
      : p.segment,
    distance: num(p.distance), diff: metricsOnly(p.diff),
    // the calibrated scale "Why this song?" speaks in (percentiles) and the segment's mood
    segmentPct: metricsOnly(p.segmentPct), songPct: metricsOnly(p.songPct), mood: metricsOnly(p.mood),
    ...(p.locked ? { locked: true } : {}),   // the user's lock (soundtrack.js) comes back with the soundtrack
  }));
  const key = `${film.source}:${film.id || film.title}|${picks.length}|${picks.map((p) => p.song?.id || '').join(',')}`;
  return { key, savedAt: now, film, picks, total: num(d.total) };
}

/**
 * A kept record → { film, picks, total } as the soundtrack view shows them,
 * or null when its catalog film is gone. Songs still in the library are
 * used as they are now (lyrics, moods); others from the snapshot.
 */
export function fromRecord(r, { films = [], songs = new Map() } = {}) {
  if (!r?.film || !Array.isArray(r.picks)) return null;
  let film;
  if (r.film.source === 'script') {
    if (!Array.isArray(r.film.scenes) || !r.film.scenes.length) return null;
    film = { id: r.film.id, title: r.film.title, year: null, source: 'script', scenes: r.film.scenes, weights: r.film.weights || undefined, overall: r.film.overall || {} };
  } else {
    film = films.find((f) => f.id === r.film.id) || films.find((f) => f.title === r.film.title);
    if (!film) return null;
  }
  const picks = r.picks.map((p) => ({ ...p, song: p.song ? (songs.get(p.song.id) || p.song) : null }));
  return { film, picks, total: r.total };
}

const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
const MAX_PICKS = 200;
const MAX_SCENES = 20000;

/** One stored pick, cleaned (strings cut, numbers finite), or null when malformed. */
function cleanPick(p) {
  if (!isObj(p)) return null;
  if (p.song != null && (!isObj(p.song) || typeof p.song.title !== 'string')) return null;
  const seg = p.segment;
  if (seg != null && !isObj(seg) && typeof seg !== 'number') return null;
  return {
    song: p.song ? songSnapshot(p.song) : null,
    segment: isObj(seg)
      ? { segment: num(seg.segment), first: num(seg.first), last: num(seg.last), heading: str(seg.heading, 200), metrics: metricsOnly(seg.metrics) }
      : num(seg),
    distance: num(p.distance), diff: metricsOnly(p.diff),
    segmentPct: metricsOnly(p.segmentPct), songPct: metricsOnly(p.songPct), mood: metricsOnly(p.mood),
    ...(p.locked === true ? { locked: true } : {}),
  };
}

/** One stored record, cleaned, or null when it is not a kept soundtrack. */
function cleanRecord(r) {
  if (!isObj(r) || typeof r.key !== 'string' || !num(r.savedAt) || !isObj(r.film) || !Array.isArray(r.picks)) return null;
  const f = r.film;
  if (typeof f.title !== 'string' || !f.title || (f.source !== 'catalog' && f.source !== 'script')) return null;
  if (!r.picks.length || r.picks.length > MAX_PICKS) return null;
  const picks = r.picks.map(cleanPick);
  if (picks.some((p) => !p)) return null;
  const film = { id: str(String(f.id ?? ''), 200), title: str(f.title), source: f.source };
  if (f.source === 'script') {
    if (!Array.isArray(f.scenes) || !f.scenes.length || f.scenes.length > MAX_SCENES || !f.scenes.every(isObj)) return null;
    film.scenes = f.scenes.map((x, i) => ({ index: i, heading: str(x.heading, 200), metrics: metricsOnly(x.metrics), words: num(x.words) || 0 }));
    film.weights = Array.isArray(f.weights) && f.weights.length === f.scenes.length && f.weights.every((w) => num(w) != null) ? f.weights : null;
    film.overall = metricsOnly(f.overall);
  }
  return { key: str(r.key, 2000), savedAt: r.savedAt, film, picks, total: num(r.total) };
}

/** What IndexedDB held under the list key → { records (good ones, cleaned), skipped (how many were not) }. */
export function readKept(stored) {
  if (stored == null) return { records: [], skipped: 0 };
  if (!Array.isArray(stored)) return { records: [], skipped: 1 };
  const records = [];
  let skipped = 0;
  for (const r of stored) {
    const c = cleanRecord(r);
    if (c && records.length < MAX_KEPT) records.push(c); else if (!c) skipped++;
  }
  return { records, skipped };
}

let lastSkipped = 0;   // bad records met by the last read (the note says how many)
async function readList() {
  try {
    const { records, skipped } = readKept(await idbGet(LIST_KEY));
    lastSkipped = skipped;
    return records;
  } catch { return []; }
}
async function writeList(list) {
  try { await idbSet(LIST_KEY, list.slice(0, MAX_KEPT)); return true; } catch { return false; }
}

const when = (ms) => new Date(ms).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function mountKeep(root, ctx) {
  const list = el('ul', { class: 'recent-list', id: 'recent-list' });
  const note = el('p', { class: 'muted', id: 'recent-note', role: 'status', 'aria-live': 'polite' });
  root.replaceChildren(el('h3', { id: 'recent-h', text: 'Recent soundtracks' }), list, note);
  root.setAttribute('aria-labelledby', 'recent-h');

  // render({ keepPlace: true }): a soundtrack just shown is listed while the
  // user looks at it, below this list; what follows the list keeps its place
  // on screen (the page scrolls by what the list grew, as the browser's scroll
  // anchoring does for content above the window) instead of jumping down.
  async function render({ keepPlace = false } = {}) {
    const kept = await readList();
    const after = keepPlace ? root.nextElementSibling : null;
    const box = after && !after.hidden ? after.getBoundingClientRect() : null;
    const onScreen = box && box.top < innerHeight && box.bottom > 0;
    const top = onScreen ? box.top : null;
    root.hidden = !kept.length && !lastSkipped;
    if (lastSkipped) {
      note.textContent = `${lastSkipped} kept soundtrack${lastSkipped === 1 ? '' : 's'} could not be read (damaged in this browser's storage) and ${lastSkipped === 1 ? 'was' : 'were'} skipped.`;
    }
    list.replaceChildren(...kept.map((r) => {
      const n = r.picks.length;
      const open = el('button', { type: 'button', class: 'recent-open', text: `${r.film.title} — ${n} songs · ${when(r.savedAt)}` });
      const del = el('button', { type: 'button', class: 'recent-delete', text: 'Delete', 'aria-label': `Delete the soundtrack for ${r.film.title} (${when(r.savedAt)})` });
      open.addEventListener('click', () => reopen(r, { focus: true }));
      del.addEventListener('click', async () => {
        await writeList((await readList()).filter((x) => x.key !== r.key));
        note.textContent = `Deleted the soundtrack for ${r.film.title}.`;
        await render();
        (list.querySelector('button') || document.getElementById('film-search'))?.focus();
      });
      return el('li', {}, open, del);
    }));
    if (top != null) {
      const moved = after.getBoundingClientRect().top - top;
      if (moved) scrollBy(0, moved);
    }
  }

  async function reopen(r, { focus = false } = {}) {
    const films = r.film.source === 'catalog' ? await ctx.soundtrack.catalog() : [];
    const shown = fromRecord(r, { films, songs: ctx.library.state.songs });
    if (!shown) { note.textContent = `The film of this soundtrack (${r.film.title}) is no longer in the catalog.`; return false; }
    ctx.soundtrack.open(shown);
    if (focus) document.getElementById('full-h')?.focus();
    return true;
  }

  // a soundtrack the user changed (a song swapped, locked or rebuilt around)
  // replaces the one it came from instead of adding to the list; a lock
  // alone comes as 'soundtrack-locks' (nothing else on the page changes)
  let shownKey = null;
  const onShown = async (ev) => {
    const rec = toRecord(ev.detail);
    // what was said about an earlier soundtrack is old news (a reopened one keeps the list's note)
    if (rec && !ev.detail?.reopened) note.textContent = '';
    const replaces = ev.detail?.edited ? shownKey : null;
    if (rec) shownKey = rec.key;
    if (ev.detail?.reopened || !rec) return;
    const kept = (await readList()).filter((x) => x.key !== rec.key && x.key !== replaces);
    if (!(await writeList([rec, ...kept]))) note.textContent = 'This browser does not let MoodSpace keep soundtracks (storage is off).';
    await render({ keepPlace: true });
  };
  ctx.events.addEventListener('soundtrack', onShown);
  ctx.events.addEventListener('soundtrack-locks', onShown);

  storeEvents.addEventListener('forgotten', () => { note.textContent = ''; render(); });

  // the soundtrack that was on screen comes back (after a reload or the
  // Spotify consent page of "Save to Spotify")
  const ready = (async () => {
    await render();
    const [last] = await readList();
    if (last) await reopen(last).catch((e) => console.error('could not reopen the last soundtrack', e));
  })();
  return { render, ready };
}
