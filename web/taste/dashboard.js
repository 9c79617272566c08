// dashboard.js — the Taste view: mountDashboard(root, ctx) fills the Taste
// tab and re-draws it when the library changes (mounted by hub.js).
//
// Its sections, each shown when its data exists:
//   top tracks and artists per time range (cover art), recently played, taste stability
//   (overlap, newcomers, long-time favourites), release decades, explicit
//   share, the lyric-mood map (valence × energy; hover, or focus and arrow
//   keys, for titles), mood by time range, distinctive words of the lyrics
//   against the training corpus, the catalog film the library fits best,
//   and from a data export: minutes listened, play counts, top by play time,
//   a listening clock (hour × weekday) and the skip rate.
// Every chart has its numbers in a table next to it. External strings are
// rendered with textContent only.
import * as S from './dashboard-stats.js';
import { isStopWord } from './stopwords.js';
import { DEMO_LABEL } from '../library/demo.js';
import { CATALOG_URL, namedFilms, loadYears } from '../film/film-catalog.js';
import { segmentLabel } from '../film/segment-label.js';
import { el, fmt, pct, orderMetrics } from '../ui.js';
import { MOOD_METRICS } from './dashboard-stats.js';
import { loadReference, median } from './taste-reference.js';
import { tasteVerdict, tasteCardData } from './taste-verdict.js';
import { shareButton } from '../keep/share-card.js';
import { tastePayload } from '../keep/card-payload.js';
import { recapSection } from '../recap/recap-view.js';
import { demoVerdictLine, demoArtistsSection } from './demo-taste.js';

// --- shared data loaded once -------------------------------------------------

let corpusPromise = null;
function loadCorpus() {
  corpusPromise ||= fetch('./corpus_words.json').then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.json(); })
    .then(S.readCorpus).catch((e) => { corpusPromise = null; throw e; });
  return corpusPromise;
}
// --- sections ------------------------------------------------------------------

function section(id, title, ...kids) {
  const h = el('h3', { id: `${id}-h`, text: title });
  return el('section', { id, class: 'dash-section', 'aria-labelledby': `${id}-h` }, h, ...kids);
}

function coverImg(url) {
  if (!url) return el('span', { class: 'cover none', 'aria-hidden': 'true' });
  const img = el('img', { class: 'cover', alt: '', loading: 'lazy', decoding: 'async', width: 48, height: 48, referrerPolicy: 'no-referrer' });
  img.src = url;
  img.addEventListener('error', () => img.replaceWith(el('span', { class: 'cover none', 'aria-hidden': 'true' })), { once: true });
  return img;
}

// How many top items a list shows: Spotify gives up to 100 per range (spotify.js getTop).
const TOP_SHOWN = 50;
const SWITCH_LABELS = { short_term: '4 weeks', medium_term: '6 months', long_term: 'All time' };

let chosenRange = '';   // the range last chosen: kept when the view is drawn again (lyrics arriving redraw it)

/** One range at a time, chosen with a row of toggle buttons (the other ranges' lists stay in the page, hidden). */
function rangeSwitcher(panels) {
  const bar = el('div', { class: 'range-switch', role: 'group', 'aria-label': 'Time range' });
  const show = (r) => {
    chosenRange = r;
    for (const [k, p] of Object.entries(panels)) p.hidden = k !== r;
    for (const b of bar.children) b.setAttribute('aria-pressed', String(b.dataset.range === r));
  };
  for (const r of Object.keys(panels)) {
    const b = el('button', { type: 'button', text: SWITCH_LABELS[r], 'data-range': r });
    b.addEventListener('click', () => show(r));
    bar.append(b);
  }
  const keys = Object.keys(panels);
  show(keys.includes(chosenRange) ? chosenRange : keys.includes('medium_term') ? 'medium_term' : keys[0]);
  return bar;
}

