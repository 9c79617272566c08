// The Soundtrack view's controller: a film picker (film-picker.js), the
// film's mood arc (arc-view.js) and its songs (match-view.js), with the
// engine requests between them. Choose a catalog film or bring a script, see
// its mood arc, then
//   Quick match     — the seed's behaviour: a pool of 20 of the user's top
//                     tracks from a random offset never past their top 70, and
//                     the 3 songs nearest the film's overall mood; "Draw again"
//                     draws a pool at another offset;
//   Full soundtrack — the arc in N balanced segments, one distinct song per
//                     segment by optimal assignment; each song can be locked
//                     and the rest rebuilt around it, and "Another song"
//                     offers each segment's next best fits (the engine's
//                     "locked" and "alternatives", wasm/soundtrack.h).
// Both are ONE engine call, filmSoundtrack (wasm/soundtrack.h; the pool
// sizes are the engine's), on the calibrated scale: percentiles among catalog
// scenes and segments for the film, among songs for the songs.

import { filmPicker } from './film-picker.js';
import { arcView } from './arc-view.js';
import { matchView } from './match-view.js';
import { soundtrackRequest, lockIndices, fullPicks, poolWords, ALTERNATIVES } from './requests.js';
import { $, el, fmt, clampNumberField } from '../ui.js';

export { whyWords, ordinal, explainWords } from './why.js';

