// share-card.js — "Share as image": a PNG card of a soundtrack (film, mood
// arc, songs) or of the taste summary, drawn on a canvas in this browser and
// downloaded. Nothing is uploaded anywhere.
//
//   shareButton({ id, label, file, draw })   a button that downloads draw()'s canvas as file.png
//   drawSoundtrackCard({ film, picks })      → canvas (CARD.width × CARD.height)
//   drawTasteCard(data)                      → canvas (data from taste-verdict.js tasteCardData)
import { el } from '../ui.js';
import { download, fileStem } from './export.js';
import { metric } from '../metrics.js';

// Portrait 4:5, the size photo apps and stories take without cropping.
export const CARD = { width: 1080, height: 1350 };
const PAD = 80;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const INK = '#f4f1ff'; const DIM = '#b9b3d9'; const ACCENT = '#ff9f1c';
const LINES = { energy: metric('energy').onDark, valence: metric('valence').onDark };   // the metrics table's (metrics.js)

function canvasCard(top, bottom) {
  const c = document.createElement('canvas');
  c.width = CARD.width; c.height = CARD.height;
  const g = c.getContext('2d');
  const bg = g.createLinearGradient(0, 0, CARD.width * 0.4, CARD.height);
  bg.addColorStop(0, top); bg.addColorStop(1, bottom);
  g.fillStyle = bg; g.fillRect(0, 0, CARD.width, CARD.height);
  g.textBaseline = 'alphabetic';
  return { c, g };
}

/** No line of the card shows more than this many characters: longer text is cut first. */
export const MAX_CARD_TEXT = 400;

/**
 * Text cut with an ellipsis to fit maxWidth at the current font. The cut
 * point is found by binary search over code points (about 10 measures,
 * never one per character, and never half a surrogate pair), on at most
 * MAX_CARD_TEXT characters: a 60,000-character name from an export costs
 * what a short one does.
 */
export function fit(g, text, maxWidth) {
  const whole = String(text ?? '');
  const chars = Array.from(whole.length > 4 * MAX_CARD_TEXT ? whole.slice(0, 4 * MAX_CARD_TEXT) : whole).slice(0, MAX_CARD_TEXT);
  const cut = chars.length < Array.from(whole.slice(0, 4 * MAX_CARD_TEXT + 4)).length;
  const t = chars.join('');
  if (!cut && g.measureText(t).width <= maxWidth) return t;
  // the longest prefix whose "prefix…" fits: lo fits (0 always counts), hi does not
  let lo = 0; let hi = chars.length + 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (g.measureText(`${chars.slice(0, mid).join('')}…`).width <= maxWidth) lo = mid; else hi = mid;
  }
  return `${chars.slice(0, Math.max(1, lo)).join('').trimEnd()}…`;
}

/** Words wrapped into at most maxLines lines of maxWidth; returns the y after the last line. */
export function wrap(g, text, x, y, maxWidth, lineHeight, maxLines = 3) {
  // no card shows more than maxLines lines: the rest of a huge text is never measured
  const words = String(text ?? '').slice(0, maxLines * MAX_CARD_TEXT).split(/\s+/).filter(Boolean);
  let line = ''; let n = 0;
  for (let i = 0; i < words.length; i++) {
    const next = line ? `${line} ${words[i]}` : words[i];
    if (g.measureText(next).width > maxWidth && line) {
      if (n === maxLines - 1) { g.fillText(fit(g, `${line} ${words.slice(i).join(' ')}`, maxWidth), x, y); return y + lineHeight; }
      g.fillText(line, x, y); y += lineHeight; n++; line = words[i];
    } else line = next;
  }
  if (line) { g.fillText(fit(g, line, maxWidth), x, y); y += lineHeight; }
  return y;
}

function brand(g, subtitle) {
  g.fillStyle = ACCENT; g.font = `700 34px ${FONT}`;
  g.fillText('MoodSpace', PAD, PAD + 20);
  g.fillStyle = DIM; g.font = `400 28px ${FONT}`;
  g.fillText(subtitle, PAD, PAD + 62);
}

function footer(g) {
  g.fillStyle = DIM; g.font = `400 24px ${FONT}`;
  g.fillText('Moods predicted from lyrics and scenes, made in my browser.', PAD, CARD.height - PAD + 20);
}

/** Lines of `series` ({ name: number[] }) in the box, on a shared scale padded around the data. */
function arcChart(g, series, box) {
  const all = Object.values(series).flat().filter((v) => typeof v === 'number');
  if (!all.length) return;
  let lo = Math.min(...all); let hi = Math.max(...all);
  const padV = Math.max(0.02, (hi - lo) * 0.15); lo -= padV; hi += padV;
  g.strokeStyle = 'rgba(255,255,255,.18)'; g.lineWidth = 2;
  g.strokeRect(box.x, box.y, box.w, box.h);
  let legendX = box.x;
  for (const [name, vals] of Object.entries(series)) {
    const n = vals.length;
    g.strokeStyle = LINES[name] || INK; g.lineWidth = 7; g.lineJoin = 'round'; g.lineCap = 'round';
    g.beginPath();
    vals.forEach((v, i) => {
      const x = box.x + 24 + (n === 1 ? (box.w - 48) / 2 : (i * (box.w - 48)) / (n - 1));
      const y = box.y + box.h - 20 - ((v - lo) / (hi - lo)) * (box.h - 40);
      if (i) g.lineTo(x, y); else g.moveTo(x, y);
    });
    g.stroke();
    g.fillStyle = LINES[name] || INK; g.font = `600 26px ${FONT}`;
    g.fillText(name, legendX, box.y + box.h + 40);
    legendX += g.measureText(name).width + 40;
  }
}

