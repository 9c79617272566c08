// predict.js — the lyrics → metrics pipeline: fetch the lyrics of the
// library's songs still pending (LRCLIB, lyrics/lrclib.js), predict their
// mood in batches as they arrive (the engine's predict), and show the
// progress in the Your music tab's lyrics bar.
//
//   const { predictSongs, lyricsOf } = lyricsPipeline({ library, engine, events, notify, notifyError });
//   predictSongs(ids?)   fetch + predict for those songs (default: every song still pending);
//                        one run at a time, songs that arrive meanwhile get a run right after;
//                        fires 'library-ready' on `events` when a run ends
//   lyricsOf(song)       a song's lyric text for explanations (memory, then the IndexedDB cache)
import { fetchAllLyrics, fetchLyrics, lyricTexts, causesText } from '../lyrics/lrclib.js';
import { $, metricsFrom } from '../ui.js';

const PREDICT_BATCH = 16;
const FLUSH_MS = 250;

/** A prediction → the song's metrics (clamped), or null when there are none. */
export function cleanMetrics(m) {
  if (!m || typeof m !== 'object' || m.error) return null;
  const out = metricsFrom(m);
  return Object.keys(out).length ? out : null;
}

/** What to do about the failures, by their main cause. */
export function retryAdvice(causes) {
  const main = Object.entries(causes).sort((a, b) => b[1] - a[1])[0]?.[0];
  return main === 'offline' ? 'Retry once you are back online; only the failed songs are fetched again.'
    : main === 'rate_limited' ? 'Wait a minute, then retry; only the failed songs are fetched again.'
      : 'Retry fetches only the failed songs.';
}

export function lyricsPipeline({ library, engine, events, notify, notifyError }) {
  let lyricsRun = null;
  let lyricsAgain = false;

  /** Fetch lyrics for songs still pending (or failed) and predict their mood. */
  function predictSongs(ids) {
    // one run at a time; songs that arrive meanwhile get a run right after
    if (lyricsRun) { lyricsAgain = true; return lyricsRun; }
    lyricsRun = (async () => {
      const want = (ids ? ids.map((id) => library.state.songs.get(id)).filter(Boolean) : library.songList())
        .filter((s) => s.lyricsStatus === 'pending' || s.lyricsStatus === 'error' || (s.lyricsStatus === 'found' && !s.metrics));
      if (!want.length) return;
      $('lyrics-progress').hidden = false; $('lyrics-retry').hidden = true;
      const bar = $('lyrics-bar'); bar.max = want.length; bar.value = 0;
      $('lyrics-label').textContent = `Fetching lyrics from LRCLIB (${want.length} songs)`;
      let queue = []; const predictions = [];
      let predictFailed = null; let flushTimer = null;
      // moods arrive with the lyrics: a batch goes to the model when it is full
      // or a moment after its first song, so a slow or hung request later in
      // the run never holds back the songs already found
      const flush = () => {
        clearTimeout(flushTimer); flushTimer = null;
        if (!queue.length) return;
        const batch = queue; queue = [];
        predictions.push(engine.call('predict', [batch.map((b) => b.text)]).then((res) => {
          const list = Array.isArray(res) ? res : (res?.predictions || res?.results || []);
          library.updateSongs(batch.map((b, i) => [b.id, { metrics: cleanMetrics(list[i]) }]));
        }).catch((e) => { predictFailed = e; }));
      };
      const { counts } = await fetchAllLyrics(want, {
        onResult: (song, r) => {
          library.updateSong(song.id, { lyricsStatus: r.status, lyricsCause: r.status === 'error' ? r.cause : undefined });
          if (r.status === 'found') {
            lyricTexts.set(song.id, r.text);
            queue.push({ id: song.id, text: r.text });
            if (queue.length >= PREDICT_BATCH) flush();
            else flushTimer ||= setTimeout(flush, FLUSH_MS);
          }
        },
        onProgress: ({ done, total, counts: c }) => {
          bar.value = done;
          $('lyrics-counts').textContent = `${done} of ${total}: ${c.found} with lyrics, ${c.instrumental} instrumental, ${c.notfound} without lyrics on LRCLIB, ${c.error} failed` +
            (c.error ? ` (${causesText(c.causes)}).` : '.');
        },
      });
      flush();
      await Promise.all(predictions);
      $('lyrics-label').textContent = 'Lyrics fetched';
      $('lyrics-retry').hidden = !counts.error;
      $('lyrics-retry').textContent = `Retry the ${counts.error} failed songs`;
      if (predictFailed) notifyError(`The mood model could not read some lyrics: ${predictFailed.message}`);
      notify(`Lyrics: ${counts.found} found, ${counts.instrumental} instrumental, ${counts.notfound} not found, ${counts.error} failed.` +
        (counts.error ? ` Why: ${causesText(counts.causes)}. ${retryAdvice(counts.causes)} The songs that worked are ready.` : '') +
        (counts.notfound ? ' Songs LRCLIB does not have can get lyrics you paste (Paste lyrics, in the table).' : ''));
      events.dispatchEvent(new CustomEvent('library-ready'));
    })().finally(() => {
      lyricsRun = null;
      if (lyricsAgain) { lyricsAgain = false; predictSongs(); }
    });
    return lyricsRun;
  }

  /** Lyric text of a song for explanations (memory, then the IndexedDB cache). */
  async function lyricsOf(song) {
    if (lyricTexts.has(song.id)) return lyricTexts.get(song.id);
    if (song.lyricsStatus !== 'found') return '';
    const r = await fetchLyrics(song).catch(() => null);
    if (r?.status === 'found') { lyricTexts.set(song.id, r.text); return r.text; }
    return '';
  }

  return { predictSongs, lyricsOf };
}
