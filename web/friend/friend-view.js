// friend-view.js — "Compare with a friend", in the Taste tab (mounted by
// hub.js into #friend-mount):
//   share   tick what to share (top artists, top songs with their predicted
//           moods, the mood summary), then download a taste file or make a
//           link whose data sits after '#' (share-panel.js, taste-file.js);
//   open    a friend's file (picker or drop), or their link (opened in the
//           browser, or pasted): side by side, the score and its reasons
//           (match.js, reasons.js) and a soundtrack for the two of you
//           (joint.js), which either side can keep or download.
// Nothing is sent anywhere: the file is read here, the link's fragment
// never reaches a server, and the match runs in the engine in this page.
// Every string from a file is shown with textContent (ui.js el()).
import { readTasteFile, cleanText, TasteFileError, FILE_MAX, LINK_PREFIX } from './taste-file.js';
import { sharePanel, whatWords } from './share-panel.js';
import { compareTastes, jointPool, songKey, scoreParts, artistKey as artistKeyOf, moodOf as moodOfFile } from './match.js';
import { matchReasons, friendName, verdictOf } from './reasons.js';
import { bestFilm, jointSoundtrack, jointCsv } from './joint.js';
import { jointCardData, jointCardBlocks, jointPayload } from './joint-card.js';
import { shareButton } from '../keep/share-card.js';
import { loadCatalog } from '../film/film-catalog.js';
import { rankFilms } from '../film/film-search.js';
import { download, fileStem } from '../keep/export.js';
import { el, fmt, clampNumberField } from '../ui.js';
import { storeEvents } from '../stores.js';
import { metricTitle, shownMetricNames, libraryOrder } from '../metrics.js';

const SHOWN_METRICS = libraryOrder(shownMetricNames());

