// MoodSpace app shell: tabs, sign-in state, the library table, lyrics progress,
// and the hooks other modules mount into.
//
// Extension point for the Taste dashboard, data-export import, demo library,
// save/export and the service worker (web-extras): web/hub.js exports
//     mount(ctx)   called once after the shell is up, where ctx = {
//       library, spotifyFetch, auth, engine, config, lyrics,
//       mounts: { taste, import, demo, save, recent },   // empty containers to fill
//       events,            // EventTarget: 'soundtrack' (detail: { film, kind: 'quick'|'full', picks: [{ song, segment?, distance, locked? }], edited? }),
//                          //              'soundtrack-locks' (the same detail: a song locked or unlocked, nothing else changed),
//                          //              'library-ready' (songs have metrics)
//       showTab(name),     // 'music' | 'taste' | 'soundtrack'
//       notify(message), notifyError(message),
//       predictSongs(ids?) // fetch lyrics + predict for songs still pending
//     }
// Every external string is rendered with textContent, never innerHTML.

import { getConfig } from './config.js';
import * as auth from './spotify/auth.js';
import { spotifyFetch, getTop, getRecentlyPlayed, getMe, TIME_RANGES, SpotifyError } from './spotify/spotify.js';
import { watchUnresolved } from './spotify/resolve.js';
import { fetchLyrics, lyricTexts, CAUSE_TEXT } from './lyrics/lrclib.js';
import { lyricsPipeline } from './library/predict.js';
import { pasteButton } from './lyrics/paste.js';
import { library } from './library/library.js';
import { engine } from './engine/engine-client.js';
import { initSoundtrack } from './soundtrack/soundtrack.js';
import { $, el, fmt, setModelMetrics } from './ui.js';
import * as notices from './notices.js';


const events = new EventTarget();

// --- status line and banner ----------------------------------------------------

function notify(msg) { $('status').textContent = msg || ''; }
function notifyError(msg, { signin = false } = {}) {
  $('banner-text').textContent = msg;
  $('banner-signin').hidden = !signin;
  $('banner').hidden = false;
}
$('banner-close').addEventListener('click', () => { $('banner').hidden = true; });
$('banner-signin').addEventListener('click', () => startSignIn());

// --- tabs (WAI-ARIA tabs pattern: arrows, Home/End, roving tabindex) ---------------

