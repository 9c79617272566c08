// The Soundtrack view: choose a catalog film (search by title) or bring a
// script, see its mood arc, then
//   Quick match     — the seed's behaviour: a pool of 20 of the user's top
//                     tracks from a random offset never past their top 70, and
//                     the 3 songs nearest the film's overall mood; "Draw again"
//                     draws a pool at another offset;
//   Full soundtrack — the arc in N balanced segments, one distinct song per
//                     segment by optimal assignment.
// Both are ONE engine call, filmSoundtrack (wasm/soundtrack.h; the pool
// sizes are the engine's), on the calibrated scale: percentiles among catalog
// scenes and segments for the film, among songs for the songs. The arc chart
// and its table plot those percentiles; "Why this song?" says them in words,
// with the numbers and the words of the lyric (and of the scene, when the
// script text is here) that moved the model's prediction most. Songs play
// through Spotify embeds.

import { loadCatalog as fetchCatalog } from '../film/film-catalog.js';
import { rankFilms, placeholderFor } from '../film/film-search.js';
import { arcSummary } from './arc-summary.js';
import { songPlayer } from './player.js';
import { readScriptFile, ScriptError } from '../film/script-input.js';
import { listMyFilms, keepMyFilm } from '../film/my-films.js';
import { segmentLabel, segmentHeading, sceneSpan } from '../film/segment-label.js';
import { storeEvents } from '../stores.js';
import { $, el, fmt, fmtMetric, orderMetrics, metricsFrom, clampNumberField } from '../ui.js';

// metrics drawn on the arc chart (percentiles, 0–100; tempo only in the table)
const chartMetrics = () => orderMetrics(['energy', 'valence', 'danceability', 'acousticness', 'liveness']);
const COLORS = { energy: '#e4572e', valence: '#2e86ab', danceability: '#a23b72', acousticness: '#3b8f4f', liveness: '#c9a227', tempo: '#777' };

