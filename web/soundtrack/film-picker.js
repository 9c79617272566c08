// film-picker.js — the Soundtrack view's film picker: the catalog searched
// by title (with the films the user brought before), "bring the film" when
// the search finds nothing, and a script opened or pasted. It reports the
// chosen film through onSelect(film); it knows nothing of arcs or songs.
//
//   const picker = filmPicker({ engine, events, onSelect, segments });
//   onSelect(film, { arc }): arc, for a script just read, is its arc in segments() segments
//   (filmSoundtrack's arc-only answer, from the same engine call), else undefined
//   picker.catalog() → the catalog's films (loaded once)
// The search lists the catalog's titles from the engine's Worker (it has read the catalog for
// the Taste tab); only the chosen film is decoded on the page (film-catalog.js catalogFilm).
import { loadCatalog as fetchCatalog, catalogTitles, catalogFilm } from '../film/film-catalog.js';
import { rankFilms, placeholderFor } from '../film/film-search.js';
import { readScriptFile } from '../film/script-input.js';
import { readScriptFilm } from '../film/script-film.js';
import { listMyFilms, keepMyFilm } from '../film/my-films.js';
import { storeEvents } from '../stores.js';
import { $, el } from '../ui.js';

export function filmPicker({ engine, events, onSelect, segments = () => 0 }) {
  let films = null; let catalogLoading = null;
  let choosing = 0; let opening = false;   // the last film clicked; whether it is still being opened (choose)
  let countStatus = '';   // what the search's status line says when no film is being opened
  // films brought as files, kept in this browser (film/my-films.js): searched with the catalog
  let myFilms = [];
  const myFilmsLoaded = listMyFilms().then(({ films: list }) => { myFilms = list; renderResults(); }, () => {});
  storeEvents.addEventListener('forgotten', () => { myFilms = []; renderResults(); });

  function loadCatalog() {
    if (catalogLoading) return catalogLoading;
    $('catalog-status').textContent = 'Loading the film catalog…';
    const titles = engine?.call ? catalogTitles(engine).catch(() => null) : Promise.resolve(null);
    catalogLoading = Promise.all([titles.then((l) => l || fetchCatalog()), myFilmsLoaded]).then(([list]) => {
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
      el('button', { type: 'button', text: filmLabel(f), onclick: () => choose(f) }))));
    const none = !!q.trim() && !hits.length;
    if (none) $('film-results').replaceChildren(el('li', { class: 'muted', text: 'No film in the catalog matches.' }));
    if (none && bring.dataset.query !== q.trim()) { bring.dataset.query = q.trim(); renderBring(q.trim().slice(0, 200)); }
    bring.hidden = !none;
    countStatus = !q.trim() ? `${films.length} films in the catalog${myFilms.length ? `, ${myFilms.length} brought by you` : ''}.`
      : `${total} of ${films.length + myFilms.length} films match${total > hits.length ? ` (the best ${hits.length} shown)` : ''}.`;
    if (!opening) $('catalog-status').textContent = countStatus;
  }
  // a film of the search's brief list is read in full first (the last one clicked wins); until
  // its scenes are here the search's status line (a live region) says it is being opened, so a
  // slow or busy machine never leaves a click without an answer
  async function choose(f) {
    if (!f.brief) {
      choosing++;
      if (opening) { opening = false; $('catalog-status').textContent = countStatus; }
      onSelect(f); return;
    }
    const turn = ++choosing;
    opening = true;
    $('catalog-status').textContent = `Opening ${filmLabel(f)}…`;
    try {
      const film = await catalogFilm(engine, f);
      if (turn !== choosing) return;
      opening = false;
      $('catalog-status').textContent = countStatus;
      onSelect(film);
    } catch (e) {
      if (turn !== choosing) return;
      opening = false;
      $('catalog-status').textContent = `“${f.title}” could not be opened (${e.message || e}).`;
    }
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
      const metrics = (await engine.ready.catch(() => null))?.metrics;
      const { film: f, format: fmtName, warnings, arc } = await readScriptFilm(engine, text,
        { filename, format, title: named, say, segments: segments(), ...(Array.isArray(metrics) ? { metrics } : {}) });
      const warn = warnings.length ? ` Note: ${warnings.slice(0, 3).join('; ')}` : '';
      // kept like a catalog film (its arc, not its text): the search finds it after a reload
      const kept = await keepMyFilm(f);
      if (kept) { myFilms = [{ ...f, kept: true }, ...myFilms.filter((x) => x.id !== f.id)]; }
      say(`Read ${f.scenes.length} scenes (${fmtName}).${kept ? ` “${f.title}” is kept in this browser: search for it any time.` : ''}${warn}`);
      if (named) { $('film-search').value = f.title; renderResults(); }
      onSelect(f, { arc });
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

  return { catalog: () => fetchCatalog().catch(() => []) };
}
