// The recap of a year or month (web/recap/recap-core.js) on a listening
// history written here by hand: invented artists, songs and albums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recapIndex, recapFromEntries, recapPeriods, recapOf, moodArc, filmArc, matchFilm, matchWhy, periodLabel } from '../../web/recap/recap-core.js';

const MIN = 60000;
const at = (iso) => Date.parse(iso);
// [end (UTC), minutes played, title, artist, album]
const PLAYS = [
  ['2023-11-20T10:00:00Z', 4, 'Quiet Harbour', 'Alder Quay', 'Low Tide'],
  ['2023-12-31T23:30:00Z', 3, 'Paper Lantern', 'Mira Folds', 'Lanterns'],   // 2024-01-01 00:30 at UTC+1
  ['2024-01-10T08:00:00Z', 5, 'Quiet Harbour', 'Alder Quay', 'Low Tide'],
  ['2024-01-11T08:00:00Z', 5, 'Quiet Harbour', 'Alder Quay', 'Low Tide'],
  ['2024-01-12T08:00:00Z', 2, 'Copper Sky', 'Mira Folds', 'Lanterns'],
  ['2024-03-02T12:00:00Z', 6, 'Copper Sky', 'Mira Folds', 'Lanterns'],
  ['2024-03-09T12:00:00Z', 6, 'Copper Sky', 'Mira Folds', 'Lanterns'],
  ['2024-03-20T12:00:00Z', 1, 'Static Bloom', 'The Velvet Nines', 'Bloom'],
  ['2024-03-28T12:00:00Z', 4, 'Quiet Harbour', 'Alder Quay', 'Low Tide'],
  ['2024-07-04T18:00:00Z', 8, 'Static Bloom', 'The Velvet Nines', 'Bloom'],
  ['2024-07-05T18:00:00Z', 8, 'Static Bloom', 'The Velvet Nines', 'Bloom'],
  ['2024-07-06T18:00:00Z', 3, 'Ember Run', 'The Velvet Nines', 'Bloom'],
  ['2024-12-24T20:00:00Z', 2, 'Paper Lantern', 'Mira Folds', 'Lanterns'],
];
const each = (add) => { for (const [t, m, title, artist, album] of PLAYS) add(at(t), m * MIN, title, artist, album); };
const utc = () => 0;
const index = recapIndex(each, { tzOffset: utc });

test('periods: only the years and months that have plays, newest first', () => {
  assert.deepEqual(recapPeriods(index), { years: ['2024', '2023'], months: ['2024-12', '2024-07', '2024-03', '2024-01', '2023-12', '2023-11'] });
  assert.equal(periodLabel('2024-03'), 'March 2024');
  assert.equal(periodLabel('2024'), '2024');
});

test('a year: minutes, plays, top artists, songs and albums by play time, its months as segments', () => {
  const r = recapOf(index, '2024');
  assert.equal(r.kind, 'year');
  assert.equal(r.minutes, 5 + 5 + 2 + 6 + 6 + 1 + 4 + 8 + 8 + 3 + 2);
  assert.equal(r.plays, 11);
  assert.equal(r.songCount, 5);
  assert.deepEqual(r.topArtists.map((a) => [a.artist, Math.round(a.ms / MIN), a.plays, a.songs]),
    [['The Velvet Nines', 20, 4, 2], ['Mira Folds', 16, 4, 2], ['Alder Quay', 14, 3, 1]]);
  assert.deepEqual(r.topSongs.map((s) => [s.title, Math.round(s.ms / MIN)]),
    [['Static Bloom', 17], ['Copper Sky', 14], ['Quiet Harbour', 14], ['Ember Run', 3], ['Paper Lantern', 2]]);
  // (Copper Sky and Quiet Harbour tie on minutes and plays: the name decides)
  assert.deepEqual(r.topAlbums.map((a) => [a.album, a.artist, Math.round(a.ms / MIN)]),
    [['Bloom', 'The Velvet Nines', 20], ['Lanterns', 'Mira Folds', 16], ['Low Tide', 'Alder Quay', 14]]);
  assert.deepEqual(r.segments.map((s) => [s.key, s.label, Math.round(s.ms / MIN), s.plays]),
    [['2024-01', 'Jan', 12, 3], ['2024-03', 'Mar', 17, 4], ['2024-07', 'Jul', 19, 3], ['2024-12', 'Dec', 2, 1]]);
  assert.deepEqual(r.segments[1].songs.map((s) => s.title), ['Copper Sky', 'Quiet Harbour', 'Static Bloom']);
});

