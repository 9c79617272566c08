// The friend match (web/friend/): the taste file and its link (versioned,
// compact, validated on open: damaged, hostile, huge and foreign input give
// a TasteFileError with a message, never a crash), the score (symmetric,
// its parts, its reasons in words from either side) and the joint
// soundtrack's pool and engine requests (the same whoever opens whose file).
import test from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, strToU8 } from 'fflate';
import { buildTasteFile, moodSummary, tasteFileText, tasteLink, fitForLink, readTasteFile, asRead, TasteFileError, LINK_MAX, VERSION, cleanText } from '../../web/friend/taste-file.js';
import { tasteSource } from '../../web/friend/share-panel.js';
import { compareTastes, jointPool, orderPair, scoreParts, songKey } from '../../web/friend/match.js';
import { matchReasons, verdictOf } from '../../web/friend/reasons.js';
import { bestFilm, jointSoundtrack, jointCsv } from '../../web/friend/joint.js';

const METRICS = ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'];
const mood = (e, v, d = 0.5, a = 0.3) => ({ energy: e, valence: v, danceability: d, acousticness: a, tempo: 100 + e * 60, liveness: 0.12 });
/** An invented library: { name, artists, songs, mood }. */
function library(name, songs, artists = [...new Set(songs.map((s) => s.artist))]) {
  return { name, artists, songs, mood: moodSummary(songs) };
}
const song = (title, artist, m) => ({ title, artist, metrics: m });
const ANA = library('Ana', [
  song('Lantern Weather', 'Paper Comets', mood(0.61, 0.72)), song('Copper Rain', 'Velvet Harbor', mood(0.3, 0.2, 0.4, 0.7)),
  song('Static Bloom', 'Paper Comets', mood(0.8, 0.66, 0.7)), song('Hollow Tide', 'Velvet Harbor', mood(0.22, 0.18, 0.3, 0.8)),
  song('Saffron Hours', 'Marble Orbit', mood(0.5, 0.5)), song('Winter Signal', 'Glass Meadow', mood(0.4, 0.3)),
]);
const BEN = library('Ben', [
  song('Brass Lanterns', 'Sunday Static', mood(0.9, 0.85, 0.8, 0.1)), song('Saffron Hours', 'Marble Orbit', mood(0.5, 0.5)),
  song('Golden Stairs', 'Orchard Fire', mood(0.85, 0.8, 0.75, 0.1)), song('static bloom', 'PAPER COMETS', mood(0.8, 0.66, 0.7)),
  song('Run Alive', 'Orchard Fire', mood(0.95, 0.7, 0.8, 0.05)), song('Grave Window', 'Cold Letters', mood(0.2, 0.1, 0.2, 0.6)),
]);
const fileOf = (lib, opts = {}) => asRead(buildTasteFile(lib, { metrics: METRICS, ...opts }));

// --- the file ----------------------------------------------------------------------------------

test('a taste file holds only what is ticked, versioned, moods rounded, and reads back the same', () => {
  const all = buildTasteFile(ANA, { metrics: METRICS });
  assert.equal(all.app, 'moodspace-taste'); assert.equal(all.v, VERSION);
  assert.deepEqual(all.metrics, METRICS);
  assert.deepEqual(all.artists, ['Paper Comets', 'Velvet Harbor', 'Marble Orbit', 'Glass Meadow']);
  assert.deepEqual(all.songs[0], ['Lantern Weather', 'Paper Comets', 0.61, 0.72, 0.5, 0.3, 136.6, 0.12]);
  assert.equal(all.mood.n, 6);
  const back = readTasteFile(tasteFileText(all));
  assert.equal(back.songs.length, 6); assert.equal(back.songs[2].metrics.energy, 0.8); assert.equal(back.name, 'Ana');
  // unticked parts are not in the file at all
  const onlyArtists = buildTasteFile(ANA, { metrics: METRICS, songs: false, mood: false });
  assert.ok(!('songs' in onlyArtists) && !('mood' in onlyArtists) && onlyArtists.artists.length === 4);
  assert.doesNotMatch(JSON.stringify(onlyArtists), /Lantern Weather|0\.61/);
  const onlyMood = buildTasteFile(ANA, { metrics: METRICS, songs: false, artists: false });
  assert.deepEqual(Object.keys(onlyMood).sort(), ['app', 'metrics', 'mood', 'name', 'v']);
  assert.throws(() => asRead(buildTasteFile(ANA, { metrics: METRICS, songs: false, artists: false, mood: false })), /holds nothing to compare/);
  // caps: at most 50 songs and 20 artists by default
  const many = library('M', Array.from({ length: 80 }, (_, i) => song(`Song ${i}`, `Artist ${i}`, mood(0.5, 0.5))));
  const f = buildTasteFile(many, { metrics: METRICS });
  assert.equal(f.songs.length, 50); assert.equal(f.artists.length, 20);
});

