// card-draw.js — paints a laid-out card (card-layout.js) on a canvas. It
// decides nothing about where things go: the layout's boxes are drawn as they are.
//
//   paintCard(layout) → canvas (layout.width × layout.height)
//   canvasMeasure(g)  → measure(text, font) for layoutCard, on this canvas
import { COLORS, fontOf } from './card-layout.js';
import { METRICS } from '../metrics.js';

// the lines' colours on the dark card: the metrics table's (metrics.js)
const LINES = Object.fromEntries(METRICS.map((m) => [m.name, m.onDark]));

export function canvasMeasure(g) {
  return (text, font) => { if (g.font !== font) g.font = font; return g.measureText(text).width; };
}

export function newCanvas(width, height) {
  const c = document.createElement('canvas');
  c.width = width; c.height = height;
  return c;
}

/** Mood lines on one scale padded around the data, with their legend under the box. */
function chart(g, { box, series, legend }) {
  const all = Object.values(series).flat().filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (!all.length) return;
  let lo = Math.min(...all); let hi = Math.max(...all);
  const padV = Math.max(0.02, (hi - lo) * 0.15); lo -= padV; hi += padV;
  g.strokeStyle = 'rgba(255,255,255,.18)'; g.lineWidth = 2;
  g.strokeRect(box.x, box.y, box.w, box.h);
  let lx = box.x;
  g.textAlign = 'left'; g.direction = 'ltr';
  for (const [name, vals] of Object.entries(series)) {
    const n = vals.length;
    g.strokeStyle = LINES[name] || COLORS.ink; g.lineWidth = n > 16 ? 5 : 7; g.lineJoin = 'round'; g.lineCap = 'round';
    g.beginPath();
    vals.forEach((v, i) => {
      const x = box.x + 24 + (n === 1 ? (box.w - 48) / 2 : (i * (box.w - 48)) / (n - 1));
      const y = box.y + box.h - 20 - ((v - lo) / (hi - lo)) * (box.h - 40);
      if (i) g.lineTo(x, y); else g.moveTo(x, y);
    });
    g.stroke();
    g.fillStyle = LINES[name] || COLORS.ink; g.font = fontOf(legend.size, 600);
    g.fillText(name, lx, legend.y);
    lx += g.measureText(name).width + 40;
  }
}

export function paintCard(layout) {
  const c = newCanvas(layout.width, layout.height);
  const g = c.getContext('2d');
  const { theme } = layout;
  const bg = g.createLinearGradient(0, 0, layout.width * 0.4, layout.height);
  bg.addColorStop(0, theme.top); bg.addColorStop(1, theme.bottom);
  g.fillStyle = bg; g.fillRect(0, 0, layout.width, layout.height);
  // the footer band first: anything drawn over it later would show (the tests look)
  g.fillStyle = theme.band; g.fillRect(0, layout.band.top, layout.width, layout.height - layout.band.top);
  g.textBaseline = 'alphabetic';
  for (const op of layout.ops) {
    if (op.type === 'text') {
      g.font = op.font; g.fillStyle = op.color; g.direction = op.dir; g.textAlign = op.align;
      g.fillText(op.text, op.x, op.y);
    } else if (op.type === 'chart') chart(g, op);
    else if (op.type === 'bar') {
      const { x, y, w, h } = op.box;
      g.fillStyle = 'rgba(255,255,255,.15)'; g.fillRect(x, y, w, h);
      g.fillStyle = COLORS.accent; g.fillRect(x, y, Math.max(4, (w * op.p) / 100), h);
    }
  }
  return c;
}
