// Share cards: the layout of both sizes with hostile
// text (nothing overlaps, nothing reaches the footer band, "+N more", the
// year kept), the taste card's rankings (real ones only), the payload a card
// carries and its versions, and the PNG iTXt chunk (round trip, damaged,
// foreign, huge). In Node with a stand-in for the canvas's measureText.
import test from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import encodeChunks from 'png-chunks-encode';
import { layoutCard, SIZES, THEMES, wrapLines, graphemes, dirOf } from '../../web/keep/card-layout.js';
import { cardSpec, appAddress } from '../../web/keep/card-content.js';
import { soundtrackPayload, tastePayload, readPayload, CARD_VERSION, CardError, CARD_KEYWORD } from '../../web/keep/card-payload.js';
import { withText, readText, itxtData, PngError, MAX_TEXT_BYTES } from '../../web/keep/png-text.js';
import { readCard } from '../../web/keep/open-card.js';
import { tasteCardData } from '../../web/taste/taste-verdict.js';
import { hostileDetail, tinyPng, measure, checkLayout } from './fixtures/cards.mjs';

const TASTE = {
  label: 'Spotify (Ünïcödé 🎧 user with a really long display name that goes on and on)', quadrant: 'bright and energetic',
  sentence: 'Your average song is bright and energetic: brighter than 72% and more energetic than 81% of the reference songs (over 120 songs with a predicted mood).',
  percentiles: ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'].map((metric, i) => ({ metric, value: 0.5, p: 10 + i * 15 })),
  artists: { title: 'Top artists', basis: 'Spotify’s top artists, last 6 months', items: Array.from({ length: 10 }, (_, i) => ({ main: `${i % 2 ? 'فنان' : 'Artist'} ${i} ${'x'.repeat(i * 8)}` })) },
  songs: { title: 'Top songs', basis: '', items: Array.from({ length: 10 }, (_, i) => ({ main: `Song ${i} 🎶`, detail: 'Someone' })) },
};

test('soundtrack cards of both sizes: a hostile title and 24 segments never overlap, the year stays, the rest is "+N more"', () => {
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'soundtrack', size, data: hostileDetail(24), address: 'moodspace.example/app' }), measure);
    assert.deepEqual([l.width, l.height], [SIZES[size].width, SIZES[size].height]);
    checkLayout(l, size);
    const texts = l.ops.filter((o) => o.type === 'text').map((o) => o.text);
    const head = l.ops.filter((o) => o.type === 'text' && o.weight === 800).map((o) => o.text);
    assert.ok(head.at(-1).endsWith('(1994)'), `${size}: the year ends the headline: ${head.join(' / ')}`);
    assert.ok(head.join(' ').includes('…'), `${size}: the title is cut, not the year`);
    const rows = texts.filter((t) => /^\d+\.$/.test(t)).length;
    const more = texts.find((t) => /^\+\d+ more songs$/.test(t));
    assert.ok(more, `${size}: "+N more songs"`);
    assert.equal(rows + Number(/\d+/.exec(more)[0]), 24, `${size}: ${rows} rows + ${more} = 24`);
    assert.equal(l.dropped, 24 - rows);
    assert.ok(texts.includes('moodspace.example/app'), 'the app address');
    assert.ok(l.ops.some((o) => o.type === 'chart'));
    assert.ok(l.ops.some((o) => o.type === 'text' && o.dir === 'rtl'), 'RTL text is drawn right to left');
  }
  // the story size has room for more songs than the post
  const count = (size) => layoutCard(cardSpec({ kind: 'soundtrack', size, data: hostileDetail(24) }), measure).ops.filter((o) => /^\d+\.$/.test(o.text || '')).length;
  assert.ok(count('story') > count('post'), `story ${count('story')} > post ${count('post')}`);
});

test('a short soundtrack shows every song and the whole title with its year, no "+N more"', () => {
  const d = hostileDetail(6); d.film.title = 'Pulp Fiction';
  const l = layoutCard(cardSpec({ kind: 'soundtrack', size: 'post', data: d }), measure);
  checkLayout(l, 'short');
  const texts = l.ops.filter((o) => o.type === 'text').map((o) => o.text);
  assert.ok(texts.includes('Pulp Fiction (1994)'));
  assert.equal(texts.filter((t) => /^\d+\.$/.test(t)).length, 6);
  assert.ok(!texts.some((t) => /more songs/.test(t)));
  assert.equal(l.dropped, 0);
});

