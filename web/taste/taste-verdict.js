// taste-verdict.js — the library's taste in one line, relative to the
// reference songs (taste-reference.js), and the data of its share card. Pure.
import { percentile } from './taste-reference.js';
import { orderMetrics, isNum } from '../ui.js';
import { metric, MIDDLE } from '../metrics.js';

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (p) => Math.min(99, Math.max(1, Math.round(p)));

/** Where a percentile p puts a library against the reference songs, in the metrics table's words: "brighter than 91%", "calmer than 80%". */
export function thanWords(name, p) {
  const w = metric(name).plain;
  return p >= 50 ? `${w.higher} than ${round(p)}%` : `${w.lower} than ${round(100 - p)}%`;
}

// a side of the middle only when the library is clearly there (outside the 40th–60th percentile)
const side = (name, p) => (p >= 60 ? metric(name).plain.high : p <= 40 ? metric(name).plain.low : null);

/**
 * → { sentence, quadrant (e.g. 'bright and calm'), valence, energy, percentiles: [{ metric, value, p }] } or null.
 * The average song of the library placed among the reference songs.
 */
export function tasteVerdict(songs, ref) {
  const withMood = songs.filter((s) => isNum(s.metrics?.valence) && isNum(s.metrics?.energy));
  if (!withMood.length || !ref) return null;
  const metrics = orderMetrics(Object.keys(ref.quantiles).filter((m) => withMood.every((s) => isNum(s.metrics[m]))));
  const percentiles = metrics.map((m) => { const value = mean(withMood.map((s) => s.metrics[m])); return { metric: m, value, p: percentile(ref, m, value) }; });
  const at = (m) => percentiles.find((x) => x.metric === m);
  const v = at('valence'); const e = at('energy');
  const sides = [side('valence', v.p), side('energy', e.p)].filter(Boolean);
  const quadrant = sides.length ? sides.join(' and ') : MIDDLE;
  return {
    quadrant, valence: v, energy: e, percentiles, songs: withMood.length,
    sentence: `Your average song is ${quadrant}: ${thanWords('valence', v.p)} and ${thanWords('energy', e.p)} of the reference songs (over ${withMood.length} song${withMood.length === 1 ? '' : 's'} with a predicted mood).`,
  };
}

const plays = (n) => `${Number(n).toLocaleString('en')} play${n === 1 ? '' : 's'}`;

/**
 * What the taste card shows: the verdict, the percentiles, and rankings only
 * where the library has real ones — Spotify's top artists and tracks, or the
 * most played of an export (by listening time, with the play count). A
 * library without either (the demo) gets no lists, never its first rows.
 * → { label, quadrant, sentence, percentiles, artists: { title, basis, items: [{ main, detail }] }, songs: {…} }
 */
export function tasteCardData(state, songs, verdict, n = 10) {
  const top = state.top || {};
  const hist = state.extra?.history;
  const range = (kind) => (top[kind]?.medium_term?.length ? ['medium_term', 'last 6 months'] : top[kind]?.long_term?.length ? ['long_term', 'all time'] : null);
  let artists = { title: 'Top artists', basis: '', items: [] };
  const ar = range('artists');
  if (ar) artists = { title: 'Top artists', basis: `Spotify’s top artists, ${ar[1]}`, items: top.artists[ar[0]].filter((a) => a?.name).map((a) => ({ main: a.name })) };
  else if (hist?.topArtists?.length) artists = { title: 'Most played artists', basis: 'by listening time in the export', items: hist.topArtists.map((a) => ({ main: a.artist, detail: plays(a.plays) })) };
  let tracks = { title: 'Top songs', basis: '', items: [] };
  const tr = range('tracks');
  if (state.source !== 'spotify' && hist?.topByTime?.length) tracks = { title: 'Most played songs', basis: 'by listening time in the export', items: hist.topByTime.map((t) => ({ main: t.title, detail: t.artist })) };
  else if (tr) {
    const items = top.tracks[tr[0]].map((id) => state.songs?.get?.(id)).filter(Boolean).map((s) => ({ main: s.title, detail: s.artist }));
    tracks = { title: 'Top songs', basis: state.source === 'spotify' ? `Spotify’s top tracks, ${tr[1]}` : `most played, ${tr[1]}`, items };
  }
  artists.items = artists.items.slice(0, n); tracks.items = tracks.items.slice(0, n);
  return {
    label: state.label || 'My library', quadrant: verdict.quadrant, sentence: verdict.sentence,
    percentiles: verdict.percentiles, artists, songs: tracks,
  };
}
