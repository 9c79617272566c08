// recap-card.js — the share card of a recap: minutes, plays, the arc of its
// months (or weeks), the film it matches, top artists and songs. Drawn with
// share-card.js's canvas size and text helpers; every block is measured and
// placed below the previous one, and lists are shortened so that nothing
// reaches the footer band.
//
//   drawRecapCard(data)   → canvas; data from recapCardData (recap-view.js)
//   FOOTER_BAND           the bottom band only the footer line may use
import { CARD, fit, wrap } from '../keep/share-card.js';

const PAD = 80;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const INK = '#f4f1ff'; const DIM = '#c9c2ea'; const ACCENT = '#ffcf5c';
const LINES = { valence: '#4cc3ff', energy: '#ff6b4a' };
/** The bottom band kept for the footer line. */
export const FOOTER_BAND = 110;

function arc(g, d, box) {
  const pts = d.arc;
  const vals = pts.flatMap((p) => [p.valence, p.energy]).filter((v) => typeof v === 'number');
  g.strokeStyle = 'rgba(255,255,255,.2)'; g.lineWidth = 2; g.strokeRect(box.x, box.y, box.w, box.h);
  const n = pts.length;
  const xAt = (i) => box.x + 30 + (n === 1 ? (box.w - 60) / 2 : (i * (box.w - 60)) / (n - 1));
  g.fillStyle = DIM; g.font = `400 22px ${FONT}`;
  pts.forEach((p, i) => { const t = fit(g, p.label, Math.max(24, (box.w - 60) / Math.max(1, n) - 4)); g.fillText(t, xAt(i) - g.measureText(t).width / 2, box.y + box.h + 30); });
  if (!vals.length) return;
  let lo = Math.min(...vals); let hi = Math.max(...vals);
  const padV = Math.max(0.02, (hi - lo) * 0.15); lo -= padV; hi += padV;
  for (const m of ['valence', 'energy']) {
    g.strokeStyle = LINES[m]; g.fillStyle = LINES[m]; g.lineWidth = 6; g.lineJoin = 'round'; g.lineCap = 'round';
    g.beginPath(); let on = false;
    pts.forEach((p, i) => {
      if (typeof p[m] !== 'number') { on = false; return; }
      const x = xAt(i); const y = box.y + box.h - 16 - ((p[m] - lo) / (hi - lo)) * (box.h - 32);
      if (on) g.lineTo(x, y); else g.moveTo(x, y);
      on = true;
    });
    g.stroke();
  }
  g.font = `600 24px ${FONT}`;
  let lx = box.x + box.w;
  for (const m of ['energy', 'valence']) { lx -= g.measureText(m).width; g.fillStyle = LINES[m]; g.fillText(m, lx, box.y - 14); lx -= 30; }
}

/** A recap card (CARD.width × CARD.height); makeCanvas for tests (a canvas-like object). */
export function drawRecapCard(d, { makeCanvas = () => document.createElement('canvas') } = {}) {
  const c = makeCanvas();
  c.width = CARD.width; c.height = CARD.height;
  const g = c.getContext('2d');
  const bg = g.createLinearGradient(0, 0, CARD.width * 0.3, CARD.height);
  bg.addColorStop(0, '#3b1f4f'); bg.addColorStop(1, '#0f1024');
  g.fillStyle = bg; g.fillRect(0, 0, CARD.width, CARD.height);
  g.textBaseline = 'alphabetic';
  const W = CARD.width - 2 * PAD; const bottom = CARD.height - FOOTER_BAND;
  g.fillStyle = ACCENT; g.font = `700 34px ${FONT}`; g.fillText('MoodSpace', PAD, PAD + 20);
  g.fillStyle = DIM; g.font = `400 28px ${FONT}`; g.fillText(fit(g, `My ${d.label} in music`, W), PAD, PAD + 62);
  g.fillStyle = INK; g.font = `800 84px ${FONT}`;
  let y = PAD + 170;
  g.fillText(fit(g, `${d.minutes.toLocaleString('en')} minutes`, W), PAD, y);
  g.fillStyle = DIM; g.font = `400 32px ${FONT}`;
  y = wrap(g, `${d.plays.toLocaleString('en')} plays · ${d.songCount.toLocaleString('en')} songs · ${d.artistCount.toLocaleString('en')} artists`, PAD, y + 54, W, 40, 2);
  if (d.arc.length) {
    g.fillStyle = DIM; g.font = `400 24px ${FONT}`;
    g.fillText(fit(g, d.kind === 'year' ? 'the mood of my months' : 'the mood of my weeks', W / 2), PAD, y + 26);
    arc(g, d, { x: PAD, y: y + 40, w: W, h: 190 });
    y += 40 + 190 + 110;
  }
  if (d.film) {
    g.fillStyle = DIM; g.font = `400 28px ${FONT}`; g.fillText(fit(g, `My ${d.label} as a film:`, W), PAD, y);
    g.fillStyle = ACCENT; g.font = `800 56px ${FONT}`;
    y = wrap(g, d.film, PAD, y + 70, W, 64, 2) + 20;
  }
  // two columns of top artists and songs, as many rows as fit above the footer band
  const colW = W / 2 - 20;
  const rowH = 44; const headH = 48;
  const rows = Math.max(0, Math.min(5, Math.floor((bottom - y - headH) / rowH)));
  if (rows > 0) {
    const col = (title, items, x) => {
      g.fillStyle = ACCENT; g.font = `700 32px ${FONT}`; g.fillText(fit(g, title, colW), x, y + 30);
      items.slice(0, rows).forEach((t, i) => { g.fillStyle = INK; g.font = `500 28px ${FONT}`; g.fillText(fit(g, `${i + 1}. ${t}`, colW), x, y + headH + 30 + i * rowH); });
    };
    col('Top artists', d.artists, PAD);
    col('Top songs', d.songs, PAD + W / 2 + 20);
  }
  g.fillStyle = DIM; g.font = `400 24px ${FONT}`;
  g.fillText(fit(g, 'Counted in my browser by MoodSpace; nothing uploaded.', W), PAD, CARD.height - PAD + 20);
  return c;
}
