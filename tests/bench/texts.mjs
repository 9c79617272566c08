// texts.mjs — invented benchmark inputs: lyric-like songs and a 120-page
// screenplay, generated deterministically from a seed. Nothing here comes from
// ../shared/data: the word lists below were written for this file.

export function rng(seed) {            // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, a) => a[Math.floor(r() * a.length)];

const W = {
  pron: 'i you we they she he it nobody everybody someone'.split(' '),
  verb: ('love hold run fall dance burn break call wait dream leave stay hide ' +
    'shine drive cry sing breathe ride chase carry follow need want miss find ' +
    'lose keep turn light pull touch feel know remember forget believe').split(' '),
  verbs: ('loves holds runs falls dances burns breaks calls waits dreams leaves ' +
    'stays hides shines drives cries sings rides chases carries follows needs ' +
    'wants misses finds loses keeps turns pulls touches feels knows').split(' '),
  noun: ('heart night fire rain road city river light sky moon sun star eyes ' +
    'hands door window summer winter morning money party song radio girl boy ' +
    'baby friend mother father town ocean wind storm shadow ghost dream ' +
    'heaven kitchen street car train bed floor wall name time world life ' +
    'bottle glass phone letter truth lie gold silver blood bones smoke dust').split(' '),
  adj: ('cold warm broken golden lonely wild blue red dark bright sweet ' +
    'young old empty heavy quiet loud slow fast lost free true high low ' +
    'tired happy sad crazy gentle electric holy').split(' '),
  adv: 'tonight forever again now never always slowly together away home alone'.split(' '),
  prep: 'in on under over through into across behind beside after before'.split(' '),
  inter: 'oh yeah hey ooh la na whoa'.split(' '),
};

function phrase(r) {
  switch (Math.floor(r() * 7)) {
    case 0: return `${pick(r, W.pron)} ${pick(r, W.verb)} the ${pick(r, W.adj)} ${pick(r, W.noun)}`;
    case 1: return `${pick(r, W.prep)} the ${pick(r, W.noun)} ${pick(r, W.pron)} ${pick(r, W.verb)} ${pick(r, W.adv)}`;
    case 2: return `my ${pick(r, W.noun)} ${pick(r, W.verbs)} like a ${pick(r, W.adj)} ${pick(r, W.noun)}`;
    case 3: return `${pick(r, W.inter)} ${pick(r, W.inter)} don't ${pick(r, W.verb)} me ${pick(r, W.adv)}`;
    case 4: return `all the ${pick(r, W.adj)} ${pick(r, W.noun)}s ${pick(r, W.prep)} your ${pick(r, W.noun)}`;
    case 5: return `${pick(r, W.pron)} can't ${pick(r, W.verb)} ${pick(r, W.prep)} this ${pick(r, W.noun)} ${pick(r, W.adv)}`;
    default: return `when the ${pick(r, W.noun)} ${pick(r, W.verbs)} and the ${pick(r, W.noun)} is ${pick(r, W.adj)}`;
  }
}
const cap = (s) => s[0].toUpperCase() + s.slice(1);

/** One song's lyric: verses, a repeated chorus, section tags; ~300 words. */
export function song(r, words = 300) {
  const chorus = [phrase(r), phrase(r), phrase(r), phrase(r)].map(cap);
  const parts = [];
  let n = 0, verse = 1;
  while (n < words) {
    const v = [`[Verse ${verse++}]`];
    for (let i = 0; i < 4; i++) { const l = cap(phrase(r)); v.push(l); n += l.split(' ').length; }
    parts.push(v.join('\n'));
    if (n >= words) break;
    parts.push(['[Chorus]', ...chorus].join('\n'));
    n += chorus.join(' ').split(' ').length;
  }
  return parts.join('\n\n');
}

/** n songs from a seed. */
export function songs(n, seed = 7) {
  const r = rng(seed);
  return Array.from({ length: n }, () => song(r, 260 + Math.floor(r() * 80)));
}

const PLACES = ['KITCHEN', 'DINER', 'MOTEL ROOM', 'HIGHWAY', 'POLICE STATION', 'ROOFTOP',
  'APARTMENT', 'RECORD STORE', 'HOSPITAL CORRIDOR', 'BEACH', 'CAR', 'BAR', 'CHURCH',
  'TRAIN PLATFORM', 'SCHOOL GYM', 'WAREHOUSE', 'GARDEN', 'OFFICE', 'FOREST', 'BRIDGE'];
const TIMES = ['DAY', 'NIGHT', 'DAWN', 'DUSK', 'LATER', 'CONTINUOUS'];
const NAMES = ['MAYA', 'THEO', 'RUTH', 'DELGADO', 'JUNIPER', 'OKAFOR', 'LENA', 'BRUNO'];

function action(r) {
  const s = [`${cap(pick(r, W.noun))}s ${pick(r, W.prep)} the ${pick(r, W.adj)} ${pick(r, W.noun)}.`,
    `${((n) => n[0] + n.slice(1).toLowerCase())(pick(r, NAMES))} ${pick(r, W.verbs)} the ${pick(r, W.noun)} and looks ${pick(r, W.adv)}.`,
    `The ${pick(r, W.noun)} is ${pick(r, W.adj)}, the ${pick(r, W.noun)} ${pick(r, W.adj)}.`,
    `Somewhere a ${pick(r, W.noun)} ${pick(r, W.verbs)}.`];
  return s.slice(0, 2 + Math.floor(r() * 3)).join(' ');
}

/** A plain-text screenplay of `pages` pages: 1.1 scenes and ~200 words a
 * page (a 120-page script: 132 scenes, ~24k words), scenes headed INT./EXT.,
 * with character cues, parentheticals, dialogue, transitions and page numbers
 * every 55 lines. Returns { text, scenes, words }. */
export function screenplay(pages = 120, seed = 11) {
  const r = rng(seed);
  const lines = ['FADE IN:', ''];
  let page = 1;
  const scenes = Math.round(pages * 1.1);
  for (let sc = 0; sc < scenes; sc++) {
    lines.push(`${r() < 0.6 ? 'INT.' : 'EXT.'} ${pick(r, PLACES)} - ${pick(r, TIMES)}`, '');
    const beats = 7 + Math.floor(r() * 9);
    for (let b = 0; b < beats; b++) {
      if (r() < 0.4) { lines.push(action(r), ''); continue; }
      lines.push(`                    ${pick(r, NAMES)}`);
      if (r() < 0.25) lines.push(`               (${pick(r, W.adj)})`);
      lines.push(`          ${cap(phrase(r))}. ${cap(phrase(r))}?`, '');
    }
    if (r() < 0.3) lines.push('                                        CUT TO:', '');
    while (lines.length > page * 55) { page++; lines.push(`                                                  ${page}.`, ''); }
  }
  lines.push('FADE OUT.');
  const text = lines.join('\n');
  return { text, scenes, words: text.split(/\s+/).filter(Boolean).length };
}
