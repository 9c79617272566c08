// recap-view.js — the Taste tab's "Recap of a year or month": the user picks
// a year or a month present in the listening history and sees its minutes,
// top artists, songs and albums, the mood of each month (or week), "your 2024
// as a film" (recap-core.js matchFilm over the film catalog) and a share card.
// Everything is counted in this browser (the index in history-worker.js).
//
//   recapSection(ctx, state, C, { mid })  → Promise of the section element, or null without plays
import { el, fmt } from '../ui.js';
import { trackKey } from '../library/history-core.js';
import { loadCatalog } from '../film/film-catalog.js';
import { shareButton } from '../keep/share-card.js';
import { recapFromEntries, recapPeriods, recapOf, moodArc, matchFilm, matchWhy, periodLabel, moodWords, MOOD_MARGIN } from './recap-core.js';
import { recapCardBlocks } from './recap-card.js';

/** The recap index from the library's sources, in the import Worker (in the page when Workers are missing). */
export function runRecap(entries) {
  if (typeof Worker !== 'function') return Promise.resolve(recapFromEntries(entries));
  return new Promise((resolve, reject) => {
    let worker;
    try { worker = new Worker(new URL('./history-worker.js', document.baseURI), { type: 'module', name: 'moodspace-recap' }); }
    catch { resolve(recapFromEntries(entries)); return; }
    worker.onmessage = (ev) => {
      worker.terminate();
      const m = ev.data || {};
      if (m.type === 'recap') resolve(m.index); else reject(new Error(m.message || 'no answer'));
    };
    worker.onerror = (ev) => { worker.terminate(); reject(new Error(ev.message || 'the recap worker crashed')); };
    worker.postMessage({ type: 'recap', entries });
  });
}

let cache = { key: '', index: null };
let picked = '';   // the period last picked
const matches = new Map();   // period and arc → matchFilm's answer (the view is redrawn as lyrics arrive)
function matchOnce(r, arc, films) {
  const key = `${r.period}|${arc.map((p) => `${p.valence},${p.energy}`).join(';')}`;
  if (!matches.has(key)) { if (matches.size > 50) matches.clear(); matches.set(key, matchFilm(arc, films)); }
  return matches.get(key);
}
async function indexOf(library) {
  const entries = await library.sourceEntries();
  const key = entries.map((e) => `${e.meta.id}:${e.meta.plays}:${e.data ? 1 : 0}`).join('|');
  if (cache.key !== key) cache = { key, index: await runRecap(entries) };
  return cache.index;
}

const count = (n, one) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;
const minutes = (ms) => `${Math.round(ms / 60000).toLocaleString('en')} min`;

function topList(id, label, items, name) {
  return el('div', { class: 'dash-col' }, el('h5', { text: label }),
    items.length ? el('ol', { id, class: 'dash-list recap-list', 'aria-label': label },
      ...items.map((x) => el('li', {}, el('span', { class: 'recap-name', text: name(x) }), el('span', { class: 'muted', text: ` — ${minutes(x.ms)}, ${x.plays.toLocaleString('en')} plays` }))))
      : el('p', { class: 'muted', text: 'None in this period.' }));
}

/** What the share card shows (drawRecapCard). */
export function recapCardData(r, arc, best) {
  return { label: r.label, kind: r.kind, minutes: r.minutes, plays: r.plays, songCount: r.songCount, artistCount: r.artistCount,
    arc: arc.map((p) => ({ label: p.label, valence: p.valence, energy: p.energy })),
    film: best ? `${best.film.title}${best.film.year ? ` (${best.film.year})` : ''}` : null,
    artists: r.topArtists.slice(0, 5).map((a) => a.artist), songs: r.topSongs.slice(0, 5).map((s) => s.title) };
}

