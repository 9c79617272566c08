// reasons.js — a friend match (match.js compareTastes) in plain words, from
// the point of view of whoever reads it. Pure; unit-tested.
//
//   matchReasons(result, mine) → [{ kind, text }]
//     mine: the file object that is the reader's own (result.a or result.b)
//   verdictOf(score) → a short word for the score
import { metric } from '../metrics.js';
import { MOOD_METRICS } from './match.js';

const LISTS = 3;
// a contrast in the metrics table's words: ["brighter", "as bright"]
const adjectives = (m) => { const w = metric(m).plain; return [w.higher, `as ${w.high}`]; };

export const friendName = (f) => (f?.name ? f.name : 'your friend');
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const list = (items) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
const quoted = (s) => `“${s.title}” by ${s.artist || 'an unknown artist'}`;

export function verdictOf(score) {
  if (score == null) return 'not enough to compare';
  return score >= 80 ? 'taste twins' : score >= 60 ? 'a close match' : score >= 40 ? 'some common ground' : score >= 20 ? 'different tastes' : 'opposite tastes';
}

export function matchReasons(r, mine) {
  const meIsA = r.a === mine;
  const other = meIsA ? r.b : r.a;
  const them = friendName(other);
  const out = [];
  const nA = r.sharedArtists.length; const nS = r.sharedSongs.length;
  if ('artists' in r.parts) {
    out.push({ kind: 'artists', text: nA ? `You share ${nA} artist${nA === 1 ? '' : 's'} of your top lists: ${list(r.sharedArtists.slice(0, 5).map((a) => a.name))}${nA > 5 ? ` and ${nA - 5} more` : ''}.`
      : `No artist in common in your top lists.` });
  }
  if ('songs' in r.parts) {
    out.push({ kind: 'songs', text: nS ? `You share ${nS} song${nS === 1 ? '' : 's'}: ${list(r.sharedSongs.slice(0, 3).map(quoted))}${nS > 3 ? ` and ${nS - 3} more` : ''}.`
      : 'No song in common among the songs you shared.' });
  }
  const loves = [...r.sharedArtists.slice(0, LISTS).map((a) => a.name)];
  if (loves.length || nS) out.push({ kind: 'love', text: `You both love ${list(loves.length ? loves : r.sharedSongs.slice(0, 2).map(quoted))}.` });
  if (r.moodDistance != null) {
    const d = r.moodDistance;
    const how = d < 0.05 ? 'nearly the same' : d < 0.1 ? 'close' : d < 0.2 ? 'somewhat apart' : 'far apart';
    out.push({ kind: 'mood', text: `The moods of your music are ${how}: on average ${d.toFixed(2)} apart on the 0–1 scales of ${list(MOOD_METRICS.map((m) => metric(m).label))}.` });
  }
  const same = [];
  for (const c of r.contrasts) {
    const [more, as] = adjectives(c.metric);
    const mineV = meIsA ? c.a : c.b; const theirs = meIsA ? c.b : c.a;
    const nums = `(${c.metric} ${mineV.toFixed(2)} for you, ${theirs.toFixed(2)} for ${them})`;
    if (c.higher == null) same.push(as.replace(/^as /, ''));
    else if ((c.higher === 'a') === meIsA) out.push({ kind: c.metric, text: `Your music is ${more} than ${them}’s ${nums}.` });
    else out.push({ kind: c.metric, text: `${cap(them)}’s music is ${more} than yours ${nums}.` });
  }
  if (same.length) out.push({ kind: 'same', text: `Your music is about as ${list(same)} as ${them}’s.` });
  return out;
}
