// history.js — the "Import your Spotify data export" card.
//
//   mountImport(el, { library, onImported }) → { destroy }
//
// A file picker (and drop zone) for my_spotify_data.zip or the JSON files
// inside it. Files are read by history-worker.js (streamed, never uploaded)
// with a progress bar; problems are listed per file. On success the library
// store is reset to source 'export' and fed:
//   songs    the 500 songs with the most play time (the soundtrack pool;
//            lyrics still come from LRCLIB), id = the Spotify track id when
//            the extended history has it, else "export:<hash>";
//   top      tracks per range from play time in the last 4 weeks / 6 months /
//            all of the history;
//   extra.history  { totalMs, plays, skip, first, last, clock, months,
//                    files, note, tracks: [{id, plays, ms, skips}] (the pool),
//                    topByTime: [{title, artist, ms, plays}] (top 50),
//                    topArtists: [{artist, ms, plays, tracks}] (top 50) }
// All text goes to the page through textContent.
import { trackKey } from './history-core.js';
import { el } from '../ui.js';

export const POOL_SIZE = 500;


function hashId(s) {
  let h1 = 0x811c9dc5, h2 = 0x1b873593;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
  }
  return (h1 >>> 0).toString(36) + (h2 >>> 0).toString(36);
}

/** Library song for a summarised export track. */
export function songFromTrack(t) {
  const m = /^spotify:track:([A-Za-z0-9]{22})$/.exec(t.uri || '');
  return {
    id: m ? m[1] : `export:${hashId(trackKey(t.title, t.artist))}`,
    uri: m ? t.uri : '',
    title: t.title, artist: t.artist, album: t.album || '',
    // a play that ran to the end is the track's length; only trust long ones
    durationMs: t.maxMs >= 60000 ? t.maxMs : 0,
  };
}

/** Feed an import summary (HistoryImport.finish()) into the library store. */
export function feedLibrary(library, summary, label = 'Your Spotify data export') {
  const pool = summary.tracks.slice(0, POOL_SIZE);
  const songs = pool.map(songFromTrack);
  library.reset('export', { label });
  library.addSongs(songs);
  const idOf = (i) => (i < songs.length ? songs[i].id : null);
  for (const range of ['short_term', 'medium_term', 'long_term'])
    library.setTop('tracks', range, (summary.ranges?.[range] || []).map(idOf).filter(Boolean));
  library.setExtra('history', {
    totalMs: summary.totalMs, plays: summary.plays, skip: summary.skip,
    first: summary.first, last: summary.last, clock: summary.clock, months: summary.months,
    files: summary.files, note: summary.note, errors: summary.errors,
    uniqueTracks: summary.tracks.length,
    tracks: pool.map((t, i) => ({ id: songs[i].id, plays: t.plays, ms: t.ms, skips: t.skips })),
    topByTime: summary.tracks.slice(0, 50).map((t) => ({ title: t.title, artist: t.artist, ms: t.ms, plays: t.plays, skips: t.skips })),
    topArtists: summary.artists.slice(0, 50),
  });
  return songs.length;
}

export function formatBytes(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} bytes`;
}

/** Runs the import worker; resolves to its final message. */
export function runImport(files, onProgress) {
  return new Promise((resolve) => {
    let worker;
    // relative to the page, not to this module: the bundler moves this module into chunks/
    try { worker = new Worker(new URL('./history-worker.js', document.baseURI), { type: 'module', name: 'moodspace-import' }); }
    catch (e) { resolve({ type: 'error', message: `The import could not start: ${e.message || e}` }); return; }
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.type === 'progress') { onProgress?.(m); return; }
      worker.terminate();
      resolve(m);
    };
    worker.onerror = (ev) => {
      worker.terminate();
      resolve({ type: 'error', message: `The import stopped: ${ev.message || 'the reader crashed'}` });
    };
    worker.postMessage({ type: 'import', files: Array.from(files) });
  });
}

export function mountImport(root, { library, onImported } = {}) {
  root.replaceChildren();
  const input = el('input', { type: 'file', id: 'import-file', accept: '.zip,.json,application/zip,application/json', multiple: true });
  const label = el('label', { for: 'import-file', text: 'Choose my_spotify_data.zip or StreamingHistory / Streaming_History_Audio JSON files' });
  const drop = el('div', { class: 'dropzone', text: 'or drop them here' });
  const bar = el('progress', { id: 'import-bar', max: 1, value: 0 });
  const barLabel = el('label', { for: 'import-bar', text: 'Reading' });
  const progressText = el('p', { class: 'muted', 'aria-live': 'polite' });
  const progressBox = el('div', { class: 'progress', hidden: true }, barLabel, bar, progressText);
  const status = el('p', { class: 'import-status', role: 'status', 'aria-live': 'polite' });
  const problems = el('ul', { class: 'import-errors error', 'aria-label': 'Problems with the files', hidden: true });
  // (how to get the export: the guide under this card in index.html)
  root.append(label, input, drop, progressBox, status, problems);

  let busy = false;
  async function go(files) {
    if (busy || !files || !files.length) return;
    busy = true;
    input.disabled = true;
    problems.replaceChildren(); problems.hidden = true;
    status.textContent = '';
    progressBox.hidden = false;
    bar.value = 0;
    const total = Array.from(files).reduce((s, f) => s + f.size, 0);
    progressText.textContent = `Reading ${formatBytes(total)} in this browser (nothing is uploaded)…`;
    const t0 = performance.now();
    const res = await runImport(files, (p) => {
      bar.value = p.total ? p.done / p.total : 0;
      progressText.textContent = `Read ${formatBytes(p.done)} of ${formatBytes(p.total)}`;
    });
    const secs = (performance.now() - t0) / 1000;
    bar.value = 1;
    const errs = res.type === 'done' ? res.summary.errors : (res.errors || [{ message: res.message }]);
    for (const e of errs) problems.append(el('li', { text: e.message }));
    problems.hidden = errs.length === 0;
    if (res.type === 'done') {
      const s = res.summary;
      const n = feedLibrary(library, s);
      const hours = s.totalMs / 3600000;
      status.textContent = `Imported ${s.plays.toLocaleString('en')} plays of ${s.tracks.length.toLocaleString('en')} songs ` +
        `(${Math.round(hours).toLocaleString('en')} hours) from ${s.files.length} file${s.files.length === 1 ? '' : 's'} ` +
        `in ${secs.toFixed(1)} s. The ${n} songs you played most are your song pool.` +
        (errs.length ? ` ${errs.length} file${errs.length === 1 ? ' was' : 's were'} left out (see below).` : '') +
        (s.note ? ` ${s.note}` : '');
      status.className = 'import-status ok';
      library.save?.();
      try { onImported?.(s); } catch (e) { console.error(e); }
    } else {
      status.textContent = 'Nothing was imported.';
      status.className = 'import-status error';
      if (!errs.length) problems.append(el('li', { text: res.message })), (problems.hidden = false);
    }
    progressBox.hidden = true;
    input.disabled = false;
    input.value = '';
    busy = false;
  }

  input.addEventListener('change', () => go(input.files));
  const stop = (e) => { e.preventDefault(); e.stopPropagation(); };
  drop.addEventListener('dragover', (e) => { stop(e); drop.classList.add('over'); });
  drop.addEventListener('dragleave', (e) => { stop(e); drop.classList.remove('over'); });
  drop.addEventListener('drop', (e) => { stop(e); drop.classList.remove('over'); go(e.dataTransfer?.files); });
  return { destroy() { root.replaceChildren(); }, importFiles: go };
}
