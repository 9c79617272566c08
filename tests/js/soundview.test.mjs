// The Soundtrack view's pieces: the metrics table, "Why this song?" in plain
// words, and a script read once (readScript) giving the very film and
// soundtrack the two-call path (parseScript, then arc) gave.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createEngine } from '../../web/engine/engine.js';
import { readScriptFilm } from '../../web/film/script-film.js';
import { metricsFrom } from '../../web/ui.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mjsPath = path.join(root, 'build/wasm/moodspace.mjs');
const wasmPath = path.join(root, 'build/wasm/moodspace.wasm');
const modelPath = path.join(root, 'weights/model.bin');

const FOUNTAIN = `Title: The Ferry at Low Tide

INT. FERRY CABIN - NIGHT

Rain hammers the windows. MARA sits alone with a cold coffee, the engine shaking the floor.

MARA
We should never have left the harbour.

EXT. DECK - DAWN

The storm is gone. Gulls wheel over a flat sea, gold light on the water. Children laugh and run along the rail.

TOMAS
Look! You can see the island!

INT. ENGINE ROOM - DAY

Noise, heat, sweat. Pipes hiss. TOMAS hammers a valve, swearing, the alarm screaming.

EXT. ISLAND PIER - DUSK

Quiet. Mara steps onto the wooden pier. An old man plays a slow song on an accordion.

MARA
Home.
`;

const SRT = `1
00:00:01,000 --> 00:00:04,000
Where were you last night?

2
00:00:05,000 --> 00:00:08,000
Dancing. All night, at the fair!

3
00:01:30,000 --> 00:01:34,000
The house is empty now. Nobody calls.

4
00:01:36,000 --> 00:01:40,000
I miss her voice.

5
00:03:00,000 --> 00:03:03,000
Run! The bridge is burning!
`;

const fmtTime = (sec) => (sec >= 0 ? `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, '0')}` : '');

/** The film as the page built it before readScript: two parses, one arc (parseScript, then arc). */
function twoCallFilm(eng, text, filename) {
  const opts = { filename, format: 'auto' };
  const parsed = eng.parseScript(text, opts);
  const arc = eng.arc(text, { ...opts, segments: 1, scenes: true });
  const scenes = arc.scenes.map((a, i) => {
    const p = parsed.scenes[i] || {};
    const heading = String(a.heading || p.heading || (p.start >= 0 ? `${fmtTime(p.start)}–${fmtTime(p.end)}` : `Scene ${i + 1}`));
    return { index: i, heading: heading.slice(0, 200), metrics: metricsFrom(a.mood), text: String(p.text ?? ''), words: Number(p.words) || 0 };
  });
  const title = (parsed.title && String(parsed.title).trim()) || (filename ? filename.replace(/\.[^.]+$/, '') : 'Your script');
  return { id: `script:${title}`, title, year: null, source: 'script', scenes,
    weights: scenes.map((x) => Math.max(1, x.words)), overall: metricsFrom(arc.overall), from: filename || '' };
}

