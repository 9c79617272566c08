// The recap's finishing touches that are plain data: the merged
// skip rate names its basis (which plays it is computed over), and the demo's
// top artists and verdict line come from its songs. Songs invented here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeSources, skipBasis } from '../../web/library/sources.js';
import { demoTopArtists, demoVerdictLine } from '../../web/taste/demo-taste.js';

const T0 = Date.UTC(2024, 4, 1, 12);
function file(name, format, plays) {
  return { name, format, song: Uint32Array.from(plays.map((p) => p[0])), end: Float64Array.from(plays.map((p, i) => T0 + i * 3600000 + (p[3] || 0))),
    ms: Float64Array.from(plays.map((p) => p[1])), skip: Int8Array.from(plays.map((p) => p[2])), listed: new Uint32Array(0) };
}
const songs = [{ title: 'Lantern Hill', artist: 'Orla Fenn', album: '', uri: '' }, { title: 'Grey Mile', artist: 'Lumen Vale', album: '', uri: '' }];

test('merged skip rate: computed over the plays whose source says, each rule named, the rest left out by name', () => {
  const ext = { meta: { id: 'e', kind: 'extended' }, data: { songs, files: [file('ext.json', 'extended', [[0, 200000, 1], [1, 180000, 0], [0, 150000, 0], [1, 5000, -1]])] } };
  const basic = { meta: { id: 'b', kind: 'basic' }, data: { songs, files: [file('basic.json', 'basic', [[0, 10000, 1], [1, 190000, 0]].map((p) => [...p, 400 * 3600000]))] } };
  const lastfm = { meta: { id: 'l', kind: 'lastfm' }, data: { songs, files: [file('scrobbles.csv', 'lastfm', [[0, NaN, -1], [1, NaN, -1], [0, NaN, -1]].map((p) => [...p, 900 * 3600000]))] } };
  const m = mergeSources([ext, basic, lastfm], { tzOffset: () => 0 });
  const skip = m.history.skip;
  assert.equal(m.history.plays, 9);
  assert.equal(skip.known, 5);
  assert.equal(skip.skipped, 2);
  assert.equal(skip.basis, 'Spotify\'s "skipped" flag for 3 extended-history plays and plays shorter than 30 seconds for 2 basic-export plays; 1 extended-history plays and 3 Last.fm plays do not say and are left out');
  // the basis only names what the library holds
  const onlyBasic = mergeSources([basic], { tzOffset: () => 0 }).history.skip;
  assert.equal(onlyBasic.basis, 'plays shorter than 30 seconds for 2 basic-export plays');
  assert.equal(onlyBasic.rate, 0.5);
  const onlyLastfm = mergeSources([lastfm], { tzOffset: () => 0 }).history.skip;
  assert.equal(onlyLastfm.rate, null);
  assert.equal(onlyLastfm.basis, 'no play that says whether it was skipped; 3 Last.fm plays do not say and are left out');
  assert.equal(skipBasis(new Map([['youtube', { plays: 1, known: 0 }]])), 'no play that says whether it was skipped; 1 YouTube Music plays does not say and is left out');
});

const demo = [
  ['Middle Road', 'Orla Fenn', 0.50, 0.52], ['Bright Coast', 'The Copper Kites', 0.92, 0.80], ['Low Cellar', 'Lumen Vale', 0.08, 0.30],
  ['Near Enough', 'Harbor Nine', 0.46, 0.55], ['Storm Drum', 'Static Pines', 0.40, 0.97], ['Quiet Pond', 'Mira Folds', 0.62, 0.10],
].map(([title, artist, valence, energy], i) => ({ id: `d${i}`, title, artist, metrics: { valence, energy } }));

test('demo top artists: ranked by how close their song is to the demo\'s average mood', () => {
  // means: valence 0.4967, energy 0.54 (Static Pines 0.441 away, Mira Folds 0.457)
  assert.deepEqual(demoTopArtists(demo, 3).map((a) => a.artist), ['Orla Fenn', 'Harbor Nine', 'Static Pines']);
  assert.equal(demoTopArtists(demo, 10).length, 6);
  assert.deepEqual(demoTopArtists([], 5), []);
});

test('demo verdict line: real songs of the demo, not boilerplate', () => {
  const v = { quadrant: 'balanced, right in the middle', valence: { p: 48.2 }, energy: { p: 61.6 } };
  assert.equal(demoVerdictLine(demo, v),
    'The demo\'s 6 songs are balanced, right in the middle on average (darker than 52% and more energetic than 62% of the reference songs); ' +
    'the one closest to that average is “Middle Road” by Orla Fenn, the brightest “Bright Coast” by The Copper Kites, the darkest “Low Cellar” by Lumen Vale and the most energetic “Storm Drum” by Static Pines.');
});
