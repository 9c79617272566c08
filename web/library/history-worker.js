// history-worker.js — reads a Spotify data export off the main thread.
//
// In:  { type: 'import', files: File[] }   (a my_spotify_data.zip and/or JSON files)
// In:  { type: 'merge', entries: [{ meta, data }] }  → { type: 'merged', merged } (sources.js mergeSources)
// In:  { type: 'recap', entries: [{ meta, data }] }  → { type: 'recap', index } (recap/recap-core.js recapFromEntries)
// Out: { type: 'progress', done, total, file }   bytes read so far, at most every ~100 ms
//      { type: 'done', summary }                 HistoryImport.finish() (see history-core.js)
//      { type: 'error', message }                nothing usable was found
//
// Files are streamed in chunks (File.stream), zips are inflated as they
// stream (fflate's Unzip), and JSON arrays are split element by element, so
// a 100 MB+ export is never held whole in memory. Nothing leaves the browser.
// A zip that unpacks to more than limits.maxRatio times its size, or holds
// more than limits.maxZipEntries files, is stopped (history-core.js holds
// the other limits).
import { Unzip, UnzipInflate } from 'fflate';
import { HistoryImport, classifyHistoryFile, formatBytes } from './history-core.js';
import { beginOther, formatOf } from './formats.js';
import { mergeSources } from './sources.js';
import { recapFromEntries } from '../recap/recap-core.js';

const ZIP_SLICE = 8192;   // bytes of a zip handed to fflate at a time

function isZipStart(b) { return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6); }