test('a script is read in one engine call and gives the same film and soundtrack as parseScript + arc', async (t) => {
  if (!fs.existsSync(wasmPath) || !fs.existsSync(modelPath)) { t.skip('build/wasm or weights/model.bin missing (run ./build.sh)'); return; }
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  eng.loadModel(fs.readFileSync(modelPath));
  const calls = [];
  const counting = { call: async (name, args) => { calls.push(name); return eng[name](...args); } };
  const songs = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, energy: (i * 7 % 12) / 12, valence: (i * 5 % 12) / 12, danceability: 0.5, acousticness: (i % 4) / 4, tempo: 100 + i, liveness: 0.2 }));
  for (const [text, filename] of [[FOUNTAIN, 'ferry.fountain'], [SRT, 'night.srt']]) {
    calls.length = 0;
    const { film } = await readScriptFilm(counting, text, { filename });
    assert.deepEqual(calls, ['readScript'], 'one crossing into the engine');
    const before = twoCallFilm(eng, text, filename);
    assert.equal(JSON.stringify(film), JSON.stringify(before), `${filename}: the same film, byte for byte`);
    assert.ok(film.scenes.length >= 3 && film.scenes.every((s) => s.text.length > 0 && Object.keys(s.metrics).length === 6));
    // and so the same soundtrack
    const req = (f) => ({ scenes: f.scenes.map((s) => s.metrics), scene_weights: f.weights, segments: 3, songs, detail: true });
    assert.equal(JSON.stringify(eng.filmSoundtrack(req(film))), JSON.stringify(eng.filmSoundtrack(req(before))));
  }
  // nothing that reads as a scene: the user's message, not the engine's
  await assert.rejects(readScriptFilm(counting, '   \n\n  '), /No scenes were found in this script/);
  // bad options are an error, never a crash
  assert.throws(() => eng.readScript(FOUNTAIN, { format: 'nope' }), /unknown "format"/);
});

test('a script brought by the user is one engine call: its film and the arc the Soundtrack view draws, the numbers of the two-call path', async (t) => {
  if (!fs.existsSync(wasmPath) || !fs.existsSync(modelPath)) { t.skip('build/wasm or weights/model.bin missing (run ./build.sh)'); return; }
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  eng.loadModel(fs.readFileSync(modelPath));
  const calls = [];
  const counting = { call: async (name, args) => { calls.push(name); return eng[name](...args); } };
  for (const [text, filename] of [[FOUNTAIN, 'ferry.fountain'], [SRT, 'night.srt']]) {
    for (const segments of [1, 3, 4]) {
      calls.length = 0;
      const { film, arc } = await readScriptFilm(counting, text, { filename, segments });
      assert.deepEqual(calls, ['readScript'], `${filename}: one crossing into the engine for the film and its arc`);
      // what the Soundtrack view asked for in a second call before (soundtrack.js arcOnly)
      const before = eng.filmSoundtrack(soundtrackRequest(film, [], { segments }));
      assert.equal(JSON.stringify(arc), JSON.stringify(before), `${filename}, ${segments} segments: the same arc, byte for byte`);
      assert.equal(arc.segments.length, Math.min(segments, film.scenes.length));
    }
    // without segments: the film alone, as before
    const { arc } = await readScriptFilm(counting, text, { filename });
    assert.equal(arc, null);
  }
  // moods outside a metric's range are clamped as the page clamps them (metricsFrom) before the arc is built
  const ranges = { energy: [0, 0.3], valence: [0.7, 1] };
  const read = eng.readScript(FOUNTAIN, { filename: 'ferry.fountain', soundtrack: { segments: 2, ranges } });
  const clamp = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, ranges[k] ? Math.min(ranges[k][1], Math.max(ranges[k][0], v)) : v]));
  const film = { scenes: read.scenes.map((p) => ({ metrics: clamp(p.mood) })), weights: read.scenes.map((p) => Math.max(1, Number(p.words) || 0)), overall: read.overall };
  assert.ok(read.scenes.some((p) => p.mood.energy > 0.3 || p.mood.valence < 0.7), 'the fixture has moods to clamp');
  assert.equal(JSON.stringify(read.soundtrack), JSON.stringify(eng.filmSoundtrack(soundtrackRequest(film, [], { segments: 2 }))));
  // a bad option is an error, never a crash
  assert.throws(() => eng.readScript(FOUNTAIN, { soundtrack: { segments: 0 } }), /"soundtrack" must be/);
  assert.throws(() => eng.readScript(FOUNTAIN, { soundtrack: { segments: 2, ranges: [1] } }), /"soundtrack" must be/);
});

