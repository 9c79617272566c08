// Matching with a friend, in Chromium against the fakes: two friends, each with a
// library of their own (pasted song lists; lyrics from the fake LRCLIB; the
// moods from the real model). Ana downloads her taste file, Ben makes a
// link; Ana opens Ben's file and Ben opens Ana's link: both see the same
// score and the same joint soundtrack (same film, same songs in the same
// parts, marked whose they are), and no request leaves the page during the
// match. A link opened in the browser lands on the match too; a damaged or
// hostile file gives a message and nothing else.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { distMissing, engineMissing, launchBrowser, startEnv, newPage, makeLyric, downloaded } from './helpers.mjs';

const skip = distMissing() || engineMissing() || false;
let browser; let env;
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'ms-friend-'));

// two invented libraries: 3 songs and 2 artists in common
const BOTH = [['Paper Comets', 'Lantern Weather'], ['Paper Comets', 'Static Bloom'], ['Marble Orbit', 'Saffron Hours']];
const ANA = [...BOTH, ['Velvet Harbor', 'Copper Rain'], ['Velvet Harbor', 'Hollow Tide'], ['Glass Meadow', 'Winter Signal'],
  ['Glass Meadow', 'Ember Kite'], ['Tidal Echo', 'Drift Parade'], ['Tidal Echo', 'Neon Porch'], ['Marble Orbit', 'Quiet Engine']];
const BEN = [['Marble Orbit', 'Saffron Hours'], ['Sunday Static', 'Brass Lanterns'], ['Sunday Static', 'Loud Summer'], ['Paper Comets', 'Static Bloom'],
  ['Orchard Fire', 'Golden Stairs'], ['Orchard Fire', 'Run Alive'], ['Paper Comets', 'Lantern Weather'], ['Cold Letters', 'Grave Window'], ['Cold Letters', 'Empty Field'], ['Lone Kite', 'Morning Tea']];
const KINDS = ['bright', 'dark', 'soft'];
const lyricsOf = (list, offset) => list.map(([artist, title], i) => ({ track: title, artist, album: '', lyrics: makeLyric(KINDS[(i + offset) % 3], i + offset) }));

test.before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  env = await startEnv({});
  // the songs both have get the same lyrics on both sides (LRCLIB is one service)
  const seen = new Map();
  for (const r of [...lyricsOf(ANA, 0), ...lyricsOf(BEN, 5)]) if (!seen.has(`${r.artist}|${r.track}`)) seen.set(`${r.artist}|${r.track}`, r);
  env.lrclib.setSongs([...seen.values()]);
});
test.after(async () => { await env?.stop(); await browser?.close(); fs.rmSync(tmp, { recursive: true, force: true }); });

const ready = (page) => page.waitForSelector('html[data-app="ready"]');
const lyricsDone = (page) => page.waitForFunction(() => /^Lyrics:/.test(document.getElementById('status').textContent), null, { timeout: 90000 });

async function libraryOf(list, name) {
  const page = await newPage(browser, env, { context: { acceptDownloads: true } });
  await page.goto(env.appUrl);
  await ready(page);
  await page.click('#tab-music');
  if (!(await page.$eval('#paste', (d) => d.open))) await page.click('#paste summary');
  await page.fill('#paste-list', list.map(([a, t]) => `${a} – ${t}`).join('\n'));
  await page.click('#paste-import');
  await page.waitForSelector('.import-status.ok', { state: 'attached', timeout: 30000 });
  await lyricsDone(page);
  await page.waitForFunction((n) => globalThis.moodspace.library.songList().filter((s) => s.metrics).length >= n, list.length - 1, { timeout: 60000 });
  await page.click('#tab-taste');
  await page.fill('#friend-my-name', name);
  await page.press('#friend-my-name', 'Tab');
  return page;
}

/** Every request the page makes from now on; stop() → the ones not to the page's own origin. */
function recordRequests(page, origin) {
  const seen = [];
  const on = (r) => seen.push(r.url());
  page.on('request', on);
  return () => { page.off('request', on); return { all: seen, away: seen.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) }; };
}