export function initSoundtrack(ctx) {
  const { library, engine, events } = ctx;
  let film = null; let lastPool = null;
  let ranked = [];   // the library's songs with a mood, in rank order, of the last match
  // a script just read comes with its arc (one engine call for the user's one action)
  const picker = filmPicker({ engine, events, segments: () => segmentCount(),
    onSelect: (f, { arc: a } = {}) => { if (a) arcCache.set(`${f.id}|${segmentCount()}`, a); selectFilm(f); } });
  const arc = arcView();
  const matches = matchView({ engine, lyrics: ctx.lyrics, embedBase: ctx.config.embedBase, control: { lock, another, use } });
  let current = null;   // the full soundtrack on screen: { picks, total }
  // "Rebuild around the locked songs": shown while a song is locked
  const rebuild = el('button', { type: 'button', id: 'rebuild-soundtrack', class: 'primary', hidden: true, text: 'Rebuild around the locked songs' });
  const rebuildNote = el('p', { id: 'rebuild-note', class: 'muted', 'aria-live': 'polite' });
  $('full-list').before(el('div', { class: 'rebuild' }, rebuild, rebuildNote));
  rebuild.addEventListener('click', () => rebuildAround());

  function selectFilm(f, { focus = true } = {}) {
    film = f; lastPool = null;
    $('film-panel').hidden = false;
    $('film-panel').style.minHeight = '';
    $('film-title').textContent = f.year ? `${f.title} (${f.year})` : f.title;
    const o = f.overall;
    $('film-meta').textContent = `${f.scenes.length} scenes · overall mood: energy ${fmt(o.energy)}, valence ${fmt(o.valence)}` +
      (f.source === 'script' ? ' · from your script' : ' · from the catalog');
    matches.hide();
    $('match-status').textContent = '';
    drawArc(null);
    $('film-title').tabIndex = -1; if (focus) $('film-title').focus();
  }

  // --- engine requests: everything comes from ONE call, filmSoundtrack
  // (wasm/soundtrack.h), the same the Taste tab and `moodspace soundtrack`
  // use. Without songs it gives the arc alone (drawn before matching).
  let limits = null;
  engine.ready.then((info) => { limits = info?.constants || null; }, () => {});
  // the field shows the number actually used (2 to the engine's maximum), and
  // says so when it changed it
  function segmentCount() {
    const max = Math.min(Number($('segments').max) || 24, limits?.arc_max_segments ?? 24);
    return clampNumberField($('segments'), { min: 2, max, fallback: 6 }, $('segments-note'));
  }
  function usableSongs() { return library.rankedSongs().filter((s) => s.metrics); }
  const request = (songs, extra) => soundtrackRequest(film, songs, { segments: segmentCount(), ...extra });
  const arcCache = new Map();
  async function arcOnly() {
    const key = `${film.id}|${segmentCount()}`;
    if (!arcCache.has(key)) arcCache.set(key, await engine.call('filmSoundtrack', [request([], {})]));
    return arcCache.get(key);
  }
  const songOfResult = (g) => (g?.song ? ranked[g.song.index] : null);

  // picks (optional): the songs per segment when they are not in `result`
  // (a kept soundtrack reopened: the arc is recomputed, the songs are kept).
  let arcTurn = 0;   // only the latest of overlapping drawArc calls draws
  async function drawArc(result, picks = null) {
    const turn = ++arcTurn;
    let res = result;
    if (!res) {
      try { res = await arcOnly(); } catch (e) { $('match-status').textContent = `The mood arc could not be computed: ${e.message}`; return; }
    }
    if (turn !== arcTurn) return;
    const segments = (res.segments || []).map((g, i) => (picks?.[i] ? { ...g, song_pct: picks[i].songPct, pick: picks[i] } : g));
    arc.draw({ title: film.title, result: { ...res, segments }, songOf: (g) => (g.pick ? g.pick.song : songOfResult(g)), weights: film.weights || null });
  }

  // --- matching ----------------------------------------------------------------------------
  // While songs are matched the film panel holds the page a screen taller
  // than the window, so the footer does not come into sight and then get
  // pushed down by the songs; once they are drawn it keeps just enough room
  // that the footer does not come up into sight either. → release()
  function holdPanel() {
    const panel = $('film-panel');
    panel.style.minHeight = `${Math.max(panel.offsetHeight, 2 * innerHeight - panel.getBoundingClientRect().top)}px`;
    return () => { panel.style.minHeight = `${Math.max(0, Math.round(innerHeight - panel.getBoundingClientRect().top))}px`; };
  }

  async function quickMatch(again = false) {
    if (!film) return;
    ranked = usableSongs();
    if (ranked.length < 1) { $('match-status').textContent = 'No songs with a predicted mood yet: bring your music first (Your music tab).'; return; }
    $('match-status').textContent = 'Matching…';
    const release = holdPanel();
    try {
      const seed = crypto.getRandomValues(new Uint32Array(1))[0];
      // "Draw again": the engine draws a pool at another offset when one exists
      const res = await engine.call('filmSoundtrack', [request(ranked, { quick: { seed, avoid_offset: again && lastPool ? lastPool.offset : -1 } })]);
      const q = res.quick;
      lastPool = { offset: q.offset, size: q.pool.length };
      const picks = q.picks.map((p) => ({ song: songOfResult(p), distance: p.distance, segmentPct: res.overall.pct, songPct: p.song_pct, mood: res.overall.mood })).filter((p) => p.song);
      const considered = Math.min(ranked.length, limits?.pool_max_rank ?? ranked.length);
      matches.showQuick(picks, { poolText: poolWords(q, considered, library.state), sceneText: sceneTextAll() });
      $('match-status').textContent = `Quick match: the ${picks.length} songs nearest the mood of ${film.title}.`;
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'quick', picks } }));
    } catch (e) { $('match-status').textContent = `Matching failed: ${e.message}`; } finally { release(); }
  }

  /**
   * The full soundtrack: one engine call. locks: [{ segment, song (a Song) }]
   * kept in their segments (the rest re-chosen, distinct); segments: their
   * count (a rebuild keeps the one on screen); lockedFlags: which segments
   * show as locked afterwards (default: the locks); open: the segment whose
   * alternatives open. → true when shown.
   */
  async function fullSoundtrack({ locks = [], segments = null, lockedFlags = null, open = -1, edited = false, busy = 'Building the soundtrack…' } = {}) {
    if (!film) return false;
    ranked = usableSongs();
    const asked = segments ?? segmentCount();
    const n = Math.min(asked, film.scenes.length);
    if (n < asked) $('segments-note').textContent = `${film.title} has ${film.scenes.length} scenes, so ${n} segments.`;
    if (ranked.length < n) {
      $('match-status').textContent = `A ${n}-segment soundtrack needs at least ${n} songs with a predicted mood; you have ${ranked.length}.`;
      return false;
    }
    const { locked, missing } = lockIndices(locks, ranked);
    if (missing) { $('match-status').textContent = `“${missing.title}” is no longer in your library with a mood, so it cannot be kept.`; return false; }
    $('match-status').textContent = busy;
    const release = holdPanel();
    try {
      const res = await engine.call('filmSoundtrack', [request(ranked, { segments: n, alternatives: ALTERNATIVES, ...(locked.length ? { locked } : {}) })]);
      const picks = fullPicks(res, film, ranked, lockedFlags);
      const total = picks.reduce((a, p) => a + p.distance, 0);
      showFull(picks, total, res, { open });
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'full', picks, total, edited } }));
      return true;
    } catch (e) { $('match-status').textContent = `The soundtrack could not be built: ${e.message}`; return false; } finally { release(); }
  }
  function showFull(picks, total, res = null, { open = -1 } = {}) {
    current = { picks, total };
    matches.showFull(picks, { sceneText, openAlternatives: open });
    $('match-status').textContent = `Full soundtrack: ${picks.length} segments, ${new Set(picks.map((p) => p.song?.id)).size} different songs.`;
    showRebuild();
    drawArc(res, res ? null : picks);
  }
  function showRebuild() {
    const n = current ? current.picks.filter((p) => p.locked).length : 0;
    rebuild.hidden = !n;
    rebuildNote.textContent = n ? `${n} song${n === 1 ? '' : 's'} locked: rebuilding keeps ${n === 1 ? 'it' : 'them'} and re-chooses the others.` : '';
  }

  // --- control over the soundtrack (match-view.js's buttons) -----------------------
  const keepAll = () => current.picks.map((p, segment) => ({ segment, song: p.song })).filter((l) => l.song);
  /** Lock or unlock a segment's song: kept with the soundtrack (keep.js), the rest of the page left as it is. */
  function lock(i, on) {
    if (!current?.picks[i]) return;
    current.picks[i].locked = on;
    showRebuild();
    events.dispatchEvent(new CustomEvent('soundtrack-locks', { detail: { film, kind: 'full', picks: current.picks, total: current.total, edited: true } }));
  }
  /** A segment's next best fits, when the soundtrack on screen has none yet (a kept one reopened). */
  async function another(i) {
    if (!current) return false;
    return fullSoundtrack({ locks: keepAll(), segments: current.picks.length, lockedFlags: current.picks.map((p) => p.locked), open: i,
      busy: 'Looking for the next best fits…' });
  }
  /** Put an alternative in segment i (it becomes locked); every other song stays where it is. */
  async function use(i, alt) {
    if (!current) return;
    const locks = keepAll().filter((l) => l.segment !== i).concat([{ segment: i, song: alt.song }]);
    const ok = await fullSoundtrack({ locks, segments: current.picks.length, lockedFlags: current.picks.map((p, j) => (j === i ? true : p.locked)),
      edited: true, busy: `Putting “${alt.song.title}” in segment ${i + 1}…` });
    if (ok) { $('match-status').textContent = `Segment ${i + 1} now plays “${alt.song.title}” (locked). ${$('match-status').textContent}`; $('full-list').children[i]?.querySelector('button.lock')?.focus(); }
  }
  /** Keep the locked songs, re-choose the others. */
  async function rebuildAround() {
    if (!current) return;
    const locks = current.picks.map((p, segment) => ({ segment, song: p.song, on: p.locked })).filter((l) => l.on && l.song);
    await fullSoundtrack({ locks, segments: current.picks.length, edited: true, busy: 'Rebuilding around the locked songs…' });
  }

  // keep.js reopens a kept soundtrack (after a reload or Spotify's sign-in
  // page) as it was: its film, segments and songs.
  ctx.soundtrack = {
    catalog: picker.catalog,
    chart: arc.chart,   // the arc chart's Chart.js instance (browser tests, console)
    open({ film: f, picks, total }) {
      $('segments').value = String(picks.length);
      selectFilm(f, { focus: false });
      showFull(picks, total);
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'full', picks, total, reopened: true } }));
    },
  };

  $('quick-match').addEventListener('click', () => quickMatch(false));
  $('draw-again').addEventListener('click', () => quickMatch(true));
  $('full-soundtrack').addEventListener('click', () => fullSoundtrack());
  $('segments').addEventListener('input', () => { $('segments-note').textContent = ''; });
  // the arc chart's code (loaded on demand by arc-view.js) fetched as the view opens, not after a film is chosen
  events.addEventListener('tab', (ev) => { if (ev.detail.name === 'soundtrack') import('./chart-setup.js').catch(() => {}); });
  $('segments').addEventListener('change', () => { segmentCount(); if (film && $('full-results').hidden) drawArc(null); });

  function sceneText(a, b) {
    if (film.source !== 'script') return '';
    return film.scenes.slice(a, b + 1).map((s) => s.text || '').join('\n').slice(0, 200000);
  }
  function sceneTextAll() { return film.source === 'script' ? sceneText(0, film.scenes.length - 1) : ''; }
}