function topSection(state, hist, mid) {
  const cols = [];
  const panels = {};
  const hasTracks = S.RANGES.some((r) => state.top.tracks[r].length);
  if (!hasTracks && !hist && !(state.recent || []).length) return null;
  for (const r of S.RANGES) {
    const ids = state.top.tracks[r];
    const artists = state.top.artists[r];
    if (!ids.length && !artists.length) continue;
    const col = el('div', { class: 'dash-range', 'data-range': r }, el('h4', { class: 'visually-hidden', text: S.RANGE_LABELS[r] }));
    const lists = el('div', { class: 'dash-cols' });
    col.append(lists);
    if (ids.length) {
      const ol = el('ol', { class: 'dash-top', 'aria-label': `Top tracks, ${S.RANGE_LABELS[r].toLowerCase()}` });
      for (const id of ids.slice(0, TOP_SHOWN)) {
        const s = state.songs.get(id);
        if (!s) continue;
        ol.append(el('li', {}, coverImg(s.imageUrl), el('span', { class: 'dash-name' }, el('strong', { text: s.title }), el('br'), el('span', { class: 'muted', text: s.artist }))));
      }
      lists.append(el('div', { class: 'dash-col' }, el('h5', { text: `Tracks (${ol.children.length})` }), ol));
    }
    if (artists.length) {
      const ol = el('ol', { class: 'dash-top', 'aria-label': `Top artists, ${S.RANGE_LABELS[r].toLowerCase()}` });
      for (const a of artists.slice(0, TOP_SHOWN)) ol.append(el('li', {}, coverImg(a.imageUrl), el('span', { class: 'dash-name', text: a.name })));
      lists.append(el('div', { class: 'dash-col' }, el('h5', { text: `Artists (${ol.children.length})` }), ol));
    }
    panels[r] = col;
  }
  if (hist?.topArtists?.length && !S.RANGES.some((r) => state.top.artists[r].length)) {
    const ol = el('ol', { class: 'dash-top', 'aria-label': 'Top artists by play time, whole history' });
    for (const a of hist.topArtists.slice(0, 10)) ol.append(el('li', {}, el('span', { class: 'dash-name' }, el('strong', { text: a.artist }), el('br'), el('span', { class: 'muted', text: S.formatDuration(a.ms) }))));
    cols.push(el('div', { class: 'dash-col' }, el('h4', { text: 'Artists, whole history' }), ol));
  }
  const recent = (state.recent || []).map((r) => ({ song: state.songs.get(r.id), at: Date.parse(r.playedAt) })).filter((r) => r.song);
  if (recent.length) {
    const ol = el('ol', { class: 'dash-top', 'aria-label': 'Recently played' });
    for (const r of recent.slice(0, 10)) {
      const when = Number.isFinite(r.at) ? new Date(r.at).toLocaleString('en', { weekday: 'short', hour: '2-digit', minute: '2-digit' }) : '';
      ol.append(el('li', {}, coverImg(r.song.imageUrl), el('span', { class: 'dash-name' }, el('strong', { text: r.song.title }), el('br'),
        el('span', { class: 'muted', text: when ? `${r.song.artist} · ${when}` : r.song.artist }))));
    }
    const withMood = recent.filter((r) => r.song.metrics);
    const mood = withMood.length ? (() => {
      const v = withMood.reduce((a, r) => a + (r.song.metrics.valence ?? 0), 0) / withMood.length;
      const e = withMood.reduce((a, r) => a + (r.song.metrics.energy ?? 0), 0) / withMood.length;
      return el('p', { class: 'muted', text: `Lately your lyrics sound ${S.moodQuadrant(v, e, mid)} (valence ${fmt(v)}, energy ${fmt(e)}, over ${withMood.length} songs).` });
    })() : null;
    cols.push(el('div', { class: 'dash-col' }, el('h4', { text: 'Recently played' }), mood, ol));
  }
  const ranges = Object.values(panels);
  if (!cols.length && !ranges.length) return null;
  const note = state.source === 'export' ? el('p', { class: 'muted', text: 'From the plays you imported: ranked by play time in the 4 weeks and 6 months before your last play, and over the whole history.' })
    : state.source === 'spotify' && panels.long_term ? el('p', { class: 'muted', text: 'As Spotify ranks them; its "all time" covers about the last year.' }) : null;
  return section('dash-top', 'Top tracks and artists', note, ranges.length ? rangeSwitcher(panels) : null, ...ranges,
    cols.length ? el('div', { class: 'dash-cols' }, ...cols) : null);
}

