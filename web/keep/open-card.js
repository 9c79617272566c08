// open-card.js — "Open a card": a MoodSpace card PNG (share-card.js), opened
// with the file picker or dropped anywhere on the page, shows again what it
// was made of, offline: a soundtrack reopens in the Soundtrack tab exactly as
// the card holds it (film, segments, songs and their moods); a taste summary
// is shown at the top of the Taste tab. Anything else gets a clear message.
//
//   mountOpenCard(root, ctx)   root: the container in the Soundtrack tab
//   readCard(bytes) → { kind, record | taste, note }   (throws with a message for the user)
import { el } from '../ui.js';
import { readText, MAX_PNG_BYTES, PngError } from './png-text.js';
import { readPayload, CARD_KEYWORD, CardError, cardKind } from './card-payload.js';
import { fromRecord } from './keep.js';

/** A card's bytes → its payload (card-payload.js readPayload), or an Error saying why not. */
export function readCard(bytes) {
  const text = readText(bytes, CARD_KEYWORD);
  if (text == null) throw new CardError('This PNG holds no MoodSpace card data: it is another image, a card saved again by an app that strips what images carry (some chat apps do; the original PNG file opens), or a card from a MoodSpace older than reopenable cards, which carried no data.');
  return readPayload(text);
}

const looksPng = (f) => /\.png$/i.test(f?.name || '') || f?.type === 'image/png';

function tasteView(t, note, onClose) {
  const close = el('button', { type: 'button', id: 'opened-taste-close', text: 'Close' });
  close.addEventListener('click', onClose);
  const list = (l) => (l?.items?.length ? el('div', { class: 'opened-list' },
    el('h5', { text: l.title }), l.basis ? el('p', { class: 'muted', text: l.basis }) : null,
    el('ol', {}, ...l.items.map((x) => el('li', { text: x.detail ? `${x.main} — ${x.detail}` : x.main })))) : null);
  return [
    el('h3', { id: 'opened-taste-h', tabindex: '-1', text: `A taste card, reopened: ${t.label}` }),
    note ? el('p', { class: 'note', text: note }) : null,
    el('p', { class: 'dash-verdict-line', id: 'opened-taste-quadrant', text: t.quadrant }),
    el('p', { id: 'opened-taste-sentence', text: t.sentence }),
    t.percentiles.length ? el('table', { id: 'opened-taste-table' },
      el('caption', { text: 'Percentiles of the reference songs, as on the card' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'metric' }), el('th', { scope: 'col', text: 'percentile' }))),
      el('tbody', {}, ...t.percentiles.map((p) => el('tr', {}, el('th', { scope: 'row', text: p.metric }), el('td', { text: String(Math.round(p.p)) }))))) : null,
    el('div', { class: 'opened-lists' }, list(t.artists), list(t.songs)),
    !t.artists.items.length && !t.songs.items.length ? el('p', { class: 'muted', text: 'This card has no top artists or songs (its library had nothing to rank them by).' }) : null,
    el('p', { class: 'muted', text: 'Read from the card file in this browser; nothing was sent anywhere. ' }, close),
  ];
}

export function mountOpenCard(root, ctx) {
  const input = el('input', { type: 'file', id: 'open-card-file', accept: 'image/png,.png', class: 'visually-hidden', tabindex: '-1', 'aria-label': 'A MoodSpace card (PNG) to open' });
  const btn = el('button', { type: 'button', id: 'open-card', text: 'Open a card' });
  const status = el('p', { id: 'open-card-status', class: 'muted', role: 'status', 'aria-live': 'polite' });
  root.replaceChildren(el('div', { class: 'row open-card-row' }, btn,
    el('span', { class: 'muted', text: 'A MoodSpace card (PNG) reopens its soundtrack or taste summary; you can also drop it anywhere on the page.' }), input), status);
  btn.addEventListener('click', () => input.click());
  input.addEventListener('change', () => { const f = input.files?.[0]; input.value = ''; if (f) openFile(f); });

  const say = (text, error = false) => { status.textContent = text; status.className = error ? 'error' : 'muted'; };
  let tasteBox = null;

  async function openFile(file) {
    ctx.showTab?.('soundtrack');
    if (file.size > MAX_PNG_BYTES) return say(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB: far bigger than a MoodSpace card (at most ${MAX_PNG_BYTES / 1048576} MB), so it was not read.`, true);
    if (!looksPng(file)) return say(`${file.name} is not a PNG image, so it is not a MoodSpace card. (Music exports and playlists are opened in the Your music tab.)`, true);
    say(`Reading ${file.name}…`);
    try {
      const card = readCard(new Uint8Array(await file.arrayBuffer()));
      if (card.kind === 'soundtrack') {
        const r = card.record;
        const films = r.film.source === 'catalog' ? await ctx.soundtrack.catalog() : [];
        // exactly as the card holds it: its songs' snapshots, not today's library
        const shown = fromRecord(r, { films, songs: new Map() });
        if (!shown) throw new CardError(`The film of this card (${r.film.title}) is not in this version's film catalog, so its soundtrack cannot be shown.`);
        if (shown.film.source === 'script' && card.year) shown.film = { ...shown.film, year: card.year };
        ctx.soundtrack.open(shown);
        say(`Reopened the soundtrack for ${r.film.title} (${r.picks.length} segments) from ${file.name}.${card.note ? ` ${card.note}` : ''}`);
        document.getElementById('full-h')?.focus();
      } else if (card.kind !== 'taste') {
        const said = await cardKind(card.kind).open(card.data, ctx);
        say(`${said || `Opened ${file.name}.`}${card.note ? ` ${card.note}` : ''}`);
      } else {
        showTaste(card.taste, card.note);
        say(`Reopened the taste card of ${card.taste.label} from ${file.name}: it is at the top of the Taste tab.`);
      }
    } catch (e) {
      const known = e instanceof CardError || e instanceof PngError;
      say(known ? e.message : `${file.name} could not be read as a card: ${e.message || e}`, true);
    }
  }

  function showTaste(taste, note) {
    const view = document.getElementById('view-taste');
    tasteBox?.remove();
    tasteBox = el('section', { class: 'card opened-taste', id: 'opened-taste', 'aria-labelledby': 'opened-taste-h' });
    tasteBox.append(...tasteView(taste, note, () => { tasteBox.remove(); tasteBox = null; document.getElementById('tab-taste')?.focus(); }).filter(Boolean));
    const mount = document.getElementById('taste-mount');
    if (mount?.parentNode) mount.parentNode.insertBefore(tasteBox, mount); else view?.append(tasteBox);
    ctx.showTab?.('taste');
    document.getElementById('opened-taste-h')?.focus();
  }

  // a card dropped anywhere on the page (the import drop zone keeps its own files)
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  document.addEventListener('dragover', (e) => { if (hasFiles(e) && !e.defaultPrevented) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  document.addEventListener('drop', (e) => {
    if (e.defaultPrevented || !e.dataTransfer?.files?.length) return;
    e.preventDefault();
    openFile(e.dataTransfer.files[0]);
  });

  // a new soundtrack on screen: what was said about an earlier card is old news
  ctx.events?.addEventListener('soundtrack', (ev) => { if (!ev.detail?.reopened) say(''); });
  return { openFile };
}
