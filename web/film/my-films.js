// my-films.js — films the user brought as a file (subtitles or a
// screenplay), kept in this browser like catalog films: after a reload they
// are found by the title search and open without the file.
//
// Kept in IndexedDB ("moodspace-films"): per film its title, each scene's
// heading, word count and predicted mood, the scene weights and the overall
// mood — never the script's text. Records are checked on read; a bad one is
// skipped (and counted), never shown half.
//
//   listMyFilms() → { films, skipped }     newest first
//   keepMyFilm(film) → true | false        replaces a film with the same id
//   toStored(film), fromStored(record)     (pure; tests/js/web-film.test.mjs)
import { softStore, STORES } from '../stores.js';

export const FILMS_DB = STORES.films;
const LIST_KEY = 'films.v1';
export const MAX_MY_FILMS = 40;
const MAX_SCENES = 5000;

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');
const metricsOnly = (m) => Object.fromEntries(Object.entries(m && typeof m === 'object' && !Array.isArray(m) ? m : {}).filter(([k, v]) => isNum(v) && k.length <= 40));

/** A brought film → the record kept (no script text). */
export function toStored(film, now = Date.now()) {
  return {
    v: 1, id: str(String(film.id ?? ''), 300), title: str(film.title, 200) || 'Your script', savedAt: now,
    from: str(film.from, 300),
    scenes: (film.scenes || []).slice(0, MAX_SCENES).map((s, i) => ({ index: i, heading: str(s.heading, 200), words: isNum(s.words) ? s.words : 0, metrics: metricsOnly(s.metrics) })),
    weights: Array.isArray(film.weights) ? film.weights.slice(0, MAX_SCENES).filter(isNum) : null,
    overall: metricsOnly(film.overall),
  };
}

/** A kept record → a film as the Soundtrack view uses it, or null when it is not sound. */
export function fromStored(r) {
  if (!r || typeof r !== 'object' || r.v !== 1 || typeof r.id !== 'string' || !r.id || typeof r.title !== 'string' || !r.title.trim()) return null;
  if (!Array.isArray(r.scenes) || !r.scenes.length || r.scenes.length > MAX_SCENES) return null;
  const scenes = [];
  for (const [i, s] of r.scenes.entries()) {
    const metrics = metricsOnly(s?.metrics);
    if (!Object.keys(metrics).length) return null;
    scenes.push({ index: i, heading: str(s.heading, 200) || `Scene ${i + 1}`, words: isNum(s.words) ? s.words : 0, metrics, text: '' });
  }
  const overall = metricsOnly(r.overall);
  if (!Object.keys(overall).length) return null;
  const weights = Array.isArray(r.weights) && r.weights.length === scenes.length && r.weights.every((w) => isNum(w) && w > 0) ? r.weights : null;
  return { id: r.id, title: r.title.slice(0, 200), year: null, source: 'script', kept: true, from: str(r.from, 300),
    savedAt: isNum(r.savedAt) ? r.savedAt : 0, scenes, weights: weights || undefined, overall };
}

let store = null;
const st = () => (store ||= softStore(FILMS_DB));

async function readList() {
  const l = await st().get(LIST_KEY);
  return Array.isArray(l) ? l : [];
}

export async function listMyFilms() {
  const raw = await readList();
  const films = raw.map(fromStored);
  return { films: films.filter(Boolean), skipped: films.filter((f) => !f).length };
}

export async function keepMyFilm(film) {
  const rec = toStored(film);
  if (!fromStored(rec)) return false;
  const list = (await readList()).filter((r) => r?.id !== rec.id);
  return st().set(LIST_KEY, [rec, ...list].slice(0, MAX_MY_FILMS));
}