test('a month: its four parts (days 1–7, 8–14, 15–21, 22–end) as segments', () => {
  const r = recapOf(index, '2024-03');
  assert.equal(r.kind, 'month');
  assert.equal(r.label, 'March 2024');
  assert.equal(r.minutes, 17);
  assert.deepEqual(r.segments.map((s) => [s.key, s.label, Math.round(s.ms / MIN)]),
    [['2024-03-w1', '1–7', 6], ['2024-03-w2', '8–14', 6], ['2024-03-w3', '15–21', 1], ['2024-03-w4', '22–end', 4]]);
  assert.equal(r.topArtists[0].artist, 'Mira Folds');
});

test('plays fall in the local month of their end (time zone)', () => {
  const east = recapIndex(each, { tzOffset: () => 60 });
  assert.equal(recapOf(east, '2024-01').plays, 4);
  assert.equal(recapOf(index, '2024-01').plays, 3);
  assert.equal(recapOf(index, '2023').plays, 2);
});

test('a period without plays is null; a malformed one says what is expected', () => {
  assert.equal(recapOf(index, '2022'), null);
  assert.equal(recapOf(index, '2024-05'), null);
  assert.throws(() => recapOf(index, '24'), /is not a year \(2024\) or a month \(2024-03\)/);
  assert.deepEqual(recapPeriods(recapIndex(() => {})), { years: [], months: [] });
});

test('sources holding the same plays count them once', () => {
  const songs = [{ title: 'Quiet Harbour', artist: 'Alder Quay', album: 'Low Tide', uri: '' }, { title: 'Copper Sky', artist: 'Mira Folds', album: '', uri: '' }];
  const file = (name, format) => ({ name, format, song: Uint32Array.from([0, 1, 0]), end: Float64Array.from([at('2024-02-01T10:00:00Z'), at('2024-02-02T10:00:00Z'), at('2024-05-01T10:00:00Z')]),
    ms: Float64Array.from([180000, 200000, 120000]), skip: Int8Array.from([0, 0, 1]), listed: new Uint32Array(0) });
  const entries = [{ meta: { id: 'a', kind: 'extended' }, data: { songs, files: [file('x.json', 'extended')] } },
    { meta: { id: 'b', kind: 'extended' }, data: { songs, files: [file('y.json', 'extended')] } }];
  const idx = recapFromEntries(entries, { tzOffset: utc });
  const r = recapOf(idx, '2024');
  assert.equal(r.plays, 3);
  assert.equal(r.minutes, 8);
  assert.deepEqual(r.topSongs.map((s) => s.title), ['Quiet Harbour', 'Copper Sky']);
});

test('the mood of each segment: play-time-weighted, songs without a mood left out', () => {
  const moods = new Map([['Static Bloom', { valence: 0.9, energy: 0.8 }], ['Ember Run', { valence: 0.6, energy: 0.5 }],
    ['Quiet Harbour', { valence: 0.2, energy: 0.3 }], ['Copper Sky', { valence: 0.4, energy: 0.4 }]]);
  const arc = moodArc(recapOf(index, '2024'), (title) => moods.get(title) || null);
  assert.deepEqual(arc.map((p) => p.key), ['2024-01', '2024-03', '2024-07', '2024-12']);
  // January: Quiet Harbour 10 min (0.2), Copper Sky 2 min (0.4)
  assert.ok(Math.abs(arc[0].valence - (10 * 0.2 + 2 * 0.4) / 12) < 1e-9);
  // July: Static Bloom 16 min (0.9), Ember Run 3 min (0.6)
  assert.ok(Math.abs(arc[2].energy - (16 * 0.8 + 3 * 0.5) / 19) < 1e-9);
  // December: Paper Lantern has no mood
  assert.equal(arc[3].valence, null);
  assert.equal(arc[3].moodShare, 0);
  assert.equal(arc[1].songs, 3);
});