function filmBlock(r, arc, films, ctx) {
  const unit = r.kind === 'year' ? 'months' : 'weeks';
  const head = el('h4', { id: 'recap-film-h', text: `Your ${r.label} as a film` });
  if (!films) return { node: el('div', { id: 'recap-film' }, head, el('p', { class: 'muted', text: 'The film catalog could not be loaded.' })), best: null };
  const m = matchOnce(r, arc, films);
  if (m.error) {
    const withMood = arc.filter((p) => p.valence != null).length;
    return { node: el('div', { id: 'recap-film' }, head, el('p', { class: 'muted recap-film-none',
      text: `Not enough to go on: a film needs at least 3 ${unit} whose songs have a predicted mood, and ${r.label} has ${withMood}. ${withMood < arc.length ? 'Moods come with lyrics; more appear as lyrics are fetched.' : 'Pick a period with more of them.'}` })), best: null };
  }
  const best = m.ranking[0];
  const name = `${best.film.title}${best.film.year ? ` (${best.film.year})` : ''}`;
  const open = el('button', { type: 'button', class: 'dash-open-film', text: 'Find it in Soundtrack' });
  open.addEventListener('click', () => {
    ctx.showTab?.('soundtrack');
    const input = document.getElementById('film-search');
    if (!input) return;
    input.value = best.film.title;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  });
  const others = m.ranking.slice(1).map((x) => `${x.film.title}${x.film.year ? ` (${x.film.year})` : ''}`);
  return {
    best,
    node: el('div', { id: 'recap-film' }, head,
      el('p', { class: 'muted', text: `Your ${unit} as the parts of a film: each catalog film cut into ${arc.length} parts of equal length and compared with the rise and fall of your ${unit}' brightness and energy.` }),
      el('p', { class: 'recap-film-name' }, el('strong', { id: 'recap-film-title', text: name })),
      el('ul', { class: 'recap-why', 'aria-label': 'Why this film' }, ...matchWhy(r, arc, best, m.compared).map((t) => el('li', { text: t }))),
      others.length ? el('p', { class: 'muted', text: `Next closest: ${others.join(', ')}.` }) : null, open),
  };
}