function stabilitySection(state, C) {
  const st = S.stability(state.top.tracks);
  const sa = S.stability(state.top.artists);
  if (Object.values(st.sizes).filter(Boolean).length < 2) return null;
  const name = (id) => { const s = state.songs.get(id); return s ? `${s.title} — ${s.artist}` : id; };
  const pairLabel = (o) => `${S.RANGE_LABELS[o.a]} vs ${S.RANGE_LABELS[o.b].toLowerCase()}`;
  const hasArtists = Object.values(sa.sizes).filter(Boolean).length >= 2;
  const rows = st.overlap.map((o, i) => [pairLabel(o), o.shared, pct(o.share), ...(hasArtists ? [sa.overlap[i].shared, pct(sa.overlap[i].share)] : [])]);
  const datasets = [{ label: 'Tracks shared', data: st.overlap.map((o) => (o.share == null ? 0 : Math.round(o.share * 100))), backgroundColor: C.PALETTE[0] }];
  if (hasArtists) datasets.push({ label: 'Artists shared', data: sa.overlap.map((o) => (o.share == null ? 0 : Math.round(o.share * 100))), backgroundColor: C.PALETTE[1] });
  const fig = C.chartFigure({
    id: 'chart-stability', label: `How much your top lists overlap across time ranges: ${rows.map((r) => `${r[0]} ${r[2]}`).join('; ')}`,
    caption: 'Overlap of your top lists between time ranges (share of the shorter list).',
    config: { type: 'bar', data: { labels: st.overlap.map(pairLabel), datasets },
      options: { scales: { y: { min: 0, max: 100, title: { text: '% shared' } }, x: {} } } },
    table: { caption: 'Overlap between time ranges', head: ['Ranges', 'Tracks shared', 'Share', ...(hasArtists ? ['Artists shared', 'Share'] : [])], rows },
  });
  const favs = el('ol', { class: 'dash-list', 'aria-label': 'Long-time favourites' }, ...st.favourites.slice(0, 10).map((id) => el('li', { text: name(id) })));
  const news = el('ol', { class: 'dash-list', 'aria-label': 'Newcomers' }, ...st.newcomers.slice(0, 10).map((id) => el('li', { text: name(id) })));
  const stable = st.overlap[2].share;
  const verdict = stable == null ? '' : stable >= 0.5 ? 'Your taste is steady: most of what you play now you have played for a long time.'
    : stable >= 0.2 ? 'Your taste mixes old favourites with new finds.' : 'Your taste moves fast: what you play now is mostly new.';
  return section('dash-stability', 'How stable is your taste?', el('p', { text: verdict }), fig.figure,
    el('div', { class: 'dash-cols' },
      el('div', { class: 'dash-col' }, el('h4', { text: `Long-time favourites (${st.favourites.length})` }), el('p', { class: 'muted', text: 'In your top tracks in all three time ranges.' }), st.favourites.length ? favs : el('p', { text: 'None yet.' })),
      el('div', { class: 'dash-col' }, el('h4', { text: `Newcomers (${st.newcomers.length})` }), el('p', { class: 'muted', text: 'In your last 4 weeks only.' }), st.newcomers.length ? news : el('p', { text: 'None.' }))));
}

function decadesSection(songs, state, C) {
  const d = S.decades(songs);
  const parts = [];
  if (d.decades.length) {
    parts.push(C.chartFigure({
      id: 'chart-decades', label: `Songs by release decade: ${d.decades.map((x) => `${x.label} ${x.count}`).join(', ')}`,
      caption: `Release decades of ${songs.length - d.unknown} songs${d.unknown ? ` (${d.unknown} without a date)` : ''}.`,
      config: { type: 'bar', data: { labels: d.decades.map((x) => x.label), datasets: [{ label: 'Songs', data: d.decades.map((x) => x.count), backgroundColor: C.PALETTE[4] }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: {} } } },
      table: { caption: 'Songs per release decade', head: ['Decade', 'Songs'], rows: d.decades.map((x) => [x.label, x.count]) },
    }).figure);
  }
  if (state.source === 'spotify' && songs.length) {
    const e = S.explicitShare(songs);
    parts.push(C.chartFigure({
      id: 'chart-explicit', label: `Explicit share: ${e.explicit} of ${e.total} songs (${pct(e.share)})`, height: 200,
      caption: `${pct(e.share)} of your songs are marked explicit.`,
      config: { type: 'doughnut', data: { labels: ['Explicit', 'Not explicit'], datasets: [{ data: [e.explicit, e.clean], backgroundColor: [C.PALETTE[1], C.PALETTE[6]] }] } },
      table: { caption: 'Explicit songs', head: ['Kind', 'Songs'], rows: [['Explicit', e.explicit], ['Not explicit', e.clean]] },
    }).figure);
  }
  if (!parts.length) return null;
  return section('dash-decades', state.source === 'spotify' ? 'Release decades and explicit share' : 'Release decades', el('div', { class: 'dash-cols' }, ...parts.map((p) => el('div', { class: 'dash-col' }, p))));
}

