// joint.js — a soundtrack for two: a film's segments filled from both taste
// files through the engine's one matching path (filmSoundtrack,
// wasm/soundtrack.h, on the calibrated scale, as the Soundtrack tab), the
// default film the one the two libraries fit best (filmFit, as the Taste
// tab's "film your library fits best"). No DOM; `call` is the engine's
// call(method, args). The request depends only on the two files' content
// (match.js jointPool), so both friends get the same soundtrack.
//
//   bestFilm(call, films, pool, segments)          → the catalog film (or null)
//   jointSoundtrack(call, film, pool, segments)    → { film, segments: [{ segment, first, last, heading, song, distance, pct, songPct, mood }], total }
//   jointCsv(soundtrack, nameOf)                    → CSV text (position, title, artist, whose, segment, scenes, distance)
import { csvField } from '../keep/export.js';

const songsOf = (pool) => pool.songs.map((s, i) => ({ id: String(i), ...s.metrics }));
const filmMetrics = (film, pool) => Object.keys(film.overall || {}).filter((m) => pool.metrics.includes(m));

export async function bestFilm(call, films, pool, segments) {
  const usable = films.filter((f) => f.scenes?.length >= segments);
  if (!usable.length || pool.songs.length < segments) return null;
  const fit = await call('filmFit', [{ segments, top: 1, songs: songsOf(pool),
    films: usable.map((f) => ({ id: f.id, scenes: f.scenes.map((x) => x.metrics), ...(f.weights ? { scene_weights: f.weights } : {}) })) }]);
  const id = fit?.ranking?.[0]?.id;
  return usable.find((f) => f.id === id) || null;
}

export async function jointSoundtrack(call, film, pool, segments) {
  const n = Math.min(segments, film.scenes.length);
  if (pool.songs.length < n) throw new Error(`A ${n}-part soundtrack needs at least ${n} songs with a mood between you; you have ${pool.songs.length}.`);
  const req = { scenes: film.scenes.map((s) => s.metrics), segments: n, songs: songsOf(pool), metrics: filmMetrics(film, pool), detail: true };
  if (film.weights) req.scene_weights = film.weights;
  const res = await call('filmSoundtrack', [req]);
  const segs = (res?.segments || []).map((g, i) => {
    const song = pool.songs[g.song?.index];
    return { segment: i, first: g.first_scene, last: g.last_scene, heading: film.scenes[g.first_scene]?.heading || '',
      song: song || null, distance: g.distance, pct: g.pct, songPct: g.song_pct, mood: g.mood };
  });
  if (!segs.length || segs.some((g) => !g.song)) throw new Error('The engine gave no song for a part of the film.');
  return { film, segments: segs, total: segs.reduce((t, g) => t + (Number.isFinite(g.distance) ? g.distance : 0), 0) };
}

export function jointCsv(st, nameOf) {
  const rows = [['position', 'title', 'artist', 'whose', 'segment', 'scenes', 'scene_heading', 'distance'].join(',')];
  st.segments.forEach((g, i) => {
    rows.push([i + 1, g.song.title, g.song.artist, nameOf(g.song.owner), g.segment + 1, g.first === g.last ? g.first + 1 : `${g.first + 1}-${g.last + 1}`,
      g.heading, Number.isFinite(g.distance) ? g.distance.toFixed(4) : ''].map(csvField).join(','));
  });
  return rows.join('\r\n') + '\r\n';
}
