// demo-taste.js — the demo's Taste view: its verdict line and a top-artists
// list made from the demo's own songs. The demo has one song per artist and
// no plays, so there is no ranking by listening; its artists are ranked by
// how close their song sits to the demo's average mood (the artists that
// sound most like the library), and the line names real songs of it.
//
//   demoTopArtists(songs, n)      → [{ artist, title, valence, energy, distance }] closest first
//   demoVerdictLine(songs, v)     → a sentence (v from taste-verdict.js tasteVerdict)
//   demoArtistsSection(songs)     → the section element, or null
import { el, fmt, isNum } from '../ui.js';
import { metric } from '../metrics.js';
import { thanWords } from './taste-verdict.js';

const withMood = (songs) => songs.filter((s) => s.artist && isNum(s.metrics?.valence) && isNum(s.metrics?.energy));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Artists ranked by how close their songs' mean mood is to the demo's mean (valence and energy); ties by name. */
export function demoTopArtists(songs, n = 10) {
  const list = withMood(songs);
  if (!list.length) return [];
  const mv = mean(list.map((s) => s.metrics.valence)); const me = mean(list.map((s) => s.metrics.energy));
  const by = new Map();
  for (const s of list) {
    const k = s.artist.toLowerCase();
    let a = by.get(k);
    if (!a) { a = { artist: s.artist, titles: [], v: [], e: [] }; by.set(k, a); }
    a.titles.push(s.title); a.v.push(s.metrics.valence); a.e.push(s.metrics.energy);
  }
  return [...by.values()].map((a) => {
    const valence = mean(a.v); const energy = mean(a.e);
    return { artist: a.artist, title: a.titles[0], songs: a.titles.length, valence, energy, distance: Math.hypot(valence - mv, energy - me) };
  }).sort((a, b) => a.distance - b.distance || a.artist.localeCompare(b.artist)).slice(0, n);
}

const extreme = (list, key, sign) => list.reduce((b, s) => (sign * (s.metrics[key] - b.metrics[key]) > 0 ? s : b));
const named = (s) => `“${s.title}” by ${s.artist}`;

/** The demo's verdict: where its average song sits among the reference songs, and which of its songs stand out. */
export function demoVerdictLine(songs, v) {
  const list = withMood(songs);
  if (!v || !list.length) return '';
  const vw = thanWords('valence', v.valence.p); const ew = thanWords('energy', v.energy.p);
  const words = (m) => metric(m).plain;
  const top = demoTopArtists(list, 1)[0];
  return `The demo's ${list.length} songs are ${v.quadrant} on average (${vw} and ${ew} of the reference songs); ` +
    `the one closest to that average is ${named({ title: top.title, artist: top.artist })}, the ${words('valence').highest} ${named(extreme(list, 'valence', 1))}, ` +
    `the ${words('valence').lowest} ${named(extreme(list, 'valence', -1))} and the ${words('energy').highest} ${named(extreme(list, 'energy', 1))}.`;
}

/** "Top artists of the demo": the 10 closest to its average mood, with their song and mood. */
export function demoArtistsSection(songs) {
  const top = demoTopArtists(songs, 10);
  if (!top.length) return null;
  const h = el('h3', { id: 'dash-demo-artists-h', text: 'Top artists of the demo' });
  return el('section', { id: 'dash-demo-artists', class: 'dash-section', 'aria-labelledby': 'dash-demo-artists-h' }, h,
    el('p', { class: 'muted', text: `The demo has no plays to rank by (one song from each of ${withMood(songs).length} artists), so its artists are ranked by how close their song sits to the demo's average mood: the ones that sound most like this library.` }),
    el('ol', { id: 'demo-top-artists', class: 'dash-top', 'aria-label': 'Top artists of the demo, closest to its average mood first' },
      ...top.map((a) => el('li', {}, el('span', { class: 'dash-name' }, el('strong', { text: a.artist }), el('br'),
        el('span', { class: 'muted', text: `${a.title} · valence ${fmt(a.valence)}, energy ${fmt(a.energy)}` }))))));
}
