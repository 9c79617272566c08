// save.js — "Keep this soundtrack": Save to Spotify (opt-in, private by
// default) and exports that need no Spotify (copy URIs, CSV, M3U, XSPF), shown
// under a soundtrack when app.js fires its 'soundtrack' event
// (detail: { film, kind: 'quick'|'full', picks: [{ song, segment?, distance }] }).
//
// Saving needs the playlist-modify-private scope, asked for only now: the
// pending save is kept in sessionStorage across Spotify's sign-in page and
// finished on return (resumePendingSave), showing the playlist link.
//
// The Spotify-only actions say why they are unavailable instead of giving
// empty output: Save needs a sign-in and at least one song with a Spotify
// id, Copy URIs needs such a song. The panel follows sign-in changes and ids
// found later (web/spotify/resolve.js) by reading each song from the library.
import { savePlaylist } from '../spotify/playlist.js';
import { toCsv, toM3u, toXspf, urisText, trackUri, fileStem, download, copyText } from './export.js';
import { el } from '../ui.js';
import { shareButton } from './share-card.js';
import { soundtrackPayload } from './card-payload.js';

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
    // a save finished after Spotify's sign-in page spoke of the soundtrack before this one
    if (!d.reopened) for (const old of document.querySelectorAll('.save-resume')) old.remove();
    render();
  });
  // signing in or out, or Spotify ids found for songs, changes what is possible
  ctx.auth?.authEvents?.addEventListener('change', () => { if (current) refresh(); });
  ctx.library?.subscribe?.((ev) => {
    if (current && ev?.type === 'update' && current.picks.some((p) => p.song && ev.ids?.includes(p.song.id))) refresh();
  });

  // the picks with each song as the library has it now (a Spotify id may have been found since)
  const livePicks = () => current.picks.map((p) => {
    const now = p.song && ctx.library?.state?.songs?.get?.(p.song.id);
    return now ? { ...p, song: now } : p;
  });
  let refresh = () => {};

  function render() {
    const { film } = current;
    const filmTitle = film?.title || 'a film';
    const nameIn = el('input', { id: 'playlist-name', type: 'text', value: `MoodSpace: ${filmTitle}`.slice(0, 100), maxLength: 100 });
    const pub = el('input', { id: 'playlist-public', type: 'checkbox', checked: false });
    const saveBtn = el('button', { id: 'save-spotify', type: 'button', class: 'primary', text: 'Save to Spotify', 'aria-describedby': 'save-why' });
    const saveWhy = el('p', { id: 'save-why', class: 'note' });
    const out = el('p', { id: 'save-result', role: 'status', 'aria-live': 'polite' });
    const expOut = el('p', { id: 'export-result', class: 'muted', role: 'status', 'aria-live': 'polite' });
    const stem = fileStem(`moodspace-${filmTitle}`);
    const copyBtn = el('button', { id: 'export-uris', type: 'button', text: 'Copy Spotify URIs', 'aria-describedby': 'ids-note' });
    const csvBtn = el('button', { id: 'export-csv', type: 'button', text: 'Download CSV' });
    const m3uBtn = el('button', { id: 'export-m3u', type: 'button', text: 'Download M3U' });
    const xspfBtn = el('button', { id: 'export-xspf', type: 'button', text: 'Download XSPF' });
    const idsNote = el('p', { id: 'ids-note', class: 'muted' });
    let saving = false;

    refresh = () => {
      const picks = livePicks();
      const withId = picks.filter((p) => trackUri(p.song)).length;
      const without = picks.length - withId;
      const signedIn = !!ctx.auth?.isSignedIn?.();
      saveBtn.disabled = saving || !signedIn || !withId;
      copyBtn.disabled = !withId;
      saveWhy.textContent = !signedIn
        ? 'Saving to Spotify needs a Spotify sign-in (Your music tab), which needs your own Spotify developer app. The downloads below work without one.'
        : !withId ? 'None of these songs has a Spotify id yet, so there is nothing to save; the downloads below list them all.' : '';
      saveWhy.hidden = !saveWhy.textContent;
      idsNote.textContent = !without ? ''
        : `${without} of these ${picks.length} songs have no Spotify id (a basic data export has none)` +
          (signedIn ? ': MoodSpace looks them up on Spotify (Your music tab shows the count); those not found stay out of Spotify playlists and URIs.'
            : ': sign in with Spotify to look them up. They are left out of Spotify playlists and URIs, but the CSV, M3U and XSPF list every song.');
      idsNote.hidden = !without;
      return picks;
    };

    copyBtn.addEventListener('click', async () => {
      const picks = refresh();
      const n = picks.filter((p) => trackUri(p.song)).length;
      if (!n) return;
      const ok = await copyText(urisText(picks));
      expOut.textContent = ok ? `Copied ${n} URIs: paste them into a playlist in the Spotify desktop app.` : 'Copying was refused by the browser.';
    });
    csvBtn.addEventListener('click', () => { download(`${stem}.csv`, toCsv(refresh()), 'text/csv;charset=utf-8'); expOut.textContent = `Saved ${stem}.csv.`; });
    m3uBtn.addEventListener('click', () => { download(`${stem}.m3u`, toM3u(refresh(), nameIn.value), 'audio/x-mpegurl;charset=utf-8'); expOut.textContent = `Saved ${stem}.m3u.`; });
    xspfBtn.addEventListener('click', () => {
      download(`${stem}.xspf`, toXspf(refresh(), nameIn.value), 'application/xspf+xml;charset=utf-8');
      expOut.textContent = `Saved ${stem}.xspf: players such as VLC find each song by title and artist in your own files.`;
    });
    saveBtn.addEventListener('click', async () => {
      const picks = refresh();
      const uris = picks.map((p) => trackUri(p.song)).filter(Boolean);
      const req = { name: nameIn.value.trim() || `MoodSpace: ${filmTitle}`, isPublic: pub.checked,
        description: `A soundtrack for ${filmTitle}, matched by MoodSpace from the moods of lyrics and scenes.`, uris };
      const auth = ctx.auth;
      if (!auth?.isSignedIn?.() || !uris.length) return;   // (the button is disabled then, with the reason beside it)
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
      saving = true; refresh();
      await doSave(ctx, req, out);
      saving = false; refresh();
    });
    refresh();
    // (above the songs: the share card and the downloads first, then Spotify)
    root.replaceChildren(
      el('h5', { text: 'Keep this soundtrack' }),
      el('div', { class: 'row' }, shareButton({ id: 'share-soundtrack', file: stem, card: () => ({ kind: 'soundtrack', data: current, payload: soundtrackPayload(current) }) })),
      el('div', { class: 'row' }, copyBtn, csvBtn, m3uBtn, xspfBtn), idsNote, expOut,
      el('div', { class: 'row' }, el('label', { for: 'playlist-name', text: 'Playlist name' }), nameIn),
      el('div', { class: 'row keep-check' }, pub, el('label', { for: 'playlist-public', text: 'Public playlist (off: only you can see it)' })),
      el('div', { class: 'row' }, saveBtn), saveWhy, out);
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
