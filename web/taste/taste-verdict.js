// taste-verdict.js — the library's taste in one line, relative to the
// reference songs (taste-reference.js), and the data of its share card. Pure.
import { percentile } from './taste-reference.js';
import { orderMetrics, isNum } from '../ui.js';

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (p) => Math.min(99, Math.max(1, Math.round(p)));

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
  // a side of the middle only when the library is clearly there (outside the 40th–60th percentile)
  const vWord = v.p >= 60 ? 'bright' : v.p <= 40 ? 'sombre' : null;
  const eWord = e.p >= 60 ? 'energetic' : e.p <= 40 ? 'calm' : null;
  const quadrant = vWord || eWord ? [vWord, eWord].filter(Boolean).join(' and ') : 'balanced, right in the middle';
  const vw = v.p >= 50 ? `brighter than ${round(v.p)}%` : `darker than ${round(100 - v.p)}%`;
  const ew = e.p >= 50 ? `more energetic than ${round(e.p)}%` : `calmer than ${round(100 - e.p)}%`;
  return {
    quadrant, valence: v, energy: e, percentiles, songs: withMood.length,
    sentence: `Your average song is ${quadrant}: ${vw} and ${ew} of the reference songs (over ${withMood.length} songs with a predicted mood).`,
  };
}

/** What the taste card shows: the verdict, the percentiles, a few top artists and songs. */
export function tasteCardData(state, songs, verdict) {
  const top = state.top || {};
  let artists = (top.artists?.medium_term?.length ? top.artists.medium_term : top.artists?.long_term || []).map((a) => a.name);
  if (!artists.length && state.extra?.history?.topArtists) artists = state.extra.history.topArtists.map((a) => a.artist);
  if (!artists.length) {   // the most frequent artists of the (ranked) library
    const n = new Map();
    for (const s of songs) if (s.artist) n.set(s.artist, (n.get(s.artist) || 0) + 1);
    artists = [...n.entries()].sort((a, b) => b[1] - a[1]).map(([a]) => a);
  }
  const ids = top.tracks?.medium_term?.length ? top.tracks.medium_term : top.tracks?.long_term || [];
  let tracks = ids.map((id) => state.songs?.get?.(id)).filter(Boolean);
  if (!tracks.length) tracks = songs;
  return {
    label: state.label || 'My library', quadrant: verdict.quadrant, sentence: verdict.sentence,
    percentiles: verdict.percentiles, artists: artists.slice(0, 5), tracks: tracks.slice(0, 5).map((s) => ({ title: s.title, artist: s.artist })),
  };
}