async function* chunks(file) {
  if (typeof file.stream === 'function') {
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  // very old browsers: slice the Blob
  const step = 4 << 20;
  for (let o = 0; o < file.size; o += step) yield new Uint8Array(await file.slice(o, o + step).arrayBuffer());
}

export async function importFiles(files, post, options = {}) {
  const imp = new HistoryImport(options);
  const L = imp.limits;
  const total = files.reduce((s, f) => s + (f.size || 0), 0);
  let done = 0, lastPost = 0;
  const progress = (name, force) => {
    const now = Date.now();
    if (force || now - lastPost > 100) { lastPost = now; post({ type: 'progress', done, total, file: name }); }
  };
  for (const file of files) {
    const name = file.name || 'file';
    let mode = null;          // 'zip' | 'json' | 'skip'
    let json = null;          // reader for a bare JSON file
    let unzip = null, entries = 0, zipFailed = false;
    let broken = false;       // the archive itself is damaged or cut short
    let signed = false;       // it starts as a zip does
    const errorsBefore = imp.errors.length;
    let packed = 0, unpacked = 0;   // bytes of this zip read, and unpacked from it
    const open = [];          // readers of zip entries still streaming
    const live = [];          // fflate entries still inflating
    // A limit hit inside the zip: stop inflating, fail the unfinished files.
    const stopZip = (problem) => {
      if (zipFailed) return;
      zipFailed = true;
      imp.addError(name, problem);
      for (const e of live) { try { e.terminate(); } catch { /* already done */ } }
      for (const r of open) if (!r.failed && !imp.done.some((f) => f.name === r.name)) r.abort(`not read: ${problem}`);
    };
    try {
      for await (const chunk of chunks(file)) {
        if (mode === null) {
          if (isZipStart(chunk) || /\.zip$/i.test(name)) {
            mode = 'zip';
            signed = isZipStart(chunk) && chunk[2] === 3;   // a file header (an empty zip starts with its end record)
            unzip = new Unzip((entry) => {
              if (zipFailed) return;
              if (++entries > L.maxZipEntries) { stopZip(`more than ${L.maxZipEntries} files inside the zip (the limit; an export holds a few dozen)`); return; }
              const other = classifyHistoryFile(entry.name) ? null : formatOf(entry.name, { inZip: true });
              const reader = classifyHistoryFile(entry.name) ? imp.beginFile(`${name}/${entry.name}`)
                : other ? beginOther(imp, `${name}/${entry.name}`, other, { inZip: true }) : null;
              if (!reader) { if (!classifyHistoryFile(entry.name)) imp.ignored.push(`${name}/${entry.name}`); return; }
              open.push(reader);
              live.push(entry);
              entry.ondata = (err, data, final) => {
                if (err) { broken = true; reader.abort(`could not be unpacked (${err.message || err})`); return; }
                if (zipFailed) return;
                unpacked += data.length;
                if (unpacked > L.ratioFloorBytes && unpacked > L.maxRatio * packed) {
                  stopZip(`unpacks to more than ${L.maxRatio} times its size (${formatBytes(unpacked)} from the first ${formatBytes(packed)}; the limit): stopped, this looks like a zip bomb`);
                  return;
                }
                try {
                  reader.push(data);
                  if (final) reader.end();
                } catch { entry.terminate(); }
              };
              try { entry.start(); } catch (e) { broken = true; reader.abort(`could not be unpacked (${e.message || e})`); }
            });
            unzip.register(UnzipInflate);
          } else {
            const other = classifyHistoryFile(name) ? null : formatOf(name);
            json = other ? beginOther(imp, name, other) : imp.beginFile(name);
            if (!json) {
              imp.ignored.pop();   // (beginFile listed it as ignored; it is an error here)
              if (/\.json$/i.test(name)) imp.addError(name, 'not a Spotify streaming history file (expected StreamingHistory_music_*.json, Streaming_History_Audio_*.json or endsong_*.json) nor YouTube Music\'s watch-history.json');
              else imp.addError(name, 'not a file this page reads (a Spotify data export .zip or .json, a .csv from Exportify, Last.fm or Apple Music, watch-history.json, .m3u, .m3u8, .pls, .xspf or a .txt list)');
              mode = 'skip';
              break;
            }
            mode = 'json';
          }
        }
        done += chunk.length;
        if (mode === 'zip' && !zipFailed) {
          // in slices: fflate walks the entries of one push recursively (a
          // chunk of thousands of tiny files overflowed the stack), and the
          // ratio and entry limits are checked between slices
          for (let o = 0; o < chunk.length && !zipFailed; o += ZIP_SLICE) {
            const part = chunk.subarray(o, o + ZIP_SLICE);
            packed += part.length;
            try { unzip.push(part, false); }
            catch { zipFailed = true; broken = true; }
          }
        } else if (mode === 'json') {
          try { json.push(chunk); } catch { mode = 'skip'; }
        }
        progress(name);
      }
      if (mode === 'zip' && !zipFailed) {
        try { unzip.push(new Uint8Array(0), true); }
        catch { zipFailed = true; broken = true; }
      }
      if (mode === 'zip') {
        for (const r of open) if (!r.failed && !imp.done.some((f) => f.name === r.name)) { broken = true; r.abort('the zip archive ends before this file does'); }
        if (!zipFailed && entries === 0 && signed) broken = true;   // a zip's first bytes, then nothing readable
        if (broken) {
          // one line for the archive, not one per file inside it (their paths
          // mean nothing to the person who downloaded the zip)
          imp.errors.splice(errorsBefore);
          const read = imp.done.filter((f) => f.name.startsWith(`${name}/`)).length;
          imp.addError(name, read
            ? `this zip archive is damaged or incomplete (a download cut short?): ${read} file${read === 1 ? '' : 's'} inside it ${read === 1 ? 'was' : 'were'} read, the rest could not be. Download the export again to read all of it.`
            : 'this zip archive is damaged or incomplete (a download cut short?), so it could not be read. Download the export again and choose the new file.');
        } else if (!zipFailed && entries === 0) imp.addError(name, 'not a zip archive, or an empty one');
        else if (!zipFailed && open.length === 0) imp.addError(name, 'no StreamingHistory_music_*.json, Streaming_History_Audio_*.json, endsong_*.json, Apple Music Play Activity.csv, watch-history.json or playlist file inside this archive');
      } else if (mode === 'json') {
        try { json.end(); } catch { /* recorded in imp.errors */ }
      } else if (mode === null) {
        imp.addError(name, 'the file is empty');
      }
    } catch (e) {
      imp.addError(name, `could not be read (${e && e.message ? e.message : e})`);
    }
    progress(name, true);
  }
  const summary = imp.finish();
  if (summary.files.length === 0) {
    const why = summary.errors.length ? summary.errors.map((e) => e.message).join('\n') : 'No streaming history or songs were found in what you chose.';
    return { type: 'error', message: why, errors: summary.errors, failedFiles: summary.failedFiles };
  }
  return { type: 'done', summary, data: imp.playData() };
}

if (typeof self !== 'undefined' && typeof self.postMessage === 'function' && typeof window === 'undefined') {
  self.onmessage = async (ev) => {
    const msg = ev.data || {};
    if (msg.type === 'merge') {
      // the library's sources merged off the page's thread (sources.js)
      try { self.postMessage({ type: 'merged', merged: mergeSources(msg.entries || []) }); }
      catch (e) { self.postMessage({ type: 'error', message: `The library could not be merged: ${e && e.message ? e.message : e}` }); }
      return;
    }
    if (msg.type === 'recap') {
      // the recap index of every year and month (recap/recap-core.js), off the page's thread
      try { self.postMessage({ type: 'recap', index: recapFromEntries(msg.entries || []) }); }
      catch (e) { self.postMessage({ type: 'error', message: `The recap could not be made: ${e && e.message ? e.message : e}` }); }
      return;
    }
    if (msg.type !== 'import') return;
    try {
      const res = await importFiles(Array.from(msg.files || []), (m) => self.postMessage(m));
      self.postMessage(res);
    } catch (e) {
      self.postMessage({ type: 'error', message: `The import failed: ${e && e.message ? e.message : e}` });
    }
  };
}