/** The match on screen once its joint soundtrack is built. */
async function matchShown(page) {
  await page.waitForFunction(() => document.querySelectorAll('#friend-joint-list li').length > 0 || /could not/.test(document.getElementById('friend-joint-status')?.textContent || ''), null, { timeout: 120000 });
  return page.evaluate(() => ({
    score: document.getElementById('friend-score').dataset.score,
    heading: document.getElementById('friend-result-h').textContent,
    reasons: [...document.querySelectorAll('#friend-reasons li')].map((li) => ({ kind: li.dataset.kind, text: li.textContent })),
    status: document.getElementById('friend-joint-status').textContent,
    songs: [...document.querySelectorAll('#friend-joint-list li')].map((li) => ({ segment: li.dataset.segment, key: li.dataset.key, whose: li.dataset.whose,
      title: li.querySelector('.friend-song strong').textContent, label: li.querySelector('.friend-whose').textContent })),
  }));
}

test('two friends: the same score and joint soundtrack in both directions, nothing sent anywhere, and either can keep it', { skip, timeout: 600000 }, async () => {
  const ana = await libraryOf(ANA, 'Ana');
  const ben = await libraryOf(BEN, 'Ben');
  try {
    // Ana's file (all ticked), Ben's link
    const anaFile = await downloaded(ana, '#friend-download');
    assert.match(anaFile.name, /^moodspace-taste-Ana\.json$/);
    const parsed = JSON.parse(anaFile.text);
    assert.equal(parsed.app, 'moodspace-taste'); assert.equal(parsed.v, 1);
    assert.ok(parsed.songs.length >= ANA.length - 1 && parsed.artists.includes('Velvet Harbor') && parsed.mood.n >= ANA.length - 1, anaFile.text);
    const anaPath = path.join(tmp, anaFile.name); fs.writeFileSync(anaPath, anaFile.text);
    await ben.click('#friend-make-link');
    await ben.waitForSelector('#friend-link:not([hidden])');
    const benLink = await ben.inputValue('#friend-link');
    assert.ok(benLink.startsWith(`${env.appUrl}#friend=`) && benLink.length < 8000, benLink);
    assert.doesNotMatch(benLink, /Sunday|Static|Orchard/, 'the link is compressed, not the names in clear');
    // Ben's file too, to open on Ana's side with the file picker
    const benFile = await downloaded(ben, '#friend-download');
    const benPath = path.join(tmp, benFile.name); fs.writeFileSync(benPath, benFile.text);

    // Ana opens Ben's file, Ben opens Ana's
    const stopA = recordRequests(ana, env.appUrl);
    await ana.setInputFiles('#friend-file', benPath);
    const fromAna = await matchShown(ana);
    const reqA = stopA();
    const stopB = recordRequests(ben, env.appUrl);
    await ben.setInputFiles('#friend-file', anaPath);
    const fromBen = await matchShown(ben);
    const reqB = stopB();

    assert.match(fromAna.heading, /You and Ben/); assert.match(fromBen.heading, /You and Ana/);
    assert.ok(/^\d+$/.test(fromAna.score), fromAna.score);
    assert.equal(fromAna.score, fromBen.score, 'the same score both ways');
    // the reasons name the shared artists and songs, the same on both sides
    const texts = (m) => m.reasons.map((r) => r.text).join('\n');
    for (const m of [fromAna, fromBen]) {
      assert.match(texts(m), /You share 2 artists of your top lists: (Paper Comets and Marble Orbit|Marble Orbit and Paper Comets)\./);
      assert.match(texts(m), /You share 3 songs: /);
      assert.match(texts(m), /You both love /);
      assert.match(texts(m), /on average \d\.\d\d apart/);
    }
    assert.equal(fromAna.reasons.find((r) => r.kind === 'mood').text, fromBen.reasons.find((r) => r.kind === 'mood').text);
    // the same joint soundtrack: film, parts, songs, and whose each song is
    assert.ok(fromAna.songs.length === 6, JSON.stringify(fromAna));
    assert.equal(fromAna.status.split(':')[0], fromBen.status.split(':')[0], 'the same film');
    assert.deepEqual(fromAna.songs.map(({ label, ...s }) => s), fromBen.songs.map(({ label, ...s }) => s));
    const whose = new Set(fromAna.songs.map((s) => s.whose));
    assert.ok(fromAna.songs.every((s) => ['Ana', 'Ben', 'both'].includes(s.whose)), [...whose].join());
    // each side says "yours" for its own songs
    fromAna.songs.forEach((s, i) => {
      if (s.whose === 'Ana') { assert.equal(s.label, 'yours'); assert.equal(fromBen.songs[i].label, 'Ana’s'); }
      if (s.whose === 'Ben') { assert.equal(s.label, 'Ben’s'); assert.equal(fromBen.songs[i].label, 'yours'); }
    });
    // nothing left the page: not Spotify, not LRCLIB, nothing but the page's own files
    assert.deepEqual(reqA.away, [], `Ana's page sent: ${reqA.away.join(', ')}`);
    assert.deepEqual(reqB.away, [], `Ben's page sent: ${reqB.away.join(', ')}`);
    assert.deepEqual(ana.errors, []); assert.deepEqual(ben.errors, []);

    // on a phone: no sideways scrolling, the two sides still side by side
    await ana.setViewportSize({ width: 390, height: 844 });
    // (the dashboard's charts follow the new width a moment later: wait for the layout to settle)
    await ana.waitForFunction(() => document.documentElement.scrollWidth <= 390, null, { timeout: 5000 }).catch(() => {});
    const wide = await ana.evaluate(() => [document.documentElement.scrollWidth, [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('[hidden], .table-wrap, .dash-table-wrap')).slice(0, 8).map((e) => `${e.tagName}#${e.id}.${e.className}`)]);
    assert.ok(wide[0] <= 390, `no sideways scrolling at 390 px: ${JSON.stringify(wide)}`);
    const [me, them] = await ana.$$eval('.friend-side', (els) => els.map((e) => e.getBoundingClientRect().top));
    assert.equal(Math.round(me), Math.round(them), 'side by side');
    await ana.setViewportSize({ width: 1280, height: 900 });
    // the counts add up to the parts
    const counts = /: 6 parts, (\d+) of your songs, (\d+) of Ben’s(?:, (\d+) you both have)?\.$/.exec(fromAna.status);
    assert.ok(counts, fromAna.status);
    assert.equal(Number(counts[1]) + Number(counts[2]) + Number(counts[3] || 0), 6);
    // another film, picked by both: the same soundtrack again
    const other = [];
    for (const page of [ana, ben]) {
      await page.fill('#friend-film-search', 'alien');
      await page.click('#friend-film-hits li:first-child button');
      await page.waitForFunction(() => /^Alien/.test(document.getElementById('friend-joint-status').textContent) && document.querySelectorAll('#friend-joint-list li').length === 6, null, { timeout: 60000 });
      other.push(await matchShown(page));
    }
    assert.equal(other[0].status.split(':')[0], other[1].status.split(':')[0]);
    assert.doesNotMatch(other[0].status, /fit best/);
    assert.deepEqual(other[0].songs.map(({ label, ...x }) => x), other[1].songs.map(({ label, ...x }) => x));

    // Ana opens Ben's link (pasted): the same match as from his file
    await ana.fill('#friend-paste', benLink);
    await ana.evaluate(() => { document.getElementById('friend-joint-list').replaceChildren(); });
    await ana.click('#friend-paste-open');
    const fromLink = await matchShown(ana);
    assert.equal(fromLink.score, fromAna.score);
    assert.deepEqual(fromLink.songs, fromAna.songs);

    // either can keep it: Ben keeps it, it is in his Soundtrack tab and recent soundtracks
    await ben.click('#friend-keep');
    await ben.click('#tab-soundtrack');
    await ben.waitForFunction(() => document.querySelectorAll('#full-list li').length === 6, null, { timeout: 30000 });
    const keptTitles = await ben.$$eval('#full-list li .title', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(keptTitles, other[1].songs.map((s) => s.title), 'the joint soundtrack on screen (Alien) is the one kept');
    await ben.waitForFunction(() => /Recent|soundtrack/i.test(document.getElementById('recent-soundtracks').textContent) && !document.getElementById('recent-soundtracks').hidden, null, { timeout: 10000 });
    await ben.click('#tab-taste');
    const csv = await downloaded(ben, '#friend-csv');
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'position,title,artist,whose,segment,scenes,scene_heading,distance');
    assert.equal(lines.length, 7);
    assert.ok(lines.slice(1).some((l) => l.includes(',Ben,') || l.includes(',both of you,')), csv.text);

    // Ben's link opened in Ana's browser: the page starts on the match (her library is kept in this browser)
    await ana.goto(benLink);
    await ready(ana);
    assert.equal(await ana.$eval('#view-taste', (v) => v.hidden), false, 'the link opens the Taste tab');
    const opened = await matchShown(ana);
    assert.equal(opened.score, fromAna.score);
    assert.deepEqual(opened.songs, fromAna.songs);
    assert.doesNotMatch(await ana.evaluate(() => location.hash), /friend=/, 'the address bar no longer carries the data');
  } finally {
    await ana.closeAll(); await ben.closeAll();
  }
});

