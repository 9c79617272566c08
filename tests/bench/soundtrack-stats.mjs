// soundtrack-stats.mjs — how varied and how faithful the soundtracks are over the catalog, in one line:
//
//   node tests/bench/soundtrack-stats.mjs [--library weights/demo.json] [--segments 6]
//                                         [--catalog weights/catalog.json] [--model weights/model.bin]
//                                         [--dev genres_dev.json]
//
// Runs `build/moodspace soundtrack --film all` twice (1 segment: each film's
// single best song; N segments: full soundtracks) and prints:
//   distinct best songs (goal >= 200), the largest share of films for one best
//   song (<= 3 %), the largest share of N-segment soundtracks holding one song
//   (<= 10 %), and the median over films of the Spearman correlation between
//   segment and song valence, and energy (>= 0.8), on the calibrated scale
//   (percentiles) and on the raw predictions.
// MOODSPACE_BIN=path runs another build of the tool (e.g. one compiled with
// -DSOUNDTRACK_CONTRAST=2 to re-choose the within-film contrast).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const library = opt('--library', 'weights/demo.json');
const segments = Number(opt('--segments', '6'));
// --dev GENRES.json: only the dev films (settings are chosen there, never on the held-back half)
const dev = opt('--dev');
const filmArg = dev ? Object.keys(JSON.parse(readFileSync(dev, 'utf8'))).join(',') : 'all';
const extra = [];
for (const k of ['--catalog', '--model']) if (opt(k)) extra.push(k, opt(k));

function run(n) {
  const out = execFileSync(process.env.MOODSPACE_BIN || 'build/moodspace', ['soundtrack', '--library', library, '--film', filmArg, '--segments', String(n), ...extra],
    { maxBuffer: 1 << 30, encoding: 'utf8' });
  const films = out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const bad = films.filter((f) => f.error);
  if (bad.length) console.error(`${bad.length} films failed, e.g. ${bad[0].film}: ${bad[0].error}`);
  return films.filter((f) => !f.error);
}

function ranks(xs) {
  const idx = xs.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array(xs.length);
  for (let a = 0; a < idx.length;) {
    let b = a;
    while (b < idx.length && idx[b][0] === idx[a][0]) b++;
    for (let k = a; k < b; k++) r[idx[k][1]] = (a + b - 1) / 2;
    a = b;
  }
  return r;
}
function spearman(x, y) {
  const rx = ranks(x); const ry = ranks(y); const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n; const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0; let sxx = 0; let syy = 0;
  for (let i = 0; i < n; i++) { sxy += (rx[i] - mx) * (ry[i] - my); sxx += (rx[i] - mx) ** 2; syy += (ry[i] - my) ** 2; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] / 2 + s[Math.ceil((s.length - 1) / 2)] / 2 : NaN; };
const songKey = (s) => s.song.id ?? `${s.song.title} — ${s.song.artist}`;

const one = run(1);
const best = new Map();
for (const f of one) { const k = songKey(f.segments[0]); best.set(k, (best.get(k) || 0) + 1); }
const [topSong, topCount] = [...best.entries()].sort((a, b) => b[1] - a[1])[0];

const full = run(segments);
const inFilms = new Map();
for (const f of full) for (const k of new Set(f.segments.map(songKey))) inFilms.set(k, (inFilms.get(k) || 0) + 1);
const [topSeg, topSegCount] = [...inFilms.entries()].sort((a, b) => b[1] - a[1])[0];
const rhos = (key, field) => full.filter((f) => f.segments.length >= 3)
  .map((f) => spearman(f.segments.map((s) => s[field === 'pct' ? 'pct' : 'mood'][key]), f.segments.map((s) => s[field === 'pct' ? 'song_pct' : 'song_mood'][key])));
const rho = (key, field) => median(rhos(key, field));
// Spearman over 6 points moves in steps of 1/35, so the median barely moves: the share of
// films at or above 0.8 is the finer figure
const shareAbove = (key) => { const r = rhos(key, 'pct').filter(Number.isFinite); return r.filter((x) => x >= 0.8).length / r.length; };
const meanDistance = full.reduce((a, f) => a + f.segments.reduce((b, s) => b + s.distance, 0) / f.segments.length, 0) / full.length;
const title = (k) => { for (const f of full) for (const s of f.segments) if (songKey(s) === k) return `${s.song.title} — ${s.song.artist}`; for (const f of one) if (songKey(f.segments[0]) === k) return `${f.segments[0].song.title} — ${f.segments[0].song.artist}`; return k; };
const pct = (a, b) => `${(100 * a / b).toFixed(1)} %`;
const rows = [
  ['films', `${one.length} (1 segment), ${full.length} (${segments} segments)`, ''],
  ['distinct single best songs', String(best.size), best.size >= 200 ? 'ok (>= 200)' : 'MISSED (>= 200)'],
  ['largest share of films for one best song', `${pct(topCount, one.length)} (${title(topSong)})`, topCount / one.length <= 0.03 ? 'ok (<= 3 %)' : 'MISSED (<= 3 %)'],
  [`largest share of ${segments}-segment soundtracks with one song`, `${pct(topSegCount, full.length)} (${title(topSeg)})`, topSegCount / full.length <= 0.10 ? 'ok (<= 10 %)' : 'MISSED (<= 10 %)'],
  ['distinct songs used in soundtracks', String(inFilms.size), ''],
];
for (const m of ['valence', 'energy']) {
  const r = rho(m, 'pct');
  rows.push([`median Spearman segment vs song ${m} (percentiles)`, r.toFixed(3), r >= 0.8 ? 'ok (>= 0.8)' : 'MISSED (>= 0.8)']);
  rows.push([`median Spearman segment vs song ${m} (raw predictions)`, rho(m, 'raw').toFixed(3), '']);
  rows.push([`films with Spearman ${m} >= 0.8 (percentiles)`, `${(100 * shareAbove(m)).toFixed(1)} %`, '']);
}
rows.push(['mean segment-song distance', meanDistance.toFixed(3), '']);
for (const [k, v, g] of rows) console.log(`${k.padEnd(58)} ${v.padEnd(48)} ${g}`);
