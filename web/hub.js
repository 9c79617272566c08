// hub.js — the extras' entry point, loaded by app.js once the shell is up:
//
//   mount(ctx)   ctx = { library, spotifyFetch, auth, engine, lyrics, mounts:
//                { taste, import, demo, save }, events, showTab, notify,
//                notifyError, predictSongs }   (see the top of app.js)
//
// It fills the shell's containers and nothing else:
//   import  the data-export import card (history.js)
//   demo    the demo library button (demo.js)
//   save    Save to Spotify + export of a soundtrack (save.js)
//   taste   the Taste dashboard (dashboard.js)
//   recent  the soundtracks kept in this browser, the last one reopened (keep.js)
//   #open-card-mount  "Open a card" and cards dropped on the page (open-card.js)
//   friend  "Compare with a friend" in the Taste tab (friend/friend-view.js)
// and registers the service worker (sw.js) for offline use.
import { mountImport, mountSources } from './library/history.js';
import { mountDemo } from './library/demo.js';
import { mountSave, resumePendingSave } from './keep/save.js';
import { mountDashboard } from './taste/dashboard.js';
import { mountKeep } from './keep/keep.js';
import { mountOpenCard } from './keep/open-card.js';
import { mountFriend } from './friend/friend-view.js';

const OFFLINE_TOLD = 'moodspace.offlineReadyTold';

/** Register sw.js; the first time it is active, say once that the app now works offline. */
export function registerServiceWorker(notify) {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return null;
  return navigator.serviceWorker.register('./sw.js', { scope: './' }).then(async (reg) => {
    let told = false;
    try { told = !!localStorage.getItem(OFFLINE_TOLD); } catch { /* storage off: tell every first install */ }
    if (told) return reg;
    await navigator.serviceWorker.ready;
    notify?.('MoodSpace is ready to work offline: the app, the model, the film catalog and the demo open without a network from now on.');
    try { localStorage.setItem(OFFLINE_TOLD, '1'); } catch { /* ignore */ }
    return reg;
  }).catch((e) => {
    console.warn('service worker not registered:', e);
    return null;
  });
}

export async function mount(ctx) {
  // the offline notice goes to the footer's line (index.html #offline-note): it
  // arrives seconds after the first paint, and in the status line at the top
  // it would push the whole page down
  registerServiceWorker((m) => { const n = document.getElementById('offline-note'); if (n) n.textContent = m; else ctx.notify?.(m); });
  if (ctx.mounts.import) {
    mountImport(ctx.mounts.import, {
      library: ctx.library,
      onImported: () => {
        ctx.events?.dispatchEvent(new CustomEvent('library-ready'));
        ctx.showTab?.('taste', { focusView: true });   // the same place the demo leads to
        ctx.predictSongs?.();
      },
    });
  }
  const sources = document.getElementById('sources-mount');
  if (sources) mountSources(sources, { library: ctx.library, notify: ctx.notify });
  if (ctx.mounts.demo) mountDemo(ctx.mounts.demo, ctx);
  if (ctx.mounts.save) mountSave(ctx.mounts.save, ctx);
  if (ctx.mounts.taste) mountDashboard(ctx.mounts.taste, ctx);
  if (ctx.mounts.recent && ctx.soundtrack) mountKeep(ctx.mounts.recent, ctx);
  const cardMount = document.getElementById('open-card-mount');
  if (cardMount && ctx.soundtrack) mountOpenCard(cardMount, ctx);
  // friend: after keep, so a kept joint soundtrack is listed at once
  const friend = document.getElementById('friend-mount');
  if (friend) mountFriend(friend, ctx);
  resumePendingSave(ctx);
}
