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
