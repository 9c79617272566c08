// history.js — the "Bring your music" import card and the library's sources list.
//
//   mountImport(el, { library, onImported }) → { destroy, importFiles }
//   mountSources(el, { library })            → { render }
//
// A file picker (and drop zone) for a Spotify data export (my_spotify_data.zip
// or the JSON files inside it), Exportify / Last.fm / Apple Music CSVs,
// YouTube Music's watch-history.json, M3U / PLS / XSPF playlists and .txt
// lists, plus a box to paste "Artist – Title" lines. Files are read by
// history-worker.js (streamed, never uploaded) with a progress bar. Each
// import becomes one source of the library (library.addSource): plays are
// merged with the other sources' and de-duplicated (sources.js), and the
// view is rebuilt:
//   songs    the 500 songs with the most play time plus the songs of
//            playlists and lists (the soundtrack pool; lyrics from LRCLIB),
//            id = the Spotify track id when a source has it, else "export:<hash>";
//   top      tracks per range from play time in the last 4 weeks / 6 months /
//            all of the history;
//   extra.history  { totalMs, plays, skip, first, last, clock, months, note,
//                    tracks: [{id, plays, ms, skips}] (the pool),
//                    topByTime: [{title, artist, ms, plays}] (top 50),
//                    topArtists: [{artist, ms, plays, tracks}] (top 50) }
// Problems are listed per file and per row (line and reason). Removing a
// source asks first (confirm.js). All text goes to the page through textContent.
import { el } from '../ui.js';
import { sourceMeta, songFromTrack, POOL_SIZE, KIND_LABELS } from './sources.js';
import { confirmAction } from './confirm.js';

export { songFromTrack, POOL_SIZE };

const n = (v) => Number(v || 0).toLocaleString('en');
const plural = (k, one, many = `${one}s`) => `${n(k)} ${k === 1 ? one : many}`;
const day = (ms) => new Date(ms).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "3 Mar 2024 – 5 Mar 2024" or '' for a source without plays. */
export function dateRange(meta) {
  if (meta.first == null || meta.last == null) return '';
  const a = day(meta.first), b = day(meta.last);
  return a === b ? a : `${a} – ${b}`;
}

export function kindLabel(kind) { return KIND_LABELS[kind] || (kind === 'spotify-export' ? 'Spotify data export (basic and extended)' : kind === 'mixed' ? 'Several kinds of files' : 'Import'); }

function newSourceId() { return `s${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`; }

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

/** mergeSources(entries) in the import Worker (a library of a million plays merges in seconds: off the page's thread). */
export function runMerge(entries) {
  return new Promise((resolve, reject) => {
    let worker;
    try { worker = new Worker(new URL('./history-worker.js', document.baseURI), { type: 'module', name: 'moodspace-merge' }); }
    catch (e) { reject(e); return; }
    worker.onmessage = (ev) => {
      worker.terminate();
      const m = ev.data || {};
      if (m.type === 'merged') resolve(m.merged); else reject(new Error(m.message || 'no answer'));
    };
    worker.onerror = (ev) => { worker.terminate(); reject(new Error(ev.message || 'the merge worker crashed')); };
    worker.postMessage({ type: 'merge', entries });
  });
}

/** The problems of one import as list items: whole files first, then rows (line and reason). */
export function problemItems(meta, errors) {
  const items = [];
  for (const e of errors || []) items.push(el('li', { text: e }));
  for (const p of meta?.problems || []) items.push(el('li', { text: `${p.file}: ${p.where}: ${p.reason}` }));
  const more = (meta?.problemCount || 0) - (meta?.problems?.length || 0);
  if (more > 0) items.push(el('li', { class: 'muted', text: `… and ${plural(more, 'more row')} that could not be read.` }));
  return items;
}