test('a link: compressed after #friend=, under 8 KB even for a full file, and reads back as the file', () => {
  // titles that compress badly (made-up letters), so 100 songs do not fit
  let seed = 7;
  const word = () => Array.from({ length: 16 }, () => { seed = (seed * 1103515245 + 12345) % 2147483648; return 'abcdefghijklmnopqrstuvwxyz'[seed % 26]; }).join('');
  const long = library('Long', Array.from({ length: 100 }, (_, i) => song(`${word()} ${word()} ${word()} ${i}`, `${word()} ${word()}`, mood((i % 10) / 10, (i % 7) / 7))));
  const file = buildTasteFile(long, { metrics: METRICS, maxSongs: 100, maxArtists: 50 });
  const { url, songsDropped } = tasteLink(file, 'https://example.org/moodspace/#taste');
  assert.ok(url.startsWith('https://example.org/moodspace/#friend='), url.slice(0, 60));
  assert.ok(url.length <= LINK_MAX, `${url.length}`);
  assert.match(url.split('#friend=')[1], /^[A-Za-z0-9_-]+$/);
  const back = readTasteFile(url);
  assert.equal(back.songs.length, 100 - songsDropped);
  assert.deepEqual(back.songs[0], asRead(file).songs[0]);
  // the file shared (downloaded or linked) is the one that fits the link: both hold the same songs
  const fitted = fitForLink(file, 'https://example.org/moodspace/');
  assert.ok(songsDropped > 0 && fitted.songs.length === 100 - songsDropped, `${songsDropped}`);
  assert.deepEqual(readTasteFile(tasteLink(fitted, 'https://example.org/moodspace/').url), asRead(fitted));
  assert.equal(fitForLink(buildTasteFile(ANA, { metrics: METRICS }), 'http://x/').songs.length, 6);
  // the small one fits whole, and the fragment alone opens too
  const small = tasteLink(buildTasteFile(ANA, { metrics: METRICS }), 'http://127.0.0.1:8000/');
  assert.equal(small.songsDropped, 0);
  assert.ok(small.url.length < 1500, `${small.url.length}`);
  assert.deepEqual(readTasteFile(`#friend=${small.url.split('#friend=')[1]}`), fileOf(ANA));
});

