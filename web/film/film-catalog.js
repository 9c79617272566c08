// film-catalog.js — the catalog of films, loaded once for every view that
// needs it (Soundtrack search, the Taste tab's best-fitting film), with
// release years from weights/release_years.json.
//
// The catalog's own "year" is the date found on the script's title page — a
// draft's date, often years before the release (The Shawshank Redemption
// 1946, Forrest Gump 1981) — so it is never shown: a film gets a year only
// from the hand-checked release-year table (see README, "Release years"),
// and none when the table does not have it.
import { normalizeCatalog } from './film.js';
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
const loadYears = () => (years ||= fetchJson('./release_years.json', true).catch(() => null).then((y) => y?.years || y));

let loading = null;
/** The normalised catalog with release years (one fetch per page; a failure can be retried). */
export function loadCatalog() {
  loading ||= Promise.all([fetchJson(CATALOG_URL), loadYears()])
    .then(([cat, y]) => withReleaseYears(cleanFilms(normalizeCatalog(cat, { heading: cleanHeading })), y))
    .catch((e) => { loading = null; throw e; });
  return loading;
}

/** Catalog films known by id and title only ([{ id, title }], the title as the catalog has
 * it) → with the title and release year loadCatalog gives them, without reading the catalog. */
export async function namedFilms(list) {
  return withReleaseYears(list.map((f) => ({ id: f.id, title: String(f.title ?? '').trim().slice(0, 200), year: null })), await loadYears());
}
