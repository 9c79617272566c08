// film-search.js — finding a film in the catalog by title, ranked by
// relevance. Pure functions (unit-tested in tests/js/web-film.test.mjs).
//
// Titles and queries are folded the same way: accents, case and punctuation
// go ("Wall·E", "wall-e" and "WALL E" are one), a leading article is
// optional, and numbers are one word however they are spelled ("Part II",
// "part 2", "two" → "2"). Then, best first:
//   0 the whole title         "alien" → Alien
//   1 the title starts so     "alien" → Aliens, Alien 3
//   2 every word, in order    "godfather 2" → The Godfather Part II
//   3 every word, any order   "lebowski big" → The Big Lebowski
//   4 every word as a prefix  "lebow" → The Big Lebowski
// and within a rank shorter titles first, then alphabetically. A query of one
// or two letters ("up", "go", "9") matches whole words only: "up" finds Up,
// Knocked Up and Up in the Air, not Superbad or Upside.

import { foldName } from '../fold.js';

const ROMAN = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, vii: 7, viii: 8, ix: 9, x: 10 };
const WORDS = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  first: 1, second: 2, third: 3 };
const ARTICLES = new Set(['the', 'a', 'an']);
const collate = new Intl.Collator().compare;   // localeCompare's order, one collator

/**
 * The words of a title or query: lower case, no accents, no punctuation,
 * numbers as digits. "The Godfather: Part II" → ['the', 'godfather', 'part', '2'].
 * Roman numerals are read as numbers only after the first word (so "I, Robot"
 * and "X-Men" keep their letter), words for numbers everywhere.
 */
export function titleWords(s) {
  return folded(s).split(' ').filter(Boolean).map((w, i) => {   // (fold.js: "wall-e" → "wall e")
    if (i > 0 && w in ROMAN) return String(ROMAN[w]);
    if (w in WORDS) return String(WORDS[w]);
    return w;
  });
}
// a title folded once: the catalog's titles are folded for the release
// years, the placeholder and the search keys (folding is the slow part)
const foldedOf = new Map();
function folded(s) {
  const key = String(s || '');
  let f = foldedOf.get(key);
  if (f === undefined) {
    if (foldedOf.size > 20000) foldedOf.clear();
    f = foldName(key);
    foldedOf.set(key, f);
  }
  return f;
}

/** A search key for a film, computed once (titles do not change). */
function keyOf(film, cache) {
  let k = cache.get(film);
  if (!k) {
    const words = titleWords(film.title);
    const bare = words.length > 1 && ARTICLES.has(words[0]) ? words.slice(1) : words;
    k = { words, bare, joined: words.join(' '), bareJoined: bare.join(' '), squashed: words.join(''),
      plain: folded(film.title).split(' ') };   // as written: "Malcolm X" keeps its x
    cache.set(film, k);
  }
  return k;
}
const keys = new WeakMap();

/** The rank of a title for a query (0 best), or -1 when it does not match. */
export function matchRank(film, query, plainQuery = typeof query === 'string' ? query : '') {
  const q = typeof query === 'string' ? titleWords(query) : query;
  if (!q.length) return 5;
  const k = keyOf(film, keys);
  const qs = q.join(' ');
  const qBare = q.length > 1 && ARTICLES.has(q[0]) ? q.slice(1).join(' ') : qs;
  const short = q.join('').length <= 2;   // whole words only
  const starts = (s, p) => s.startsWith(p) && (!short || s.length === p.length || s[p.length] === ' ');
  if (k.joined === qs || k.bareJoined === qBare || k.squashed === q.join('')) return 0;
  if (starts(k.joined, qs) || starts(k.bareJoined, qBare)) return 1;
  // every query word as a whole word, in order
  let at = 0;
  for (const w of q) { const i = k.words.indexOf(w, at); if (i < 0) { at = -1; break; } at = i + 1; }
  if (at >= 0) return 2;
  if (q.every((w) => k.words.includes(w))) return 3;
  if (short) {   // a letter read as a numeral ("x" → 10) still finds the word as written
    const p = foldName(plainQuery).split(' ').filter(Boolean);
    return p.length && p.every((w) => k.plain.includes(w)) ? 3 : -1;
  }
  if (q.every((w) => k.words.some((t) => t.startsWith(w))) || k.squashed.includes(q.join(''))) return 4;
  return -1;
}

/**
 * Films matching `query`, best first → { films: up to `limit`, total: how many matched }.
 * An empty query lists the catalog alphabetically.
 */
export function rankFilms(films, query, limit = 30) {
  const q = titleWords(query);
  const hits = [];
  for (const f of films) {
    const r = matchRank(f, q, query);
    if (r >= 0) hits.push({ f, r, n: keyOf(f, keys).words.length });
  }
  hits.sort((a, b) => a.r - b.r || a.n - b.n || collate(a.f.title, b.f.title));
  return { films: hits.slice(0, limit).map((h) => h.f), total: hits.length };
}

// Well-known films to name in the search box's placeholder; the first that
// the loaded catalog holds is used (so the example always finds something).
const EXAMPLES = ['Casablanca', 'The Godfather', 'Pulp Fiction', 'Alien', 'Jaws', 'Titanic', 'Fargo', 'Amadeus'];
export function placeholderFor(films) {
  const titles = new Set(films.map((f) => titleWords(f.title).join(' ')));
  const hit = EXAMPLES.find((t) => titles.has(titleWords(t).join(' ')));
  return `e.g. ${hit || films[0]?.title || 'a film title'}`;
}
