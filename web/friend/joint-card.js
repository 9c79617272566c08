// joint-card.js — the share card of a soundtrack for two: "A
// soundtrack for the two of us", both names, the match score, the film
// (its year kept), the arc of its parts and the songs, each marked whose it
// is (a name, or "both"). Written as card-layout.js blocks (kind 'blocks',
// theme 'friend'), so both sizes are measured like every other card. The PNG
// carries the joint soundtrack (kind 'joint', card-payload.js) so that,
// dropped on the page, it reopens offline: the parts, the songs with whose
// marks, both names and the score, shown in the Taste tab.
//
//   jointCardData(st, { me, friend, score, whoseOf }) → data (the payload's 'joint')
//       st: joint.js jointSoundtrack's result; whoseOf(owner) → 'me' | 'friend' | 'both'
//   jointCardBlocks(data) → { theme, note, blocks }: drawCard({ kind: 'blocks', data })
//   jointPayload(data, now) → the card's payload
//   readJoint(payload) → data, cleaned (null when it is not a joint soundtrack)
//   jointView(data, note, onClose) → the reopened view's nodes
import { registerCardKind, CARD_FORMAT, CARD_VERSION } from '../keep/card-payload.js';
import { cardText } from '../keep/card-layout.js';
import { verdictOf } from './reasons.js';
import { el } from '../ui.js';
import { metricNames, libraryOrder, MOOD_AXES } from '../metrics.js';

export const MAX_PARTS = 24;
const WHOSE = ['me', 'friend', 'both'];
const MOODS = libraryOrder(metricNames());

const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v, max = 300) => (typeof v === 'string' ? cardText(v, max) : '');
const int = (v) => (Number.isInteger(v) && v >= 0 ? v : null);

function moodOf(m) {
  const out = {};
  if (isObj(m)) for (const k of MOODS) if (num(m[k]) != null) out[k] = m[k];
  return out;
}

/** The names as the card prints them (a side without a name: "me", "my friend"). */
export const namesOf = (d) => ({ me: d.names.me || 'me', friend: d.names.friend || 'my friend' });
/** Whose a song is, as a name: the owner's name, or "both". */
export function whoseName(d, whose) {
  const n = namesOf(d);
  return whose === 'both' ? 'both' : whose === 'me' ? n.me : n.friend;
}
const scoreLine = (d) => (d.score == null ? 'No score: nothing of our tastes to compare'
  : `Our match: ${d.score} / 100 · ${verdictOf(d.score)}`);
const filmName = (f) => (f.year ? `${f.title} (${f.year})` : f.title);

/** The joint soundtrack on screen → what its card shows and carries. */
export function jointCardData(st, { me = '', friend = '', score = null, whoseOf }) {
  const f = st.film || {};
  return {
    names: { me: str(me, 80), friend: str(friend, 80) },
    score: num(score) != null ? Math.round(score) : null,
    film: { id: str(f.id, 200), title: str(f.title, 300) || 'a film', year: int(f.year), source: f.source === 'script' ? 'script' : 'catalog' },
    parts: st.segments.slice(0, MAX_PARTS).map((g) => ({
      first: g.first, last: g.last, heading: str(g.heading || '', 200), mood: moodOf(g.mood),
      song: { title: str(g.song.title), artist: str(g.song.artist), whose: whoseOf(g.song.owner), metrics: moodOf(g.song.metrics) },
    })),
  };
}

export function jointCardBlocks(d) {
  const n = namesOf(d);
  const series = {};
  for (const m of MOOD_AXES) if (d.parts.length > 1 && d.parts.every((p) => typeof p.mood[m] === 'number')) series[m] = d.parts.map((p) => p.mood[m]);
  return {
    theme: 'friend',
    note: 'Matched in our browsers · this card reopens in MoodSpace',
    blocks: [
      { type: 'brand', title: 'MoodSpace', subtitle: 'A soundtrack for the two of us' },
      { type: 'text', text: `${n.me} & ${n.friend}`, maxLines: 2, color: '#f4f1ff' },
      { type: 'text', text: scoreLine(d), maxLines: 1, color: '#ffcf5c' },
      { type: 'headline', text: d.film.title, keep: d.film.year ? `(${d.film.year})` : '' },
      { type: 'chart', series, caption: `the film’s mood, first scene to last, in ${d.parts.length} part${d.parts.length === 1 ? '' : 's'}` },
      { type: 'rows', more: d.parts.length - 1 ? 'songs' : 'song',
        items: d.parts.map((p) => ({ main: p.song.title, detail: p.song.artist, tag: whoseName(d, p.song.whose) })) },
    ],
  };
}

