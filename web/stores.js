// stores.js — the IndexedDB stores MoodSpace keeps besides the library
// (idb-keyval; the library and the kept soundtracks use idb-keyval's default
// store). One forgiving wrapper for all of them: storage that is blocked,
// full or gone (private mode, quota) reads as empty and drops writes, so a
// cache never breaks the page. "Forget my data" (library/forget.js) clears
// every store listed here.
//
//   STORES                      { lyrics, resolve, films }: [database, object store]
//   softStore(STORES.x) → { get(k) → value | undefined, set(k, v) → true | false, clear() → true | false }
import { get, set, clear, createStore } from 'idb-keyval';

export const STORES = {
  lyrics: ['moodspace-lyrics', 'lyrics'],     // fetched and pasted lyrics (lyrics/lrclib.js, lyrics/paste.js)
  resolve: ['moodspace-resolve', 'ids'],      // Spotify ids found by search (spotify/resolve.js)
  films: ['moodspace-films', 'films'],        // films brought as files (film/my-films.js)
};

export function softStore([db, name]) {
  let store = null;
  const st = () => (store ||= createStore(db, name));
  return {
    async get(k) { try { return await get(k, st()); } catch { return undefined; } },
    async set(k, v) { try { await set(k, v, st()); return true; } catch { return false; } },
    async clear() { try { await clear(st()); return true; } catch { return false; } },
  };
}

/** 'forgotten' is dispatched here once "Forget my data" has cleared the stores: views drop what they hold in memory. */
export const storeEvents = new EventTarget();
