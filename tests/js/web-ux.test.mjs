// Pure helpers of the page as a user meets it: film search ranking, release
// years, kept soundtrack records, taste percentiles and verdicts (their words
// from the metrics table), the clamp of predicted values, stop words in
// distinctive words.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rankFilms, titleWords, placeholderFor } from '../../web/film/film-search.js';
import { withReleaseYears, repairC1 } from '../../web/film/film-catalog.js';
import { toRecord, fromRecord } from '../../web/keep/keep.js';
import { percentile, median, quantilesFromDemo, quantilesFromInfo } from '../../web/taste/taste-reference.js';
import { tasteVerdict, thanWords } from '../../web/taste/taste-verdict.js';
import { metricsFrom, clampMetric, orderMetrics } from '../../web/ui.js';
import { distinctiveWords, moodQuadrant } from '../../web/taste/dashboard-stats.js';
import { METRICS, metric, metricTitle, quadrantName, MIDDLE } from '../../web/metrics.js';
import { arcSummary } from '../../web/soundtrack/arc-summary.js';

const films = ['Alien', 'Aliens', 'Alien 3', 'Godfather', 'Godfather Part II', 'The Godfather Part III', 'Wall E', 'Spider Man',
  'The Big Lebowski', "Schindler's List", 'Star Wars The Empire Strikes Back'].map((title, i) => ({ id: `f${i}`, title }));
const titles = (q) => rankFilms(films, q).films.map((f) => f.title);

test('titles fold case, accents, punctuation and number spellings', () => {
  assert.deepEqual(titleWords('The Godfather: Part II'), ['the', 'godfather', 'part', '2']);
  assert.deepEqual(titleWords('WALL·E'), ['wall', 'e']);
  assert.deepEqual(titleWords('Schindler’s List'), ['schindlers', 'list']);
  assert.deepEqual(titleWords('I, Robot'), ['i', 'robot'], 'a leading I stays a word');
  assert.deepEqual(titleWords('Part Two'), ['part', '2']);
});

test('search ranks exact, prefix, in-order, any-order, partial words; counts every match', () => {
  assert.deepEqual(titles('alien'), ['Alien', 'Aliens', 'Alien 3']);
  assert.deepEqual(titles('godfather 2'), ['Godfather Part II']);
  assert.deepEqual(titles('godfather part three'), ['The Godfather Part III']);
  assert.equal(titles('godfather')[0], 'Godfather');
  assert.deepEqual(titles('wall-e'), ['Wall E']);
  assert.deepEqual(titles('spiderman'), ['Spider Man']);
  assert.deepEqual(titles('lebowski big'), ['The Big Lebowski']);
  assert.deepEqual(titles('empire strikes'), ['Star Wars The Empire Strikes Back']);
  assert.deepEqual(titles('schindlers'), ["Schindler's List"]);
  assert.deepEqual(titles('casablanca'), []);
  const r = rankFilms(films, 'godfather', 2);
  assert.equal(r.films.length, 2); assert.equal(r.total, 3);
  assert.equal(placeholderFor(films), 'e.g. Alien', 'the first example the catalog holds');
});

test('a search of one or two letters matches whole words, not letters inside words', () => {
  const list = ['Up', 'Knocked Up', 'Up in the Air', 'Superbad', 'Cupid', 'Upside Down', 'The Back-up Plan', 'Go',
    'Gone Girl', 'Ego', 'Nine', '9', 'Se7en', 'Amadeus', 'A Walk to Remember'].map((title, i) => ({ id: `u${i}`, title }));
  const find = (q) => rankFilms(list, q).films.map((f) => f.title);
  assert.deepEqual(find('up'), ['Up', 'Up in the Air', 'Knocked Up', 'The Back-up Plan']);
  assert.deepEqual(find('UP'), find('up'), 'case does not matter');
  assert.deepEqual(find('go'), ['Go']);
  assert.deepEqual(find('9').sort(), ['9', 'Nine']);
  assert.deepEqual(find('a'), ['A Walk to Remember'], 'a lone article is a word too');
  const xs = ['X-Men', 'Malcolm X', 'American History X', 'Xanadu', 'Rex'].map((title, i) => ({ id: `x${i}`, title }));
  assert.deepEqual(rankFilms(xs, 'x').films.map((f) => f.title), ['X-Men', 'Malcolm X', 'American History X'], 'an x after the first word is still the word x');
  // three letters and more still find word beginnings
  assert.deepEqual(find('ups'), ['Upside Down']);
  assert.deepEqual(find('gon'), ['Gone Girl']);
});