test('damaged, hostile, huge and foreign input: a clear TasteFileError each, never another error', () => {
  const good = tasteLink(buildTasteFile(ANA, { metrics: METRICS }), 'http://x/').url;
  const data = good.split('#friend=')[1];
  const cases = [
    ['', /empty/],
    ['{"app":"moodspace-taste","v":1,', /not valid JSON/],
    ['[1,2,3]', /not a MoodSpace taste file/],
    ['{"app":"something-else","v":1}', /not a MoodSpace taste file/],
    ['{"app":"moodspace-taste","v":"1","metrics":[]}', /no version/],
    ['{"app":"moodspace-taste","v":2,"metrics":[]}', /newer MoodSpace/],
    ['{"app":"moodspace-taste","v":1,"metrics":["energy","energy"],"mood":{"n":1,"mean":[0.5,0.5]}}', /list of moods/],
    ['{"app":"moodspace-taste","v":1,"metrics":["<b>"]}', /list of moods/],
    ['{"app":"moodspace-taste","v":1,"metrics":["energy"],"songs":{"a":1}}', /songs are not a list/],
    [JSON.stringify({ app: 'moodspace-taste', v: 1, metrics: ['energy'], songs: Array(1000).fill(['a', 'b', 0.5]) }), /at most 100/],
    ['{"app":"moodspace-taste","v":1,"metrics":["energy"],"songs":[["t","a","x"]]}', /holds nothing/],
    [`{"x":"${'a'.repeat(300000)}"}`, /far longer/],
    [`#friend=${data.slice(0, 40)}`, /damaged: its data cannot be unpacked/],
    [`#friend=${data.slice(0, 30)}!!`, /characters a MoodSpace link never has/],
    ['#friend=', /no data/],
    ['#friend=AAAAAAAA', /damaged/],
    ['hello there', /not a MoodSpace taste file or friend link/],
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0xfd]), /not text/],
    [new Uint8Array(300 * 1024), /KB; a taste file is a few KB/],
    [42, /Nothing to open/],
  ];
  for (const [input, want] of cases) {
    assert.throws(() => readTasteFile(input), (e) => e instanceof TasteFileError && want.test(e.message), `${String(input).slice(0, 60)} → ${want}`);
  }
  // a deflate bomb: 5 MB of spaces in a 6 KB link stops at the cap
  const bomb = Buffer.from(deflateSync(new Uint8Array(5_000_000).fill(32))).toString('base64url');
  assert.ok(bomb.length < 8000);
  assert.throws(() => readTasteFile(`#friend=${bomb}`), (e) => e instanceof TasteFileError && /far more than a taste file holds/.test(e.message));
  // JSON that is valid but wrong in places: the bad entries are left out and counted
  const mixed = { app: 'moodspace-taste', v: 1, name: 'X\u202e\u0000<script>', metrics: ['energy', 'valence'],
    artists: ['A', 7, '', 'a', 'B'], songs: [['T', 'A', 0.5, 2], ['U', 'B', 'high', 0.1], ['V'], ['W', 'C', 0.2, -3]],
    mood: { n: 3, mean: [0.5] } };
  const m = readTasteFile(JSON.stringify(mixed));
  assert.equal(m.name, 'X <script>');
  assert.deepEqual(m.artists, ['A', 'B']);
  assert.deepEqual(m.songs.map((s) => [s.title, s.metrics.energy, s.metrics.valence]), [['T', 0.5, 1], ['W', 0.2, 0]], 'values clamped to 0..1');
  assert.equal(m.mood, undefined);
  assert.equal(m.skipped, 5);
  // a tempo out of range is clamped, a title cut at 200 code points without splitting an emoji
  const odd = readTasteFile(JSON.stringify({ app: 'moodspace-taste', v: 1, metrics: ['tempo'], songs: [[`${'🎵'.repeat(300)}`, 'x', 1e9]] }));
  assert.equal(odd.songs[0].metrics.tempo, 250);
  assert.equal([...odd.songs[0].title].length, 200); assert.ok(odd.songs[0].title.endsWith('🎵'));
  assert.equal(cleanText('a\n\tb\u2066c'), 'a b c');
  // unknown extra fields are ignored (a later minor addition still opens)
  assert.equal(readTasteFile(JSON.stringify({ ...buildTasteFile(ANA, { metrics: METRICS }), extra: { x: 1 } })).songs.length, 6);
  // the file may come as bytes with a BOM
  assert.equal(readTasteFile(strToU8(`\ufeff${tasteFileText(buildTasteFile(BEN, { metrics: METRICS }))}`)).name, 'Ben');
});

// --- the score -------------------------------------------------------------------------------------