export function mountFriend(root, ctx) {
  const { library } = ctx;
  let friend = null;         // the friend's file, as read
  let shown = null;          // { mine, result, pool, soundtrack }
  let films = null;
  let filmChoice = null;     // a film the user picked (else the best fit)

  const share = sharePanel(library);
  const myFile = () => share.myFile();

  // --- open a friend's ------------------------------------------------------------------------------
  const fileIn = el('input', { id: 'friend-file', type: 'file', accept: '.json,application/json,text/plain' });
  const pasteIn = el('input', { id: 'friend-paste', type: 'text', placeholder: 'https://…#friend=…', autocomplete: 'off', spellcheck: false });
  const pasteBtn = el('button', { type: 'button', id: 'friend-paste-open', text: 'Open link' });
  const openStatus = el('p', { id: 'friend-open-status', role: 'status', 'aria-live': 'polite' });
  const drop = el('div', { class: 'dropzone friend-drop', id: 'friend-drop', text: 'Or drop their taste file here.' });
  const result = el('div', { id: 'friend-result', hidden: true, tabIndex: -1 });
  const sayOpen = (t, error = false) => { openStatus.textContent = t; openStatus.className = error ? 'error' : 'muted'; };

  async function openInput(input, from) {
    try {
      friend = readTasteFile(input);
    } catch (e) {
      friend = null; result.hidden = true;
      sayOpen(e instanceof TasteFileError ? e.message : `This could not be opened (${e.message}).`, true);
      return;
    }
    filmChoice = null;
    sayOpen(`Opened ${from}: ${friendName(friend) === 'your friend' ? 'a friend’s taste' : `${friend.name}’s taste`} (${whatWords(friend)})${friend.skipped ? `; ${friend.skipped} damaged entr${friend.skipped === 1 ? 'y was' : 'ies were'} left out` : ''}.`);
    await compare();
  }
  fileIn.addEventListener('change', async () => {
    const file = fileIn.files?.[0];
    if (file) await openFile(file);
    fileIn.value = '';
  });
  async function openFile(file) {
    const name = cleanText(file.name, 80);
    if (file.size > FILE_MAX) { sayOpen(`“${name}” is ${Math.round(file.size / 1024)} KB; a taste file is a few KB. It was not opened.`, true); return; }
    await openInput(new Uint8Array(await file.arrayBuffer()), `“${name}”`);
  }
  pasteBtn.addEventListener('click', () => {
    const v = pasteIn.value.trim();
    if (!v) { sayOpen('Paste your friend’s link first.', true); pasteIn.focus(); return; }
    openInput(v, 'the link');
  });
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); ev.stopPropagation(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault(); ev.stopPropagation(); drop.classList.remove('over');
    const file = ev.dataTransfer?.files?.[0];
    if (file) openFile(file); else sayOpen('Drop a taste file (.json) here.', true);
  });

  // --- the match ---------------------------------------------------------------------------------------
  const segmentsIn = el('input', { id: 'friend-segments', type: 'number', min: 2, max: 24, value: 6, inputMode: 'numeric' });
  const segNote = el('span', { class: 'muted', 'aria-live': 'polite' });
  const filmSearch = el('input', { id: 'friend-film-search', type: 'search', placeholder: 'Another film…', autocomplete: 'off', 'aria-label': 'Search the catalog for another film' });
  const filmHits = el('ul', { class: 'friend-film-hits', id: 'friend-film-hits' });
  filmSearch.addEventListener('input', () => {
    if (!films) return;
    const q = filmSearch.value.trim();
    filmHits.replaceChildren(...(q ? rankFilms(films, q, 8).films : []).map((f) => el('li', {},
      el('button', { type: 'button', text: f.year ? `${f.title} (${f.year})` : f.title, onclick: () => { filmChoice = f; filmSearch.value = ''; filmHits.replaceChildren(); buildJoint(); } }))));
  });
  segmentsIn.addEventListener('change', () => { clampNumberField(segmentsIn, { min: 2, max: 24, fallback: 6 }, segNote); if (shown) buildJoint(); });

  let turn = 0;
  let compared = '';   // what the match on screen was made of (a library change that does not change my file redraws nothing)
  async function compare({ ifChanged = false } = {}) {
    if (!friend) return;
    let mine;
    try { mine = myFile(); } catch (e) {
      ++turn; compared = ''; shown = null;
      result.hidden = false;
      result.replaceChildren(el('p', { class: 'error', text: `${e.message} ${friend.name ? `${friend.name}’s` : 'Your friend’s'} taste is open and will be compared then.` }), sideBySide(null, friend, null));
      return;
    }
    const key = JSON.stringify([mine, friend]);
    if (ifChanged && key === compared) return;
    compared = key; ++turn;
    const r = compareTastes(mine, friend);
    shown = { mine, result: r, pool: jointPool(mine, friend), soundtrack: null };
    render();
    result.hidden = false;
    if (!ifChanged) result.focus();
    await buildJoint();
  }

  const whoseName = (owner) => {
    if (owner === 'both') return 'both of you';
    const f = owner === 'a' ? shown.result.a : shown.result.b;
    return f === shown.mine ? 'you' : friendName(f);
  };
  const ownerFile = (owner) => (owner === 'a' ? shown.result.a : owner === 'b' ? shown.result.b : null);

  function render() {
    const { mine, result: r } = shown;
    const them = friendName(friend);
    const reasons = matchReasons(r, mine);
    const score = el('div', { class: 'friend-score', id: 'friend-score', 'data-score': String(r.score ?? '') },
      el('p', { class: 'friend-score-num' }, el('strong', { text: r.score == null ? '—' : String(r.score) }), el('span', { text: ' / 100' })),
      el('p', { class: 'friend-score-word', text: cap(verdictOf(r.score)) }));
    const parts = scoreParts(r).map((p) => `${p.label} ${p.value} (${p.weight} %)`).join(' + ');
    result.replaceChildren(
      el('h4', { id: 'friend-result-h', text: `You and ${them}` }),
      el('div', { class: 'friend-match' },
        score,
        el('div', { class: 'friend-reasons' },
          el('ul', { id: 'friend-reasons' }, ...reasons.map((x) => el('li', { 'data-kind': x.kind, text: x.text }))),
          el('p', { class: 'muted', id: 'friend-score-parts', text: `How the score adds up (each part 0–100, its share in brackets): ${parts || 'nothing to compare'}. The same whichever of you opens whose file.` }))),
      sideBySide(mine, friend, r),
      el('section', { class: 'friend-joint', 'aria-labelledby': 'friend-joint-h' },
        el('h4', { id: 'friend-joint-h', text: 'A soundtrack for the two of you' }),
        el('p', { class: 'muted', id: 'friend-joint-pool', text: `${shown.pool.songs.length} songs with a mood between you (${countBy(shown.pool.songs)}).` }),
        el('div', { class: 'friend-joint-controls' },
          el('label', { for: 'friend-segments', text: 'Parts ' }), segmentsIn, segNote,
          el('label', { for: 'friend-film-search', class: 'visually-hidden', text: 'Another film' }), filmSearch),
        filmHits,
        el('p', { id: 'friend-joint-status', role: 'status', 'aria-live': 'polite', class: 'muted' }),
        el('ol', { id: 'friend-joint-list', class: 'friend-joint-list' }),
        el('div', { class: 'friend-joint-keep', id: 'friend-joint-keep' })));
  }
  function countBy(songs) {
    const n = { mine: 0, theirs: 0, both: 0 };
    for (const s of songs) { if (s.owner === 'both') n.both++; else if (ownerFile(s.owner) === shown.mine) n.mine++; else n.theirs++; }
    return `${n.mine} yours, ${n.theirs} ${friendName(friend)}’s${n.both ? `, ${n.both} in both` : ''}`;
  }

  function sideBySide(mine, theirs, r) {
    const col = (f, who, label) => {
      const m = f ? moodOfFile(f) : null;
      const shared = new Set((r?.sharedArtists || []).map((a) => a.key));
      return el('div', { class: `friend-side friend-${who}`, 'data-who': who },
        el('h5', { text: label }),
        f ? el('p', { class: 'muted', text: whatWords(f) }) : el('p', { class: 'muted', text: 'Nothing to show yet.' }),
        m ? el('dl', { class: 'friend-moods' }, ...SHOWN_METRICS.filter((k) => typeof m[k] === 'number').flatMap((k) => [
          metricTerm(k),
          el('dd', {}, bar(m[k]), el('span', { text: fmt(m[k]) }))])) : null,
        f?.artists?.length ? el('ol', { class: 'friend-artists', 'aria-label': `${label}: top artists` },
          ...f.artists.slice(0, 8).map((a) => (shared.has(artistKeyOf(a)) ? el('li', { class: 'shared' }, el('span', { text: a }), el('span', { class: 'friend-shared-mark', text: ' · shared' }))
          : el('li', { text: a })))) : null);
    };
    return el('div', { class: 'friend-sides' }, col(mine, 'me', 'You'), col(theirs, 'them', friendName(theirs) === 'your friend' ? 'Your friend' : theirs.name));
  }

  async function buildJoint() {
    if (!shown) return;
    const t = ++turn;
    const status = result.querySelector('#friend-joint-status');
    const list = result.querySelector('#friend-joint-list');
    const keep = result.querySelector('#friend-joint-keep');
    const segments = clampNumberField(segmentsIn, { min: 2, max: 24, fallback: 6 }, segNote);
    const { pool } = shown;
    if (pool.songs.length < segments) {
      status.textContent = `A ${segments}-part soundtrack needs ${segments} songs with a mood between you; there are ${pool.songs.length}. ${pool.songs.length < 2 ? 'Tick “Top songs” on both sides.' : 'Ask for fewer parts.'}`;
      list.replaceChildren(); keep.replaceChildren();
      return;
    }
    status.textContent = filmChoice ? `Filling ${filmChoice.title} from both of your libraries…` : 'Finding the film you two fit best and filling it from both of your libraries…';
    try {
      films ||= await loadCatalog();
      const call = (m, a) => ctx.engine.call(m, a);
      const film = filmChoice || await bestFilm(call, films, pool, segments);
      if (!film) throw new Error('No film in the catalog has that many scenes.');
      const st = await jointSoundtrack(call, film, pool, segments);
      if (t !== turn) return;
      shown.soundtrack = st;
      showJoint(st, status, list, keep);
    } catch (e) {
      if (t !== turn) return;
      status.textContent = `The soundtrack could not be built: ${e.message}`;
    }
  }

  function showJoint(st, status, list, keep) {
    const { film } = st;
    const name = film.year ? `${film.title} (${film.year})` : film.title;
    const n = { you: 0, them: 0, both: 0 };
    list.replaceChildren(...st.segments.map((g) => {
      const whose = whoseName(g.song.owner);
      if (g.song.owner === 'both') n.both++; else if (whose === 'you') n.you++; else n.them++;
      const f = ownerFile(g.song.owner);
      return el('li', { class: `friend-joint-song owner-${g.song.owner === 'both' ? 'both' : whose === 'you' ? 'me' : 'them'}`,
        'data-key': g.song.key, 'data-whose': g.song.owner === 'both' ? 'both' : (f?.name || ''), 'data-segment': String(g.segment) },
      el('span', { class: 'friend-seg', text: `Part ${g.segment + 1} · scenes ${g.first + 1}–${g.last + 1}${g.heading ? ` · ${g.heading}` : ''}` }),
      el('span', { class: 'friend-song' }, el('strong', { text: g.song.title }), ' — ', el('span', { text: g.song.artist })),
      el('span', { class: 'friend-whose', text: whose === 'both of you' ? 'in both your libraries' : whose === 'you' ? 'yours' : `${whose}’s` }));
    }));
    // one side missing: say why (shared no songs, or none fits this film as closely)
    const missing = !n.both && (!n.you || !n.them) ? (n.you ? 'them' : 'you') : null;
    const none = !missing ? '' : !(missing === 'them' ? friend : shown.mine).songs?.length
      ? ` ${missing === 'them' ? `${cap(friendName(friend))} shared` : 'You share'} no songs, so every song is ${missing === 'them' ? 'yours' : `${friendName(friend)}’s`}.`
      : ` None of ${missing === 'them' ? `${friendName(friend)}’s songs` : 'your songs'} fits this film’s parts as closely; try another film or more parts.`;
    status.textContent = `${name}${filmChoice ? '' : ', the film you two fit best'}: ${st.segments.length} parts, ${n.you} of your songs, ${n.them} of ${friendName(friend)}’s${n.both ? `, ${n.both} you both have` : ''}.${none}`;
    const keepBtn = el('button', { type: 'button', id: 'friend-keep', class: 'primary', text: 'Keep it with your soundtracks' });
    const csvBtn = el('button', { type: 'button', id: 'friend-csv', text: 'Download as CSV' });
    const keepNote = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite', id: 'friend-keep-note' });
    keepBtn.addEventListener('click', () => {
      const picks = toPicks(st);
      const detail = { film, kind: 'full', picks, total: st.total };
      ctx.soundtrack?.open?.(detail);   // shown in the Soundtrack tab with its exports
      ctx.events?.dispatchEvent(new CustomEvent('soundtrack', { detail }));   // kept (keep.js)
      keepNote.textContent = `Kept: it is in the Soundtrack tab, under Recent soundtracks, with its exports.`;
    });
    csvBtn.addEventListener('click', () => download(`${fileStem(`moodspace-${film.title}-with-${friendName(friend)}`)}.csv`, jointCsv(st, (o) => {
      const w = whoseName(o); return w === 'you' ? (shown.mine.name || 'me') : w;
    }), 'text/csv'));
    // the share card (joint-card.js): both names, the score, the film, the arc, the songs and whose each is
    const card = () => {
      const data = jointCardData(st, { me: shown.mine.name || '', friend: friend.name || '', score: shown.result.score,
        whoseOf: (o) => (o === 'both' ? 'both' : ownerFile(o) === shown.mine ? 'me' : 'friend') });
      return { kind: 'blocks', data: jointCardBlocks(data), payload: jointPayload(data) };
    };
    const shareEl = shareButton({ id: 'friend-share', label: 'Share as image', file: () => `moodspace-${film.title}-with-${friendName(friend)}`, card });
    keep.replaceChildren(keepBtn, csvBtn, shareEl, keepNote);
  }

  /** The joint soundtrack as the Soundtrack tab's picks: my songs as my library has them, the friend's as snapshots. */
  function toPicks(st) {
    const mineByKey = new Map(library.songList().map((s) => [songKey(s), s]));
    return st.segments.map((g) => {
      const own = ownerFile(g.song.owner) === shown.mine || g.song.owner === 'both' ? mineByKey.get(g.song.key) : null;
      const song = own || { id: `friend:${hashId(g.song.key)}`, uri: '', title: g.song.title, artist: g.song.artist, album: '', durationMs: 0, lyricsStatus: 'none', metrics: g.song.metrics };
      return { segment: { segment: g.segment, first: g.first, last: g.last, heading: g.heading, metrics: g.mood }, song, distance: g.distance,
        segmentPct: g.pct, songPct: g.songPct, mood: g.mood };
    });
  }

  root.replaceChildren(el('section', { id: 'friend', class: 'dash-section friend', 'aria-labelledby': 'friend-h' },
    el('h3', { id: 'friend-h', text: 'Compare with a friend' }),
    el('p', { text: 'Share what you tick as a small file or a link, and open your friend’s: a score, its reasons and a soundtrack for the two of you. Nothing is uploaded: the file stays yours to send, a link carries its data after “#”, which browsers never send to a server, and the match runs in this page.' }),
    el('div', { class: 'friend-cols' },
      share.element,
      el('div', { class: 'friend-open' },
        el('h4', { text: 'Open a friend’s taste' }),
        el('label', { for: 'friend-file', text: 'Their taste file' }), fileIn, drop,
        el('label', { for: 'friend-paste', text: 'Or paste their link' }), el('div', { class: 'friend-buttons' }, pasteIn, pasteBtn), openStatus)),
    result));

  // the ticks change what I share, so what is compared (the same on both sides)
  share.onChange(() => { if (friend) compare(); });
  let libTimer = null;
  library.subscribe(() => { if (!friend) return; clearTimeout(libTimer); libTimer = setTimeout(() => compare({ ifChanged: true }), 1000); });

  // "Forget my data": the name kept for the next share and the friend's taste on screen go too
  storeEvents.addEventListener('forgotten', () => {
    share.forget();
    friend = null; shown = null; compared = ''; ++turn;
    result.hidden = true; result.replaceChildren();
    sayOpen('');
  });

  // a friend link opened in the browser: app.js took the fragment before the tab's name replaced it
  function fromLink(hash) {
    if (!hash?.startsWith(LINK_PREFIX)) return;
    ctx.showTab?.('taste');
    openInput(hash, 'the link').then(() => root.querySelector('#friend')?.scrollIntoView({ block: 'start' }));
  }
  if (ctx.friendLink) { const h = ctx.friendLink; ctx.friendLink = ''; fromLink(h); }
  addEventListener('hashchange', () => { if (location.hash.startsWith(LINK_PREFIX)) { const h = location.hash; history.replaceState(history.state, '', '#taste'); fromLink(h); } });
  return { openInput, compare };
}

function bar(v) {
  const b = el('span', { class: 'friend-bar', 'aria-hidden': 'true' });
  b.style.setProperty('--v', Math.max(0, Math.min(1, v)).toFixed(3));
  return b;
}
/** A metric's title on the moods list: "Brightness (valence)", "Energy" (the metrics table's words). */
function metricTerm(k) {
  const [word, aka] = metricTitle(k);
  return el('dt', {}, word, aka ? el('span', { class: 'friend-aka', text: aka }) : null);
}
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
function hashId(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(36);
}
