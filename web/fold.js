// fold.js — a name folded for comparing, the one way the page compares what
// people type or services spell differently: no accents, lower case,
// apostrophes dropped, "&" as "and", every other punctuation a space, single
// spaces ("Beyoncé & JAY-Z" → "beyonce and jay z", "Wall·E" → "wall e").
// Used by the film search (film/film-search.js) and by matching Spotify's
// search hits to songs without ids (spotify/resolve.js). Pure.
//
// (The library's de-duplication key is stricter on purpose: history-core.js
// trackKey keeps accents and punctuation, so two different songs never merge.)

export function foldName(s) {
  return String(s ?? '').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/['’`]/g, '')              // "schindler's" → "schindlers"
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')   // "wall-e" → "wall e"
    .trim();
}