test('the score is symmetric, in 0..100, and its parts add up to it', () => {
  const a = fileOf(ANA); const b = fileOf(BEN);
  const ab = compareTastes(a, b); const ba = compareTastes(b, a);
  assert.equal(ab.score, ba.score);
  assert.deepEqual(ab.parts, ba.parts);
  assert.deepEqual(ab.sharedArtists, ba.sharedArtists);
  assert.deepEqual(ab.sharedSongs, ba.sharedSongs);
  assert.deepEqual(ab.sharedArtists.map((x) => x.name), ['Paper Comets', 'Marble Orbit']);
  assert.deepEqual(ab.sharedSongs.map((x) => x.title).sort(), ['Saffron Hours', 'Static Bloom'], 'case and spelling folded');
  assert.ok(ab.score >= 0 && ab.score <= 100);
  const parts = scoreParts(ab);
  assert.deepEqual(parts.map((p) => p.key), ['mood', 'artists', 'songs']);
  assert.equal(Math.round(parts.reduce((t, p) => t + (p.value * p.weight) / 100, 0)), ab.score);
  // oneself: 100; a stranger with other artists, songs and moods: low
  assert.equal(compareTastes(a, fileOf({ ...ANA, name: 'Ana again' })).score, 100);
  const stranger = fileOf(library('Zed', [song('Loud', 'Nobody', mood(0.98, 0.95, 0.95, 0.02)), song('Louder', 'Nobody', mood(0.97, 0.9, 0.9, 0.03))]));
  const far = compareTastes(a, stranger);
  assert.ok(far.score < 20, `${far.score}`);
  assert.equal(far.score, compareTastes(stranger, a).score);
  // fewer parts ticked: the score uses what both have (here: mood only)
  const moodOnly = compareTastes(fileOf(ANA, { songs: false, artists: false }), b);
  assert.deepEqual(Object.keys(moodOnly.parts), ['mood']);
  assert.equal(moodOnly.score, scoreParts(moodOnly)[0].value);
  // the canonical order depends on content only
  assert.deepEqual(orderPair(a, b), orderPair(b, a));
});

test('the reasons: shared artists and songs, "you both love", the mood distance and who is brighter, from either side', () => {
  const a = fileOf(ANA); const b = fileOf(BEN);
  const ra = matchReasons(compareTastes(a, b), a).map((r) => r.text);
  const rb = matchReasons(compareTastes(b, a), b).map((r) => r.text);
  assert.match(ra[0], /^You share 2 artists of your top lists: Paper Comets and Marble Orbit\.$/);
  assert.match(ra.join('\n'), /You share 2 songs: /);
  assert.match(ra.join('\n'), /You both love Paper Comets and Marble Orbit\./);
  assert.match(ra.join('\n'), /on average 0\.\d\d apart on the 0–1 scales of energy, valence, danceability and acousticness\./);
  // Ben's library is brighter and more energetic: each side says it from its own point of view
  assert.ok(ra.some((t) => /^Ben’s music is brighter than yours \(valence 0\.\d\d for you, 0\.\d\d for Ben\)\.$/.test(t)), ra.join('\n'));
  assert.ok(rb.some((t) => /^Your music is brighter than Ana’s \(valence 0\.\d\d for you, 0\.\d\d for Ana\)\.$/.test(t)), rb.join('\n'));
  assert.ok(ra.some((t) => /^Ben’s music is more energetic than yours/.test(t)));
  assert.ok(rb.some((t) => /^Your music is more energetic than Ana’s/.test(t)));
  // nothing shared: said so, no "you both love"
  const stranger = fileOf(library('', [song('Loud', 'Nobody', mood(0.5, 0.5))]));
  const rs = matchReasons(compareTastes(a, stranger), a).map((r) => r.text);
  assert.ok(rs.includes('No artist in common in your top lists.'));
  assert.ok(!rs.some((t) => /both love/.test(t)));
  assert.ok(rs.some((t) => /your friend/.test(t)), 'a file without a name is "your friend"');
  assert.equal(verdictOf(85), 'taste twins'); assert.equal(verdictOf(10), 'opposite tastes'); assert.equal(verdictOf(null), 'not enough to compare');
});

// --- the joint soundtrack ----------------------------------------------------------------------------

test('the joint pool: both libraries, each song marked whose it is, in an order independent of who opens whose', () => {
  const a = fileOf(ANA); const b = fileOf(BEN);
  const p1 = jointPool(a, b); const p2 = jointPool(b, a);
  assert.deepEqual(p1.songs, p2.songs);
  assert.equal(p1.songs.length, 10, '6 + 6 songs, 2 in both');
  const both = p1.songs.filter((s) => s.owner === 'both').map((s) => s.key).sort();
  assert.deepEqual(both, [songKey({ artist: 'Marble Orbit', title: 'Saffron Hours' }), songKey({ artist: 'Paper Comets', title: 'Static Bloom' })]);
  const anaIs = p1.a === a ? 'a' : 'b';
  assert.deepEqual(p1.songs.filter((s) => s.owner === anaIs).map((s) => s.title).sort(), ['Copper Rain', 'Hollow Tide', 'Lantern Weather', 'Winter Signal']);
  const keys = p1.songs.map((s) => s.key);
  assert.deepEqual(keys, [...keys].sort());
});