export function mountImport(root, { library, onImported } = {}) {
  root.replaceChildren();
  if (typeof Worker === 'function') library.setMerger?.(runMerge);
  const input = el('input', { type: 'file', id: 'import-file', multiple: true,
    accept: '.zip,.json,.csv,.m3u,.m3u8,.pls,.xspf,.txt,application/zip,application/json,text/csv,audio/x-mpegurl,audio/x-scpls,application/xspf+xml,text/plain' });
  // (the card above the picker names the formats, index.html)
  const label = el('label', { for: 'import-file', text: 'Choose files to add to your library' });
  const drop = el('div', { class: 'dropzone', text: 'or drop them here' });
  const pasteBox = el('textarea', { id: 'paste-list', rows: 4, spellcheck: false, placeholder: 'Artist – Title, one song a line' });
  const pasteGo = el('button', { type: 'button', id: 'paste-import', text: 'Add these songs' });
  const paste = el('details', { id: 'paste' }, el('summary', { text: 'Paste a list of songs' }),
    el('label', { for: 'paste-list', text: 'One “Artist – Title” a line (-, – or — between them)' }), pasteBox, pasteGo);
  const bar = el('progress', { id: 'import-bar', max: 1, value: 0 });
  const barLabel = el('label', { for: 'import-bar', text: 'Reading' });
  const progressText = el('p', { class: 'muted', 'aria-live': 'polite' });
  const progressBox = el('div', { class: 'progress', hidden: true }, barLabel, bar, progressText);
  const status = el('p', { class: 'import-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const problems = el('ul', { class: 'import-errors error', 'aria-label': 'What could not be read', hidden: true });
  // (how to get the export: the guide under this card in index.html)
  root.append(label, input, drop, paste, progressBox, status, problems);

  let busy = false;
  async function go(files, { name } = {}) {
    if (busy || !files || !files.length) return;
    busy = true;
    input.disabled = true; pasteGo.disabled = true;
    problems.replaceChildren(); problems.hidden = true;
    status.textContent = '';
    progressBox.hidden = false;
    bar.value = 0;
    const list = Array.from(files);
    const total = list.reduce((a, f) => a + f.size, 0);
    progressText.textContent = `Reading ${formatBytes(total)} in this browser (nothing is uploaded)…`;
    const t0 = performance.now();
    const res = await runImport(list, (p) => {
      bar.value = p.total ? p.done / p.total : 0;
      progressText.textContent = `Read ${formatBytes(p.done)} of ${formatBytes(p.total)}`;
    });
    const secs = (performance.now() - t0) / 1000;
    bar.value = 1;
    const fileErrors = (res.type === 'done' ? res.summary.errors : (res.errors || (res.message ? [{ message: res.message }] : []))).map((e) => e.message);
    try {
      if (res.type === 'done') {
        const s = res.summary;
        const meta = sourceMeta(s, res.data, { id: newSourceId(), name: name || list.map((f) => f.name).join(', ') });
        const before = library.own.extra?.history?.plays || 0;
        const { merged } = await library.addSource(meta, res.data);
        const shared = Math.max(0, before + meta.plays - merged.plays);   // plays this import and the library both held
        problems.append(...problemItems(meta, fileErrors));
        problems.hidden = problems.childElementCount === 0;
        const what = [meta.plays ? plural(meta.plays, 'play') : '', meta.listed ? plural(meta.listed, 'listed song') : ''].filter(Boolean).join(' and ');
        const lib = library.own;
        status.textContent = `Added “${meta.name}”: ${what || 'nothing'}${meta.plays ? ` (${plural(meta.songs, 'different song')})` : ''} from ${plural(s.files.length, 'file')} in ${secs.toFixed(1)} s.` +
          (shared ? ` ${plural(shared, 'play')} your library already held ${shared === 1 ? 'was' : 'were'} counted once.` : '') +
          ` Your library: ${plural(merged.plays, 'play')}, ${plural(lib.songs.size, 'song')} in the pool, from ${plural(lib.sources.length, 'source')}.` +
          (meta.problemCount || fileErrors.length ? ` ${plural(meta.problemCount + fileErrors.length, 'problem')} listed below; the rest was read.` : '');
        status.className = 'import-status ok';
        try { onImported?.(s, meta); } catch (e) { console.error(e); }
      } else {
        status.textContent = 'Nothing was imported; your library is unchanged.';
        status.className = 'import-status error';
        const failed = { problems: [], problemCount: 0 };
        for (const f of res.failedFiles || []) { failed.problemCount += f.problemCount; for (const p of f.problems) failed.problems.push({ file: f.name.split('/').pop(), where: p.line, reason: p.reason }); }
        problems.append(...problemItems(failed, fileErrors));
        problems.hidden = problems.childElementCount === 0;
      }
    } catch (e) {
      status.textContent = `The import could not be kept: ${e.message || e}`;
      status.className = 'import-status error';
    }
    progressBox.hidden = true;
    input.disabled = false; pasteGo.disabled = false;
    input.value = '';
    busy = false;
    // a failed import: focus on its message (the disabled picker had dropped it to the page)
    if (status.classList.contains('error')) {
      status.focus();
      if (!problems.hidden) problems.scrollIntoView?.({ block: 'nearest' });   // its line below in sight too (phones)
    }
  }

  input.addEventListener('change', () => go(input.files));
  pasteGo.addEventListener('click', async () => {
    const text = pasteBox.value;
    if (!text.trim()) { status.textContent = 'Paste some “Artist – Title” lines first.'; status.className = 'import-status error'; return; }
    const when = new Date().toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
    await go([new File([text], 'pasted list.txt', { type: 'text/plain' })], { name: `Pasted list (${when})` });
    if (status.classList.contains('ok')) pasteBox.value = '';
  });
  const stop = (e) => { e.preventDefault(); e.stopPropagation(); };
  drop.addEventListener('dragover', (e) => { stop(e); drop.classList.add('over'); });
  drop.addEventListener('dragleave', (e) => { stop(e); drop.classList.remove('over'); });
  drop.addEventListener('drop', (e) => { stop(e); drop.classList.remove('over'); go(e.dataTransfer?.files); });
  return { destroy() { root.replaceChildren(); }, importFiles: go };
}

/** The library's sources: kind, file, date range, plays, songs, problems, and a Remove button that asks first. */
export function mountSources(root, { library, notify } = {}) {
  const panel = root.closest('section') || root;
  function render() {
    const own = library.own;
    const list = own.sources;
    panel.hidden = list.length === 0;
    const demo = library.state.mode === 'demo';
    const items = list.map((m) => {
      const range = dateRange(m);
      const facts = [m.plays ? plural(m.plays, 'play') : '', m.listed && m.kind !== 'spotify' ? plural(m.listed, 'listed song') : '', plural(m.songs, 'song')].filter(Boolean).join(' · ');
      const remove = el('button', { type: 'button', class: 'source-remove', 'data-source-id': m.id, text: 'Remove', 'aria-label': `Remove ${m.name}` });
      remove.addEventListener('click', async () => {
        const yes = await confirmAction({
          title: 'Remove this source?',
          message: `“${m.name}” leaves your library: ${[m.plays ? plural(m.plays, 'play') : '', plural(m.songs, 'song')].filter(Boolean).join(' and ')}` +
            ' it brought, and the moods found for songs no other source holds. Your other sources stay. To bring it back, import the file again.',
          confirmLabel: 'Remove source',
        });
        if (!yes) return;
        remove.disabled = true;
        await library.removeSource(m.id);
        notify?.(`Removed “${m.name}” from your library.`);
      });
      const li = el('li', { class: 'source', 'data-kind': m.kind },
        el('div', { class: 'source-head' }, el('strong', { class: 'source-kind', text: kindLabel(m.kind) }), remove),
        el('p', { class: 'source-name', text: m.name }),
        el('p', { class: 'source-facts muted', text: [range, facts].filter(Boolean).join(' · ') }));
      if (m.dupes) li.append(el('p', { class: 'source-dupes muted', text: `${plural(m.dupes, 'play')} another source also holds ${m.dupes === 1 ? 'is' : 'are'} counted once.` }));
      if (m.missing) li.append(el('p', { class: 'error', text: 'The data of this source could not be read back from this browser; remove it and import the file again.' }));
      if (m.problemCount || m.errors?.length) {
        li.append(el('details', { class: 'source-problems' }, el('summary', { text: `${plural(m.problemCount + (m.errors?.length || 0), 'problem')} while reading` }),
          el('ul', {}, ...problemItems(m, m.errors))));
      }
      return li;
    });
    root.replaceChildren(
      el('p', { class: 'muted', text: demo ? 'The demo is on screen; your own library is kept as it is and comes back when you leave the demo.'
        : `${plural(list.length, 'source')}. Plays that two sources both hold count once.` }),
      el('ul', { class: 'sources', 'aria-label': 'Sources of your library' }, ...items));
  }
  library.subscribe((ev) => { if (ev.type === 'reset' || ev.type === 'restore') render(); });
  render();
  return { render };
}
