// The Soundtrack view: choose a catalog film (search by title) or bring a
// script, see its mood arc, then
//   Quick match     — the seed's behaviour: a pool of 20 of the user's top
//                     tracks from a random offset never past their top 70, and
//                     the 3 songs nearest the film's overall mood; "Draw again"
//                     draws a new pool;
//   Full soundtrack — the arc in N segments (user-chosen), one distinct song
//                     per segment by optimal assignment (the engine), shown on
//                     the arc chart.
// Each match explains itself: per-metric differences and the words of the
// lyric (and of the scene, when the script text is here) that moved the
// model's prediction most. Songs play through Spotify embeds.

import { loadCatalog as fetchCatalog } from './film-catalog.js';
import { rankFilms, placeholderFor } from './film-search.js';
import { arcSummary } from './arc-summary.js';
import { songPlayer } from './player.js';
import { readScriptFile, ScriptError } from './script-input.js';
import { $, el, fmt, fmtMetric, orderMetrics, metricsFrom, clampNumberField } from './ui.js';

// metrics drawn on the arc chart's 0–1 axis (tempo has its own scale)
const chartMetrics = () => orderMetrics(['energy', 'valence', 'danceability', 'acousticness', 'liveness']);
const COLORS = { energy: '#e4572e', valence: '#2e86ab', danceability: '#a23b72', acousticness: '#3b8f4f', liveness: '#c9a227', tempo: '#777' };