const TABS = ['music', 'taste', 'soundtrack'];
function showTab(name, { focus = false, focusView = false } = {}) {
  if (!TABS.includes(name)) return;
  for (const t of TABS) {
    const tab = $(`tab-${t}`); const on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`view-${t}`).hidden = !on;
  }
  if (focus) $(`tab-${name}`).focus();
  if (focusView) $(`view-${name}`).focus();   // e.g. after opening a library: land on what it opened
  if (location.hash !== `#${name}`) history.replaceState(history.state, '', `#${name}`);
  events.dispatchEvent(new CustomEvent('tab', { detail: { name } }));
}
for (const t of TABS) {
  const tab = $(`tab-${t}`);
  tab.addEventListener('click', () => showTab(t));
  tab.addEventListener('keydown', (ev) => {
    const i = TABS.indexOf(t);
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (ev.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = TABS.length - 1;
    if (j != null) { ev.preventDefault(); showTab(TABS[j], { focus: true }); }
  });
}

// --- account ---------------------------------------------------------------------------

function renderAccount() {
  const signedIn = auth.isSignedIn();
  $('signed-out').hidden = signedIn;
  $('signed-in').hidden = !signedIn;
  const st = library.state;
  const who = st.user ? st.user.displayName : '';
  $('signed-in-as').textContent = signedIn ? (who ? `Signed in to Spotify as ${who}.` : 'Signed in to Spotify.') : '';
  $('account').textContent = signedIn ? (who ? `Spotify: ${who}` : 'Spotify: signed in')
    : st.mode === 'demo' ? st.label
      : st.source ? `${st.label}${st.sources.length > 1 ? ` (${st.sources.length} sources)` : ''}` : '';
}

notices.askClientIdFromUrl(auth);
$('client-id').value = auth.getClientId();
$('redirect-uri').textContent = auth.redirectUri();
$('client-id').addEventListener('change', () => {
  try { auth.setClientId($('client-id').value); $('client-id-error').hidden = true; }
  catch (e) { $('client-id-error').textContent = e.message; $('client-id-error').hidden = false; }
});

// The sign-in card says which app signing in goes through. With a Client ID
// compiled in (or one saved before) it is one button; without one the button
// waits until the user sets up their own app (the folded form below), and the
// card points to the export, which needs no app at all.
function renderSignInMode() {
  // what signing in will use: a typed ID (saved when signing in), else the saved or built-in one;
  // rendered as the user types, so nothing moves under the pointer on the way to the button
  const id = $('client-id').value.trim() || auth.getClientId();
  const builtIn = getConfig().clientId;
  $('signin').hidden = !id;
  $('signin-mode').textContent = !id
    ? 'This MoodSpace has no Spotify app built in. Set one up under “Use your own Spotify app” (about 10 minutes on developer.spotify.com), or use your data export: it needs no app at all.'
    : id === builtIn ? 'This MoodSpace comes with its host’s Spotify app: one button. It admits only the Spotify accounts the host listed on that app.'
      : `Signing in goes through your own Spotify app (Client ID ending …${id.slice(-4)}).`;
}
renderSignInMode();
$('client-id').addEventListener('input', renderSignInMode);
$('client-id').addEventListener('change', renderSignInMode);

function signInError(message) {
  $('client-id-error').textContent = message; $('client-id-error').hidden = false;
}

async function startSignIn(extraScopes = []) {
  // Spotify's sign-in page is on the network: say so instead of leaving the
  // app for the browser's error page
  if (navigator.onLine === false) {
    showTab('music');
    signInError('Signing in needs the network, and this device is offline. The demo and your data export work offline; sign in once you are back online.');
    return;
  }
  try {
    const typed = $('client-id').value.trim();
    if (typed !== auth.getClientId()) auth.setClientId(typed);
    $('client-id-error').hidden = true;
    await library.save();  // what is on screen comes back after the round trip
    await auth.login({ extraScopes });
  } catch (e) {
    signInError(e.message);
    showTab('music'); $('own-app').open = true; $('client-id').focus(); renderSignInMode();
  }
}
$('signin').addEventListener('click', () => startSignIn());
$('signout').addEventListener('click', () => {
  auth.signOut();
  notify('Signed out: every Spotify token was removed from this browser.');
  notices.offerToForget(library);
});
$('reload-spotify').addEventListener('click', () => loadSpotify());
// "Forget my data", for everyone (signing out offers it too, notices.js): asks first
$('forget-all').addEventListener('click', async () => {
  const { confirmAction } = await import('./library/confirm.js');
  const yes = await confirmAction({
    title: 'Forget your data in this browser?',
    message: 'Your library and every source of it, the demo, the lyrics (pasted ones too), the Spotify ids found, the films you brought and the kept soundtracks are deleted from this browser' +
      (auth.isSignedIn() ? ', and you are signed out of Spotify here' : '') + '. Your files and your Spotify account are not touched; to get the library back, import the files again.',
    confirmLabel: 'Forget my data',
  });
  if (!yes) return;
  if (auth.isSignedIn()) auth.signOut();   // (else a reload would read the account again)
  const { forgetStoredData } = await import('./library/forget.js');
  const ok = await forgetStoredData(library);
  $('lyrics-progress').hidden = true;
  $('export-guide').open = true;
  notify(ok ? 'Forgotten: nothing of yours is kept in this browser any more.'
    : 'Some saved data could not be deleted (storage blocked?); clear this site\'s data in the browser settings.');
  showTab('music');
});
auth.authEvents.addEventListener('change', renderAccount);
auth.authEvents.addEventListener('signin-required', () => {
  notifyError('Your Spotify session has expired. Sign in again to continue — everything on screen stays.', { signin: true });
});

// --- library table ------------------------------------------------------------------------

const STATUS_TEXT = { pending: 'waiting', found: 'found', instrumental: 'instrumental', notfound: 'not found', error: 'failed', none: '—' };

// a failure says why ("failed: offline"); songs without lyrics offer "Paste lyrics" (lyrics/paste.js)
const lyricsCellText = (s) => (s.lyricsStatus === 'error' && CAUSE_TEXT[s.lyricsCause]
  ? `failed: ${s.lyricsCause === 'rate_limited' ? 'rate-limited' : s.lyricsCause}` : STATUS_TEXT[s.lyricsStatus] || s.lyricsStatus);
const pasteCtx = { library, predict: (ids) => predictSongs(ids), notify };

let tableQueued = false;
function renderLibrary() {
  if (tableQueued) return;
  tableQueued = true;
  requestAnimationFrame(() => {
    tableQueued = false;
    const st = library.state;
    const songs = library.rankedSongs();
    $('library-panel').hidden = songs.length === 0;
    const withMetrics = songs.filter((s) => s.metrics).length;
    $('library-summary').textContent = `${st.label || 'Library'}: ${songs.length} songs, ${withMetrics} with a predicted mood.`;
    const rows = songs.slice(0, 500).map((s, i) => el('tr', {},
      el('td', { class: 'num', text: String(i + 1) }),
      el('td', { text: s.title }),
      el('td', { text: s.artist }),
      el('td', { class: `lyr-${s.lyricsStatus}` }, lyricsCellText(s), pasteButton(s, pasteCtx)),
      el('td', { class: 'num', text: fmt(s.metrics?.energy) }),
      el('td', { class: 'num', text: fmt(s.metrics?.valence) }),
      el('td', { class: 'num', text: fmt(s.metrics?.tempo, 0) })));
    $('song-table').tBodies[0].replaceChildren(...rows);
    renderAccount();
  });
}
let saveTimer = null;
library.subscribe(() => {
  renderLibrary();
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => library.save(), 500);
});

