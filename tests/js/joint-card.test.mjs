// The joint soundtrack's share card: both sizes with
// hostile names (long, RTL, emoji), a hostile film title and 24 parts never
// overlap nor reach the footer band; the year stays; every song shown carries
// whose it is; the PNG's payload reads back to the same joint soundtrack, and
// a damaged one is refused with a message. In Node, with a stand-in for the
// canvas's measureText (as web-cards.test.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import { layoutCard, SIZES, graphemes } from '../../web/keep/card-layout.js';
import { cardSpec } from '../../web/keep/card-content.js';
import { readPayload, CardError, CARD_KEYWORD } from '../../web/keep/card-payload.js';
import { withText } from '../../web/keep/png-text.js';
import { readCard } from '../../web/keep/open-card.js';
import { jointCardData, jointCardBlocks, jointPayload, readJoint, whoseName } from '../../web/friend/joint-card.js';
import { hostileDetail, tinyPng, HOSTILE_TITLE, measure, checkLayout } from './fixtures/cards.mjs';

const LONG_ME = 'Ünïcödé 🎧 Anastasia-Maximiliana of the Very Long Name That Goes On';
const RTL_FRIEND = 'بنيامين الطويل جدا جدا 🎶🎶🎶 من المدينة';
const OWNERS = ['a', 'b', 'both'];

/** A joint soundtrack as joint.js gives it: the hostile fixture's parts, the songs spread over the two sides. */
function jointOf(n) {
  const d = hostileDetail(n);
  return {
    film: { ...d.film, source: 'catalog', id: 'hostile' },
    segments: d.picks.map((p, i) => ({ segment: i, first: p.segment.first, last: p.segment.last, heading: p.segment.heading, mood: p.segment.metrics,
      distance: p.distance, song: { key: `k${i}`, title: p.song.title, artist: p.song.artist, owner: OWNERS[i % 3], metrics: { ...p.song.metrics, danceability: 0.4 } } })),
    total: 1,
  };
}
const dataOf = (n, me = LONG_ME, friend = RTL_FRIEND) => jointCardData(jointOf(n), { me, friend, score: 71.6, whoseOf: (o) => ({ a: 'me', b: 'friend', both: 'both' })[o] });

test('joint cards of both sizes: hostile names, a hostile film title and 24 parts never overlap; the year stays; every row says whose', () => {
  const d = dataOf(24);
  assert.equal(d.score, 72);
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'blocks', size, data: jointCardBlocks(d), address: 'moodspace.example/app' }), measure);
    assert.deepEqual([l.width, l.height], [SIZES[size].width, SIZES[size].height]);
    assert.equal(l.theme.band, '#08100b', 'the friend theme');
    checkLayout(l, `joint ${size}`);
    const texts = l.ops.filter((o) => o.type === 'text').map((o) => o.text);
    assert.ok(texts.includes('A soundtrack for the two of us'), texts.join(' | '));
    assert.ok(texts.some((t) => t.startsWith('Ünïcödé 🎧')), 'my name');
    assert.ok(texts.some((t) => t.includes('بنيامين')), 'the friend’s name');
    assert.ok(texts.includes('Our match: 72 / 100 · a good match') || texts.some((t) => /^Our match: 72 \/ 100 · /.test(t)), 'the score');
    const head = l.ops.filter((o) => o.type === 'text' && o.weight === 800).map((o) => o.text);
    assert.ok(head.at(-1).endsWith('(1994)'), `${size}: the year ends the headline: ${head.join(' / ')}`);
    assert.ok(l.ops.some((o) => o.type === 'chart'));
    const rows = texts.filter((t) => /^\d+\.$/.test(t)).length;
    const more = texts.find((t) => /^\+\d+ more songs$/.test(t));
    assert.ok(more && rows >= 3, `${size}: ${rows} rows and "${more}"`);
    assert.equal(rows + Number(/\d+/.exec(more)[0]), 24);
    // one tag (whose) per row shown, right-aligned, each a name or "both"
    const tags = l.ops.filter((o) => o.type === 'text' && o.align === 'right' && o.weight === 700 && o.box.y < l.band.top);
    assert.equal(tags.length, rows, `${size}: a whose tag on each row`);
    tags.forEach((t, i) => {
      const want = whoseName(d, d.parts[i].song.whose);
      assert.ok(t.text === want || (t.text.endsWith('…') && want.startsWith(t.text.slice(0, -1).trimEnd())), `${size}: row ${i + 1} says whose: ${t.text} / ${want}`);
    });
    assert.ok(tags.some((t) => t.text === 'both'));
    assert.ok(tags.some((t) => t.dir === 'rtl'), 'an RTL name is drawn right to left');
  }
});

