// share-panel.js — "Share your taste": the name, what to share (ticks), the
// download and the link (taste-file.js). Also what the match compares as
// my side: exactly the file I would share, so both friends compare the
// same two files.
//
//   sharePanel(library) → { element, myFile(), onChange(fn), forget() }
//     myFile(): my taste file as my friend reads it (throws TasteFileError with a message)
import { buildTasteFile, moodSummary, tasteFileText, tasteLink, fitForLink, asRead, TasteFileError } from './taste-file.js';
import { download, copyText, fileStem } from '../keep/export.js';
import { el, modelMetricNames } from '../ui.js';

const NAME_KEY = 'moodspace.friend.name';

/** What the library can share: { name, artists, songs, mood } (taste-file.js buildTasteFile's source). */
export function tasteSource(library, name = '') {
  const st = library.state;
  const ranked = library.rankedSongs();
  let artists = [];
  for (const r of ['medium_term', 'short_term', 'long_term']) if (!artists.length && st.top.artists[r]?.length) artists = st.top.artists[r].map((a) => a.name);
  if (!artists.length && st.extra?.history?.topArtists?.length) artists = st.extra.history.topArtists.map((a) => a.artist);
  if (!artists.length) {
    // no top-artist list from the source (a pasted list, the demo): artists by how many of the
    // library's songs are theirs, then by their best song's rank — a ranking, not the list's order
    const by = new Map();
    ranked.forEach((s, i) => { if (!s.artist) return; const a = by.get(s.artist) || { n: 0, first: i }; a.n++; by.set(s.artist, a); });
    artists = [...by].sort((x, y) => y[1].n - x[1].n || x[1].first - y[1].first).map(([name]) => name);
  }
  return { name, artists, songs: ranked.filter((s) => s.metrics), mood: moodSummary(library.songList()) };
}

/** What a file holds, in words: "5 artists, 9 songs with their moods, the mood of 9 songs". */
export function whatWords(f) {
  const parts = [];
  if (f.artists?.length) parts.push(`${f.artists.length} artist${f.artists.length === 1 ? '' : 's'}`);
  if (f.songs?.length) parts.push(`${f.songs.length} song${f.songs.length === 1 ? '' : 's'} with their moods`);
  if (f.mood) parts.push(`the mood of ${f.mood.n} song${f.mood.n === 1 ? '' : 's'}`);
  return parts.join(', ') || 'nothing';
}

/** The page's address without query or fragment (what a link points to; overrides in the query stay here). */
const pageAddress = () => location.origin + location.pathname;

export function sharePanel(library) {
  const storedName = (() => { try { return localStorage.getItem(NAME_KEY) || ''; } catch { return ''; } })();
  const tick = (id, label, checked = true) => el('label', { class: 'friend-tick', for: id }, el('input', { type: 'checkbox', id, checked }), ` ${label}`);
  const nameIn = el('input', { id: 'friend-my-name', type: 'text', maxLength: 40, autocomplete: 'nickname', value: storedName });
  const shareStatus = el('p', { id: 'friend-share-status', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const linkOut = el('input', { id: 'friend-link', type: 'text', readOnly: true, hidden: true, 'aria-label': 'Your taste link' });
  const what = el('fieldset', { class: 'friend-what' }, el('legend', { text: 'What to share' }),
    tick('friend-share-artists', 'Top artists (up to 20)'), tick('friend-share-songs', 'Top songs with their predicted moods (up to 50)'), tick('friend-share-mood', 'The mood summary of your library'));
  const checked = (id) => what.querySelector(`#${id}`).checked;
  nameIn.addEventListener('change', () => { try { localStorage.setItem(NAME_KEY, nameIn.value.trim()); } catch { /* storage off */ } });
  const sayShare = (t, error = false) => { shareStatus.textContent = t; shareStatus.className = error ? 'error' : 'muted'; };

  /**
   * The file as shared: what is ticked, with as many songs as fit in a link
   * (the download holds the same, so a file and a link compare alike).
   */
  function shareFile() {
    if (!library.songList().some((s) => s.metrics)) throw new TasteFileError('Bring your music first: your songs need a predicted mood to be compared.');
    const f = buildTasteFile(tasteSource(library, nameIn.value),
      { artists: checked('friend-share-artists'), songs: checked('friend-share-songs'), mood: checked('friend-share-mood'), metrics: modelMetricNames() });
    if (!f.artists?.length && !f.songs?.length && !f.mood) throw new TasteFileError('Tick at least one thing to share: the match compares what your friend would see of you.');
    return fitForLink(f, pageAddress());
  }

  const downloadBtn = el('button', { type: 'button', id: 'friend-download', text: 'Download my taste file' });
  downloadBtn.addEventListener('click', () => {
    try {
      const f = shareFile();
      download(`${fileStem(f.name ? `moodspace-taste-${f.name}` : 'moodspace-taste')}.json`, tasteFileText(f), 'application/json');
      sayShare(`Downloaded: ${whatWords(f)}. Send it to your friend; they open it here with “Open a friend’s taste”.`);
    } catch (e) { sayShare(e.message, true); }
  });
  const linkBtn = el('button', { type: 'button', id: 'friend-make-link', text: 'Make a link' });
  linkBtn.addEventListener('click', async () => {
    try {
      const f = shareFile();
      const { url } = tasteLink(f, pageAddress());
      linkOut.value = url; linkOut.hidden = false;
      const copied = await copyText(url);
      sayShare(`${copied ? 'Link copied' : 'Link ready: select it to copy'} (${url.length.toLocaleString('en')} characters: ${whatWords(f)}). Its data sits after “#”, which browsers never send to a server.`);
      linkOut.select();
    } catch (e) { sayShare(e.message, true); }
  });

  const element = el('div', { class: 'friend-share' },
    el('h4', { text: 'Share your taste' }),
    el('label', { for: 'friend-my-name', text: 'Your name, as your friend will see it (optional)' }), nameIn,
    what, el('div', { class: 'friend-buttons' }, downloadBtn, linkBtn), linkOut, shareStatus);
  return {
    element,
    myFile: () => asRead(shareFile()),
    /** fn() when the name or a tick changes (what I share, so what is compared) */
    onChange(fn) {
      nameIn.addEventListener('change', fn);
      for (const box of what.querySelectorAll('input')) box.addEventListener('change', fn);
    },
    forget() {
      try { localStorage.removeItem(NAME_KEY); } catch { /* storage off */ }
      nameIn.value = ''; linkOut.hidden = true; linkOut.value = ''; sayShare('');
    },
  };
}