// --- lyrics + prediction (library/predict.js) ------------------------------------------------

const { predictSongs, lyricsOf } = lyricsPipeline({ library, engine, events, notify, notifyError });
// back online after an offline run: say that the retry will work now
addEventListener('online', () => {
  if (!$('lyrics-retry').hidden && library.songList().some((s) => s.lyricsCause === 'offline')) notify('Back online: retry the failed lyrics any time.');
});
$('lyrics-retry').addEventListener('click', () => predictSongs());

// --- Spotify -----------------------------------------------------------------------------------------

async function loadSpotify() {
  try {
    notify('Reading your Spotify profile…');
    const me = await getMe();
    notify('Reading your top tracks and artists (3 time ranges)…');
    const tops = {};
    for (const r of TIME_RANGES) {
      tops[r] = { tracks: await getTop('tracks', r), artists: await getTop('artists', r) };
    }
    const recent = await getRecentlyPlayed();
    // the account is one source of the library: imports stay, and lyrics and
    // moods already known for the same songs are kept (library.js rebuild)
    const all = [...tops.medium_term.tracks, ...tops.short_term.tracks, ...tops.long_term.tracks, ...recent.map((x) => x.song)];
    const top = { tracks: {}, artists: {} };
    for (const r of TIME_RANGES) { top.tracks[r] = tops[r].tracks.map((t) => t.id); top.artists[r] = tops[r].artists; }
    await library.putSpotify({ user: me, songs: all, top, recent: recent.map((x) => ({ id: x.song.id, playedAt: x.playedAt })) });
    notify(`Found ${library.state.songs.size} songs. Fetching lyrics…`);
    await predictSongs();
  } catch (e) {
    if (e instanceof auth.AuthError && e.code === 'signin_required') return; // banner already shown
    if (e instanceof SpotifyError && e.code === 'forbidden') notifyError(e.message);
    else notifyError(e.message || String(e));
    notify('');
  }
}

// --- start ----------------------------------------------------------------------------------------

