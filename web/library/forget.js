// forget.js — remove what MoodSpace keeps in this browser's IndexedDB: the
// saved library (idb-keyval's default store, web/library/library.js) and the lyric
// cache ("moodspace-lyrics", web/lyrics/lrclib.js), the Spotify ids found by
// search ("moodspace-resolve", web/spotify/resolve.js) and the films brought
// as files ("moodspace-films", web/film/my-films.js). Offered after sign-out
// (web/notices.js); the Client ID and the service worker's app files stay.
import { clear, createStore } from 'idb-keyval';
import { dropPendingLyricWrites } from '../lyrics/lrclib.js';
import { RESOLVE_DB } from '../spotify/resolve.js';
import { FILMS_DB } from '../film/my-films.js';

/** Clear the stores and the library on screen. Resolves to true when every store was cleared. */
export async function forgetStoredData(library) {
  let ok = true;
  dropPendingLyricWrites();   // lyric fetches still in flight must not refill the cache
  for (const store of [undefined, createStore('moodspace-lyrics', 'lyrics'), createStore(...RESOLVE_DB), createStore(...FILMS_DB)]) {
    try { await clear(store); } catch { ok = false; }
  }
  library?.reset(null);
  return ok;
}
