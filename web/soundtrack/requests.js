// requests.js — the Soundtrack view's engine requests and what comes back,
// as plain data (pure; tests/js/soundview.test.mjs): the filmSoundtrack
// request for a film and songs (wasm/soundtrack.h), the picks the views
// show, the user's locks as the engine's { segment, song index }, and the
// quick match's pool in words.

import { segmentHeading } from '../film/segment-label.js';

export const ALTERNATIVES = 3;   // "Another song" lists this many next best fits

/**
 * The filmSoundtrack request: the film's scene moods and weights, the songs
 * (ranked) compared on the metrics both sides have (a catalog or a demo
 * library may carry fewer than the model predicts), per-scene detail for the
 * chart. extra: { segments, quick, locked, alternatives }.
 */
export function soundtrackRequest(film, songs, extra = {}) {
  const metrics = Object.keys(film.overall).filter((m) => !songs.length || songs.some((s) => typeof s.metrics[m] === 'number'));
  const req = { scenes: film.scenes.map((s) => s.metrics), songs: songs.map((s) => ({ id: s.id, ...s.metrics })), metrics, detail: true, ...extra };
  if (film.weights) req.scene_weights = film.weights;
  return req;
}

/**
 * Locks [{ segment, song (a Song) }] → { locked: [{ segment, song: index in ranked }] },
 * or { missing: the Song } when one is not among the ranked songs any more.
 */
export function lockIndices(locks, ranked) {
  const at = new Map(ranked.map((s, i) => [s.id, i]));
  const locked = [];
  for (const l of locks) {
    if (!at.has(l.song.id)) return { missing: l.song };
    locked.push({ segment: l.segment, song: at.get(l.song.id) });
  }
  return { locked };
}

/** A full soundtrack's answer → the picks shown (songs from `ranked`); lockedFlags overrides the engine's "locked". */
export function fullPicks(res, film, ranked, lockedFlags = null) {
  return res.segments.map((g, i) => ({
    segment: { segment: i, first: g.first_scene, last: g.last_scene, heading: segmentHeading(film.scenes, g.first_scene, g.last_scene), metrics: g.mood },
    song: g.song ? ranked[g.song.index] || null : null, distance: g.distance, segmentPct: g.pct, songPct: g.song_pct, mood: g.mood,
    locked: lockedFlags ? !!lockedFlags[i] : !!g.locked,
    alternatives: (g.alternatives || []).map((a) => ({ song: ranked[a.song.index], songPct: a.song_pct, distance: a.distance })).filter((a) => a.song),
  }));
}

/** The quick match's pool, said as what it is: "20 songs drawn from your 70 most played (numbers 11–30)." */
export function poolWords(quick, considered, state = {}) {
  const n = quick.pool.length;
  const hasTop = ['medium_term', 'short_term', 'long_term'].some((r) => state.top?.tracks?.[r]?.length);
  const from = state.mode === 'demo' ? `the demo library's first ${considered} songs`
    : hasTop ? `your ${considered} most played` : `the first ${considered} songs of your library`;
  return `${n} songs drawn from ${from} (numbers ${quick.offset + 1}–${quick.offset + n}).`;
}
