// forget.js — remove what MoodSpace keeps in this browser's IndexedDB: the
// saved library with its sources and the demo state, the kept soundtracks
// (idb-keyval's default store, web/library/library.js, web/keep/keep.js) and
// every store of web/stores.js: the lyric cache with pasted lyrics, the
// Spotify ids found by search and the films brought as files. Offered after
// sign-out (web/notices.js) and by the "Forget my data" button (app.js); the
// Client ID and the service worker's app files stay.
import { clear } from 'idb-keyval';
import { dropPendingLyricWrites, lyricTexts } from '../lyrics/lrclib.js';
import { STORES, softStore, storeEvents } from '../stores.js';

/** Clear the stores and the library on screen. Resolves to true when every store was cleared. */
export async function forgetStoredData(library) {
  let ok = true;
  dropPendingLyricWrites();   // lyric fetches still in flight must not refill the cache
  try { await clear(); } catch { ok = false; }
  for (const db of Object.values(STORES)) if (!(await softStore(db).clear())) ok = false;
  lyricTexts.clear();
  library?.clearAll ? library.clearAll() : library?.reset(null);
  storeEvents.dispatchEvent(new CustomEvent('forgotten'));
  return ok;
}