test('a year in a catalog title is the film\'s year, shown once', () => {
  const list = withReleaseYears([{ title: 'Frozen (2010)' }, { title: 'Frozen' }, { title: 'Fright Night (1985)' }, { title: '(500) Days of Summer' }],
    { Frozen: 2013, 'Frozen (2010)': 2010, '(500) Days of Summer': 2009 });
  assert.deepEqual(list.map((f) => [f.title, f.year]), [['Frozen', 2010], ['Frozen', 2013], ['Fright Night', 1985], ['(500) Days of Summer', 2009]]);
  const clash = withReleaseYears([{ title: 'Odd (1990)' }], { 'Odd (1990)': 1991 });
  assert.deepEqual([clash[0].title, clash[0].year], ['Odd (1990)', 1991], 'a table year that disagrees wins, the title stays whole');
});

test('release years come from the table only; C1 leftovers of cp1252 are repaired', () => {
  const list = withReleaseYears([{ title: 'Forrest Gump', year: 1981 }, { title: 'Unlisted', year: 1946 }], { 'Forrest Gump': 1994 });
  assert.deepEqual(list.map((f) => f.year), [1994, null]);
  assert.equal(repairC1('COFFEE SHOP \u0096 DAY\u0081'), 'COFFEE SHOP – DAY');
});

test('a kept soundtrack round-trips: catalog films by id, scripts by their scenes, songs from the library first', () => {
  const song = { id: 'a'.repeat(22), uri: '', title: 'T', artist: 'A', album: '', durationMs: 0, lyricsStatus: 'none', metrics: { energy: 0.5 } };
  const film = { id: 'f1', title: 'Heat', source: 'catalog', scenes: [{ metrics: { energy: 0.5 } }], overall: { energy: 0.5 } };
  const detail = { film, kind: 'full', total: 0.5, picks: [{ song, segment: { segment: 0, first: 0, last: 0, heading: 'BANK', metrics: { energy: 0.4 } }, distance: 0.1, diff: { energy: 0.2 } }] };
  const rec = JSON.parse(JSON.stringify(toRecord(detail, 1000)));
  assert.equal(rec.film.scenes, undefined, 'a catalog film is kept by id only');
  assert.equal(toRecord({ ...detail, kind: 'quick' }), null);
  const live = { ...song, title: 'T (now)' };
  const back = fromRecord(rec, { films: [film], songs: new Map([[song.id, live]]) });
  assert.equal(back.film, film);
  assert.equal(back.picks[0].song, live);
  assert.deepEqual(back.picks[0].segment, detail.picks[0].segment);
  assert.equal(fromRecord(rec, { films: [] }), null, 'a film gone from the catalog');
  const script = { ...detail, film: { id: 'script:X', title: 'X', source: 'script', scenes: [{ heading: 'INT. A', metrics: { energy: 0.3 }, text: 'secret words', words: 9 }], overall: { energy: 0.3 } } };
  const srec = JSON.parse(JSON.stringify(toRecord(script)));
  assert.ok(!JSON.stringify(srec).includes('secret words'), 'no script text is kept');
  assert.equal(fromRecord(srec).film.scenes[0].heading, 'INT. A');
});

test('percentiles against a reference; verdicts differ between libraries', () => {
  const demo = { songs: Array.from({ length: 100 }, (_, i) => ({ metrics: { valence: i / 100, energy: i / 100 } })) };
  const ref = { source: 'demo', label: 'test', quantiles: quantilesFromDemo(demo) };
  assert.equal(percentile(ref, 'valence', 0.495), 50);
  assert.equal(percentile(ref, 'valence', -1), 0);
  assert.equal(median(ref, 'energy'), 0.495);
  assert.equal(quantilesFromInfo({ song_quantiles: { energy: [0.1, 0.2, 0.3, 0.4, 0.5] } }).energy.length, 5);
  assert.equal(quantilesFromInfo({ metrics: ['energy'] }), null);
  const lib = (x) => Array.from({ length: 5 }, () => ({ metrics: { valence: x, energy: x } }));
  assert.equal(tasteVerdict(lib(0.9), ref).quadrant, 'bright and energetic');
  assert.equal(tasteVerdict(lib(0.1), ref).quadrant, 'sombre and calm');
  assert.equal(tasteVerdict(lib(0.5), ref).quadrant, 'balanced, right in the middle');
  assert.match(tasteVerdict(lib(0.9), ref).sentence, /brighter than 91% and more energetic than 91%/);
  // one side only when the other is within the 40th–60th percentile; the other ends' comparatives
  const mixed = Array.from({ length: 5 }, () => ({ metrics: { valence: 0.2, energy: 0.5 } }));
  assert.equal(tasteVerdict(mixed, ref).quadrant, 'sombre');
  assert.match(tasteVerdict(lib(0.1), ref).sentence, /^Your average song is sombre and calm: darker than 89% and calmer than 89% of the reference songs \(over 5 songs with a predicted mood\)\.$/);
});