function moodMapSection(songs, C, ref) {
  const pts = S.moodPoints(songs);
  if (!pts.length) return null;
  const live = el('p', { class: 'dash-live', 'aria-live': 'polite' });
  const counts = {};
  const mid = midOf(ref);
  for (const p of pts) { const q = S.moodQuadrant(p.x, p.y, mid); counts[q] = (counts[q] || 0) + 1; }
  const topQ = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  const fig = C.chartFigure({
    id: 'chart-moodmap', height: 360,
    label: `Lyric-mood map of ${pts.length} songs, predicted valence across, energy up. Most songs are ${topQ[0]}. Focus the map and use the arrow keys to hear each song.`,
    caption: `Each dot is a song, placed by the mood the model reads in its lyrics: valence (sad → happy) across, energy (calm → intense) up. Most of your songs are ${topQ[0]} (${topQ[1]} of ${pts.length}), relative to ${ref ? `${ref.label} (their median valence ${fmt(mid.valence)}, energy ${fmt(mid.energy)})` : 'the middle of the scale'}.`,
    config: {
      type: 'scatter',
      data: { datasets: [{ label: 'Songs', data: pts.map((p) => ({ x: p.x, y: p.y })), backgroundColor: `${C.PALETTE[0]}b0`, pointRadius: 4, pointHoverRadius: 7 }] },
      options: {
        plugins: { legend: { display: false },
          tooltip: { callbacks: { label: (item) => { const p = pts[item.dataIndex]; return `${p.title} — ${p.artist} (valence ${fmt(p.x)}, energy ${fmt(p.y)})`; } } } },
        scales: { x: { title: { text: 'Valence (sad → happy)' } }, y: { title: { text: 'Energy (calm → intense)' } } },
      },
    },
    table: { caption: 'Predicted mood of each song', head: ['Song', 'Artist', 'Valence', 'Energy'], rows: pts.map((p) => [p.title, p.artist, fmt(p.x), fmt(p.y)]) },
  });
  // keyboard: the map takes focus; arrows step through songs (left to right), the title is announced
  const order = pts.map((p, i) => i).sort((a, b) => pts[a].x - pts[b].x || pts[a].y - pts[b].y);
  let at = -1;
  const canvas = fig.canvas;
  canvas.tabIndex = 0;
  const show = () => {
    const i = order[at];
    const p = pts[i];
    live.textContent = `${at + 1} of ${pts.length}: ${p.title} — ${p.artist}. Valence ${fmt(p.x)}, energy ${fmt(p.y)}.`;
    const ch = fig.chart;
    if (ch) {
      const meta = ch.getDatasetMeta(0).data[i];
      ch.setActiveElements([{ datasetIndex: 0, index: i }]);
      ch.tooltip?.setActiveElements([{ datasetIndex: 0, index: i }], { x: meta?.x ?? 0, y: meta?.y ?? 0 });
      ch.update();
    }
  };
  canvas.addEventListener('keydown', (ev) => {
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (ev.key in keys) at = at < 0 ? 0 : (at + keys[ev.key] + pts.length) % pts.length;
    else if (ev.key === 'Home') at = 0;
    else if (ev.key === 'End') at = pts.length - 1;
    else return;
    ev.preventDefault();
    show();
  });
  canvas.addEventListener('focus', () => { if (at < 0) { at = 0; show(); } });
  return section('dash-moodmap', 'Lyric-mood map', fig.figure, live);
}

function moodRangeSection(state, C) {
  const rows = S.moodByRange(state).filter((r) => r.n > 0);
  if (rows.length < 2) return null;
  const metrics = orderMetrics(MOOD_METRICS).filter((m) => rows.every((r) => m in r.means));
  if (!metrics.length) return null;
  return section('dash-mood-range', 'Mood by time range', C.chartFigure({
    id: 'chart-mood-range',
    label: `Average predicted mood of your top tracks per time range: ${rows.map((r) => `${r.label}: ${metrics.map((m) => `${m} ${fmt(r.means[m])}`).join(', ')}`).join('; ')}`,
    caption: 'Average mood predicted from the lyrics of your top tracks, per time range.',
    config: { type: 'bar', data: { labels: metrics, datasets: rows.map((r, i) => ({ label: `${r.label} (${r.n} songs)`, data: metrics.map((m) => r.means[m]), backgroundColor: C.PALETTE[i] })) },
      options: { scales: { y: { beginAtZero: true }, x: {} } } },
    table: { caption: 'Average predicted mood per time range', head: ['Range', 'Songs', ...metrics], rows: rows.map((r) => [r.label, r.n, ...metrics.map((m) => fmt(r.means[m]))]) },
  }).figure);
}