test('filmSoundtrack: each segment\'s next best songs, and locked songs kept while the rest is re-chosen without duplicates', async (t) => {
  if (!fs.existsSync(wasmPath) || !fs.existsSync(modelPath)) { t.skip('build/wasm or weights/model.bin missing (run ./build.sh)'); return; }
  const eng = await createEngine({ moduleUrl: pathToFileURL(mjsPath).href, wasmBinary: fs.readFileSync(wasmPath) });
  eng.loadModel(fs.readFileSync(modelPath));
  const { film } = await readScriptFilm({ call: async (n, a) => eng[n](...a) }, FOUNTAIN, { filename: 'ferry.fountain' });
  let seed = 7;
  const rnd = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
  const songs = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, energy: rnd(), valence: rnd(), danceability: rnd(), acousticness: rnd(), tempo: 80 + 80 * rnd(), liveness: 0.1 + 0.3 * rnd() }));
  const base = { scenes: film.scenes.map((s) => s.metrics), scene_weights: film.weights, segments: 4, songs, detail: true };
  const plain = eng.filmSoundtrack(base);
  const withAlt = eng.filmSoundtrack({ ...base, alternatives: 3 });
  // asking for alternatives changes nothing else
  const strip = (r) => JSON.stringify({ ...r, segments: r.segments.map(({ alternatives, ...g }) => g) });
  assert.equal(strip(withAlt), JSON.stringify(plain));
  const used = new Set(plain.segments.map((g) => g.song.index));
  assert.equal(used.size, 4);
  for (const g of withAlt.segments) {
    assert.equal(g.alternatives.length, 3);
    const idx = g.alternatives.map((a) => a.song.index);
    assert.equal(new Set(idx).size, 3, 'three different songs');
    assert.ok(idx.every((i) => !used.has(i)), 'none already in the soundtrack');
    assert.ok(g.alternatives.every((a) => a.song.id === songs[a.song.index].id && typeof a.distance === 'number' && typeof a.song_pct.energy === 'number'));
  }
  // lock segment 2 to its first alternative and segment 0 to its song: they stay, the rest is re-chosen, all distinct
  const alt = withAlt.segments[2].alternatives[0].song.index;
  const keep0 = plain.segments[0].song.index;
  const locked = eng.filmSoundtrack({ ...base, alternatives: 2, locked: [{ segment: 2, song: alt }, { segment: 0, song: keep0 }] });
  assert.equal(locked.segments[2].song.index, alt);
  assert.equal(locked.segments[0].song.index, keep0);
  assert.deepEqual(locked.segments.map((g) => !!g.locked), [true, false, true, false]);
  const after = locked.segments.map((g) => g.song.index);
  assert.equal(new Set(after).size, 4, 'no duplicates');
  assert.ok(locked.segments.every((g) => g.alternatives.every((a) => !after.includes(a.song.index))));
  // every song locked: the soundtrack is exactly the locked one
  const all = eng.filmSoundtrack({ ...base, locked: after.map((song, segment) => ({ segment, song })) });
  assert.deepEqual(all.segments.map((g) => g.song.index), after);
  // bad locks are errors with a message
  assert.throws(() => eng.filmSoundtrack({ ...base, locked: [{ segment: 9, song: 1 }] }), /segment 10 is not one of this soundtrack's 4/);
  assert.throws(() => eng.filmSoundtrack({ ...base, locked: [{ segment: 0, song: 1 }, { segment: 1, song: 1 }] }), /locked once/);
  assert.throws(() => eng.filmSoundtrack({ ...base, locked: [{ segment: 0, song: 99 }] }), /not among the songs/);
  assert.throws(() => eng.filmSoundtrack({ ...base, locked: 'all' }), /"locked" must be/);
  assert.throws(() => eng.filmSoundtrack({ ...base, alternatives: 11 }), /"alternatives" must be an integer in 0..10/);
});

// --- the metrics table and the plain words ------------------------------------------

import { METRICS, metric, shownMetricNames, unitMetricNames } from '../../web/metrics.js';
import { whyWords, explainWords, wordsLine, placeWords } from '../../web/soundtrack/why.js';
import { clampMetric, DEFAULT_METRICS } from '../../web/ui.js';
import { MOOD_METRICS } from '../../web/taste/dashboard-stats.js';
import { isStopWord } from '../../web/taste/stopwords.js';