test('the joint soundtrack asks the engine the same thing both ways, and marks its songs', async () => {
  const a = fileOf(ANA); const b = fileOf(BEN);
  const film = { id: 'f1', title: 'A Film', year: 2001, overall: mood(0.5, 0.5), weights: [1, 2, 1, 1],
    scenes: [0.2, 0.5, 0.8, 0.4].map((e, i) => ({ heading: `SCENE ${i + 1}`, metrics: mood(e, e) })) };
  const calls = [];
  // a stand-in engine: song i to segment i (the real assignment is tested with the engine)
  const call = async (method, [req]) => {
    calls.push({ method, req });
    if (method === 'filmFit') return { ranking: [{ id: req.films[0].id, score: 0.1 }] };
    return { segments: Array.from({ length: req.segments }, (_, i) => ({ first_scene: i, last_scene: i, mood: {}, pct: {}, song_pct: {}, distance: 0.1 * i, song: { index: i } })) };
  };
  const s1 = await jointSoundtrack(call, film, jointPool(a, b), 3);
  const s2 = await jointSoundtrack(call, film, jointPool(b, a), 3);
  assert.deepEqual(calls[0].req, calls[1].req);
  assert.deepEqual(calls[0].req.metrics, ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness']);
  assert.deepEqual(calls[0].req.scene_weights, [1, 2, 1, 1]);
  assert.deepEqual(s1.segments.map((g) => g.song.key), s2.segments.map((g) => g.song.key));
  assert.equal(s1.segments[1].heading, 'SCENE 2');
  assert.ok(Math.abs(s1.total - 0.3) < 1e-9);
  const csv = jointCsv(s1, (o) => (o === 'both' ? 'both' : o === 'a' ? 'First' : 'Second'));
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'position,title,artist,whose,segment,scenes,scene_heading,distance');
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^1,[^,]+,[^,]+,(First|Second|both),1,1,SCENE 1,0\.0000$/);
  // too few songs: a message, no engine call
  await assert.rejects(jointSoundtrack(call, film, { metrics: METRICS, songs: [] }, 3), /needs at least 3 songs/);
  // the default film: the engine's best fit among films with enough scenes
  assert.equal(await bestFilm(call, [{ ...film, id: 'short', scenes: film.scenes.slice(0, 1) }, film], jointPool(a, b), 3), film);
  assert.deepEqual(calls.at(-1).req.films.map((f) => f.id), ['f1']);
});

test('what a library shares: its top artists as the source ranks them, else ranked by their songs; songs with moods, best first', () => {
  const songs = [
    { title: 'One', artist: 'Solo', metrics: mood(0.5, 0.5) }, { title: 'Two', artist: 'Duo', metrics: mood(0.4, 0.4) },
    { title: 'Three', artist: 'Duo', metrics: null }, { title: 'Four', artist: 'Trio', metrics: mood(0.3, 0.3) },
    { title: 'Five', artist: 'Trio', metrics: mood(0.2, 0.2) }, { title: 'Six', artist: 'Trio', metrics: mood(0.1, 0.1) },
  ];
  const lib = (top = [], history = null) => ({ state: { top: { artists: { short_term: [], medium_term: top, long_term: [] } }, extra: history ? { history } : {} },
    rankedSongs: () => songs, songList: () => songs });
  const plain = tasteSource(lib(), 'Me');
  assert.deepEqual(plain.artists, ['Trio', 'Duo', 'Solo'], 'by number of songs, then the best rank');
  assert.deepEqual(plain.songs.map((s) => s.title), ['One', 'Two', 'Four', 'Five', 'Six']);
  assert.equal(plain.mood.n, 5); assert.equal(plain.name, 'Me');
  assert.deepEqual(tasteSource(lib([{ name: 'Duo' }, { name: 'Solo' }])).artists, ['Duo', 'Solo'], "the source's own ranking first");
  assert.deepEqual(tasteSource(lib([], { topArtists: [{ artist: 'Solo' }, { artist: 'Trio' }] })).artists, ['Solo', 'Trio'], 'then play time from an export');
});