export function jointPayload(d, now = Date.now()) {
  return { format: CARD_FORMAT, version: CARD_VERSION, kind: 'joint', made: new Date(now).toISOString(), joint: d };
}

/** A card's payload → the joint soundtrack, cleaned; null when it is not one. */
export function readJoint(p) {
  const j = p?.joint;
  if (!isObj(j) || !isObj(j.film) || !Array.isArray(j.parts) || !j.parts.length || j.parts.length > MAX_PARTS) return null;
  const title = str(j.film.title);
  if (!title) return null;
  const parts = [];
  for (const x of j.parts) {
    if (!isObj(x) || !isObj(x.song)) return null;
    const first = int(x.first); const last = int(x.last);
    const song = { title: str(x.song.title), artist: str(x.song.artist), whose: x.song.whose, metrics: moodOf(x.song.metrics) };
    if (first == null || last == null || last < first || !song.title || !WHOSE.includes(song.whose)) return null;
    parts.push({ first, last, heading: str(x.heading || '', 200), mood: moodOf(x.mood), song });
  }
  const names = isObj(j.names) ? j.names : {};
  const score = num(j.score);
  return {
    names: { me: str(names.me, 80), friend: str(names.friend, 80) },
    score: score != null && score >= 0 && score <= 100 ? Math.round(score) : null,
    film: { id: str(j.film.id, 200), title, year: int(j.film.year), source: j.film.source === 'script' ? 'script' : 'catalog' },
    parts,
  };
}

/** The reopened joint soundtrack, as nodes (every string as text). */
export function jointView(d, note, onClose) {
  const n = namesOf(d);
  const close = el('button', { type: 'button', id: 'opened-joint-close', text: 'Close' });
  close.addEventListener('click', onClose);
  const label = (w) => (w === 'both' ? 'in both our libraries' : `${whoseName(d, w)}’s`);
  return [
    el('h3', { id: 'opened-joint-h', tabindex: '-1', text: `A soundtrack for the two of us, reopened: ${n.me} & ${n.friend}` }),
    note ? el('p', { class: 'note', text: note }) : null,
    el('p', { class: 'dash-verdict-line', id: 'opened-joint-score', 'data-score': d.score == null ? '' : String(d.score), text: scoreLine(d) }),
    el('p', { id: 'opened-joint-film', text: `${filmName(d.film)}: ${d.parts.length} part${d.parts.length === 1 ? '' : 's'}` }),
    el('ol', { id: 'opened-joint-list', class: 'friend-joint-list' }, ...d.parts.map((p, i) => el('li', {
      class: `friend-joint-song owner-${p.song.whose === 'both' ? 'both' : p.song.whose === 'me' ? 'me' : 'them'}`,
      'data-whose': p.song.whose === 'both' ? 'both' : (d.names[p.song.whose] || ''), 'data-segment': String(i) },
    el('span', { class: 'friend-seg', text: `Part ${i + 1} · scenes ${p.first + 1}–${p.last + 1}${p.heading ? ` · ${p.heading}` : ''}` }),
    el('span', { class: 'friend-song' }, el('strong', { text: p.song.title }), ' — ', el('span', { text: p.song.artist })),
    el('span', { class: 'friend-whose', text: label(p.song.whose) })))),
    el('p', { class: 'muted', text: 'Read from the card file in this browser; nothing was sent anywhere. ' }, close),
  ];
}

// dropped on the page (open-card.js): shown at the top of the Taste tab
let box = null;
registerCardKind('joint', {
  read: readJoint,
  open(d, ctx) {
    box?.remove();
    box = el('section', { class: 'card opened-joint', id: 'opened-joint', 'aria-labelledby': 'opened-joint-h' });
    box.append(...jointView(d, '', () => { box.remove(); box = null; document.getElementById('tab-taste')?.focus(); }).filter(Boolean));
    const mount = document.getElementById('friend-mount') || document.getElementById('taste-mount');
    if (mount?.parentNode) mount.parentNode.insertBefore(box, mount); else document.getElementById('view-taste')?.append(box);
    ctx.showTab?.('taste');
    document.getElementById('opened-joint-h')?.focus();
    const n = namesOf(d);
    return `Reopened the soundtrack for ${n.me} & ${n.friend} (${filmName(d.film)}, ${d.parts.length} parts): it is in the Taste tab, above “Compare with a friend”.`;
  },
});