/** The card of a full soundtrack: film title, its arc by segment, the songs in order. */
export function drawSoundtrackCard({ film, picks }) {
  const { c, g } = canvasCard('#2a1f5c', '#120f24');
  brand(g, 'A soundtrack from my own music for');
  g.fillStyle = INK; g.font = `800 72px ${FONT}`;
  let y = wrap(g, film?.year ? `${film.title} (${film.year})` : film?.title || 'a film', PAD, PAD + 160, CARD.width - 2 * PAD, 80, 2);
  const segs = picks.map((p) => p.segment?.metrics || {});
  const series = {};
  for (const m of ['energy', 'valence']) if (segs.every((s) => typeof s[m] === 'number')) series[m] = segs.map((s) => s[m]);
  arcChart(g, series, { x: PAD, y: y + 10, w: CARD.width - 2 * PAD, h: 250 });
  g.fillStyle = DIM; g.font = `400 24px ${FONT}`;
  const caption = `the film's mood, first scene to last, in ${picks.length} parts`;
  g.fillText(caption, CARD.width - PAD - g.measureText(caption).width, y + 10 + 250 + 40);
  y += 10 + 250 + 110;
  const rows = picks.filter((p) => p.song).slice(0, 12);
  const rowH = Math.min(80, Math.floor((CARD.height - PAD - 60 - y) / Math.max(1, rows.length)));
  rows.forEach((p, i) => {
    const ry = y + i * rowH;
    g.fillStyle = ACCENT; g.font = `700 ${Math.round(rowH * 0.5)}px ${FONT}`;
    g.fillText(String(i + 1).padStart(2, ' '), PAD, ry);
    g.fillStyle = INK; g.font = `600 ${Math.round(rowH * 0.5)}px ${FONT}`;
    const title = fit(g, p.song.title, 560);
    g.fillText(title, PAD + 70, ry);
    const tw = g.measureText(title).width;
    g.fillStyle = DIM; g.font = `400 ${Math.round(rowH * 0.42)}px ${FONT}`;
    g.fillText(fit(g, p.song.artist, CARD.width - 2 * PAD - 70 - tw - 24), PAD + 70 + tw + 24, ry);
  });
  footer(g);
  return c;
}

/** The card of the taste summary: the verdict, percentile bars, top artists and songs. */
export function drawTasteCard(d) {
  const { c, g } = canvasCard('#143b4a', '#0d1420');
  brand(g, fit(g, `My taste · ${d.label}`, CARD.width - 2 * PAD));
  g.fillStyle = INK; g.font = `800 76px ${FONT}`;
  let y = wrap(g, d.quadrant, PAD, PAD + 170, CARD.width - 2 * PAD, 84, 2);
  g.fillStyle = DIM; g.font = `400 30px ${FONT}`;
  y = wrap(g, d.sentence, PAD, y + 6, CARD.width - 2 * PAD, 40, 3) + 20;
  // percentile bars
  const barW = CARD.width - 2 * PAD - 260;
  for (const { metric, p } of d.percentiles.slice(0, 6)) {
    if (typeof p !== 'number') continue;
    g.fillStyle = INK; g.font = `600 30px ${FONT}`;
    g.fillText(metric, PAD, y + 30);
    g.fillStyle = 'rgba(255,255,255,.15)'; g.fillRect(PAD + 230, y + 8, barW, 26);
    g.fillStyle = ACCENT; g.fillRect(PAD + 230, y + 8, Math.max(4, (barW * p) / 100), 26);
    g.fillStyle = DIM; g.font = `400 24px ${FONT}`;
    g.fillText(`${Math.round(p)}th pct`, PAD + 230 + barW - 110, y + 64);
    y += 78;
  }
  y += 30;
  const col = (title, items, x) => {
    g.fillStyle = ACCENT; g.font = `700 32px ${FONT}`;
    g.fillText(title, x, y);
    items.forEach((t, i) => { g.fillStyle = INK; g.font = `500 28px ${FONT}`; g.fillText(fit(g, `${i + 1}. ${t}`, (CARD.width - 2 * PAD) / 2 - 20), x, y + 48 + i * 44); });
  };
  col('Artists', d.artists, PAD);
  col('Songs', d.tracks.map((t) => t.title), CARD.width / 2 + 10);
  footer(g);
  return c;
}

const toPng = (canvas) => new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be made'))), 'image/png'));

/** A button that draws a card and downloads it as PNG, with a status line after it. */
export function shareButton({ id, label = 'Share as image', file, draw }) {
  const btn = el('button', { type: 'button', id, class: 'share-btn', text: label });
  const out = el('span', { class: 'muted share-status', role: 'status', 'aria-live': 'polite' });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const name = `${fileStem(typeof file === 'function' ? file() : file)}.png`;
      download(name, await toPng(draw()), 'image/png');
      out.textContent = ` Saved ${name} (${CARD.width}×${CARD.height}, made in this browser).`;
    } catch (e) { out.textContent = ` ${e.message || e}`; } finally { btn.disabled = false; }
  });
  return el('span', { class: 'share' }, btn, out);
}
