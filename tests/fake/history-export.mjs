// Generates synthetic Spotify data exports (invented artists and titles,
// deterministic from a seed) for the import tests and the import benchmark.
//
//   node tests/fake/history-export.mjs OUT.zip [MEGABYTES] [extended|basic]
//
// writes a my_spotify_data.zip-like archive whose JSON files total about
// MEGABYTES (default 1) of uncompressed history.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';

export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

const WORDS = ['Neon', 'Harbor', 'Velvet', 'Static', 'Paper', 'Comet', 'Lantern', 'Glass', 'Orbit', 'Meadow',
  'Signal', 'Ember', 'Tidal', 'Hollow', 'Copper', 'Winter', 'Saffron', 'Echo', 'Marble', 'Drift'];

/** A pool of invented tracks: { title, artist, album, uri }. */
export function trackPool(n, seed = 7) {
  const r = rng(seed);
  const artists = Array.from({ length: Math.max(3, Math.floor(n / 8)) }, (_, i) =>
    `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]}s${i >= WORDS.length ? ' ' + i : ''}`);
  const b62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: n }, (_, i) => {
    let id = '';
    for (let k = 0; k < 22; k++) id += b62[Math.floor(r() * 62)];
    return {
      title: `${WORDS[Math.floor(r() * WORDS.length)]} ${WORDS[Math.floor(r() * WORDS.length)]} ${i}`,
      artist: artists[Math.floor(r() * artists.length) % artists.length],
      album: `Album ${i % 37}`,
      uri: `spotify:track:${id}`,
    };
  });
}

function pad(n) { return String(n).padStart(2, '0'); }

/** Basic-format records: { endTime, artistName, trackName, msPlayed }. */
export function basicRecords(count, { seed = 1, pool = trackPool(200), start = Date.UTC(2024, 0, 1) } = {}) {
  const r = rng(seed);
  const out = [];
  let t = start;
  for (let i = 0; i < count; i++) {
    const tr = pool[Math.floor(Math.pow(r(), 2) * pool.length)];
    const ms = r() < 0.2 ? Math.floor(r() * 29000) : 30000 + Math.floor(r() * 200000);
    t += ms + Math.floor(r() * 3600000);
    const d = new Date(t);
    out.push({ endTime: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
      artistName: tr.artist, trackName: tr.title, msPlayed: ms });
  }
  return out;
}

/** Extended-format records, with a few podcast episodes mixed in. */
export function extendedRecords(count, { seed = 2, pool = trackPool(200), start = Date.UTC(2021, 0, 1) } = {}) {
  const r = rng(seed);
  const out = [];
  let t = start;
  for (let i = 0; i < count; i++) {
    const ms = Math.floor(r() * 240000);
    t += ms + Math.floor(r() * 3600000);
    const ts = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (r() < 0.03) {
      out.push({ ts, platform: 'android', ms_played: ms, conn_country: 'DE', ip_addr: '192.0.2.1',
        master_metadata_track_name: null, master_metadata_album_artist_name: null, master_metadata_album_album_name: null,
        spotify_track_uri: null, episode_name: `Episode ${i}`, episode_show_name: 'A Show', spotify_episode_uri: 'spotify:episode:x',
        reason_start: 'clickrow', reason_end: 'trackdone', shuffle: false, skipped: null, offline: false, offline_timestamp: null, incognito_mode: false });
      continue;
    }
    const tr = pool[Math.floor(Math.pow(r(), 2) * pool.length)];
    const skipped = r() < 0.25;
    out.push({ ts, platform: 'android', ms_played: ms, conn_country: 'DE', ip_addr: '192.0.2.1',
      master_metadata_track_name: tr.title, master_metadata_album_artist_name: tr.artist,
      master_metadata_album_album_name: tr.album, spotify_track_uri: tr.uri,
      episode_name: null, episode_show_name: null, spotify_episode_uri: null,
      reason_start: 'trackdone', reason_end: skipped ? 'fwdbtn' : 'trackdone', shuffle: r() < 0.5,
      skipped, offline: false, offline_timestamp: null, incognito_mode: false });
  }
  return out;
}

/** A small zip held in memory: { name: records[] } -> Uint8Array. */
export function smallZip(files) {
  const entries = {};
  for (const [name, recs] of Object.entries(files))
    entries[name] = typeof recs === 'string' ? strToU8(recs) : strToU8(JSON.stringify(recs, null, 2));
  return zipSync(entries, { level: 6 });
}

/**
 * Streams a large extended-history zip to `out` with about `megabytes` of
 * JSON (split into files of ~12 MB, like Spotify's). Returns the record count.
 */
export async function writeBigExport(out, megabytes, format = 'extended') {
  const ws = fs.createWriteStream(out);
  const zip = new Zip((err, data) => { if (err) throw err; ws.write(data); });
  const target = megabytes * 1e6;
  const perFile = 12e6;
  const pool = trackPool(5000);
  let written = 0, fileNo = 0, records = 0, seed = 11;
  while (written < target) {
    const name = format === 'basic' ? `Spotify Account Data/StreamingHistory_music_${fileNo}.json`
      : `Spotify Extended Streaming History/Streaming_History_Audio_${2015 + fileNo}_${fileNo}.json`;
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8('[\n'));
    let size = 2, first = true;
    while (size < perFile && written + size < target) {
      const recs = format === 'basic' ? basicRecords(2000, { seed: seed++, pool, start: Date.UTC(2015, 0, 1) + seed * 3e9 })
        : extendedRecords(2000, { seed: seed++, pool, start: Date.UTC(2015, 0, 1) + seed * 3e9 });
      let s = '';
      for (const rec of recs) { s += (first ? '  ' : ',\n  ') + JSON.stringify(rec); first = false; }
      records += recs.length;
      const u = strToU8(s);
      size += u.length;
      f.push(u);
      await new Promise((res) => (ws.writableLength > 8e6 ? ws.once('drain', res) : res()));
    }
    f.push(strToU8('\n]\n'), true);
    written += size + 3;
    fileNo++;
  }
  zip.end();
  await new Promise((res) => ws.end(res));
  return { records, bytesJson: written, files: fileNo };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out = 'my_spotify_data.zip', mb = '1', format = 'extended'] = process.argv.slice(2);
  const t0 = Date.now();
  const r = await writeBigExport(out, Number(mb), format);
  console.log(`${out}: ${r.files} files, ${r.records} records, ${(r.bytesJson / 1e6).toFixed(1)} MB of JSON, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB zipped (${Date.now() - t0} ms)`);
}
