// share-card.js — "Share as image": a PNG card of a soundtrack, of the taste
// summary (or of anything given as layout blocks), drawn on a canvas in this
// browser. The PNG carries what it shows (card-payload.js, in an iTXt chunk)
// so that it reopens in MoodSpace (open-card.js). Nothing is uploaded.
//
//   drawCard({ kind, size, data })  → { canvas, layout }   kind: 'soundtrack' | 'taste' | 'blocks',
//                                     size: 'post' (1080×1350, the default) | 'story' (1080×1920)
//   cardPng({ kind, size, data, payload }) → Promise<Blob> (image/png, payload in its iTXt chunk)
//   shareButton({ id, label, file, card })  a size choice and a button: card() → { kind, data, payload }.
//     Where the browser can share files (navigator.canShare({ files })), the
//     system share sheet opens with the PNG; elsewhere it is downloaded.
//   drawSoundtrackCard(detail), drawTasteCard(data) → canvas (the post size)
//
// The pieces: card-content.js (what a card says), card-layout.js (where each
// line goes, measured), card-draw.js (the painting), png-text.js (the chunk).
import { el } from '../ui.js';
import { getConfig } from '../config.js';
import { download, fileStem } from './export.js';
import { layoutCard, ellipsize, fontOf, SIZES, DEFAULT_SIZE, MAX_CARD_TEXT } from './card-layout.js';
import { cardSpec, appAddress } from './card-content.js';
import { paintCard, canvasMeasure, newCanvas } from './card-draw.js';
import { withText } from './png-text.js';
import { CARD_KEYWORD } from './card-payload.js';

export { SIZES, DEFAULT_SIZE, MAX_CARD_TEXT };
/** The default card size (kept for callers that read CARD.width / CARD.height). */
export const CARD = { width: SIZES.post.width, height: SIZES.post.height };

let measureCanvas = null;
const measurer = () => canvasMeasure((measureCanvas ||= newCanvas(1, 1)).getContext('2d'));

/** Text cut with an ellipsis to fit maxWidth at the canvas context's current font. */
export function fit(g, text, maxWidth) {
  return ellipsize((t) => g.measureText(t).width, g.font, text, maxWidth);
}

export function drawCard({ kind, size = DEFAULT_SIZE, data }) {
  let address = '';
  try { address = appAddress(getConfig()); } catch { /* no page address: the card goes without */ }
  const layout = layoutCard(cardSpec({ kind, size, data, address }), measurer());
  return { canvas: paintCard(layout), layout };
}

export const drawSoundtrackCard = (detail) => drawCard({ kind: 'soundtrack', data: detail }).canvas;
export const drawTasteCard = (data) => drawCard({ kind: 'taste', data }).canvas;

const toBlob = (canvas) => new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The image could not be made in this browser.'))), 'image/png'));

/** The card as a PNG Blob; `payload` (card-payload.js) goes into its iTXt chunk. */
export async function cardPng({ kind, size, data, payload, canvas }) {
  const blob = await toBlob(canvas || drawCard({ kind, size, data }).canvas);
  if (!payload) return blob;
  const bytes = withText(new Uint8Array(await blob.arrayBuffer()), CARD_KEYWORD, JSON.stringify(payload));
  return new Blob([bytes], { type: 'image/png' });
}

/** True where the system share sheet takes files (phones, some desktops). */
export function canShareFiles(file) {
  try { return !!(navigator.canShare && navigator.share && navigator.canShare({ files: [file] })); } catch { return false; }
}

/**
 * A size choice, a button that makes the card and shares or downloads it, and
 * a status line. `card()` → { kind, data, payload }; (older callers may give
 * `draw()` → canvas instead: no payload then).
 */
export function shareButton({ id, label = 'Share as image', file, card, draw }) {
  const sizeSel = el('select', { id: `${id}-size`, class: 'share-size', 'aria-label': 'Card size' },
    ...Object.entries(SIZES).map(([k, s]) => el('option', { value: k, text: s.label, selected: k === DEFAULT_SIZE })));
  const btn = el('button', { type: 'button', id, class: 'share-btn', text: label });
  const out = el('span', { class: 'muted share-status', role: 'status', 'aria-live': 'polite' });
  btn.addEventListener('click', async () => {
    btn.disabled = true; out.textContent = '';
    try {
      const size = SIZES[sizeSel.value] ? sizeSel.value : DEFAULT_SIZE;
      const { width, height } = SIZES[size];
      const name = `${fileStem(typeof file === 'function' ? file() : file)}${size === 'story' ? '-story' : ''}.png`;
      let blob;
      if (card) { const c = card(); blob = await cardPng({ ...c, size }); } else blob = await toBlob(draw(size));
      const f = typeof File === 'function' ? new File([blob], name, { type: 'image/png' }) : null;
      if (f && canShareFiles(f)) {
        try {
          await navigator.share({ files: [f], title: 'MoodSpace' });
          out.textContent = ` Shared ${name} (${width}×${height}, made in this browser).`;
          return;
        } catch (e) {
          if (e?.name === 'AbortError') { out.textContent = ' Sharing was cancelled.'; return; }
          // (e.g. the browser refused the sheet): the file is downloaded instead
        }
      }
      download(name, blob, 'image/png');
      out.textContent = ` Saved ${name} (${width}×${height}, made in this browser).`;
    } catch (e) { out.textContent = ` ${e.message || e}`; } finally { btn.disabled = false; }
  });
  return el('span', { class: 'share' }, sizeSel, btn, out);
}

export { fontOf };