test('a short joint card shows every song with its owner and the whole title; names missing read "me" and "my friend"', () => {
  const st = jointOf(6); st.film.title = 'Alien'; st.film.year = 1979;
  const d = jointCardData(st, { me: '', friend: '', score: null, whoseOf: (o) => ({ a: 'me', b: 'friend', both: 'both' })[o] });
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'blocks', size, data: jointCardBlocks(d) }), measure);
    checkLayout(l, `short ${size}`);
    const texts = l.ops.filter((o) => o.type === 'text').map((o) => o.text);
    assert.ok(texts.includes('Alien (1979)'));
    assert.ok(texts.includes('me & my friend'));
    assert.ok(texts.some((t) => /^No score/.test(t)));
    assert.equal(texts.filter((t) => /^\d+\.$/.test(t)).length, 6);
    assert.deepEqual(texts.filter((t) => ['me', 'my friend', 'both'].includes(t)), ['me', 'my friend', 'both', 'me', 'my friend', 'both']);
    assert.ok(!texts.some((t) => /more songs/.test(t)));
  }
});

test('the joint card’s payload reads back (through the PNG) as the same joint soundtrack; damaged ones are refused', () => {
  const d = dataOf(24);
  const p = jointPayload(d, 1_700_000_000_000);
  assert.equal(p.kind, 'joint');
  const back = readCard(withText(tinyPng(), CARD_KEYWORD, JSON.stringify(p)));
  assert.equal(back.kind, 'joint');
  assert.deepEqual(back.data, d);
  assert.equal(back.data.film.title, HOSTILE_TITLE);
  assert.equal(back.data.parts.length, 24);
  assert.deepEqual(back.data.parts.map((x) => x.song.whose).slice(0, 3), ['me', 'friend', 'both']);
  // a newer card still opens, with a note
  assert.match(readPayload(JSON.stringify({ ...p, version: 7 })).note, /newer MoodSpace/);
  // damaged: someone else's song mark, a part without a song, no parts, too many parts
  const bad = (f) => { const q = structuredClone(p); f(q); return JSON.stringify(q); };
  for (const t of [bad((q) => { q.joint.parts[3].song.whose = 'eve'; }), bad((q) => { delete q.joint.parts[0].song; }), bad((q) => { q.joint.parts = []; }),
    bad((q) => { q.joint.parts = [...q.joint.parts, q.joint.parts[0]]; }), bad((q) => { q.joint.film = 'x'; }), bad((q) => { q.joint.parts[1].last = -1; })]) {
    assert.throws(() => readPayload(t), (e) => e instanceof CardError && /joint card is damaged or incomplete/.test(e.message), t.slice(0, 80));
  }
  // names and titles are cleaned (control characters, a length cap); a score out of range is dropped
  const odd = readJoint({ joint: { ...d, names: { me: 'A\u0000B', friend: 'x'.repeat(500) }, score: 250 } });
  assert.equal(odd.names.me, 'A B');
  assert.ok([...odd.names.friend].length <= 81);
  assert.equal(odd.score, null);
});