test('the metrics table: one row per model output, read by every view', () => {
  const cat = JSON.parse(fs.readFileSync(path.join(root, 'weights/catalog.json'), 'utf8'));
  assert.deepEqual([...METRICS.map((m) => m.name)].sort(), [...cat.metrics].sort(), 'the model\'s outputs, no more, no fewer');
  for (const m of METRICS) {
    for (const k of ['label', 'low', 'high', 'less', 'more']) assert.ok(typeof m[k] === 'string' && m[k].length > 0, `${m.name}.${k}`);
    for (const k of ['color', 'onDark']) assert.match(m[k], /^#[0-9a-f]{6}$/, `${m.name}.${k}`);
    assert.equal(typeof m.shown, 'boolean');
  }
  assert.equal(new Set(METRICS.map((m) => m.color)).size, METRICS.length, 'distinct colours');
  // "shown" follows the catalog: hidden when the films' overall moods span under half a song std
  const spread = (m) => { const k = cat.metrics.indexOf(m); const v = cat.films.map((f) => f.overall[k]); return (Math.max(...v) - Math.min(...v)) / cat.std[k]; };
  for (const m of METRICS) assert.equal(m.shown, spread(m.name) > 0.5, `${m.name}: spread ${spread(m.name).toFixed(3)} std`);
  assert.deepEqual(shownMetricNames(), ['energy', 'valence', 'danceability', 'acousticness']);
  // the views read it: ui.js's order and ranges, the Taste view's averaged metrics
  assert.deepEqual(DEFAULT_METRICS, METRICS.map((m) => m.name));
  assert.equal(clampMetric('tempo', 300), 250);
  assert.equal(clampMetric('energy', -0.01), 0);
  assert.deepEqual(MOOD_METRICS, unitMetricNames());
  assert.ok(!MOOD_METRICS.includes('tempo'));
  assert.equal(metric('sparkle').label, 'sparkle', 'an unknown metric gets a plain row');
  assert.equal(metric('sparkle').shown, false);
});

test('"Why this song?" in plain words: no numbers, a large gap never agreement, flat metrics never named', () => {
  // a wide gap at one end: the 3rd and the 42nd percentile are not "both among the darkest 45 %"
  const gap = whyWords({ valence: 3, energy: 60 }, { valence: 42, energy: 62 });
  assert.doesNotMatch(gap, /both among the darkest/i);
  assert.match(gap, /the song is happier: this part of the film is among the darkest 5 %, the song near the middle/);
  assert.match(gap, /^Both near the middle for energy\./);
  // alike at an end: said as such
  assert.equal(whyWords({ energy: 12, valence: 55 }, { energy: 9, valence: 50 }), 'Both among the calmest 15 %. Both near the middle for valence.');
  assert.equal(whyWords({ valence: 95 }, { valence: 88 }), 'Both among the happiest 15 %.');
  // nothing alike: said honestly, not as a match
  const none = whyWords({ energy: 90 }, { energy: 20 }, undefined, { subject: 'the film' });
  assert.match(none, /^No mood matches closely/);
  assert.match(none, /The song is calmer: the film is among the most energetic 10 %, the song among the calmest 20 %\./);
  // no distances, no "%ile", no decimals, and tempo / liveness (flat for every film) never named
  for (const t of [gap, none, whyWords({ energy: 50, tempo: 2, liveness: 99 }, { energy: 51, tempo: 3, liveness: 98 })]) {
    assert.doesNotMatch(t, /%ile|distance|\d\.\d|percentile|tempo|liveness|fastest|slowest|most live/);
  }
  assert.equal(whyWords({ tempo: 5 }, { tempo: 6 }), '', 'only hidden metrics: nothing to say');
  assert.equal(placeWords('energy', 50), 'near the middle');
  assert.equal(placeWords('acousticness', 97), 'among the most acoustic 5 %');
});

test('explained words: stop words and hidden metrics are never given as reasons', () => {
  const res = { top: {
    energy: [{ word: 'the', delta: 0.09 }, { word: 'fight', delta: 0.03 }, { word: "don't", delta: 0.02 }, { word: 'rain', delta: -0.02 }, { word: '...', delta: 0.01 }, { word: 'feat', delta: 0.01 }],
    tempo: [{ word: 'run', delta: 4 }],
    valence: [{ word: 'and', delta: -0.01 }],
  } };
  const groups = explainWords(res);
  assert.deepEqual(groups.map((g) => g.metric), ['energy', 'valence']);
  assert.deepEqual(groups[0].words.map((w) => w.word), ['fight', 'rain']);
  assert.ok(groups.flatMap((g) => g.words).every((w) => !isStopWord(w.word)));
  assert.equal(wordsLine(groups[0]), 'energy: “fight” makes it more energetic; “rain” calmer');
  assert.equal(wordsLine(groups[1]), '', 'a metric left with no words says nothing');
});

import { soundtrackRequest, lockIndices, fullPicks, poolWords } from '../../web/soundtrack/requests.js';

test('the view\'s requests: the pool said honestly, locks by song id, picks with their locks and alternatives', () => {
  const q = { offset: 10, pool: Array.from({ length: 20 }, (_, i) => i + 10) };
  assert.equal(poolWords(q, 70, { mode: 'demo' }), "20 songs drawn from the demo library's first 70 songs (numbers 11–30).");
  assert.equal(poolWords(q, 70, { top: { tracks: { medium_term: ['a'] } } }), '20 songs drawn from your 70 most played (numbers 11–30).');
  assert.equal(poolWords({ offset: 0, pool: [0, 1, 2] }, 3, {}), '3 songs drawn from the first 3 songs of your library (numbers 1–3).');
  const ranked = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id.toUpperCase(), metrics: { energy: 0.5, valence: 0.5 } }));
  assert.deepEqual(lockIndices([{ segment: 1, song: ranked[2] }, { segment: 0, song: ranked[0] }], ranked), { locked: [{ segment: 1, song: 2 }, { segment: 0, song: 0 }] });
  assert.deepEqual(lockIndices([{ segment: 0, song: { id: 'gone', title: 'Gone' } }], ranked), { missing: { id: 'gone', title: 'Gone' } });
  const film = { overall: { energy: 0.5, valence: 0.5, tempo: 120 }, scenes: [{ heading: 'ONE', metrics: { energy: 0.4 } }, { heading: 'TWO', metrics: { energy: 0.6 } }], weights: [3, 5] };
  const req = soundtrackRequest(film, ranked, { segments: 2, locked: [{ segment: 0, song: 1 }] });
  assert.deepEqual(req.metrics, ['energy', 'valence'], 'only metrics the songs have');
  assert.deepEqual(req.scene_weights, [3, 5]);
  assert.deepEqual(req.locked, [{ segment: 0, song: 1 }]);
  const res = { segments: [
    { first_scene: 0, last_scene: 0, mood: {}, pct: { energy: 20 }, song: { index: 1 }, song_pct: { energy: 25 }, distance: 0.1, locked: true, alternatives: [{ song: { index: 3 }, song_pct: { energy: 30 }, distance: 0.2 }] },
    { first_scene: 1, last_scene: 1, mood: {}, pct: { energy: 80 }, song: { index: 2 }, song_pct: { energy: 75 }, distance: 0.1 }] };
  const picks = fullPicks(res, film, ranked);
  assert.deepEqual(picks.map((p) => [p.song.id, p.locked, p.segment.heading, p.alternatives.map((a) => a.song.id)]), [['b', true, 'ONE', ['d']], ['c', false, 'TWO', []]]);
  assert.deepEqual(fullPicks(res, film, ranked, [false, true]).map((p) => p.locked), [false, true]);
});
