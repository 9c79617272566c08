// Finishing touches: segment labels on the page (web/film/segment-label.js:
// no "scenes 1–1", no stand-in "Scene 12" as a place, the first place a
// segment names) and the number field's correction notes (web/ui.js).
import test from 'node:test';
import assert from 'node:assert/strict';
import { segmentLabel, segmentHeading, sceneSpan, namesPlace } from '../../web/film/segment-label.js';
import { clampNumberField } from '../../web/ui.js';

test('one scene is "scene N", several "scenes N–M"', () => {
  assert.equal(sceneSpan(0, 0), '1');
  assert.equal(sceneSpan(3, 8), '4–9');
  assert.equal(sceneSpan(5, 2), '6', 'a backwards range is its first scene');
  assert.equal(sceneSpan(undefined, 4), '');
  assert.equal(segmentLabel({ segment: 0, first: 0, last: 0, heading: 'BOATHOUSE' }), 'Segment 1 · scene 1 · BOATHOUSE');
  assert.equal(segmentLabel({ segment: 1, first: 13, last: 29, heading: "NELL'S ROOM" }), "Segment 2 · scenes 14–30 · NELL'S ROOM");
  assert.equal(segmentLabel({ first: 0, last: 4 }), 'scenes 1–5');
  assert.equal(segmentLabel(), '');
});

test('a heading that names no place is left out of the label', () => {
  for (const h of ['', '   ', 'Scene 1', 'SCENE 12', null, undefined, 7]) assert.equal(namesPlace(h), false, String(h));
  assert.equal(namesPlace('SCENE DOCK'), true, 'a place that starts with the word scene is a place');
  assert.equal(segmentLabel({ segment: 2, first: 30, last: 30, heading: 'Scene 31' }), 'Segment 3 · scene 31');
  assert.equal(segmentLabel({ segment: 2, first: 30, last: 40, heading: '' }), 'Segment 3 · scenes 31–41');
});

test('a segment is named by the first scene in it that names a place', () => {
  const scenes = [{ heading: 'Scene 1' }, { heading: '' }, { heading: ' LIGHTHOUSE ' }, { heading: 'QUAY' }, { heading: 'Scene 5' }];
  assert.equal(segmentHeading(scenes, 0, 3), 'LIGHTHOUSE');
  assert.equal(segmentHeading(scenes, 3, 4), 'QUAY');
  assert.equal(segmentHeading(scenes, 4, 4), '');
  assert.equal(segmentHeading(scenes, 0, 1), '', 'no place in the range');
  assert.equal(segmentHeading(scenes, 2, 99), 'LIGHTHOUSE', 'a range past the end stops at the end');
  assert.equal(segmentHeading(null, 0, 3), '');
});

test('every correction of the segments field says what it did, "3.5" too', () => {
  const field = (value) => ({ input: { value }, note: { textContent: '' } });
  const run = (value) => { const f = field(value); const v = clampNumberField(f.input, { min: 2, max: 24, fallback: 6 }, f.note); return [v, f.input.value, f.note.textContent]; };
  assert.deepEqual(run('3.5'), [4, '4', 'Whole numbers only: set to 4.']);
  assert.deepEqual(run('7.2'), [7, '7', 'Whole numbers only: set to 7.']);
  assert.deepEqual(run('1'), [2, '2', 'At least 2: set to 2.']);
  assert.deepEqual(run('1.4'), [2, '2', 'At least 2: set to 2.']);
  assert.deepEqual(run('30.5'), [24, '24', 'At most 24: set to 24.']);
  assert.deepEqual(run(''), [6, '6', 'Enter a number from 2 to 24; using 6.']);
  assert.deepEqual(run('abc'), [6, '6', 'Enter a number from 2 to 24; using 6.']);
  assert.deepEqual(run('8'), [8, '8', ''], 'a whole number in range is left alone, with no note');
});
