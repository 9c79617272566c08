// Segment labels on the page (web/film/segment-label.js): no "scenes 1–1",
// no stand-in "Scene 12" as a place, the first place a segment names.
import test from 'node:test';
import assert from 'node:assert/strict';
import { segmentLabel, segmentHeading, sceneSpan, namesPlace } from '../../web/film/segment-label.js';

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