async function wordsSection(state, ctx, C) {
  let counts = new Map();
  let basis = '';
  const demoWords = state.extra?.demoWords;
  if (state.source === 'demo' && demoWords && typeof demoWords === 'object') {
    for (const list of Object.values(demoWords)) for (const [w, c] of Array.isArray(list) ? list : []) {
      if (typeof w === 'string' && Number.isFinite(c)) counts.set(w, (counts.get(w) || 0) + c);
    }
    basis = 'the most characteristic words of each demo song';
  } else {
    // lyrics fetched in this session, else from the lyrics cache (found songs only; after a reload)
    const texts = [];
    for (const s of [...state.songs.values()].slice(0, 500)) {
      let t = ctx.lyrics?.lyricTexts?.get(s.id);
      if (!t && s.lyricsStatus === 'found' && ctx.lyrics?.lyricsOf) t = await ctx.lyrics.lyricsOf(s).catch(() => '');
      if (t) texts.push(t);
    }
    if (texts.length) { counts = S.countWords(texts); basis = `the lyrics of ${texts.length} songs`; }
  }
  if (!counts.size) return null;
  let corpus;
  try { corpus = await loadCorpus(); } catch (e) {
    return section('dash-words', 'Words that set your lyrics apart', el('p', { class: 'muted', text: `The corpus word list could not be loaded (${e.message}).` }));
  }
  // song metadata: words of the library's artist names that lyrics rarely use
  // ("feat. J. Cole" leaks "cole" into lyric texts; "love" stays)
  const artistWords = new Set([...state.songs.values()].flatMap((s) => String(s.artist || '').toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 1));
  const top = S.distinctiveWords(counts, corpus, { k: 15, skip: (w) => isStopWord(w) || (artistWords.has(w) && (corpus.freq.get(w) ?? 0) < 1) });
  if (!top.length) return null;
  return section('dash-words', 'Words that set your lyrics apart', C.chartFigure({
    id: 'chart-words', height: Math.max(220, top.length * 22),
    label: `Words your lyrics use far more than the training corpus: ${top.map((w) => w.word).join(', ')}`,
    caption: `Words in ${basis} used much more often than in the songs the model learned from (log-odds with an informative prior; longer bar = more distinctive).`,
    config: { type: 'bar', data: { labels: top.map((w) => w.word), datasets: [{ label: 'z-score', data: top.map((w) => w.z), backgroundColor: C.PALETTE[2] }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: { text: 'How distinctive (z)' } }, y: {} } } },
    table: { caption: 'Distinctive words', head: ['Word', 'Times in your lyrics', 'Per 10,000 words (yours)', 'Per 10,000 words (corpus)', 'z'],
      rows: top.map((w) => [w.word, w.count, w.per10k.toFixed(1), w.corpusPer10k.toFixed(2), w.z.toFixed(1)]) },
  }).figure);
}

/** A button that shows the film in the Soundtrack tab's search. */
function openFilmButton(film, ctx) {
  const b = el('button', { type: 'button', class: 'dash-open-film', text: 'Find it in Soundtrack' });
  b.addEventListener('click', () => {
    ctx.showTab?.('soundtrack');
    const input = document.getElementById('film-search');
    if (!input) return;
    input.value = film.title;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  });
  return b;
}

