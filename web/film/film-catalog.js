// film-catalog.js — the catalog of films, loaded once for every view that
// needs it (Soundtrack search, the Taste tab's best-fitting film), with
// release years from weights/release_years.json.
//
// The catalog's own "year" is the date found on the script's title page — a
// draft's date, often years before the release (The Shawshank Redemption
// 1946, Forrest Gump 1981) — so it is never shown: a film gets a year only
// from the hand-checked release-year table (see README, "Release years"),
// and none when the table does not have it.
import { normalizeCatalog, decodeCompactFilm, CATALOG_VERSION } from './film.js';
import { titleWords } from './film-search.js';
import { metricsFrom } from '../ui.js';

const yearKey = (title) => titleWords(title).join(' ');

/** Films with `year` = the release year from `years` ({ title: year }), else null. Two
 * catalog films of one name are told apart by a year in the title ("Frozen (2010)"):
 * that year becomes the film's year, so the page shows "Frozen (2010)" once. */
export function withReleaseYears(films, years) {
  const table = new Map();
  for (const [t, y] of Object.entries(years && typeof years === 'object' ? years : {})) {
    if (Number.isInteger(y) && y >= 1888 && y <= 2100) table.set(yearKey(t), y);
  }
  for (const f of films) {
    f.year = table.get(yearKey(f.title)) ?? null;
    const m = / \((\d{4})\)$/.exec(f.title);
    if (m && m.index > 0 && (f.year === null || f.year === Number(m[1]))) {
      f.title = f.title.slice(0, m.index);
      f.year = Number(m[1]);
    }
  }
  return films;
}

async function fetchJson(url, optional = false) {
  const r = await fetch(url);
  if (!r.ok) { if (optional) return null; throw new Error(`HTTP ${r.status}`); }
  return r.json();
}

// Some scripts were Windows-1252 read as Latin-1, leaving C1 control
// characters in scene locations ("COFFEE SHOP \x96"); shown as the
// characters they meant (the rest of C1 dropped).
const CP1252 = { 0x85: '…', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—' };
export const repairC1 = (s) => s.replace(/[\u0080-\u009f]/g, (c) => CP1252[c.charCodeAt(0)] || '');

/** The overall mood as shown stays in each metric's range (clamped); headings repaired (as
 * the scenes are decoded: normalizeCatalog's heading). Scene moods are left exact: the engine
 * ranks them among catalog scenes (calibration), and `moodspace soundtrack` reads the same
 * numbers, so the page and the CLI agree. */
const cleanHeading = (h) => repairC1(h).trim();
function cleanFilms(films) {
  for (const f of films) f.overall = metricsFrom(f.overall);
  return films;
}

/** Where the catalog is, from the page (the engine's worker fetches it too, for the Taste tab's film fit). */
export const CATALOG_URL = './catalog.json';

let years = null;
/** The release-year table (fetched once; null without one). */
export const loadYears = () => (years ||= fetchJson('./release_years.json', true).catch(() => null).then((y) => y?.years || y));

/** A catalog file's JSON and the release-year table → the films loadCatalog gives. */
export const readCatalog = (json, y) => withReleaseYears(cleanFilms(normalizeCatalog(json, { heading: cleanHeading })), y);

let loading = null;
/** The normalised catalog with release years (one fetch per page; a failure can be retried). */
export function loadCatalog() {
  loading ||= Promise.all([fetchJson(CATALOG_URL), loadYears()])
    .then(([cat, y]) => readCatalog(cat, y))
    .catch((e) => { loading = null; throw e; });
  return loading;
}

/** Catalog films known by id and title only ([{ id, title }], the title as the catalog has
 * it) → with the title and release year loadCatalog gives them, without reading the catalog. */
export async function namedFilms(list) {
  return withReleaseYears(list.map((f) => ({ id: f.id, title: String(f.title ?? '').trim().slice(0, 200), year: null })), await loadYears());
}

// The Soundtrack view's search without the whole catalog on the main thread: the engine's
// Worker has already fetched and read it (the Taste tab's film fit), so it gives the titles,
// then the chosen film's own entry, decoded here exactly as loadCatalog decodes it.
const TITLES_URL = './catalog-titles.json';
const catalogHref = () => new URL(CATALOG_URL, document.baseURI).href;

/** The catalog's films for the search, from catalog-titles.json (else from the engine's Worker): [{ id, title, year, at, brief: true }]
 * in loadCatalog's order with its titles and years (no scenes: catalogFilm gives the film), or
 * null when the worker cannot give them (the page then uses loadCatalog). */
export async function catalogTitles(engine) {
  const y = loadYears();   // fetched alongside the titles, not after them
  const index = await fetchJson(TITLES_URL, true).catch(() => null);   // built with the catalog (web/build/build.mjs)
  const list = index?.version === CATALOG_VERSION && Array.isArray(index.films) ? index.films
    : await engine.call('catalogTitles', [catalogHref()]);
  return Array.isArray(list) ? briefFilms(list, await y) : null;
}
/** pack-films.js catalogTitles' list and the release-year table → catalogTitles' films. */
export const briefFilms = (list, y) => withReleaseYears(list.map((f) => ({ id: f.id, title: f.title, year: null, at: f.at, brief: true })), y);

/** pack-films.js catalogEntry's answer → the film as normalizeCatalog and cleanFilms make it
 * (before release years), or null. */
export function decodeCatalogEntry(e) {
  if (!e?.film || !Array.isArray(e.metrics) || e.version !== CATALOG_VERSION) return null;
  const film = decodeCompactFilm(e.film, { metrics: e.metrics.map(String), mean: e.mean, std: e.std, zunit: e.zunit, wunit: e.wunit, heading: cleanHeading }, e.index);
  return film ? cleanFilms([film])[0] : null;
}

/** A film of catalogTitles' list → the film loadCatalog gives (its scenes, overall mood, year),
 * from the worker's copy of its catalog entry, else from loadCatalog. */
export async function catalogFilm(engine, brief) {
  const film = decodeCatalogEntry(await engine.call('catalogFilm', [catalogHref(), brief.at, brief.id]).catch(() => null));
  if (film) return withReleaseYears([film], await loadYears())[0];
  const films = await loadCatalog();
  const same = films[brief.at]?.id === brief.id ? films[brief.at] : films.find((f) => f.id === brief.id);
  if (!same) throw new Error(`“${brief.title}” is no longer in the film catalog.`);
  return same;
}
