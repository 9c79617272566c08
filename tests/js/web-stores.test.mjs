// The IndexedDB stores besides the library's (web/stores.js) and "Forget my
// data" (web/library/forget.js), where IndexedDB is missing (Node), as with
// storage blocked in a browser: reads are empty, writes say they failed,
// nothing throws; forgetting still empties the library and what the page
// holds in memory, and tells the views.
import test from 'node:test';
import assert from 'node:assert/strict';
import { softStore, STORES, storeEvents } from '../../web/stores.js';
import { forgetStoredData } from '../../web/library/forget.js';
import { lyricTexts } from '../../web/lyrics/lrclib.js';
import { createLibrary } from '../../web/library/library.js';

test('each store has its own database; without IndexedDB a store reads empty and its writes fail, never throwing', async () => {
  assert.equal(typeof indexedDB, 'undefined');
  const names = Object.values(STORES).map(([db]) => db);
  assert.deepEqual(names.sort(), ['moodspace-films', 'moodspace-lyrics', 'moodspace-resolve']);
  const st = softStore(STORES.lyrics);
  assert.equal(await st.get('k'), undefined);
  assert.equal(await st.set('k', { a: 1 }), false);
  assert.equal(await st.clear(), false);
});

test('forgetting clears the library (sources and demo included), the lyric texts held in memory, and says so to the views', async () => {
  const lib = createLibrary();
  await lib.addSource({ id: 'p1', kind: 'list', name: 'pasted', plays: 0, songs: 1, listed: 1 },
    { songs: [{ title: 'Paper Lanterns', artist: 'Marigold Static', album: '', uri: '', durationMs: 0 }],
      files: [{ name: 'pasted', format: 'list', song: new Uint32Array(0), end: new Float64Array(0), ms: new Float64Array(0), skip: new Int8Array(0), listed: Uint32Array.of(0) }] });
  lib.enterDemo({ songs: [{ id: 'abcdefghijklmnopqrs001', title: 'Demo', artist: 'D', metrics: { energy: 0.5 } }], words: {}, label: 'Demo library' });
  assert.equal(lib.own.sources.length, 1);
  lyricTexts.set('x', 'words of a pasted song');
  let told = 0;
  storeEvents.addEventListener('forgotten', () => { told++; });
  const ok = await forgetStoredData(lib);
  assert.equal(ok, false, 'the stores could not be reached here, and it says so');
  assert.equal(lib.state.mode, 'own');
  assert.equal(lib.state.songs.size, 0);
  assert.equal(lib.own.sources.length, 0);
  assert.equal(lyricTexts.size, 0);
  assert.equal(told, 1);
});