// The film whose soundtrack your songs fit best: every catalog film's
// 6-segment soundtrack from your songs through the engine's one matching path
// (one filmFit call → ms_film_fit, wasm/api_film.c; `moodspace soundtrack --fit`
// gives the same list), ranked by mean distance on the calibrated scale.
// The catalog is fetched and packed in the engine's worker (filmFit's
// catalogUrl, web/engine/worker.js) and the ranking asked for as soon as the
// view starts drawing: the page's main thread never reads the catalog for it,
// and the ranked films come back with their titles.
// It starts when a library is ready, even before the Taste tab shows it; a
// request like the last one is answered by the last one.
const FIT_SEGMENTS = 6;
const catalogUrl = () => new URL(CATALOG_URL, document.baseURI).href;
let lastFit = { key: null, started: null };
function startFilmFit(songs, ctx) {
  const withM = songs.filter((s) => s.metrics);
  if (!withM.length || !ctx.engine) return null;
  const req = { segments: FIT_SEGMENTS, top: 5, songs: withM.map((s) => ({ id: s.id, ...s.metrics })), catalogUrl: catalogUrl() };
  const key = JSON.stringify(req);
  if (lastFit.key !== key) {
    const fit = ctx.engine.call('filmFit', [req]);
    fit.catch(() => { if (lastFit.fit === fit) lastFit = { key: null, started: null }; });   // said by filmSection; asked again next time
    lastFit = { key, fit, started: { withM, fit } };
  }
  return { withM, fit: lastFit.started.fit };
}
async function filmSection(started, C, ctx) {
  if (!started) return null;
  loadYears();   // the films' release years fetched while the fit runs, not after it (namedFilms below)
  const { withM } = started;
  let fit;
  try { fit = await started.fit; } catch (e) {
    const what = /catalog/.test(e.message) ? 'The film catalog could not be loaded' : 'Your film could not be found';
    return section('dash-film', 'Your film', el('p', { class: 'muted', text: `${what} (${e.message}).` }));
  }
  if (!fit?.ranking?.length) return null;
  const named = await namedFilms(fit.ranking);
  const byId = new Map(named.map((f) => [f.id, f]));
  const catalogSize = fit.films + fit.failed;   // every catalog film is ranked or failed
  const best = fit.ranking[0];
  const film = byId.get(best.id);
  const segs = best.result.segments;
  const labels = segs.map((g, i) => `Part ${i + 1} (${segmentLabel({ first: g.first_scene, last: g.last_scene })})`);
  const songOf = (g) => withM[g.song?.index];
  const ds = [];
  ['valence', 'energy'].forEach((k, q) => {
    if (!segs.every((g) => typeof g.pct?.[k] === 'number')) return;
    ds.push({ label: `Film ${k} (percentile)`, data: segs.map((g) => g.pct[k]), borderColor: C.PALETTE[q], backgroundColor: C.PALETTE[q] });
    ds.push({ label: `Your song's ${k} (percentile)`, data: segs.map((g) => g.song_pct[k]), borderColor: C.PALETTE[q], borderDash: [6, 4], backgroundColor: C.PALETTE[q], pointStyle: 'rectRot', pointRadius: 6 });
  });
  const name = `${film.title}${film.year ? ` (${film.year})` : ''}`;
  const runners = el('ol', { class: 'dash-list', start: 2, 'aria-label': 'Next best films' },
    ...fit.ranking.slice(1).map((r) => { const f = byId.get(r.id); return el('li', { text: `${f.title}${f.year ? ` (${f.year})` : ''} — ${r.score.toFixed(3)}` }); }));
  const pct = (v) => (typeof v === 'number' ? String(Math.round(v)) : '—');
  return section('dash-film', 'The film your library fits best',
    el('p', { class: 'dash-film-name' }, el('strong', { text: name })),
    el('p', { class: 'muted', text: `Of ${catalogSize} films in the catalog, this is the one whose ${FIT_SEGMENTS}-part soundtrack from your songs is closest: each part and its song are on average ${best.score.toFixed(3)} apart on the percentile scale the Soundtrack tab matches on (0 = the same mood, 1 = opposite ends).` }),
    openFilmButton(film, ctx),
    C.chartFigure({
      id: 'chart-film', label: `Mood of ${name} in ${segs.length} parts and of the song chosen for each, as percentiles`,
      caption: `Each part of ${name} (solid) and the song of yours the soundtrack gives it (dashed), as percentiles.`,
      config: { type: 'line', data: { labels, datasets: ds }, options: { scales: { y: { min: 0, max: 100 }, x: {} } } },
      table: { caption: `The soundtrack of ${name} from your songs (percentiles)`, head: ['Part', 'Song', 'film valence', 'song valence', 'film energy', 'song energy'],
        rows: segs.map((g, i) => [labels[i], songOf(g) ? `${songOf(g).title} — ${songOf(g).artist}` : '', pct(g.pct.valence), pct(g.song_pct.valence), pct(g.pct.energy), pct(g.song_pct.energy)]) },
    }).figure,
    fit.ranking.length > 1 ? el('h4', { text: 'Runners-up (lower is closer)' }) : null, fit.ranking.length > 1 ? runners : null);
}

