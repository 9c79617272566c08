// save.js — "Keep this soundtrack": Save to Spotify (opt-in, private by
// default) and exports that need no Spotify (copy URIs, CSV, M3U), shown
// under a soundtrack when app.js fires its 'soundtrack' event
// (detail: { film, kind: 'quick'|'full', picks: [{ song, segment?, distance }] }).
//
// Saving needs the playlist-modify-private scope, asked for only now: the
// pending save is kept in sessionStorage across Spotify's sign-in page and
// finished on return (resumePendingSave), showing the playlist link.
import { savePlaylist } from '../spotify/playlist.js';
import { toCsv, toM3u, urisText, trackUri, fileStem, download, copyText } from './export.js';
import { el } from '../ui.js';
import { shareButton, drawSoundtrackCard } from './share-card.js';

const PENDING = 'moodspace.pendingSave';

function resultLink(url) {
  const a = el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: 'Open the playlist in Spotify', id: 'playlist-link' });
  return a;
}

async function doSave(ctx, req, out) {
  out.replaceChildren(el('span', { text: 'Saving to Spotify…' }));
  try {
    const r = await savePlaylist(req, { fetcher: ctx.spotifyFetch });
    out.replaceChildren(
      el('span', { text: `Saved "${req.name}" with ${r.added} songs as a ${req.isPublic ? 'public' : 'private'} playlist${r.skipped ? ` (${r.skipped} songs without a Spotify id left out)` : ''}. ` }),
      resultLink(r.url));
    return r;
  } catch (e) {
    out.replaceChildren(el('span', { class: 'error', text: e.message || String(e) }), e.playlist?.url ? ' ' : null, e.playlist?.url ? resultLink(e.playlist.url) : null);
    return null;
  }
}

export function mountSave(root, ctx) {
  let current = null;
  root.replaceChildren();
  ctx.events?.addEventListener('soundtrack', (ev) => {
    const d = ev.detail || {};
    // the save panel sits under the full soundtrack; a quick match does not replace it
    if (d.kind !== 'full' || !Array.isArray(d.picks) || !d.picks.length) return;
    current = d;
    render();
  });

  function render() {
    const { film, picks } = current;
    const filmTitle = film?.title || 'a film';
    const uris = picks.map((p) => trackUri(p.song)).filter(Boolean);
    const nameIn = el('input', { id: 'playlist-name', type: 'text', value: `MoodSpace: ${filmTitle}`.slice(0, 100), maxLength: 100 });
    const pub = el('input', { id: 'playlist-public', type: 'checkbox', checked: false });
    const saveBtn = el('button', { id: 'save-spotify', type: 'button', class: 'primary', text: 'Save to Spotify' });
    const out = el('p', { id: 'save-result', role: 'status', 'aria-live': 'polite' });
    const expOut = el('p', { id: 'export-result', class: 'muted', role: 'status', 'aria-live': 'polite' });
    const stem = fileStem(`moodspace-${filmTitle}`);
    const copyBtn = el('button', { id: 'export-uris', type: 'button', text: 'Copy Spotify URIs' });
    const csvBtn = el('button', { id: 'export-csv', type: 'button', text: 'Download CSV' });
    const m3uBtn = el('button', { id: 'export-m3u', type: 'button', text: 'Download M3U' });
    copyBtn.addEventListener('click', async () => {
      const ok = await copyText(urisText(picks));
      expOut.textContent = ok ? `Copied ${uris.length} URIs: paste them into a playlist in the Spotify desktop app.` : 'Copying was refused by the browser.';
    });
    csvBtn.addEventListener('click', () => { download(`${stem}.csv`, toCsv(picks), 'text/csv;charset=utf-8'); expOut.textContent = `Saved ${stem}.csv.`; });
    m3uBtn.addEventListener('click', () => { download(`${stem}.m3u`, toM3u(picks, nameIn.value), 'audio/x-mpegurl;charset=utf-8'); expOut.textContent = `Saved ${stem}.m3u.`; });
    saveBtn.addEventListener('click', async () => {
      const req = { name: nameIn.value.trim() || `MoodSpace: ${filmTitle}`, isPublic: pub.checked,
        description: `A soundtrack for ${filmTitle}, matched by MoodSpace from the moods of lyrics and scenes.`, uris };
      const auth = ctx.auth;
      if (!auth?.isSignedIn?.()) { out.textContent = 'Sign in with Spotify first (Your music tab), or use the exports below.'; return; }
      const scopes = auth.grantedScopes?.() || [];
      const needed = req.isPublic ? [auth.SAVE_SCOPE, 'playlist-modify-public'] : [auth.SAVE_SCOPE];
      if (scopes.length && needed.some((sc) => !scopes.includes(sc))) {
        // ask for the playlist scope now, and finish the save when Spotify sends the user back
        try { sessionStorage.setItem(PENDING, JSON.stringify(req)); } catch { /* storage off: the user clicks again */ }
        out.textContent = 'Spotify will ask you to allow MoodSpace to create a private playlist…';
        try { await ctx.library?.save?.(); await auth.login({ extraScopes: needed }); }
        catch (e) { sessionStorage.removeItem(PENDING); out.textContent = e.message || String(e); }
        return;
      }
      saveBtn.disabled = true;
      await doSave(ctx, req, out);
      saveBtn.disabled = false;
    });
    const none = uris.length < picks.length ? el('p', { class: 'muted', text: `${picks.length - uris.length} of these songs have no Spotify id (from a basic data export) and are left out of Spotify playlists, URIs and M3U.` }) : null;
    root.replaceChildren(
      el('h5', { text: 'Keep this soundtrack' }),
      el('div', { class: 'row' }, el('label', { for: 'playlist-name', text: 'Playlist name' }), nameIn),
      el('div', { class: 'row' }, pub, el('label', { for: 'playlist-public', text: 'Public playlist (off: only you can see it)' })),
      el('div', { class: 'row' }, saveBtn), out,
      el('div', { class: 'row' }, copyBtn, csvBtn, m3uBtn,
        shareButton({ id: 'share-soundtrack', file: stem, draw: () => drawSoundtrackCard(current) })), expOut, ...(none ? [none] : []));   // (replaceChildren would print a null)
  }
}

/** After Spotify's sign-in page: finish a save the user started, once. */
export async function resumePendingSave(ctx) {
  let req = null;
  try { req = JSON.parse(sessionStorage.getItem(PENDING) || 'null'); sessionStorage.removeItem(PENDING); } catch { return null; }
  if (!req || !Array.isArray(req.uris) || !ctx.auth?.isSignedIn?.()) return null;
  ctx.showTab?.('soundtrack');   // back where the user pressed Save (keep.js reopens the soundtrack)
  const out = el('p', { id: 'save-result', role: 'status', 'aria-live': 'polite' });
  const box = el('section', { class: 'card save-resume', 'aria-label': 'Saving your soundtrack' }, out);
  document.getElementById('main')?.prepend(box);
  return doSave(ctx, req, out);
}