const film = (id, title, vals, weights = null) => ({ id, title, year: null, weights,
  scenes: vals.map(([valence, energy], index) => ({ index, heading: `S${index}`, metrics: { valence, energy } })) });

test('a film cut into n parts of equal length, scenes weighted by their words', () => {
  const f = film('f', 'F', [[0, 0], [1, 1]], [1, 3]);
  const a = filmArc(f, 2);
  // part 1 = scene 1 (weight 1) + half of scene 2's first... : words 0–2 of 4: scene 1 (1 word) and 1 word of scene 2
  assert.deepEqual(a.map((p) => p.valence), [0.5, 1]);
  assert.deepEqual(filmArc(film('g', 'G', [[0.2, 0.4]]), 3).map((p) => p.energy), [0.4, 0.4, 0.4]);
  assert.equal(filmArc({ scenes: [] }, 4), null);
});

test('the film whose arc has the shape of the year is found, with why in plain words', () => {
  // a year that starts dark and calm, peaks bright and energetic in month 3 of 5, and falls back
  const year = [[0.30, 0.40], [0.45, 0.50], [0.70, 0.75], [0.50, 0.55], [0.35, 0.40]].map(([valence, energy]) => ({ valence, energy }));
  const films = [
    film('fall', 'A Slow Fall', [[0.8, 0.8], [0.7, 0.7], [0.6, 0.6], [0.5, 0.5], [0.4, 0.4]]),
    film('peak', 'The Middle Summit', [[0.15, 0.2], [0.3, 0.3], [0.6, 0.7], [0.35, 0.4], [0.1, 0.2]]),
    film('vee', 'Down and Up', [[0.7, 0.7], [0.4, 0.5], [0.1, 0.2], [0.4, 0.5], [0.7, 0.7]]),
  ];
  const m = matchFilm(year, films);
  assert.deepEqual(m.ranking.map((x) => x.film.id), ['peak', 'fall', 'vee']);
  assert.ok(m.ranking[0].r.valence > 0.95 && m.ranking[0].r.energy > 0.95);
  assert.ok(m.ranking[2].r.valence < -0.5);
  const recap = { kind: 'year', segments: ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'].map((key) => ({ key, label: periodLabel(key, { short: true }) })) };
  const why = matchWhy(recap, year, m.ranking[0], m.compared);
  assert.equal(why[0], 'Your brightest month was March 2024; The Middle Summit is brightest at the same point (part 3 of 5).');
  assert.equal(why[1], 'Your darkest month was January 2024; The Middle Summit is darkest in part 5 of 5 (your May 2024).');
  assert.match(why[3], /follows your months closely \(correlation 0\.9\d/);
  assert.match(why[3], /of the 3 films compared/);
  for (const line of why) assert.doesNotMatch(line, /distance|%ile|NaN|undefined/);
});

test('a match needs three parts with a mood; parts without one are left out', () => {
  assert.match(matchFilm([{ valence: 0.2, energy: 0.3 }, { valence: null, energy: null }, { valence: 0.5, energy: 0.5 }], [film('x', 'X', [[0, 0]])]).error,
    /at least 3 parts with a mood; this period has 2/);
  const arc = [{ valence: 0.2, energy: 0.2 }, null, { valence: 0.5, energy: 0.5 }, { valence: 0.8, energy: 0.8 }];
  const m = matchFilm(arc, [film('up', 'Up', [[0.1, 0.1], [0.9, 0.1], [0.5, 0.5], [0.9, 0.9]]), film('down', 'Down', [[0.9, 0.9], [0.1, 0.1], [0.5, 0.5], [0.1, 0.1]])]);
  assert.deepEqual(m.parts, [0, 2, 3]);
  assert.equal(m.ranking[0].film.id, 'up');
});

// --- the share card's layout: card-layout.js's blocks, both sizes ----------------
import { recapCardBlocks } from '../../web/recap/recap-card.js';
import { layoutCard, SIZES } from '../../web/keep/card-layout.js';
import { cardSpec } from '../../web/keep/card-content.js';
import { measure, checkLayout } from './fixtures/cards.mjs';

test('the recap card: hostile names are cut or shortened, nothing overlaps, nothing but the footer enters its band', () => {
  const long = (s) => s.repeat(40);
  const d = { label: '2024', kind: 'year', minutes: 123456789, plays: 98765432, songCount: 123456, artistCount: 65432,
    arc: Array.from({ length: 12 }, (_, i) => ({ label: periodLabel(`2024-${String(i + 1).padStart(2, '0')}`, { short: true }), valence: i % 3 ? 0.2 + i / 20 : null, energy: 0.4 })),
    film: long('The Extraordinarily Long Title of a Film 🎬 '),
    artists: [long('שיר ארוך '), long('🎸🔥'), 'A', long('Zed Ω '), 'Fifth Artist'],
    songs: [long('Title without spaces'.replace(/ /g, '')), long('שלום עולם '), '🎵', 'B', long('x')] };
  const blocks = recapCardBlocks(d);
  assert.deepEqual(blocks.blocks.find((b) => b.type === 'chart').series.valence.length, 8, 'the chart plots the 8 months with a mood');
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'blocks', size, data: blocks, address: 'moodspace.example' }), measure);
    assert.deepEqual([l.width, l.height], [SIZES[size].width, SIZES[size].height]);
    const texts = l.ops.filter((o) => o.type === 'text');
    assert.ok(texts.some((o) => /nothing uploaded/.test(o.text) && o.box.y >= l.band.top), `${size}: the footer note`);
    assert.match(texts.map((o) => o.text).join(' '), /123,456,789 minutes/, `${size}: the minutes`);
    assert.ok(texts.filter((o) => /^\d+\.$/.test(o.text)).length >= 2, `${size}: top lists drawn`);
    checkLayout(l, size);
  }
});