const ctx = {
  library, spotifyFetch, auth, engine, config: getConfig(),
  lyrics: { fetchLyrics, lyricTexts, lyricsOf },
  mounts: { taste: $('taste-mount'), import: $('import-mount'), demo: $('demo-mount'), save: $('save-mount'), recent: $('recent-soundtracks') },
  events, showTab, notify, notifyError, predictSongs, el,
};
// for the browser tests and the console
globalThis.moodspace = ctx;

async function main() {
  // read before hub.js's save.js takes it (see the end of main)
  let pendingSave = false;
  try { pendingSave = !!sessionStorage.getItem('moodspace.pendingSave'); } catch { /* storage off */ }
  // the extras' code is fetched while the library is read back (mounted below, as before)
  const extrasLoading = import('./hub.js');
  extrasLoading.catch(() => {});   // (said where it is awaited)
  notices.showOverrideNotice();
  notices.watchForUpdates();
  renderAccount();
  engine.on((ev) => {
    if (ev.type === 'error' || ev.type === 'crash') notifyError(`The mood model could not start: ${ev.message}`);
  });
  engine.ready.then((info) => { setModelMetrics(info?.metrics); document.documentElement.dataset.engine = 'ready'; }, () => {});
  initSoundtrack(ctx);
  ctx.resolver = watchUnresolved({ library, auth, fetcher: spotifyFetch, status: $('resolve-status') });
  const restored = await library.restore();
  if (restored) renderLibrary();
  // the export guide is open on a first visit; once there is music it folds away
  // (and when the first source arrives; the user may open it again)
  if (library.state.songs.size) $('export-guide').open = false;
  let hadSources = library.own.sources.length > 0;
  library.subscribe((ev) => {
    if (ev?.type !== 'reset') return;
    const has = library.own.sources.length > 0;
    if (has && !hadSources) $('export-guide').open = false;
    hadSources = has;
  });
  if (library.state.damaged) {
    notifyError(`${library.state.damaged} saved record${library.state.damaged === 1 ? ' was' : 's were'} damaged and left out; the rest of your library is here.`);
  }
  let justSignedIn = false;
  try {
    justSignedIn = (await auth.completeLogin()).status === 'signed-in';
  } catch (e) {
    notifyError(e.message);
  }
  renderAccount();
  // friend (web/friend/): a friend's link carries its data after '#friend=';
  // taken here, before the tab's name replaces the fragment, and opened in Taste
  ctx.friendLink = location.hash.startsWith('#friend=') ? location.hash : '';
  const hash = ctx.friendLink ? 'taste' : location.hash.slice(1);
  showTab(TABS.includes(hash) ? hash : 'music');
  try {
    const extras = await extrasLoading;
    if (typeof extras.mount === 'function') await extras.mount(ctx);
  } catch (e) {
    console.error('extras failed to mount', e);
  }
  document.documentElement.dataset.app = 'ready';
  const st = library.state;
  if (auth.isSignedIn() && justSignedIn && st.user && st.songs.size) {
    // back from signing in again (expired session, or a scope for saving):
    // the same listener keeps the library that was on screen
    const me = await getMe().catch(() => null);
    if (me && me.id === st.user.id) { notify(`Signed in again as ${me.displayName}.`); await predictSongs(); return; }
  }
  // back from granting the playlist scope for "Save to Spotify": the library
  // on screen (whatever its source) stays; save.js finishes the save
  if (justSignedIn && pendingSave && st.songs.size) { await predictSongs(); return; }
  // signing in is asking for the account's music: from the demo, that means back to the own library
  if (justSignedIn && st.mode === 'demo') {
    library.leaveDemo();
    notify('Signed in: left the demo for your own library, to which your Spotify account is added.');
  }
  const hasAccount = (library.own?.sources || []).some((x) => x.kind === 'spotify');
  if (auth.isSignedIn() && library.state.mode !== 'demo' && (justSignedIn || !hasAccount || !library.state.songs.size)) await loadSpotify();
  else if (library.state.songs.size) await predictSongs();
}
main();