export function initSoundtrack(ctx) {
  const { library, engine, events } = ctx;
  let films = null; let catalogLoading = null;
  let film = null; let chart = null; let lastPool = null;

  // --- catalog ---------------------------------------------------------------
  function loadCatalog() {
    if (catalogLoading) return catalogLoading;
    $('catalog-status').textContent = 'Loading the film catalog…';
    catalogLoading = fetchCatalog().then((list) => {
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

  function renderResults() {
    if (!films) return;
    const q = $('film-search').value;
    const { films: hits, total } = rankFilms(films, q, 30);   // best first (film-search.js)
    $('film-results').replaceChildren(...hits.map((f) => el('li', {},
      el('button', { type: 'button', text: f.year ? `${f.title} (${f.year})` : f.title, onclick: () => selectFilm(f) }))));
    if (q.trim() && !hits.length) $('film-results').replaceChildren(el('li', { class: 'muted', text: 'No film in the catalog matches.' }));
    $('catalog-status').textContent = !q.trim() ? `${films.length} films in the catalog.`
      : `${total} of ${films.length} films match${total > hits.length ? ` (the best ${hits.length} shown)` : ''}.`;
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
  async function analyseScript(text, filename, format) {
    $('script-status').textContent = 'Reading the script…';
    try {
      const opts = { filename: filename || '', format: format || 'auto' };
      // scenes with their text (for explanations), then the engine's arc:
      // per-scene predictions, weighted by words, and the overall mood
      const parsed = await engine.call('parseScript', [text, opts]);
      const scenesIn = Array.isArray(parsed?.scenes) ? parsed.scenes : [];
      if (!scenesIn.length) throw new ScriptError('No scenes were found in this script.');
      $('script-status').textContent = `Predicting the mood of ${scenesIn.length} scenes…`;
      const arc = await engine.call('arc', [text, { ...opts, segments: 1, scenes: true }]);
      const arcScenes = Array.isArray(arc?.scenes) ? arc.scenes : [];
      const scenes = arcScenes.map((a, i) => {
        const p = scenesIn[i] || {};
        const heading = String(a.heading || p.heading || (p.start >= 0 ? `${fmtTime(p.start)}–${fmtTime(p.end)}` : `Scene ${i + 1}`));
        return { index: i, heading: heading.slice(0, 200), metrics: metricsFrom(a.mood), text: String(p.text ?? ''), words: Number(p.words) || 0 };
      });
      if (!scenes.length || !Object.keys(scenes[0].metrics).length) throw new ScriptError('The model could not read any scene of this script.');
      const title = (parsed.title && String(parsed.title).trim()) || (filename ? filename.replace(/\.[^.]+$/, '') : 'Your script');
      const warn = Array.isArray(parsed.warnings) && parsed.warnings.length ? ` Note: ${parsed.warnings.slice(0, 3).join('; ')}` : '';
      $('script-status').textContent = `Read ${scenes.length} scenes (${parsed.format || 'script'}).${warn}`;
      selectFilm({ id: `script:${title}`, title, year: null /* a title page's date is a draft's */, source: 'script', scenes,
        weights: scenes.map((x) => Math.max(1, x.words)), overall: metricsFrom(arc.overall) });
    } catch (e) {
      $('script-status').textContent = e.message || String(e);
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

  // The film's arc split into N segments by the engine (mood change points;
  // wasm/arc.h), with its smoothed per-scene curve. Cached per film and N.
  const arcCache = new Map();
  async function arcSegments() {
    const n = readSegments();
    const metrics = Object.keys(film.overall);
    const k = Math.max(1, Math.min(n, film.scenes.length, 64));
    const key = `${film.id}|${k}`;
    if (!arcCache.has(key)) {
      const req = { scenes: film.scenes.map((s) => s.metrics), metrics, segments: k };
      if (film.weights) req.weights = film.weights;
      const a = await engine.call('arcFromMetrics', [req]);
      arcCache.set(key, {
        segments: (a.segments || []).map((g, i) => ({ segment: i, first: g.first, last: g.last,
          heading: film.scenes[g.first]?.heading || '', metrics: metricsFrom(g.mood) })),
        smooth: Array.isArray(a.scenes) ? a.scenes.map((x) => metricsFrom(x.smooth)) : null,
      });
    }
    return arcCache.get(key);
  }

  let drawing = 0;   // only the latest of overlapping drawArc calls draws
  async function drawArc(assignment) {
    const turn = ++drawing;
    let arc;
    try { arc = await arcSegments(); } catch (e) { $('match-status').textContent = `The mood arc could not be computed: ${e.message}`; return; }
    if (turn !== drawing) return;
    const segs = assignment ? assignment.segments : arc.segments;
    // table behind the chart: one row per segment
    const metrics = chartMetrics().filter((m) => typeof film.overall[m] === 'number').concat(typeof film.overall.tempo === 'number' ? ['tempo'] : []);
    $('arc-table').tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'Segment' }), el('th', { scope: 'col', text: 'Scenes' }),
      ...metrics.map((m) => el('th', { scope: 'col', text: m })), ...(assignment ? [el('th', { scope: 'col', text: 'Song' })] : [])));
    $('arc-table').tBodies[0].replaceChildren(...segs.map((s, i) => el('tr', {},
      el('th', { scope: 'row', text: String(i + 1) }),
      el('td', { text: `${s.first + 1}–${s.last + 1}` }),
      ...metrics.map((m) => el('td', { class: 'num', text: fmtMetric(m, s.metrics[m]) })),
      ...(assignment ? [el('td', { text: assignment.songs[i] ? `${assignment.songs[i].title} — ${assignment.songs[i].artist}` : '' })] : []))));
    // the chart's accessible name carries the data; the table has every number
    $('arc-chart').setAttribute('aria-label', `${arcSummary(film.title, segs, metrics.slice(0, 3))} Every segment's numbers are in the table "Mood arc as a table" below the chart.`);
    try {
      const { Chart } = await import('./chart-setup.js');
      if (turn !== drawing) return;
      const labels = film.scenes.map((s, i) => String(i + 1));
      const datasets = chartMetrics().filter((m) => typeof film.overall[m] === 'number').map((m) => ({
        type: 'line', label: m, data: (arc.smooth || film.scenes.map((s) => s.metrics)).map((x) => x[m] ?? null), borderColor: COLORS[m], backgroundColor: COLORS[m],
        pointRadius: 0, borderWidth: 2, tension: 0.3,
      }));
      if (assignment) {
        datasets.push({
          type: 'scatter', label: 'chosen songs (energy)', pointRadius: 7, pointStyle: 'rectRot', borderColor: '#111', backgroundColor: '#ff9f1c',
          data: segs.map((s, i) => ({ x: String(Math.round((s.first + s.last) / 2) + 1), y: assignment.songs[i]?.metrics?.energy ?? null })),
          songTitles: assignment.songs.map((s) => (s ? `${s.title} — ${s.artist}` : '')),
        });
      }
      if (chart) chart.destroy();
      chart = new Chart($('arc-chart'), {
        data: { labels, datasets },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: 'scene' } }, y: { grace: '5%', title: { display: true, text: 'predicted value (0–1 scale, zoomed)' } } },
          plugins: { tooltip: { callbacks: { afterLabel: (c) => c.dataset.songTitles?.[c.dataIndex] || '' } } },
        },
      });
    } catch (e) {
      console.error('chart failed', e);
    }
  }

  // --- matching ----------------------------------------------------------------------------
  function usableSongs() { return library.rankedSongs().filter((s) => s.metrics); }
  const songReq = (s) => ({ id: s.id, ...s.metrics });
  // compare on the metrics both the film and the songs have (a catalog or a
  // demo library may carry fewer than the model predicts)
  const sharedMetrics = (songs) => Object.keys(film.overall).filter((m) => songs.some((s) => typeof s.metrics[m] === 'number'));

  async function quickMatch() {
    if (!film) return;
    const ranked = usableSongs();
    if (ranked.length < 1) { $('match-status').textContent = 'No songs with a predicted mood yet: bring your music first (Your music tab).'; return; }
    $('match-status').textContent = 'Matching…';
    try {
      const seed = crypto.getRandomValues(new Uint32Array(1))[0];
      const pool = await engine.call('pool', [{ n: ranked.length, seed, size: 20, max_rank: 70 }]);
      const idx = Array.isArray(pool?.indices) ? pool.indices : [];
      const poolSongs = idx.map((i) => ranked[i]).filter(Boolean);
      lastPool = { offset: pool?.offset ?? 0, songs: poolSongs };
      const res = await engine.call('match', [{ songs: poolSongs.map(songReq), target: film.overall, k: 3, metrics: sharedMetrics(poolSongs) }]);
      if (res?.error) throw new Error(res.error);
      const picks = (res.matches || []).map((m) => ({ song: poolSongs[m.index], distance: m.distance, diff: m.diff || {} })).filter((p) => p.song);
      $('quick-pool').textContent = `Drawn from your top tracks ${lastPool.offset + 1}–${lastPool.offset + poolSongs.length} (of ${Math.min(ranked.length, 70)} considered).`;
      $('quick-list').replaceChildren(...picks.map((p) => matchCard(p, { target: film.overall, sceneText: sceneTextAll() })));
      $('quick-results').hidden = false; $('draw-again').hidden = false;
      $('match-status').textContent = `Quick match: the ${picks.length} songs nearest the mood of ${film.title}.`;
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'quick', picks } }));
    } catch (e) { $('match-status').textContent = `Matching failed: ${e.message}`; }
  }

  async function fullSoundtrack() {
    if (!film) return;
    const songs = usableSongs();
    let segs;
    try { segs = (await arcSegments()).segments; } catch (e) { $('match-status').textContent = `The mood arc could not be computed: ${e.message}`; return; }
    const asked = readSegments();
    if (segs.length < asked) $('segments-note').textContent = `${film.title} has ${film.scenes.length} scenes, so ${segs.length} segments.`;
    if (songs.length < segs.length) {
      $('match-status').textContent = `A ${segs.length}-segment soundtrack needs at least ${segs.length} songs with a predicted mood; you have ${songs.length}.`;
      return;
    }
    $('match-status').textContent = 'Building the soundtrack…';
    try {
      const res = await engine.call('soundtrack', [{ songs: songs.map(songReq), segments: segs.map((s) => s.metrics), metrics: sharedMetrics(songs) }]);
      if (res?.error) throw new Error(res.error);
      const asg = Array.isArray(res?.assignment) ? res.assignment : [];
      const picks = segs.map((seg, i) => {
        const a = asg.find((x) => x.segment === i) || asg[i];
        return { segment: seg, song: a ? songs[a.index] : null, distance: a?.distance, diff: a?.diff || {} };
      });
      showFull(picks, res.total);
      events.dispatchEvent(new CustomEvent('soundtrack', { detail: { film, kind: 'full', picks, total: res.total } }));
    } catch (e) { $('match-status').textContent = `The soundtrack could not be built: ${e.message}`; }
  }
  function showFull(picks, total) {
    $('full-list').replaceChildren(...picks.map((p) => matchCard(p, {
      target: p.segment.metrics, sceneText: sceneText(p.segment.first, p.segment.last),
      label: `Segment ${p.segment.segment + 1} · scenes ${p.segment.first + 1}–${p.segment.last + 1} · ${p.segment.heading}`,
    })));
    $('full-results').hidden = false;
    $('match-status').textContent = `Full soundtrack: ${picks.length} segments, ${picks.length} different songs, total distance ${fmt(total)}.`;
    drawArc({ segments: picks.map((p) => p.segment), songs: picks.map((p) => p.song) });
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
  $('quick-match').addEventListener('click', quickMatch);
  $('draw-again').addEventListener('click', quickMatch);
  $('full-soundtrack').addEventListener('click', fullSoundtrack);
  // the field shows the number actually used (2–24), and says so when it changed it
  const readSegments = () => clampNumberField($('segments'), { min: 2, max: 24, fallback: 6 }, $('segments-note'));
  $('segments').addEventListener('input', () => { $('segments-note').textContent = ''; });
  $('segments').addEventListener('change', () => { readSegments(); if (film && $('full-results').hidden) drawArc(null); });

  function sceneText(a, b) {
    if (film.source !== 'script') return '';
    return film.scenes.slice(a, b + 1).map((s) => s.text || '').join('\n').slice(0, 200000);
  }
  function sceneTextAll() { return film.source === 'script' ? sceneText(0, film.scenes.length - 1) : ''; }

  // --- a match card ---------------------------------------------------------------------------
  function matchCard(p, { target, sceneText: sText, label }) {
    const s = p.song;
    const li = el('li', { class: 'match' });
    if (label) li.append(el('p', { class: 'seg', text: label }));
    if (!s) { li.append(el('p', { text: 'No song for this segment.' })); return li; }
    li.append(el('p', { class: 'title', text: s.title }), el('p', { class: 'artist', text: s.artist }));
    const player = songPlayer(s, ctx.config.embedBase);   // the embed, or title + link when offline (player.js)
    if (player) li.append(player);
    const why = el('details', { class: 'why' }, el('summary', { text: `Why this song? (distance ${fmt(p.distance)})` }));
    const metrics = Object.keys(target).filter((m) => typeof s.metrics[m] === 'number');
    why.append(el('table', {},
      el('caption', { class: 'visually-hidden', text: 'Song mood against the film' }),
      el('thead', {}, el('tr', {}, ...['metric', 'song', 'film', 'difference (σ)'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...metrics.map((m) => el('tr', {},
        el('th', { scope: 'row', text: m }),
        el('td', { class: 'num', text: fmtMetric(m, s.metrics[m]) }),
        el('td', { class: 'num', text: fmtMetric(m, target[m]) }),
        el('td', { class: 'num', text: fmt(p.diff?.[m]) }))))));
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


function fmtTime(sec) {
  if (!(sec >= 0)) return '';
  const m = Math.floor(sec / 60); const s = Math.floor(sec % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