test('a segment\'s mood in words: a side only when clearly away from the middle', async () => {
  const { moodWords } = await import('../../web/recap/recap-core.js');
  const mid = { valence: 0.55, energy: 0.625 };
  // the two weeks of the e2e fixture's June: nearly the same mood, never opposite words
  assert.equal(moodWords(0.54, 0.63, mid), 'near the middle');
  assert.equal(moodWords(0.55, 0.62, mid), 'near the middle');
  assert.equal(moodWords(0.70, 0.40, mid), 'bright and calm');
  assert.equal(moodWords(0.30, 0.63, mid), 'sombre');
  assert.equal(moodWords(0.56, 0.80, mid), 'energetic');
  assert.equal(moodWords(null, 0.5, mid), 'no mood yet');
});

test('why: months that tie for brightest are named together, never one of them as the brightest', () => {
  const year = [[0.38, 0.46], [0.38, 0.46], [0.55, 0.63], [0.551, 0.63], [0.553, 0.51], [0.552, 0.51]].map(([valence, energy]) => ({ valence, energy }));
  const films = [film('steps', 'Steps', [[0.2, 0.4], [0.2, 0.4], [0.6, 0.8], [0.62, 0.8], [0.61, 0.5], [0.6, 0.5]])];
  const m = matchFilm(year, films);
  const recap = { kind: 'year', segments: ['2024-01', '2024-02', '2024-05', '2024-06', '2024-07', '2024-08'].map((key) => ({ key, label: periodLabel(key, { short: true }) })) };
  const why = matchWhy(recap, year, m.ranking[0], m.compared);
  assert.equal(why[0], 'Your brightest months were May to August 2024 (within 0.01 of each other); Steps is brightest at the same point (part 4 of 6).');
  assert.equal(why[1], 'Your darkest months were January and February 2024 (within 0.01 of each other); Steps is darkest at the same point (part 1 of 6).');
});