function historySection(state, C) {
  const h = state.extra?.history;
  if (state.source !== 'export' || !h || !h.plays) return null;
  const when = (ms) => (ms ? new Date(ms).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' }) : '?');
  const facts = el('dl', { class: 'dash-facts' },
    el('dt', { text: 'Minutes listened' }), el('dd', { text: Math.round(h.totalMs / 60000).toLocaleString('en') }),
    el('dt', { text: 'Plays' }), el('dd', { text: h.plays.toLocaleString('en') }),
    el('dt', { text: 'Different songs' }), el('dd', { text: (h.uniqueTracks || 0).toLocaleString('en') }),
    el('dt', { text: 'Period' }), el('dd', { text: `${when(h.first)} – ${when(h.last)}` }),
    el('dt', { text: 'Skip rate' }), el('dd', { text: h.skip?.rate == null ? '—' : `${pct(h.skip.rate)} (${h.skip.skipped.toLocaleString('en')} of ${h.skip.known.toLocaleString('en')} plays; from ${h.skip.basis})` }));
  const topTable = C.dataTable({ open: true, caption: 'Top songs by play time',
    head: ['Song', 'Artist', 'Minutes', 'Plays', 'Skips'],
    rows: (h.topByTime || []).slice(0, 20).map((t) => [t.title, t.artist, Math.round(t.ms / 60000), t.plays, t.skips]) });
  const byPlays = [...(state.extra.history.tracks || [])].sort((a, b) => b.plays - a.plays).slice(0, 10);
  const playsTable = C.dataTable({ caption: 'Most played songs (play count)', head: ['Song', 'Artist', 'Plays', 'Minutes'],
    rows: byPlays.map((t) => { const s = state.songs.get(t.id); return [s?.title || '', s?.artist || '', t.plays, Math.round(t.ms / 60000)]; }) });
  const parts = [facts, topTable, playsTable];
  // listening clock: a table that is also the picture (cells shaded by minutes)
  const grid = h.clock?.ms;
  if (Array.isArray(grid) && grid.length === 7) {
    const peak = S.clockPeak(grid);
    const max = Math.max(1, peak.cell.value);
    const table = el('table', { class: 'dash-clock' });
    table.append(el('caption', { text: `Listening clock (minutes per hour of the week, your local time). You listen most on ${S.WEEKDAYS[peak.topDay]}s and around ${peak.topHour}:00.` }));
    const head = el('tr', {}, el('th', { scope: 'col', text: 'Day' }));
    for (let hr = 0; hr < 24; hr++) head.append(el('th', { scope: 'col', text: String(hr), 'aria-label': `${hr}:00` }));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    grid.forEach((row, d) => {
      const tr = el('tr', {}, el('th', { scope: 'row', text: S.WEEKDAYS[d].slice(0, 3), 'aria-label': S.WEEKDAYS[d] }));
      row.forEach((ms, hr) => {
        const min = Math.round(ms / 60000);
        const td = el('td', { text: String(min), title: `${S.WEEKDAYS[d]} ${hr}:00 — ${min} min` });
        td.style.setProperty('--heat', (ms / max).toFixed(3));
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(body);
    parts.push(el('div', { class: 'table-wrap dash-clock-wrap', id: 'dash-clock', tabIndex: 0, role: 'region', 'aria-label': 'Listening clock' }, table));
  }
  if (Array.isArray(h.months) && h.months.length > 1) {
    parts.push(C.chartFigure({
      id: 'chart-months', label: `Minutes listened per month, from ${h.months[0].month} to ${h.months.at(-1).month}`,
      caption: 'Minutes listened per month.',
      config: { type: 'bar', data: { labels: h.months.map((m) => m.month), datasets: [{ label: 'Minutes', data: h.months.map((m) => Math.round(m.ms / 60000)), backgroundColor: C.PALETTE[3] }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true }, x: {} } } },
      table: { caption: 'Minutes listened per month', head: ['Month', 'Minutes'], rows: h.months.map((m) => [m.month, Math.round(m.ms / 60000)]) },
    }).figure);
  }
  return section('dash-history', 'Your listening history', ...parts);
}

/** The middle of the mood map: the reference songs' medians (taste-reference.js). */
const midOf = (ref) => ({ valence: median(ref, 'valence'), energy: median(ref, 'energy') });

/** The library in one line, as percentiles of the reference songs, with the share card. */
function verdictSection(songs, state, ref) {
  const v = tasteVerdict(songs, ref);
  if (!v) return null;
  const line = state.source === 'demo' ? demoVerdictLine(songs, v) || v.sentence : v.sentence;   // the demo: its own songs named (demo-taste.js)
  // the card says what the page says
  const btn = shareButton({ id: 'share-taste', label: 'Share as image', file: 'moodspace-taste',
    card: () => { const data = tasteCardData(state, songs, { ...v, sentence: line }); return { kind: 'taste', data, payload: tastePayload(data) }; } });
  return section('dash-verdict', state.source === 'demo' ? 'The demo’s taste in one line' : 'Your taste in one line', el('p', { class: 'dash-verdict-line', text: line }),
    el('p', { class: 'muted', text: `Percentiles of ${ref.label}${ref.source === 'model' ? ' (their moods as the same model reads them, from its calibration)' : ' (the model’s own spread: this model carries no calibration of its training songs)'}.` }), btn);
}

// --- the dashboard ----------------------------------------------------------------

export function mountDashboard(root, ctx) {
  const { library } = ctx;
  let dirty = true;
  let running = null;
  let again = false;
  let timer = null;

  async function render() {
    if (running) { again = true; return running; }
    running = (async () => {
      dirty = false;
      const state = library.state;
      const songs = library.songList();
      if (!songs.length) {
        root.replaceChildren(el('p', { class: 'muted', text: 'Bring your music first (sign in, import an export, or try the demo).' }));
        return;
      }
      const fitting = startFilmFit(songs, ctx);   // the slowest section, started first
      const C = await import('./dashboard-charts.js');
      if (left()) return;
      C.destroyAll();   // the previous drawing's charts (their canvases are replaced below, in this same task)
      const out = [];
      const head = el('div', { class: 'dash-head' }, el('p', { class: 'dash-source', text: `${state.label || 'Your library'}: ${songs.length} songs, ${songs.filter((s) => s.metrics).length} with a mood predicted from lyrics.` }));
      if (state.source === 'demo') {
        head.prepend(el('p', { class: 'demo-badge', role: 'note', text: `${DEMO_LABEL}: sample songs bundled with MoodSpace (moods predicted from their lyrics), not your own listening.` }));
      }
      out.push(head);
      const hist = state.extra?.history;
      const ref = await loadReference(ctx.engine).catch((e) => { console.warn('no taste reference', e); return null; });
      if (left()) return;
      const mid = midOf(ref);
      for (const make of [() => (ref ? verdictSection(songs, state, ref) : null), () => topSection(state, hist, mid), () => (state.source === 'demo' ? demoArtistsSection(songs) : null), () => stabilitySection(state, C), () => historySection(state, C),
        () => moodMapSection(songs, C, ref), () => moodRangeSection(state, C), () => decadesSection(songs, state, C)]) {
        try { const s = make(); if (s) out.push(s); } catch (e) { console.error(e); }
        await C.yieldTask();   // a click meanwhile (another tab) is answered between two sections
        if (left()) return;
      }
      const pending = songs.filter((s) => s.lyricsStatus === 'pending').length;
      if (!songs.some((s) => s.metrics)) {
        out.push(el('p', { class: 'muted', text: pending ? `Moods appear here once lyrics are fetched (${pending} songs waiting).` : 'None of these songs has a predicted mood yet.' }));
      }
      root.replaceChildren(...out);
      // the recap of a year or month (recap/, placed after the listening history) and the
      // slower sections (fetch the corpus and the catalog, appended when ready, in this
      // order) all start now, so the film ranking in the engine's worker waits for nothing
      const recap = recapSection(ctx, state, C, { mid }).catch((e) => { console.error(e); return null; });
      const slow = [wordsSection(state, ctx, C), filmSection(fitting, C, ctx)].map((p) => p.catch((e) => { console.error(e); return null; }));
      const r = await recap;
      if (left()) return;
      if (r && library.state === state) { const after = root.querySelector('#dash-history'); if (after) after.after(r); else root.append(r); }
      for (const p of slow) { const s = await p; if (left()) return; if (s && library.state === state) root.append(s); }
      await C.settled();   // its charts drawn
      if (left()) return;
      root.dataset.rendered = String(Date.now());
    })().finally(() => {
      running = null;
      if (again) { again = false; render(); }
    });
    return running;
  }

  const visible = () => !root.closest('[hidden]');
  // the user went to another tab while the view was being drawn: the rest is
  // drawn when the Taste tab is shown again (its film fit goes on meanwhile)
  const left = () => { if (visible()) return false; dirty = true; return true; };
  function schedule() {
    dirty = true;
    if (!visible()) return;
    clearTimeout(timer);
    timer = setTimeout(render, 800);   // lyric fetches update songs one by one: draw at most ~once a second
  }
  library.subscribe((ev) => { if (ev.type !== 'extra' || ev.key !== 'pendingSave') schedule(); });
  ctx.events?.addEventListener('tab', (ev) => { if (ev.detail?.name === 'taste' && dirty) render(); });
  // the film fit waits while the Taste tab is hidden: another tab's requests and drawing get the CPU
  // (the state when the message is posted, so calls made before the engine was up cannot arrive out of turn)
  ctx.events?.addEventListener('tab', () => { ctx.engine?.ready.then(() => ctx.engine.call('pauseFits', [!visible()])).catch(() => {}); });
  ctx.events?.addEventListener('library-ready', () => { startFilmFit(library.songList(), ctx); schedule(); });
  // the catalog the film fit needs is read in the engine's worker once the engine is up
  ctx.engine?.ready.then(() => ctx.engine.call('prepareCatalog', [catalogUrl()])).catch(() => {});
  if (visible()) render();
  return { render };
}