export function initSoundtrack(ctx) {
  const { library, engine, events } = ctx;
  let films = null; let catalogLoading = null;
  let film = null; let chart = null; let lastPool = null;
  // films brought as files, kept in this browser (film/my-films.js): searched with the catalog
  let myFilms = [];
  const myFilmsLoaded = listMyFilms().then(({ films: list }) => { myFilms = list; renderResults(); }, () => {});
  storeEvents.addEventListener('forgotten', () => { myFilms = []; renderResults(); });

  // --- catalog ---------------------------------------------------------------
  function loadCatalog() {
    if (catalogLoading) return catalogLoading;
    $('catalog-status').textContent = 'Loading the film catalog…';
    catalogLoading = Promise.all([fetchCatalog(), myFilmsLoaded]).then(([list]) => {
      films = list;
      $('film-search').placeholder = placeholderFor(films);
      renderResults();
    }).catch((e) => {
      films = [];
      $('catalog-status').textContent = `The film catalog could not be loaded (${e.message}). You can still bring a script.`;
    });
    return catalogLoading;
  }
  events.addEventListener('tab', (ev) => { if (ev.detail.name === 'soundtrack') loadCatalog(); });

  // "Bring the film": when the search finds nothing, its subtitles or screenplay right there
  const bring = el('div', { id: 'film-bring', class: 'bring', hidden: true });
  $('film-results').after(bring);
  function renderBring(q) {
    const input = el('input', { id: 'film-bring-file', type: 'file', accept: '.srt,.vtt,.pdf,.fountain,.spmd,.txt,.fdx,text/plain,application/pdf' });
    const status = el('p', { id: 'film-bring-status', class: 'muted', role: 'status', 'aria-live': 'polite' });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      status.textContent = `Opening ${file.name}…`;
      try {
        const { text, filename, format } = await readScriptFile(file);
        await analyseScript(text, filename, format, { title: q, status });
      } catch (e) { status.textContent = e.message || String(e); }
    });
    bring.replaceChildren(
      el('p', { text: `“${q}” is not in the catalog yet. Bring the film yourself: open its subtitles (.srt, .vtt) or its screenplay (PDF, Fountain, text). ` +
        'MoodSpace reads it here, in this browser, and keeps its mood arc (not the text) so it is found again next time.' }),
      el('label', { for: 'film-bring-file', text: `Subtitles or screenplay of “${q}”` }), input, status);
  }

  const allFilms = () => [...myFilms, ...(films || [])];
  const filmLabel = (f) => (f.kept ? `${f.title} (your file)` : f.year ? `${f.title} (${f.year})` : f.title);
  function renderResults() {
    if (!films) return;
    const q = $('film-search').value;
    const { films: hits, total } = rankFilms(allFilms(), q, 30);   // best first (film-search.js)
    $('film-results').replaceChildren(...hits.map((f) => el('li', {},
      el('button', { type: 'button', text: filmLabel(f), onclick: () => selectFilm(f) }))));
    const none = !!q.trim() && !hits.length;
    if (none) $('film-results').replaceChildren(el('li', { class: 'muted', text: 'No film in the catalog matches.' }));
    if (none && bring.dataset.query !== q.trim()) { bring.dataset.query = q.trim(); renderBring(q.trim().slice(0, 200)); }
    bring.hidden = !none;
    $('catalog-status').textContent = !q.trim() ? `${films.length} films in the catalog${myFilms.length ? `, ${myFilms.length} brought by you` : ''}.`
      : `${total} of ${films.length + myFilms.length} films match${total > hits.length ? ` (the best ${hits.length} shown)` : ''}.`;
  }
  $('film-search').addEventListener('input', () => { loadCatalog(); renderResults(); });
  $('film-search').addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') { const b = $('film-results').querySelector('button'); if (b) { ev.preventDefault(); b.focus(); } }
  });
  $('film-results').addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const buttons = [...$('film-results').querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    ev.preventDefault();
    if (ev.key === 'ArrowDown') buttons[Math.min(i + 1, buttons.length - 1)].focus();
    else if (i === 0) $('film-search').focus(); else buttons[i - 1].focus();
  });

  // --- bring a script ------------------------------------------------------------------
  async function analyseScript(text, filename, format, { title: named = '', status = $('script-status') } = {}) {
    const say = (t) => { status.textContent = t; };
    say('Reading the script…');
    try {
      const opts = { filename: filename || '', format: format || 'auto' };
      // scenes with their text (for explanations), then the engine's arc:
      // per-scene predictions, weighted by words, and the overall mood
      const parsed = await engine.call('parseScript', [text, opts]);
      const scenesIn = Array.isArray(parsed?.scenes) ? parsed.scenes : [];
      if (!scenesIn.length) throw new ScriptError('No scenes were found in this script.');
      say(`Predicting the mood of ${scenesIn.length} scenes…`);
      const arc = await engine.call('arc', [text, { ...opts, segments: 1, scenes: true }]);
      const arcScenes = Array.isArray(arc?.scenes) ? arc.scenes : [];
      const scenes = arcScenes.map((a, i) => {
        const p = scenesIn[i] || {};
        const heading = String(a.heading || p.heading || (p.start >= 0 ? `${fmtTime(p.start)}–${fmtTime(p.end)}` : `Scene ${i + 1}`));
        return { index: i, heading: heading.slice(0, 200), metrics: metricsFrom(a.mood), text: String(p.text ?? ''), words: Number(p.words) || 0 };
      });
      if (!scenes.length || !Object.keys(scenes[0].metrics).length) throw new ScriptError('The model could not read any scene of this script.');
      // the title the user searched for names the film best; then the title page's, then the file's name
      const title = named || (parsed.title && String(parsed.title).trim()) || (filename ? filename.replace(/\.[^.]+$/, '') : 'Your script');
      const warn = Array.isArray(parsed.warnings) && parsed.warnings.length ? ` Note: ${parsed.warnings.slice(0, 3).join('; ')}` : '';
      const f = { id: `script:${title}`, title, year: null /* a title page's date is a draft's */, source: 'script', scenes,
        weights: scenes.map((x) => Math.max(1, x.words)), overall: metricsFrom(arc.overall), from: filename || '' };
      // kept like a catalog film (its arc, not its text): the search finds it after a reload
      const kept = await keepMyFilm(f);
      if (kept) { myFilms = [{ ...f, kept: true }, ...myFilms.filter((x) => x.id !== f.id)]; }
      say(`Read ${scenes.length} scenes (${parsed.format || 'script'}).${kept ? ` “${title}” is kept in this browser: search for it any time.` : ''}${warn}`);
      if (named) { $('film-search').value = title; renderResults(); }
      selectFilm(f);
    } catch (e) {
      say(e.message || String(e));
    }
  }
  $('script-file').addEventListener('change', async () => {
    const file = $('script-file').files?.[0];
    if (!file) return;
    $('script-status').textContent = `Opening ${file.name}…`;
    try {
      const { text, filename, format } = await readScriptFile(file);
      await analyseScript(text, filename, format);
    } catch (e) { $('script-status').textContent = e.message || String(e); }
  });
  $('script-go').addEventListener('click', () => {
    const text = $('script-text').value;
    if (!text.trim()) { $('script-status').textContent = 'Paste a script or subtitles first.'; $('script-text').focus(); return; }
    analyseScript(text, '', 'auto');
  });

  // --- the selected film -----------------------------------------------------------------
  function selectFilm(f, { focus = true } = {}) {
    film = f; lastPool = null;
    $('film-panel').hidden = false;
    $('film-title').textContent = f.year ? `${f.title} (${f.year})` : f.title;
    const o = f.overall;
    $('film-meta').textContent = `${f.scenes.length} scenes · overall mood: energy ${fmt(o.energy)}, valence ${fmt(o.valence)}, tempo ${fmt(o.tempo, 0)}` +
      (f.source === 'script' ? ' · from your script' : ' · from the catalog');
    $('quick-results').hidden = true; $('full-results').hidden = true; $('draw-again').hidden = true;
    $('match-status').textContent = '';
    drawArc(null);
    $('film-title').tabIndex = -1; if (focus) $('film-title').focus();
  }

  // Everything below comes from ONE engine call, filmSoundtrack
  // (wasm/soundtrack.h), the same the Taste tab and `moodspace soundtrack`
  // use: the film's segments, every number on the calibrated scale
  // (percentiles among catalog scenes / segments, songs among songs), and the
  // songs. Without songs it gives the arc alone (drawn before matching).
  let limits = null;
  engine.ready.then((info) => { limits = info?.constants || null; }, () => {});
  // the field shows the number actually used (2 to the engine's maximum), and
  // says so when it changed it
  function segmentCount() {
    const max = Math.min(Number($('segments').max) || 24, limits?.arc_max_segments ?? 24);
    return clampNumberField($('segments'), { min: 2, max, fallback: 6 }, $('segments-note'));
  }
  function usableSongs() { return library.rankedSongs().filter((s) => s.metrics); }
  // compare on the metrics both the film and the songs have (a catalog or a
  // demo library may carry fewer than the model predicts)
  const sharedMetrics = (songs) => Object.keys(film.overall).filter((m) => !songs.length || songs.some((s) => typeof s.metrics[m] === 'number'));
  function request(songs, extra) {
    const req = { scenes: film.scenes.map((s) => s.metrics), segments: segmentCount(), songs: songs.map((s) => ({ id: s.id, ...s.metrics })),
      metrics: sharedMetrics(songs), detail: true, ...extra };
    if (film.weights) req.scene_weights = film.weights;
    return req;
  }
  const arcCache = new Map();
  async function arcOnly() {
    const key = `${film.id}|${segmentCount()}`;
    if (!arcCache.has(key)) arcCache.set(key, await engine.call('filmSoundtrack', [request([], {})]));
    return arcCache.get(key);
  }

  // Chart and table show the same numbers: per-scene percentiles (points),
  // their smoothed curve (lines), and each segment's percentile (the table's
  // rows, drawn as steps) with the chosen song's (diamonds).
  // picks (optional): the songs per segment when they are not in `result`
  // (a kept soundtrack reopened: the arc is recomputed, the songs are kept).
  let drawing = 0;   // only the latest of overlapping drawArc calls draws
  async function drawArc(result, picks = null) {
    const turn = ++drawing;
    let res = result;
    if (!res) {
      try { res = await arcOnly(); } catch (e) { $('match-status').textContent = `The mood arc could not be computed: ${e.message}`; return; }
    }
    if (turn !== drawing) return;
    const segs = (res.segments || []).map((g, i) => (picks?.[i] ? { ...g, song_pct: picks[i].songPct, pick: picks[i] } : g));
    const songOf = (g) => (g.pick ? g.pick.song : songOfResult(g));
    const withSongs = segs.some((g) => songOf(g));
    const metrics = chartMetrics().filter((m) => typeof res.overall?.pct?.[m] === 'number');
    const tableMetrics = metrics.concat(typeof res.overall?.pct?.tempo === 'number' ? ['tempo'] : []);
    $('arc-table').tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'Segment' }), el('th', { scope: 'col', text: 'Scenes' }),
      ...tableMetrics.map((m) => el('th', { scope: 'col', text: `${m} (percentile)` })), ...(withSongs ? [el('th', { scope: 'col', text: 'Song' })] : [])));
    $('arc-table').tBodies[0].replaceChildren(...segs.map((g, i) => el('tr', {},
      el('th', { scope: 'row', text: String(i + 1) }),
      el('td', { text: sceneSpan(g.first_scene, g.last_scene) }),
      ...tableMetrics.map((m) => el('td', { class: 'num', text: withSongs ? `${pctText(g.pct[m])} · song ${pctText(g.song_pct?.[m])}` : pctText(g.pct[m]) })),
      ...(withSongs ? [el('td', { text: songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '' })] : []))));
    // the chart's accessible name carries the data; the table has every number
    $('arc-chart').setAttribute('aria-label', `${arcSummary(film.title, segs.map((g) => ({ metrics: g.pct || {} })), metrics.slice(0, 3))} (percentiles among catalog segments.) Every segment's numbers are in the table "Mood arc as a table" below the chart.`);
    try {
      const { Chart } = await import('./chart-setup.js');
      if (turn !== drawing) return;
      const scenes = res.scenes || [];
      const labels = scenes.map((_, i) => String(i + 1));
      const datasets = [];
      for (const m of metrics) {
        datasets.push({ type: 'line', label: m, data: scenes.map((x) => x.smooth_pct?.[m] ?? null), borderColor: COLORS[m], backgroundColor: COLORS[m],
          pointRadius: scenes.length <= 40 ? 3 : 0, borderWidth: 2, tension: 0.2 });
        datasets.push({ type: 'scatter', label: `${m}, each scene`, data: scenes.map((x, i) => ({ x: String(i + 1), y: x.pct?.[m] ?? null })),
          pointRadius: 1.5, borderColor: COLORS[m], backgroundColor: COLORS[m], showLine: false, hidden: scenes.length > 40 });
      }
      for (const m of ['energy', 'valence'].filter((x) => metrics.includes(x))) {
        const steps = scenes.map((_, i) => { const g = segs.find((s) => i >= s.first_scene && i <= s.last_scene); return g ? g.pct[m] : null; });
        datasets.push({ type: 'line', label: `${m}, segment (table)`, data: steps, borderColor: COLORS[m], borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, stepped: true });
        if (withSongs) {
          datasets.push({ type: 'scatter', label: `chosen songs (${m})`, pointRadius: 7, pointStyle: 'rectRot', borderColor: '#111', backgroundColor: COLORS[m],
            data: segs.map((g) => ({ x: String(Math.round((g.first_scene + g.last_scene) / 2) + 1), y: g.song_pct?.[m] ?? null })),
            songTitles: segs.map((g) => (songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '')) });
        }
      }
      if (chart) chart.destroy();
      chart = new Chart($('arc-chart'), {
        data: { labels, datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: 'scene' } },
            y: { min: 0, max: 100, title: { display: true, text: 'percentile among catalog scenes (0 = lowest)' } } },
          plugins: { tooltip: { callbacks: { afterLabel: (c) => c.dataset.songTitles?.[c.dataIndex] || '' } } },
        },
      });
    } catch (e) {
      console.error('chart failed', e);
    }
  }

  // --- matching ----------------------------------------------------------------------------
  let ranked = [];
  const songOfResult = (g) => (g?.song ? ranked[g.song.index] : null);
  const songOf = songOfResult;

  async function quickMatch(again = false) {
    if (!film) return;
    ranked = usableSongs();
    if (ranked.length < 1) { $('match-status').textContent = 'No songs with a predicted mood yet: bring your music first (Your music tab).'; return; }
    $('match-status').textContent = 'Matching…';
    try {
      const seed = crypto.getRandomValues(new Uint32Array(1))[0];
      // "Draw again": the engine draws a pool at another offset when one exists
      const res = await engine.call('filmSoundtrack', [request(ranked, { quick: { seed, avoid_offset: again && lastPool ? lastPool.offset : -1 } })]);
      const q = res.quick;
      lastPool = { offset: q.offset, size: q.pool.length };
      const picks = q.picks.map((p) => ({ song: songOf(p), distance: p.distance, segmentPct: res.overall.pct, songPct: p.song_pct, mood: res.overall.mood })).filter((p) => p.song);
      const considered = Math.min(ranked.length, limits?.pool_max_rank ?? ranked.length);
      $('quick-pool').textContent = `Drawn from your top tracks ${q.offset + 1}–${q.offset + q.pool.length} (of ${considered} considered).`;
      $('quick-list').replaceChildren(...picks.map((p) => matchCard(p, { sceneText: sceneTextAll() })));
      $('quick-results').hidden = false; $('draw-again').hidden = false;
      $('match-status').textContent = `Quick match: the ${picks.length} songs nearest the mood of ${film.title}.`;
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'quick', picks } }));
    } catch (e) { $('match-status').textContent = `Matching failed: ${e.message}`; }
  }

  async function fullSoundtrack() {
    if (!film) return;
    ranked = usableSongs();
    const asked = segmentCount();
    const n = Math.min(asked, film.scenes.length);
    if (n < asked) $('segments-note').textContent = `${film.title} has ${film.scenes.length} scenes, so ${n} segments.`;
    if (ranked.length < n) {
      $('match-status').textContent = `A ${n}-segment soundtrack needs at least ${n} songs with a predicted mood; you have ${ranked.length}.`;
      return;
    }
    $('match-status').textContent = 'Building the soundtrack…';
    try {
      const res = await engine.call('filmSoundtrack', [request(ranked, {})]);
      const picks = res.segments.map((g, i) => ({
        segment: { segment: i, first: g.first_scene, last: g.last_scene, heading: segmentHeading(film.scenes, g.first_scene, g.last_scene), metrics: g.mood },
        song: songOf(g), distance: g.distance, segmentPct: g.pct, songPct: g.song_pct, mood: g.mood }));
      const total = picks.reduce((a, p) => a + p.distance, 0);
      showFull(picks, total, res);
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'full', picks, total } }));
    } catch (e) { $('match-status').textContent = `The soundtrack could not be built: ${e.message}`; }
  }
  function showFull(picks, total, res = null) {
    $('full-list').replaceChildren(...picks.map((p) => matchCard(p, {
      sceneText: sceneText(p.segment.first, p.segment.last),
      label: segmentLabel(p.segment),
    })));
    $('full-results').hidden = false;
    $('match-status').textContent = `Full soundtrack: ${picks.length} segments, ${new Set(picks.map((p) => p.song?.id)).size} different songs, total distance ${fmt(total, 3)}.`;
    drawArc(res, res ? null : picks);
  }

  // keep.js reopens a kept soundtrack (after a reload or Spotify's sign-in
  // page) as it was: its film, segments and songs.
  ctx.soundtrack = {
    catalog: async () => { await loadCatalog(); return films || []; },
    open({ film: f, picks, total }) {
      $('segments').value = String(picks.length);
      selectFilm(f, { focus: false });
      showFull(picks, total);
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'full', picks, total, reopened: true } }));
    },
  };

  $('arc-table-link').addEventListener('click', () => { $('arc-table-wrap').open = true; });   // the link lands on an open table
  $('quick-match').addEventListener('click', () => quickMatch(false));
  $('draw-again').addEventListener('click', () => quickMatch(true));
  $('full-soundtrack').addEventListener('click', fullSoundtrack);
  $('segments').addEventListener('input', () => { $('segments-note').textContent = ''; });
  $('segments').addEventListener('change', () => { segmentCount(); if (film && $('full-results').hidden) drawArc(null); });

  function sceneText(a, b) {
    if (film.source !== 'script') return '';
    return film.scenes.slice(a, b + 1).map((s) => s.text || '').join('\n').slice(0, 200000);
  }
  function sceneTextAll() { return film.source === 'script' ? sceneText(0, film.scenes.length - 1) : ''; }

  // --- a match card ---------------------------------------------------------------------------
  function matchCard(p, { sceneText: sText, label }) {
    const s = p.song;
    const li = el('li', { class: 'match' });
    if (label) li.append(el('p', { class: 'seg', text: label }));
    if (!s) { li.append(el('p', { text: 'No song for this segment.' })); return li; }
    li.append(el('p', { class: 'title', text: s.title }), el('p', { class: 'artist', text: s.artist }));
    const player = songPlayer(s, ctx.config.embedBase);   // the embed, or title + link when offline (player.js)
    if (player) li.append(player);
    const why = el('details', { class: 'why' }, el('summary', { text: `Why this song? (distance ${fmt(p.distance, 3)})` }));
    const metrics = Object.keys(p.segmentPct || {}).filter((m) => typeof p.songPct?.[m] === 'number');
    why.append(el('p', { class: 'why-words', text: whyWords(p.segmentPct, p.songPct, metrics) }));
    why.append(el('table', {},
      el('caption', { class: 'visually-hidden', text: 'Song mood against the film, as percentiles' }),
      el('thead', {}, el('tr', {}, ...['metric', 'film %ile', 'song %ile', 'film', 'song'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...metrics.map((m) => el('tr', {},
        el('th', { scope: 'row', text: m }),
        el('td', { class: 'num', text: pctText(p.segmentPct[m]) }),
        el('td', { class: 'num', text: pctText(p.songPct[m]) }),
        el('td', { class: 'num', text: fmtMetric(m, p.mood?.[m]) }),
        el('td', { class: 'num', text: fmtMetric(m, s.metrics?.[m]) }))))));
    const lyricWords = el('p', { class: 'words' }, el('strong', { text: 'Lyric words: ' }), el('span', { class: 'muted', text: '…' }));
    const sceneWords = sText ? el('p', { class: 'words' }, el('strong', { text: 'Scene words: ' }), el('span', { class: 'muted', text: '…' })) : null;
    why.append(lyricWords);
    if (sceneWords) why.append(sceneWords);
    why.addEventListener('toggle', () => { if (why.open && !why.dataset.loaded) { why.dataset.loaded = '1'; explainInto(s, lyricWords, sText, sceneWords); } });
    li.append(why);
    return li;
  }

  async function explainInto(song, lyricP, sText, sceneP) {
    // one line per metric: the words whose removal changed the prediction most (signed, metric units)
    const fill = (p, res, none) => {
      const groups = explainWords(res).filter((g) => g.words.length);
      const parts = groups.map((g) => el('span', { class: 'metric-words' },
        el('em', { text: `${g.metric}: ` }),
        g.words.slice(0, 4).map((w) => `${w.word} (${w.delta > 0 ? '+' : '−'}${Math.abs(w.delta).toFixed(g.metric === 'tempo' ? 1 : 3)})`).join(', ')));
      p.replaceChildren(p.firstChild, ...(parts.length ? parts : [el('span', { class: 'muted', text: none })]));
    };
    try {
      const text = await ctx.lyrics.lyricsOf(song);
      if (text) fill(lyricP, await engine.call('explain', [text, { top: 4 }]), 'no single word stood out');
      else fill(lyricP, null, song.lyricsStatus === 'none' ? 'lyrics are not part of the demo library' : 'no lyrics at hand');
    } catch (e) { fill(lyricP, null, `could not explain (${e.message})`); }
    if (sceneP) {
      try { fill(sceneP, await engine.call('explain', [sText, { top: 4 }]), 'no single word stood out'); }
      catch (e) { fill(sceneP, null, `could not explain (${e.message})`); }
    }
  }
}

/** The engine's explanation ({ top: { metric: [{ word, delta }] } }) → [{ metric, words: [{ word, delta }] }], main metrics first. */
export function explainWords(res) {
  const top = res && typeof res === 'object' && res.top && typeof res.top === 'object' ? res.top : {};
  const names = orderMetrics(Object.keys(top));
  return names.map((metric) => ({
    metric,
    words: (Array.isArray(top[metric]) ? top[metric] : [])
      .filter((w) => w && typeof w.word === 'string' && typeof w.delta === 'number' && Number.isFinite(w.delta))
      .map((w) => ({ word: w.word.slice(0, 60), delta: w.delta })),
  }));
}

const pctText = (v) => (typeof v === 'number' && Number.isFinite(v) ? ordinal(Math.round(v)) : '—');

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st … */
export function ordinal(n) {
  const t = n % 100; const o = n % 10;
  return `${n}${t >= 11 && t <= 13 ? 'th' : o === 1 ? 'st' : o === 2 ? 'nd' : o === 3 ? 'rd' : 'th'}`;
}

const LOW = { energy: 'calmest', valence: 'darkest', danceability: 'least danceable', acousticness: 'least acoustic', tempo: 'slowest', liveness: 'least live' };
const HIGH = { energy: 'most energetic', valence: 'happiest', danceability: 'most danceable', acousticness: 'most acoustic', tempo: 'fastest', liveness: 'most live' };
const WHY_ORDER = ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'];

/**
 * "Why this song?" in words from the calibrated scale: the (at most two)
 * metrics where film and song are most alike AND furthest from the middle,
 * e.g. "Both among the calmest 15 %: film energy 12th percentile, song 9th."
 * filmPct / songPct: { metric: percentile 0..100 }.
 */
export function whyWords(filmPct, songPct, metrics = Object.keys(filmPct || {})) {
  const ms = metrics.filter((m) => typeof filmPct?.[m] === 'number' && typeof songPct?.[m] === 'number')
    .sort((a, b) => (WHY_ORDER.indexOf(a) + 1 || 99) - (WHY_ORDER.indexOf(b) + 1 || 99));
  if (!ms.length) return '';
  const side = (m) => {
    const f = filmPct[m]; const s = songPct[m];
    if (f < 50 && s < 50) return { m, score: 50 - Math.max(f, s), text: `both among the ${LOW[m] || `lowest in ${m}`} ${Math.max(5, Math.ceil(Math.max(f, s) / 5) * 5)} %` };
    if (f >= 50 && s >= 50) return { m, score: Math.min(f, s) - 50, text: `both among the ${HIGH[m] || `highest in ${m}`} ${Math.max(5, Math.ceil((100 - Math.min(f, s)) / 5) * 5)} %` };
    return { m, score: -Math.abs(f - s), text: `${m} near the middle for both` };
  };
  const parts = ms.slice(0, 4).map(side).sort((a, b) => b.score - a.score).slice(0, 2);
  return parts.map((p) => {
    const t = `${p.text}: film ${p.m} ${pctText(filmPct[p.m])} percentile, song ${pctText(songPct[p.m])}`;
    return t[0].toUpperCase() + t.slice(1);
  }).join('. ') + '.';
}

function fmtTime(sec) {
  if (!(sec >= 0)) return '';
  const m = Math.floor(sec / 60); const s = Math.floor(sec % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