test('taste cards of both sizes: long names, RTL and emoji lists never overlap; the footer does not speak of scenes', () => {
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'taste', size, data: TASTE, address: 'moodspace.example' }), measure);
    checkLayout(l, `taste ${size}`);
    const foot = l.ops.filter((o) => o.type === 'text' && o.box.y >= l.band.top).map((o) => o.text).join(' ');
    assert.doesNotMatch(foot, /scene/i);
    assert.match(foot, /moodspace\.example/);
    const texts = l.ops.map((o) => o.text).filter(Boolean);
    assert.ok(texts.includes('Top artists') && texts.includes('Top songs'));
  }
  // a very long verdict sentence and headline are cut, never drawn over the bars
  const long = { ...TASTE, quadrant: 'bright '.repeat(60), sentence: 'and so on '.repeat(300) };
  for (const size of Object.keys(SIZES)) checkLayout(layoutCard(cardSpec({ kind: 'taste', size, data: long }), measure), `long taste ${size}`);
});

test('wrapLines: a word longer than a line is broken, emoji sequences stay whole; RTL is detected', () => {
  const { lines } = wrapLines(measure, '700 40px x', `${'W'.repeat(100)} end`, 400, 5);
  assert.ok(lines.length > 2 && lines.every((l) => measure(l, '40px') <= 400), lines.join('|'));
  const astronauts = wrapLines(measure, '40px x', '👩🏽‍🚀'.repeat(40), 300, 3).lines;
  assert.ok(astronauts.every((l) => !/\u200d$/.test(l.replace('…', ''))), 'never cut inside a ZWJ sequence');
  assert.equal(dirOf('שיר'), 'rtl'); assert.equal(dirOf('123 مرحبا'), 'rtl'); assert.equal(dirOf('Song 🎸'), 'ltr');
});

test('taste card data: real rankings only (Spotify top lists, an export’s most played), never the demo’s first rows', () => {
  const verdict = { quadrant: 'calm', sentence: 's', percentiles: [] };
  const songs = [{ id: 'a', title: 'First row', artist: 'Drake' }, { id: 'b', title: 'Second row', artist: 'Roy Orbison' }];
  const demo = tasteCardData({ source: 'demo', label: 'Demo', top: { tracks: { short_term: [], medium_term: [], long_term: [] }, artists: { short_term: [], medium_term: [], long_term: [] } } }, songs, verdict);
  assert.deepEqual([demo.artists.items, demo.songs.items], [[], []], 'the demo has no ranking to show');
  const spotify = tasteCardData({ source: 'spotify', label: 'Spotify', songs: new Map(songs.map((s) => [s.id, s])),
    top: { tracks: { medium_term: ['b', 'a'] }, artists: { medium_term: [{ name: 'Roy Orbison' }, { name: 'Drake' }] } } }, songs, verdict);
  assert.deepEqual(spotify.artists.items.map((x) => x.main), ['Roy Orbison', 'Drake']);
  assert.deepEqual(spotify.songs.items.map((x) => x.main), ['Second row', 'First row']);
  assert.match(spotify.artists.basis, /last 6 months/);
  const exp = tasteCardData({ source: 'export', label: 'Export', songs: new Map(), top: {},
    extra: { history: { topArtists: [{ artist: 'Nina', plays: 40, ms: 1 }, { artist: 'Otis', plays: 1, ms: 1 }], topByTime: [{ title: 'Feeling Good', artist: 'Nina', plays: 30, ms: 9 }] } } }, songs, verdict);
  assert.deepEqual(exp.artists.items, [{ main: 'Nina', detail: '40 plays' }, { main: 'Otis', detail: '1 play' }]);
  assert.deepEqual(exp.songs.items, [{ main: 'Feeling Good', detail: 'Nina' }]);
  const l = layoutCard(cardSpec({ kind: 'taste', data: { ...TASTE, artists: demo.artists, songs: demo.songs } }), measure);
  assert.ok(l.ops.some((o) => /no top artists or songs/i.test(o.text || '')), 'says why there is no list');
});

