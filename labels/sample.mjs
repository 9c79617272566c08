// Draws the scenes to be hand-labelled for valence and energy, from dev films only
// (genres_dev.json). Deterministic: the same data and parser give the same draw.
//
//   node labels/sample.mjs --data ../shared/data --films 130 --per-film 8 --out /tmp/label
//   (later rounds: --skip-films K for films after the first K, --exclude M1,M2 to draw
//   other scenes of films already drawn, --batches B, --split train to draw from
//   training films only)
//
// Writes OUT/manifest.json (id, film, scene index, heading, words, split) and
// OUT/batch_K.md (the scene texts for the labellers, K = 1..batches). The texts stay
// outside the repository: only labels/scenes.json (numbers, headings) is committed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filmSplit } from './split.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const data = args.data ?? '../shared/data';
const nFilms = Number(args.films ?? 130);
const perFilm = Number(args['per-film'] ?? 8);
const batches = Number(args.batches ?? 4);
const out = args.out ?? '/tmp/label';
const skip = Number(args['skip-films'] ?? 0);
const onlySplit = args.split;   // 'train' or 'val': draw from that side of labels/split.mjs only
// scenes drawn by earlier rounds (their manifests), never drawn again
const drawn = new Set((args.exclude ? args.exclude.split(',') : [])
  .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).map((m) => m.id)));   // a later draw: the films after the first `skip` used ones
const MIN_WORDS = 60, MAX_WORDS = 500;

// mulberry32: a small seeded generator, so the draw never depends on Math.random.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const genres = JSON.parse(readFileSync(join(data, 'genres_dev.json'), 'utf8'));
const films = Object.keys(genres).sort();
const rand = rng(20261206);
for (let i = films.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [films[i], films[j]] = [films[j], films[i]];
}

const manifest = [];
const texts = new Map();
let used = 0, passed = 0;
for (const film of films) {
  if (used >= nFilms) break;
  if (onlySplit && filmSplit(film) !== onlySplit) continue;
  let scenes;
  try {
    const jsonl = execFileSync('build/moodspace', ['scenes', join(data, 'screenplays', `${film}.txt`), '--text'],
      { encoding: 'utf8', maxBuffer: 1 << 28 });
    scenes = jsonl.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch { continue; }
  const eligible = scenes.filter((s) => s.words >= MIN_WORDS && s.words <= MAX_WORDS && !drawn.has(`${film}#${s.index}`));
  if (eligible.length < perFilm * 2) continue;          // too few readable scenes: skip the film
  if (passed++ < skip) continue;                        // drawn by an earlier round
  // Evenly spaced over the film's eligible scenes, with a random offset: the whole arc is covered.
  const step = eligible.length / perFilm;
  const offset = rand() * step;
  for (let k = 0; k < perFilm; k++) {
    const s = eligible[Math.floor(offset + k * step)];
    const id = `${film}#${s.index}`;
    manifest.push({ id, film, index: s.index, heading: s.heading, words: s.words, split: filmSplit(film) });
    texts.set(id, s.text);
  }
  used++;
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
const byFilm = [...new Set(manifest.map((m) => m.film))];
for (let b = 0; b < batches; b++) {
  const mine = byFilm.filter((_, i) => i % batches === b);
  const parts = manifest.filter((m) => mine.includes(m.film)).map((m) =>
    `### ${m.id}\nHEADING: ${m.heading}\n\n${texts.get(m.id)}\n`);
  writeFileSync(join(out, `batch_${b + 1}.md`), parts.join('\n'));
}
console.log(`${manifest.length} scenes from ${used} dev films into ${out} (${batches} batches)`);