test('the quadrant words and the library views\' metric words come from the metrics table (web/metrics.js) alone', () => {
  // the mood map's four quadrants, as on screen
  assert.deepEqual([[0.9, 0.9], [0.1, 0.9], [0.9, 0.1], [0.1, 0.1]].map(([v, e]) => moodQuadrant(v, e)),
    ['bright and energetic', 'tense and energetic', 'calm and warm', 'quiet and sombre']);
  assert.equal(moodQuadrant(0.4, 0.4, { valence: 0.3, energy: 0.5 }), 'calm and warm', 'around the given middle');
  assert.equal(thanWords('valence', 12.4), 'darker than 88%');
  assert.equal(thanWords('energy', 99.7), 'more energetic than 99%');
  assert.equal(metric('valence').plain.higher, 'brighter');
  // the friend view's bar titles, as before: "Brightness (valence)", "Energy", …
  assert.deepEqual(['valence', 'energy', 'danceability', 'acousticness'].map(metricTitle), [['Brightness', ' (valence)'], ['Energy', ''], ['Danceability', ''], ['Acousticness', '']]);
  // no web file but the table types these words as strings of code (comments aside)
  const words = new Set([MIDDLE]);
  for (const m of METRICS) { for (const k of ['low', 'high', 'less', 'more']) words.add(m[k]); for (const w of Object.values(m.plain)) words.add(w); }
  for (const v of [true, false]) for (const e of [true, false]) words.add(quadrantName(v, e));
  const esc = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const typed = new RegExp(`(['"\`])(${[...words].map(esc).join('|')})\\1`, 'g');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((x) => (x.isDirectory() ? walk(path.join(d, x.name)) : x.name.endsWith('.js') ? [path.join(d, x.name)] : []));
  // recap-core.js's moodWords and its "brightest month" lines still type them (not yet moved to the table)
  const LEFT = new Set(['web/metrics.js', 'web/recap/recap-core.js']);
  const found = [];
  for (const f of walk(path.join(root, 'web'))) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    if (LEFT.has(rel) || rel.startsWith('web/vendor/')) continue;
    const code = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
    for (const m of code.matchAll(typed)) found.push(`${rel}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
});

test('predicted values are clamped to their ranges; metrics follow the model order', () => {
  assert.deepEqual(metricsFrom({ id: 'x', acousticness: -0.011, energy: 1.2, tempo: 300, valence: NaN }), { acousticness: 0, energy: 1, tempo: 250 });
  assert.equal(clampMetric('tempo', 118), 118);
  assert.deepEqual(orderMetrics(['liveness', 'zzz', 'energy', 'tempo']), ['energy', 'tempo', 'liveness', 'zzz']);
  assert.match(arcSummary('Heat', [{ metrics: { energy: 0.2 } }, { metrics: { energy: 0.6 } }], ['energy']),
    /^Mood arc of Heat in 2 segments\. energy starts at 0\.20, is highest \(0\.60\) in segment 2, lowest \(0\.20\) in segment 1, and ends at 0\.60\.$/);
});

test('distinctive words leave out function words and song metadata', () => {
  const counts = new Map([['the', 500], ['which', 40], ['feat', 30], ['himself', 20], ['lighthouse', 25]]);
  const corpus = { freq: new Map([['the', 300], ['which', 5], ['feat', 0.1], ['himself', 2], ['lighthouse', 0.05]]), tokens: 1e6 };
  assert.deepEqual(distinctiveWords(counts, corpus).map((w) => w.word), ['lighthouse']);
});