test('a damaged, hostile or foreign file gives one clear message; names are shown as text', { skip, timeout: 300000 }, async () => {
  const page = await libraryOf(ANA.slice(0, 6), 'Cleo');
  try {
    const say = async (file) => {
      await page.setInputFiles('#friend-file', file);
      await page.waitForFunction(() => document.getElementById('friend-open-status').textContent, null, { timeout: 10000 });
      const t = await page.textContent('#friend-open-status');
      await page.evaluate(() => { document.getElementById('friend-open-status').textContent = ''; });
      return t;
    };
    const f = (name, body) => ({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    assert.match(await say(f('cut.json', '{"app":"moodspace-taste","v":1,"metrics":["energy"')), /damaged: it is not valid JSON/);
    assert.match(await say(f('other.json', '{"hello":1}')), /not a MoodSpace taste file/);
    assert.match(await say(f('newer.json', '{"app":"moodspace-taste","v":9,"metrics":[]}')), /newer MoodSpace/);
    assert.match(await say(f('big.json', `{"app":"moodspace-taste","v":1,"x":"${'a'.repeat(300000)}"}`)), /KB; a taste file is a few KB/);
    assert.match(await say(f('picture.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]))), /not a MoodSpace taste file|not text/);
    assert.equal(await page.$eval('#friend-result', (r) => r.hidden), true, 'no match from a bad file');
    // a name and song titles that are HTML stay text
    const evil = '<img src=x onerror="window.__pwned=1">';
    const hostile = { app: 'moodspace-taste', v: 1, name: evil, metrics: ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'],
      artists: [evil, 'Paper Comets'], songs: [[`<script>window.__pwned=2</script>`, evil, 0.5, 0.5, 0.5, 0.5, 120, 0.1], ['Bad', 'Row', 'x']], mood: { n: 3, mean: [0.5, 0.5, 0.5, 0.5, 1e9, 0.1] } };
    const t = await say(f('hostile.json', JSON.stringify(hostile)));
    assert.match(t, /1 damaged entry was left out/);
    await page.waitForSelector('#friend-result:not([hidden])');
    assert.match(await page.textContent('#friend-result-h'), /You and <img src=x onerror="window.__pwned=1">/);
    assert.equal(await page.$$eval('#friend-result img, #friend-result script', (x) => x.length), 0);
    assert.equal(await page.evaluate(() => globalThis.__pwned), undefined);
    // a friend who shared artists and the mood summary but no songs: the soundtrack is all yours, and says why
    await page.fill('#friend-segments', '3');
    await page.press('#friend-segments', 'Tab');
    const noSongs = { app: 'moodspace-taste', v: 1, name: 'Eve', metrics: ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'],
      artists: ['Paper Comets'], mood: { n: 40, mean: [0.5, 0.5, 0.5, 0.5, 120, 0.1] } };
    await say(f('eve.json', JSON.stringify(noSongs)));
    await page.waitForFunction(() => /Eve shared no songs, so every song is yours\.$/.test(document.getElementById('friend-joint-status').textContent), null, { timeout: 60000 });
    assert.equal(await page.$$eval('#friend-joint-list li', (lis) => lis.filter((li) => li.querySelector('.friend-whose').textContent === 'yours').length), 3);
    assert.match(await page.textContent('#friend-reasons'), /You share 1 artist of your top lists: Paper Comets\./);
    // nothing ticked: nothing to share or compare, said so
    for (const id of ['#friend-share-artists', '#friend-share-songs', '#friend-share-mood']) await page.uncheck(id);
    await page.click('#friend-download');
    assert.match(await page.textContent('#friend-share-status'), /^Tick at least one thing to share/);
    await page.waitForFunction(() => /Tick at least one thing to share.*Eve’s taste is open and will be compared then\./.test(document.getElementById('friend-result').textContent));
    // a file dropped on the drop zone opens like one picked
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.getElementById('friend-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, JSON.stringify({ ...noSongs, name: 'Flo' }));
    await page.waitForFunction(() => /^Opened “dropped\.json”: Flo’s taste/.test(document.getElementById('friend-open-status').textContent));
    // the mood summary alone: a score from the mood only
    await page.check('#friend-share-mood');
    await page.waitForSelector('#friend-score-parts');
    assert.match(await page.textContent('#friend-score-parts'), /: mood \d+ \(100 %\)\./);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.closeAll();
  }
});

test('a friend link opened before bringing any music: their side is shown, with what to do', { skip, timeout: 120000 }, async () => {
  const { tasteLink, buildTasteFile } = await import('../../web/friend/taste-file.js');
  const file = buildTasteFile({ name: 'Dee', artists: ['Paper Comets', 'Orchard Fire'], songs: [{ title: 'Run Alive', artist: 'Orchard Fire', metrics: { energy: 0.9, valence: 0.7, danceability: 0.8, acousticness: 0.1, tempo: 128, liveness: 0.1 } }],
    mood: { n: 1, mean: { energy: 0.9, valence: 0.7, danceability: 0.8, acousticness: 0.1, tempo: 128, liveness: 0.1 } } },
  { metrics: ['energy', 'valence', 'danceability', 'acousticness', 'tempo', 'liveness'] });
  const { url } = tasteLink(file, env.appUrl);
  const page = await newPage(browser, env);
  try {
    await page.goto(url);
    await ready(page);
    await page.waitForSelector('#friend-result:not([hidden])');
    assert.equal(await page.$eval('#view-taste', (v) => v.hidden), false);
    assert.match(await page.textContent('#friend-open-status'), /Opened the link: Dee’s taste \(2 artists, 1 song with their moods, the mood of 1 song\)/);
    assert.match(await page.textContent('#friend-result'), /Bring your music first.*Dee’s taste is open and will be compared then\./);
    assert.deepEqual(await page.$$eval('.friend-them .friend-artists li', (lis) => lis.map((li) => li.textContent)), ['Paper Comets', 'Orchard Fire']);
    // another link put in the address bar of the open page (no reload): opened too
    const { url: url2 } = tasteLink({ ...file, name: 'Gus' }, env.appUrl);
    await page.click('#tab-music');
    await page.evaluate((h) => { location.hash = h; }, url2.slice(url2.indexOf('#')));
    await page.waitForFunction(() => /Opened the link: Gus’s taste/.test(document.getElementById('friend-open-status').textContent));
    assert.equal(await page.$eval('#view-taste', (v) => v.hidden), false);
    assert.equal(await page.evaluate(() => location.hash), '#taste');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.closeAll();
  }
});