function moodTable(r, arc, mid) {
  const unit = r.kind === 'year' ? 'Month' : 'Days';
  const rows = arc.map((p) => el('tr', {},
    el('th', { scope: 'row', text: r.kind === 'year' ? periodLabel(p.key) : p.label }),
    el('td', { text: minutes(p.ms) }),
    el('td', { text: moodWords(p.valence, p.energy, mid) }),
    el('td', { text: p.valence == null ? '—' : fmt(p.valence) }), el('td', { text: p.energy == null ? '—' : fmt(p.energy) }),
    el('td', { text: `${Math.round(p.moodShare * 100)}%` })));
  // (the caption is a paragraph above the scrolling box, so that it wraps on a phone; the table points to it)
  const about = el('p', { id: 'recap-moods-about', class: 'muted', text: `The mood of each ${r.kind === 'year' ? 'month' : 'week'}: the mean predicted mood of the songs you played, weighted by play time; bright or sombre, energetic or calm when at least ${MOOD_MARGIN} from the middle of the reference songs (valence ${fmt(mid.valence)}, energy ${fmt(mid.energy)}).` });
  return el('div', {}, about, el('div', { class: 'table-wrap', tabIndex: 0, role: 'region', 'aria-label': `Mood of each ${r.kind === 'year' ? 'month' : 'week'}` },
    el('table', { id: 'recap-moods', class: 'recap-moods', 'aria-describedby': 'recap-moods-about' },
      el('thead', {}, el('tr', {}, ...[unit, 'Listened', 'Mood', 'Valence', 'Energy', 'Play time with a mood'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows))));
}

function moodChart(r, arc, C) {
  if (!C || !arc.some((p) => p.valence != null)) return null;
  return C.chartFigure({
    id: 'chart-recap', height: 220,
    label: `Mood of each ${r.kind === 'year' ? 'month' : 'week'} of ${r.label}: ${arc.map((p) => `${p.label} valence ${p.valence == null ? 'none' : fmt(p.valence)}, energy ${p.energy == null ? 'none' : fmt(p.energy)}`).join('; ')}`,
    caption: `Valence (sad → happy) and energy (calm → intense) of ${r.label}, ${r.kind === 'year' ? 'month by month' : 'week by week'}.`,
    config: { type: 'line', data: { labels: arc.map((p) => p.label), datasets: [
      { label: 'Valence', data: arc.map((p) => p.valence), borderColor: C.PALETTE[0], backgroundColor: C.PALETTE[0], spanGaps: true },
      { label: 'Energy', data: arc.map((p) => p.energy), borderColor: C.PALETTE[1], backgroundColor: C.PALETTE[1], spanGaps: true }] },
    options: { scales: { y: {}, x: {} } } },
    table: { caption: `Mood of each ${r.kind === 'year' ? 'month' : 'week'} (the chart's numbers)`, head: [r.kind === 'year' ? 'Month' : 'Days', 'Valence', 'Energy'],
      rows: arc.map((p) => [p.label, fmt(p.valence), fmt(p.energy)]) },
  }).figure;
}

export async function recapSection(ctx, state, C, { mid = { valence: 0.5, energy: 0.5 } } = {}) {
  const { library } = ctx;
  const num = (v) => typeof v === 'number' && Number.isFinite(v);
  mid = { valence: num(mid?.valence) ? mid.valence : 0.5, energy: num(mid?.energy) ? mid.energy : 0.5 };   // (no reference: the middle of the scale)
  if (state.mode === 'demo' || state.source !== 'export' || !state.extra?.history?.plays || !library.sourceEntries) return null;
  const h = el('h3', { id: 'dash-recap-h', text: 'Recap of a year or month' });
  const section = el('section', { id: 'dash-recap', class: 'dash-section', 'aria-labelledby': 'dash-recap-h' }, h);
  let index;
  try { index = await indexOf(library); } catch (e) {
    section.append(el('p', { class: 'muted', text: `The recap could not be made (${e.message || e}).` }));
    return section;
  }
  const { years, months } = recapPeriods(index);
  if (!years.length) return null;
  const films = await loadCatalog().catch(() => null);
  const moods = new Map();
  for (const s of library.songList()) if (s.metrics) moods.set(trackKey(s.title, s.artist), s.metrics);
  const moodOf = (title, artist) => moods.get(trackKey(title, artist)) || null;

  const select = el('select', { id: 'recap-period' },
    el('optgroup', { label: 'Years' }, ...years.map((y) => el('option', { value: y, text: y }))),
    el('optgroup', { label: 'Months' }, ...months.map((m) => el('option', { value: m, text: periodLabel(m) }))));
  const body = el('div', { id: 'recap-body' });
  const said = el('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });   // (one short line, not the whole recap)
  section.append(el('p', { class: 'muted', text: 'Any year or month of your listening history, counted in this browser (only periods with plays are offered).' }),
    el('div', { class: 'recap-pick' }, el('label', { for: 'recap-period', text: 'Recap of' }), select), said, body);

  const show = (period) => {
    const r = recapOf(index, period);
    if (!r) { body.replaceChildren(el('p', { class: 'muted', text: `No plays in ${periodLabel(period)}.` })); return; }
    const arc = moodArc(r, moodOf);
    const film = filmBlock(r, arc, films, ctx);
    const card = shareButton({ id: 'share-recap', label: 'Share recap as image', file: `moodspace-recap-${r.period}`, card: () => ({ kind: 'blocks', data: recapCardBlocks(recapCardData(r, arc, film.best)) }) });
    body.replaceChildren(
      el('h4', { id: 'recap-title', text: `Your ${r.label}` }),
      el('p', { id: 'recap-facts', class: 'recap-facts', text: `${r.minutes.toLocaleString('en')} minutes listened (${(r.ms / 3600000).toFixed(1)} hours) · ${count(r.plays, 'play')} · ${count(r.songCount, 'different song')} by ${count(r.artistCount, 'artist')} · on ${count(r.days, 'day')}` }),
      card,
      el('div', { class: 'dash-cols' },
        topList('recap-artists', 'Top artists', r.topArtists.slice(0, 5), (a) => a.artist),
        topList('recap-songs', 'Top songs', r.topSongs.slice(0, 5), (s) => `${s.title} — ${s.artist}`),
        topList('recap-albums', 'Top albums', r.topAlbums.slice(0, 5), (a) => `${a.album} — ${a.artist}`)),
      el('h4', { text: r.kind === 'year' ? 'The mood of each month' : 'The mood of each week' }),
      moodChart(r, arc, C), moodTable(r, arc, mid), film.node);
  };
  select.addEventListener('change', () => { picked = select.value; show(select.value); said.textContent = `Showing your ${periodLabel(select.value)}.`; });
  // the period picked stays picked when the Taste view is drawn again (lyrics arriving, another import)
  const start = picked && (years.includes(picked) || months.includes(picked)) ? picked : years[0];
  select.value = start;
  show(start);
  return section;
}
