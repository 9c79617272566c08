// The "Share as image" text fitting (web/keep/card-layout.js) and the kept-soundtrack records read back
// from IndexedDB (web/keep/share-card.js, web/keep/keep.js), in Node with a
// stand-in for the canvas: text fitting is counted in measureText calls (its
// cost), never timed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fit, MAX_CARD_TEXT } from '../../web/keep/share-card.js';
import { wrapLines } from '../../web/keep/card-layout.js';
import { toRecord, readKept, MAX_KEPT } from '../../web/keep/keep.js';

// a canvas context whose characters are 10 px wide (a surrogate pair: one wide character)
function fakeCanvas() {
  const g = { calls: 0, measured: 0, lines: [] };
  g.measureText = (s) => { g.calls++; g.measured += s.length; return { width: Array.from(s).length * 10 }; };
  g.fillText = (s) => { g.lines.push(s); };
  return g;
}

test('fit: a 60,000-character name costs a few measures (binary search), and the result fits', () => {
  for (const n of [10_000, 60_000, 1_000_000]) {
    const g = fakeCanvas();
    const out = fit(g, 'A'.repeat(n), 560);
    assert.ok(g.calls <= 12, `${n} characters: ${g.calls} measures`);
    assert.ok(g.measured <= 12 * (MAX_CARD_TEXT + 1), `${n} characters: ${g.measured} characters measured in all`);
    assert.ok(Array.from(out).length * 10 <= 560, 'fits');
    assert.ok(out.endsWith('…'));
    assert.equal(out, `${'A'.repeat(55)}…`, 'the longest prefix that fits with its ellipsis');
  }
});

test('fit: short text is kept whole; cuts never split a surrogate pair; empty and odd values', () => {
  const g = fakeCanvas();
  assert.equal(fit(g, 'Pulp Fiction', 560), 'Pulp Fiction');
  assert.equal(g.calls, 1);
  const emoji = fit(fakeCanvas(), '😀'.repeat(100), 105);
  assert.equal(emoji, `${'😀'.repeat(9)}…`);
  assert.ok(!/[\ud800-\udbff]…$/.test(emoji) && Array.from(emoji).length * 10 <= 105, `no half pair: ${emoji}`);
  assert.equal(fit(fakeCanvas(), undefined, 100), '');
  assert.equal(fit(fakeCanvas(), 12345, 100), '12345');
  assert.equal(fit(fakeCanvas(), 'x'.repeat(MAX_CARD_TEXT + 5), 1e9), `${'x'.repeat(MAX_CARD_TEXT)}…`, 'cut at MAX_CARD_TEXT even when it would fit');
});

test('wrapLines: a huge many-word text measures only what the card can show', () => {
  let calls = 0;
  const measure = (t) => { calls++; return Array.from(t).length * 10; };
  const { lines, cut } = wrapLines(measure, '10px x', 'word '.repeat(50_000), 500, 3);
  assert.equal(lines.length, 3);
  assert.ok(cut && lines[2].endsWith('…'));
  assert.ok(calls < 200, `${calls} measures`);
  assert.ok(lines.every((l) => Array.from(l).length * 10 <= 500));
});

const good = (id, title = `Film ${id}`) => toRecord({
  kind: 'full', total: 1.5,
  film: { id, title, source: 'catalog' },
  picks: [{ song: { id: `s-${id}`, title: 'A song', artist: 'An artist', metrics: { energy: 0.4 } },
    segment: { segment: 0, first: 0, last: 3, heading: 'INT. ROOM', metrics: { energy: 0.5 } }, distance: 0.1, songPct: { energy: 40 } }],
}, 1_700_000_000_000);

test('readKept: one malformed kept soundtrack does not hide the others; bad ones are skipped and counted', () => {
  const a = good('a'); const b = good('b');
  const script = toRecord({ kind: 'full', film: { id: 'x.fountain', title: 'My script', source: 'script', scenes: [{ heading: 'INT. A', metrics: { energy: 0.3 }, words: 10 }], weights: [10], overall: { energy: 0.3 } },
    picks: [{ song: { id: 's', title: 'T', artist: 'R' }, segment: { segment: 0, first: 0, last: 0, metrics: {} } }] }, 5);
  const stored = [
    a, null, 'text', { ...a, film: null }, { ...a, picks: 'x' }, { ...a, picks: [] }, { ...a, film: { ...a.film, title: 7 } },
    { ...a, picks: [{ song: 'not an object' }] }, { ...a, savedAt: 'yesterday' }, { ...script, film: { ...script.film, scenes: 'no' } },
    b, script,
  ];
  const { records, skipped } = readKept(stored);
  assert.deepEqual(records.map((r) => r.film.title), ['Film a', 'Film b', 'My script']);
  assert.equal(skipped, 9);
  assert.deepEqual(records[0], a, 'a good record reads back unchanged');
  assert.deepEqual(readKept(undefined), { records: [], skipped: 0 });
  assert.deepEqual(readKept({ not: 'a list' }), { records: [], skipped: 1 });
});

test('readKept: tampered values are cut and cleaned, never trusted', () => {
  const a = good('a');
  const huge = { ...a, film: { ...a.film, title: 'T'.repeat(60_000), id: { evil: true } },
    picks: [{ ...a.picks[0], song: { ...a.picks[0].song, artist: 'R'.repeat(60_000), metrics: { energy: 'high', valence: 0.2 } }, distance: 'far' }] };
  const { records, skipped } = readKept([huge]);
  assert.equal(skipped, 0);
  assert.equal(records[0].film.title.length, 300);
  assert.equal(records[0].picks[0].song.artist.length, 300);
  assert.deepEqual(records[0].picks[0].song.metrics, { valence: 0.2 });
  assert.equal(records[0].picks[0].distance, null);
  assert.equal(records[0].film.id, '[object Object]'.slice(0, 200));
  const many = Array.from({ length: MAX_KEPT + 5 }, (_, i) => good(`f${i}`));
  assert.equal(readKept(many).records.length, MAX_KEPT);
});
