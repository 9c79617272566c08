// notices.js — small notices for security-relevant state, each in its own
// banner (the .banner style of the page) inserted after #banner:
//
//   showOverrideNotice()        while ?api= / ?accounts= / ?lrclib= / ?embed=
//                               point the page at other servers (loopback pages
//                               only, web/config.js), with a way back to the
//                               real services
//   askClientIdFromUrl(auth)    a ?client_id= link: ask before saving it
//   watchForUpdates()           a new version is installed and waiting (web/sw.js):
//                               "Reload" activates it; other tabs keep working;
//                               each page start tells the worker to delete the
//                               caches no open page uses any more ({type: 'prune'})
//   offerToForget(library)      after sign-out: forget the library and lyrics
//                               kept in this browser (web/library/forget.js)
//
// Every text is set with textContent.
import { overridesActive, clearOverrides } from './config.js';

const OVERRIDE_PARAMS = ['api', 'accounts', 'lrclib', 'embed'];

/** Show (or replace) a notice: text and buttons [{ id, label, onClick }]. Returns its element. */
export function showNotice(id, text, actions = []) {
  document.getElementById(id)?.remove();
  const box = document.createElement('div');
  box.id = id;
  box.className = 'banner notice';
  box.setAttribute('role', 'status');
  const p = document.createElement('p');
  p.textContent = text;
  const row = document.createElement('div');
  row.className = 'banner-actions';
  for (const a of actions) {
    const b = document.createElement('button');
    b.type = 'button';
    if (a.id) b.id = a.id;
    b.textContent = a.label;
    b.addEventListener('click', a.onClick);
    row.append(b);
  }
  box.append(p, row);
  const anchor = document.getElementById('banner');
  if (anchor) anchor.after(box); else document.body.prepend(box);
  return box;
}

export function hideNotice(id) { document.getElementById(id)?.remove(); }

function stripParams(names) {
  const u = new URL(location.href);
  let changed = false;
  for (const n of names) if (u.searchParams.has(n)) { u.searchParams.delete(n); changed = true; }
  if (changed) history.replaceState(history.state, '', u.pathname + u.search + u.hash);
}

export function showOverrideNotice() {
  const list = overridesActive();
  if (!list.length) return null;
  const what = list.map((o) => `${o.param} → ${o.url}`).join(', ');
  const accounts = list.find((o) => o.key === 'accountsBase');
  const signIn = accounts
    ? `"Sign in with Spotify" will open ${accounts.url}/authorize, not accounts.spotify.com, and asks before it goes there. `
    : 'Your Spotify sign-in goes there too: ';
  return showNotice('override-notice',
    `Test set-up: this page talks to other servers than Spotify and LRCLIB (${what}), set from the address bar. ` +
    `${signIn}Continue only if you set this up yourself.`,
    [{ id: 'override-reset', label: 'Use the real services', onClick: () => { clearOverrides(); stripParams(OVERRIDE_PARAMS); location.reload(); } }]);
}

/** Returns true when a Client ID from the address bar was saved (the user agreed). */
export function askClientIdFromUrl(auth) {
  const id = auth.clientIdFromUrl();
  stripParams(['client_id']);
  if (!id) return false;
  const ok = globalThis.confirm(`This link asks MoodSpace to sign in to Spotify through the app with Client ID ${id}. ` +
    'Use it only if you created that app yourself or trust whoever sent the link. Save this Client ID?');
  if (ok) auth.setClientId(id);
  return ok;
}

export function watchForUpdates() {
  const sw = globalThis.navigator?.serviceWorker;
  if (!sw) return;
  let reloading = false;
  const prune = () => { try { sw.controller?.postMessage({ type: 'prune' }); } catch { /* no worker */ } };
  prune();
  sw.addEventListener('controllerchange', () => { if (reloading) location.reload(); else prune(); });
  const offer = (reg) => {
    if (!reg.waiting || !sw.controller) return;   // first install: nothing to replace
    showNotice('update-notice', 'A new version of MoodSpace is ready. Reload to use it (other open MoodSpace tabs keep working until you reload them).',
      [{ id: 'update-reload', label: 'Reload', onClick: () => { reloading = true; reg.waiting?.postMessage({ type: 'skip-waiting' }); } },
        { label: 'Later', onClick: () => hideNotice('update-notice') }]);
  };
  // ready: the registration once it has an active worker (on a first visit
  // the page registers it later, web/taste/dashboard.js)
  sw.ready.then((reg) => {
    offer(reg);
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => { if (w.state === 'installed') offer(reg); });
    });
  }).catch(() => {});
}

export function offerToForget(library) {
  showNotice('forget-notice',
    'Signed out: every Spotify token was removed. Your library with its sources, the lyrics, the Spotify ids found and the films you brought are still saved in this browser (IndexedDB).',
    [{ id: 'forget-data', label: 'Forget them too', onClick: async () => {
      const { forgetStoredData } = await import('./library/forget.js');
      const ok = await forgetStoredData(library);
      showNotice('forget-notice', ok ? 'Your library, its sources, the lyrics, the Spotify ids found and the films you brought were deleted from this browser.'
        : 'Some saved data could not be deleted (storage blocked?); clear this site\'s data in the browser settings.',
      [{ label: 'Dismiss', onClick: () => hideNotice('forget-notice') }]);
    } },
    { id: 'forget-keep', label: 'Keep them', onClick: () => hideNotice('forget-notice') }]);
}
