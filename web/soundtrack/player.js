// player.js — a song's Spotify player, or, when it cannot load (the device
// is offline), the song's title, artist and an "Open in Spotify" link in its
// place instead of an empty grey frame. Swaps back when the network returns.
import { el, afterPaint } from '../ui.js';

const SPOTIFY_ID = /^[A-Za-z0-9]{22}$/;

export function songPlayer(song, embedBase) {
  // a song from a basic data export has its Spotify id only in `uri`, once looked up (resolve.js)
  const id = SPOTIFY_ID.test(song.id || '') ? song.id : /^spotify:track:([A-Za-z0-9]{22})$/.exec(song.uri || '')?.[1];
  if (!id) return null;
  const box = el('div', { class: 'player' });
  const link = `https://open.spotify.com/track/${encodeURIComponent(id)}`;
  const frame = () => el('iframe', { src: `${embedBase}/track/${encodeURIComponent(id)}`, title: `Play ${song.title} by ${song.artist} on Spotify`,
    loading: 'lazy', allow: 'encrypted-media; clipboard-write', referrerPolicy: 'strict-origin-when-cross-origin' });
  const offline = () => el('div', { class: 'player-offline' },
    el('p', {}, el('strong', { text: song.title }), ' — ', el('span', { text: song.artist })),
    el('p', { class: 'muted', text: 'The Spotify player needs the network. ' }, el('a', { href: link, target: '_blank', rel: 'noopener noreferrer', text: 'Open in Spotify' })));
  const show = () => box.replaceChildren(navigator.onLine === false ? offline() : frame());
  // one listener pair per card; cards are replaced wholesale, so drop them with the card
  const ctl = new AbortController();
  const swap = () => { if (box.isConnected) show(); else ctl.abort(); };
  // The embed comes after the card's first paint: each iframe is a frame of its own (a document,
  // then a navigation to Spotify), and made with the card they held the songs' first paint back
  // by tens of milliseconds. Its box has the embed's size and colour meanwhile (style.css), so
  // nothing moves and nothing looks different: an embed shows that until Spotify answers.
  if (navigator.onLine === false) show();
  else {
    box.append(el('div', { class: 'embed-wait' }));
    afterPaint().then(() => { if (box.querySelector(':scope > .embed-wait')) swap(); });
  }
  addEventListener('online', swap, { signal: ctl.signal });
  addEventListener('offline', swap, { signal: ctl.signal });
  return box;
}
