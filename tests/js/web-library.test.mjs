// The song-library store (web/library/library.js): cleaning incoming songs, merging by
// id without losing lyrics or moods, ranking by top lists, events.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createLibrary, cleanSong } from '../../web/library/library.js';

const ID = (n) => `abcdefghijklmnopqrs${String(n).padStart(3, '0')}`;

test('songs are cleaned: no id → dropped, junk fields → safe defaults', () => {
  assert.equal(cleanSong({ title: 'x' }), null);
  assert.equal(cleanSong(null), null);
  const s = cleanSong({ id: ID(1), title: 7, imageUrl: 'javascript:alert(1)', metrics: { energy: 0.5, valence: NaN, x: 'no' }, durationMs: 'long' });
  assert.deepEqual(s, { id: ID(1), uri: `spotify:track:${ID(1)}`, title: '7', artist: '', album: '', durationMs: 0, explicit: false,
    releaseDate: '', imageUrl: '', lyricsStatus: 'none', metrics: { energy: 0.5 } });
  assert.equal(cleanSong({ id: 'local-1' }).uri, '', 'no fake Spotify URI for a non-Spotify id');
  assert.equal(cleanSong({ id: ID(2) }).lyricsStatus, 'pending');
});

test('merging keeps what was learned; ranking follows the top lists; events fire', () => {
  const lib = createLibrary();
  const events = [];
  const off = lib.subscribe((ev) => events.push(ev.type));
  lib.reset('spotify', { label: 'Spotify (me)', user: { id: 'me' } });
  lib.addSongs([{ id: ID(1), title: 'One' }, { id: ID(2), title: 'Two' }, { id: ID(3), title: 'Three' }, { bad: true }]);
  lib.updateSong(ID(1), { lyricsStatus: 'found', metrics: { energy: 0.7 } });
  lib.addSongs([{ id: ID(1), title: 'One (remaster)' }]);
  const one = lib.state.songs.get(ID(1));
  assert.equal(one.title, 'One (remaster)');
  assert.equal(one.lyricsStatus, 'found');
  assert.deepEqual(one.metrics, { energy: 0.7 });
  lib.setTop('tracks', 'medium_term', [ID(3), ID(1)]);
  lib.setTop('tracks', 'short_term', [ID(2), ID(3)]);
  assert.deepEqual(lib.rankedSongs().map((s) => s.id), [ID(3), ID(1), ID(2)]);
  assert.throws(() => lib.setTop('tracks', 'forever', []));
  assert.equal(lib.updateSong('nope', {}), false);
  off();
  lib.setRecent([]);
  assert.deepEqual(events, ['reset', 'songs', 'update', 'songs', 'top', 'top']);
  const snap = lib.snapshot();
  assert.equal(snap.songs.length, 3);
  assert.equal(snap.source, 'spotify');
});