test('the address printed on cards: the build-time appUrl, else the page’s own address', () => {
  assert.equal(appAddress({ appUrl: 'https://moodspace.example/app/' }, { href: 'http://127.0.0.1:8000/' }), 'moodspace.example/app');
  assert.equal(appAddress({ appUrl: '' }, { href: 'https://me.github.io/moodspace/index.html?x=1#y' }), 'me.github.io/moodspace');
  assert.equal(appAddress({ appUrl: 'javascript:alert(1)' }, { href: 'http://127.0.0.1:8000/' }), 'http://127.0.0.1:8000');
  assert.equal(appAddress({}, undefined), '');
});

test('payload: a soundtrack and a taste summary survive JSON exactly; versions and foreign data are told apart', () => {
  const d = hostileDetail(24);
  const p = soundtrackPayload(d, 1_700_000_000_000);
  assert.equal(p.version, CARD_VERSION);
  const back = readPayload(JSON.stringify(p));
  assert.equal(back.kind, 'soundtrack');
  assert.deepEqual(back.record, p.soundtrack, 'the record read back is the one written');
  assert.equal(back.record.picks.length, 24);
  assert.equal(back.note, '');
  const t = tastePayload(TASTE);
  assert.deepEqual(readPayload(JSON.stringify(t)).taste, t.taste);

  const newer = readPayload(JSON.stringify({ ...p, version: CARD_VERSION + 1, extra: { anything: 1 } }));
  assert.equal(newer.kind, 'soundtrack');
  assert.match(newer.note, /newer MoodSpace \(card version 2/);
  const err = (fn) => { try { fn(); } catch (e) { assert.ok(e instanceof CardError, e); return e.message; } assert.fail('no error'); };
  assert.match(err(() => readPayload(JSON.stringify({ ...p, version: 2, soundtrack: { changed: true } }))), /newer MoodSpace \(card version 2\).*Reload the page/);
  assert.match(err(() => readPayload(JSON.stringify({ ...p, version: 3, kind: 'hologram' }))), /newer MoodSpace.*“hologram”/);
  assert.match(err(() => readPayload(JSON.stringify({ ...p, version: 0 }))), /older MoodSpace \(card version 0\)/);
  assert.match(err(() => readPayload(JSON.stringify({ ...p, version: '1' }))), /version is missing or damaged/);
  assert.match(err(() => readPayload(JSON.stringify({ ...p, soundtrack: { ...p.soundtrack, picks: 'x' } }))), /soundtrack is damaged/);
  assert.match(err(() => readPayload('{"format":"something-else"}')), /not a MoodSpace card/);
  assert.match(err(() => readPayload('{not json')), /not valid JSON/);
});

// --- the PNG chunk ------------------------------------------------------------------

const msg = (fn) => { try { fn(); } catch (e) { assert.ok(e instanceof PngError || e instanceof CardError, String(e)); return e.message; } assert.fail('no error'); };

test('iTXt: the text goes in before IEND and comes back; a second write replaces it; other PNG chunks stay', () => {
  const png = tinyPng();
  const text = JSON.stringify({ t: 'ünïcödé 🎬 עברית', big: 'x'.repeat(100000) });
  const out = withText(png, CARD_KEYWORD, text);
  assert.equal(readText(out, CARD_KEYWORD), text);
  assert.equal(readText(png, CARD_KEYWORD), null, 'a PNG without our chunk');
  assert.equal(readText(out, 'other'), null);
  const again = withText(out, CARD_KEYWORD, 'second');
  assert.equal(readText(again, CARD_KEYWORD), 'second');
  const names = []; let at = 8;
  while (at < again.length) { const len = Buffer.from(again).readUInt32BE(at); names.push(Buffer.from(again).toString('latin1', at + 4, at + 8)); at += 12 + len; }
  assert.deepEqual(names, ['IHDR', 'IDAT', 'iTXt', 'IEND']);
  // the chunk is a standard iTXt: keyword, compressed flag, method 0, empty language and translation
  const raw = Buffer.from(itxtData(CARD_KEYWORD, 'hi'));
  assert.equal(raw.toString('latin1', 0, CARD_KEYWORD.length), CARD_KEYWORD);
  assert.deepEqual([...raw.subarray(CARD_KEYWORD.length, CARD_KEYWORD.length + 5)], [0, 1, 0, 0, 0]);
  assert.equal(zlib.inflateSync(raw.subarray(CARD_KEYWORD.length + 5)).toString(), 'hi');
});

test('a damaged, cut, foreign or huge file gives a clear message, never a crash', () => {
  const card = withText(tinyPng(), CARD_KEYWORD, JSON.stringify(tastePayload(TASTE)));
  assert.equal(readCard(card).kind, 'taste');
  assert.match(msg(() => readCard(tinyPng())), /no MoodSpace card data/);
  assert.match(msg(() => readCard(new TextEncoder().encode('GIF89a not a png at all'))), /not a PNG image/);
  const flipped = Uint8Array.from(card); flipped[card.length - 30] ^= 0xff;
  assert.match(msg(() => readCard(flipped)), /damaged \(a checksum does not match\)/);
  assert.match(msg(() => readCard(card.subarray(0, card.length - 40))), /damaged or cut short/);
  const badLen = Uint8Array.from(card); new DataView(badLen.buffer).setUint32(33, 0xfffffff0);
  assert.match(msg(() => readCard(badLen)), /damaged or cut short/);
  assert.match(msg(() => readCard(new Uint8Array(41 * 1024 * 1024))), /far bigger than a MoodSpace card/);
  // a chunk that inflates past the limit (a zip bomb) is refused
  const bomb = withText(tinyPng(), 'x', 'y');
  const head = Buffer.from(`${CARD_KEYWORD}\0\x01\x00\0\0`, 'latin1');
  const chunks = [{ name: 'IHDR', data: Buffer.from(bomb.subarray(16, 29)) }, { name: 'iTXt', data: Buffer.concat([head, zlib.deflateSync(Buffer.alloc(MAX_TEXT_BYTES + 1024, 32))]) }, { name: 'IEND', data: new Uint8Array(0) }];
  assert.match(msg(() => readCard(encodeChunks(chunks))), /far too large/);
  // a chunk whose compressed text is garbage
  const junk = encodeChunks([chunks[0], { name: 'iTXt', data: Buffer.concat([head, Buffer.from('not zlib at all')]) }, chunks[2]]);
  assert.match(msg(() => readCard(junk)), /does not decompress/);
  // our chunk holding something else
  assert.match(msg(() => readCard(withText(tinyPng(), CARD_KEYWORD, '{"format":"x"}'))), /not a MoodSpace card’s/);
});

test('another kind of card (a recap) registers how it is read back; unregistered kinds are refused with their name', async () => {
  const { registerCardKind } = await import('../../web/keep/card-payload.js');
  const p = (kind, extra = {}) => JSON.stringify({ format: 'moodspace-card', version: 1, kind, ...extra });
  assert.throws(() => readPayload(p('recap-test', { year: 2024 })), /kind of card \(“recap-test”\)/);
  registerCardKind('recap-test', { read: (x) => (Number.isInteger(x.year) ? { year: x.year } : null), open: () => 'opened' });
  assert.deepEqual(readPayload(p('recap-test', { year: 2024 })), { kind: 'recap-test', data: { year: 2024 }, note: '' });
  assert.throws(() => readPayload(p('recap-test', { year: 'x' })), /recap-test card is damaged/);
});

test('a card written as blocks (what a recap or a joint soundtrack passes) is laid out by the same rules', () => {
  const data = { theme: 'recap', note: 'My 2024, made in my browser', blocks: [
    { type: 'brand', title: 'MoodSpace', subtitle: 'My year in music' },
    { type: 'headline', text: 'Your 2024 as a film', keep: '(2024)' },
    { type: 'chart', series: { valence: [0.2, 0.5, 0.4, 0.8], energy: [0.6, 0.3, 0.7, 0.5] }, caption: 'months as segments' },
    { type: 'columns', cols: [{ title: 'Artists', items: [{ main: 'A' }, { main: 'B' }] }, { title: 'Songs', items: Array.from({ length: 40 }, (_, i) => ({ main: `Song ${i}`, detail: 'Artist' })) }] },
  ] };
  for (const size of Object.keys(SIZES)) {
    const l = layoutCard(cardSpec({ kind: 'blocks', size, data, address: 'moodspace.example' }), measure);
    checkLayout(l, `blocks ${size}`);
    assert.deepEqual(l.theme, THEMES.recap);
    assert.ok(l.ops.some((o) => o.text === '+' + (40 - l.ops.filter((x) => /^\d+\.$/.test(x.text || '') && x.box.x > 400).length) + ' more'), 'the longer list says how many were left out');
  }
  assert.throws(() => cardSpec({ kind: 'nonsense' }), /no card of kind nonsense/);
});
