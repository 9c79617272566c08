// card-layout.js — where every line of a share card goes, before anything is
// drawn. Pure: text is measured through a function (the canvas's measureText
// in the page, a stand-in in the unit tests), so the layout is tested in Node.
//
//   layoutCard({ size, theme, blocks, footer }, measure) → {
//     width, height, theme, band: { top },            the footer band (nothing else is drawn in it)
//     ops: [{ type: 'text', text, x, y, size, weight, color, align, dir, box }
//         | { type: 'chart', box, series, legend } | { type: 'bar', box, p }],
//     dropped: how many list items did not fit (told as "+N more") }
//   measure(text, font) → width in px
//
// Blocks, top to bottom (what recap / friend cards can pass as they are):
//   { type: 'brand', title, subtitle }
//   { type: 'headline', text, keep }        wrapped, shrunk from 84 to 48 px; `keep` (a film's
//                                           year) always stays whole at the end of the last line
//   { type: 'text', text, maxLines }        a dim paragraph, wrapped, the last line cut with "…"
//   { type: 'chart', series, caption }      mood lines ({ name: number[] }) with a caption under them
//   { type: 'bars', items: [{ label, p }] } percentile bars, "72nd" at the right
//   { type: 'rows', items: [{ main, detail, tag }], more }   a numbered list: as many rows as fit,
//                                           the rest told as "+N more <more>"; a tag (a name) at the right end
//   { type: 'columns', cols: [{ title, items: [{ main, detail }], more }] }   lists side by side
//                                           (more: false = a top list, cut where the room ends)
// Text boxes never overlap and never reach the footer band: rows that do not
// fit are dropped (and counted), paragraphs are cut, headlines shrink.

export const SIZES = Object.freeze({
  story: { width: 1080, height: 1920, label: 'Story 1080×1920' },
  post: { width: 1080, height: 1350, label: 'Post 1080×1350' },
});
export const DEFAULT_SIZE = 'post';
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Color Emoji", sans-serif';
export const PAD = 80;
/** No line of a card shows more than this many characters: longer text is cut first. */
export const MAX_CARD_TEXT = 400;

export const THEMES = Object.freeze({
  soundtrack: { top: '#2a1f5c', bottom: '#120f24', band: '#0c0a1a' },
  taste: { top: '#143b4a', bottom: '#0d1420', band: '#081018' },
  recap: { top: '#4a1f3b', bottom: '#160d16', band: '#0e080e' },
  friend: { top: '#1f4a2c', bottom: '#0d1611', band: '#08100b' },
});
export const COLORS = Object.freeze({ ink: '#f4f1ff', dim: '#b9b3d9', accent: '#ff9f1c' });

export const fontOf = (size, weight = 400) => `${weight} ${size}px ${FONT}`;

// --- text -------------------------------------------------------------------------

const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('und', { granularity: 'grapheme' }) : null;
/** User-perceived characters (an emoji with its modifiers stays one). */
export function graphemes(s) {
  return segmenter ? Array.from(segmenter.segment(s), (x) => x.segment) : Array.from(s);
}

/** The text as a card may show it: a string, control characters as spaces, at most MAX_CARD_TEXT characters. */
export function cardText(v, max = MAX_CARD_TEXT) {
  const s = String(v ?? '').slice(0, 4 * max).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const g = graphemes(s);
  return (g.length > max ? `${g.slice(0, max).join('')}…` : g.join('')).trim();
}

const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
/** 'rtl' when the first letter of the text is Hebrew, Arabic, Syriac, Thaana…; else 'ltr'. */
export function dirOf(text) {
  const m = String(text).match(/\p{L}/u);
  return m && RTL.test(m[0]) ? 'rtl' : 'ltr';
}

/** The longest prefix of `text` that fits `width` with "…" after it (the whole text when it fits). */
export function ellipsize(measure, font, text, width) {
  const t = cardText(text);
  if (measure(t, font) <= width) return t;
  const g = graphemes(t);
  let lo = 0; let hi = g.length;   // lo fits ("" always counts), hi does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (measure(`${g.slice(0, mid).join('').trimEnd()}…`, font) <= width) lo = mid; else hi = mid;
  }
  return `${g.slice(0, Math.max(1, lo)).join('').trimEnd()}…`;
}

/** The longest prefix of the graphemes `g` that fits `width` (at least one). */
function prefixFitting(measure, font, g, width) {
  let lo = 1; let hi = g.length;
  if (measure(g.join(''), font) <= width) return g.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (measure(g.slice(0, mid).join(''), font) <= width) lo = mid; else hi = mid;
  }
  return lo;
}

/**
 * Words wrapped into at most maxLines lines of `width` (a word wider than a
 * line is broken between characters). The last line allowed is `lastReserve`
 * px narrower. → { lines, cut } (cut: the text did not all fit; its last line ends with "…").
 */
export function wrapLines(measure, font, text, width, maxLines, lastReserve = 0) {
  const words = cardText(text, maxLines * 120).split(/\s+/).filter(Boolean);
  const lines = [];
  const limit = () => (lines.length === maxLines - 1 ? width - lastReserve : width);
  let line = '';
  for (let i = 0; i < words.length; i++) {
    let w = words[i];
    const cand = line ? `${line} ${w}` : w;
    if (measure(cand, font) <= limit()) { line = cand; continue; }
    if (line) {
      if (lines.length === maxLines - 1) return { lines: [...lines, ellipsize(measure, font, `${line} ${words.slice(i).join(' ')}`, limit())], cut: true };
      lines.push(line); line = '';
    }
    // a word longer than a whole line: broken between characters
    while (measure(w, font) > limit()) {
      if (lines.length === maxLines - 1) return { lines: [...lines, ellipsize(measure, font, [w, ...words.slice(i + 1)].join(' '), limit())], cut: true };
      const g = graphemes(w);
      const k = prefixFitting(measure, font, g, limit());
      lines.push(g.slice(0, k).join('')); w = g.slice(k).join('');
    }
    line = w;
  }
  if (line) lines.push(line);
  return { lines, cut: false };
}

// --- layout -----------------------------------------------------------------------

const LINE = 1.22;                       // line height / font size
const ASCENT = 0.92; const DESCENT = 0.28;   // a text box around its baseline, generously

function textOp(text, x, y, size, { weight = 400, color = COLORS.ink, align = 'left', width } = {}) {
  const dir = dirOf(text);
  return { type: 'text', text, x, y, size, weight, color, align, dir, font: fontOf(size, weight),
    box: { x: align === 'right' ? x - width : x, y: y - size * ASCENT, w: width, h: size * (ASCENT + DESCENT) } };
}

const ordinal = (n) => `${n}${(n % 100 >= 11 && n % 100 <= 13) ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] || 'th'}`;

/**
 * The card laid out: see the top of the file. `size` is a key of SIZES or
 * { width, height }; `footer` is its lines (the app's address first).
 */
export function layoutCard({ size = DEFAULT_SIZE, theme = 'soundtrack', blocks = [], footer = [] }, measure) {
  const { width: W, height: H } = typeof size === 'string' ? (SIZES[size] || SIZES[DEFAULT_SIZE]) : size;
  const story = H / W > 1.6;
  const inner = W - 2 * PAD;
  const ops = [];
  let dropped = 0;

  // the footer band: its lines from the bottom up
  const fLines = footer.map((t) => cardText(t)).filter(Boolean).slice(0, 3);
  const fSizes = fLines.map((_, i) => (i === 0 ? 30 : 24));
  const bandH = Math.round(PAD * 0.7 + fSizes.reduce((a, s) => a + s * LINE, 0) + 40);
  const bandTop = H - bandH;
  let fy = bandTop + 40 + fSizes[0] * ASCENT;
  const footerOps = fLines.map((t, i) => {
    const s = fSizes[i];
    const font = fontOf(s, i === 0 ? 700 : 400);
    const op = textOp(ellipsize(measure, font, t, inner), PAD, fy, s, { weight: i === 0 ? 700 : 400, color: i === 0 ? COLORS.accent : COLORS.dim, width: inner });
    fy += s * LINE;
    return op;
  });
  const bottom = bandTop - 36;   // content never goes below this

  let y = PAD;   // the top of the next block
  let bodyFrom = 0;   // the ops after the brand: centred in the room left, if any
  const room = () => bottom - y;
  const put = (text, size, opts = {}) => {
    const op = textOp(text, opts.align === 'right' ? PAD + inner : PAD, y + size * ASCENT, size, { width: inner, ...opts });
    if (op.dir === 'rtl' && !opts.align) { op.align = 'right'; op.x = PAD + inner; }
    ops.push(op); y += size * LINE;
    return op;
  };

  for (const b of blocks) {
    if (room() <= 0) break;
    if (b.type === 'brand') {
      put(ellipsize(measure, fontOf(36, 700), b.title || 'MoodSpace', inner), 36, { weight: 700, color: COLORS.accent });
      if (b.subtitle) put(ellipsize(measure, fontOf(30), b.subtitle, inner), 30, { color: COLORS.dim });
      y += 28;
      bodyFrom = ops.length;
    } else if (b.type === 'headline') {
      const keep = cardText(b.keep || '', 40);
      const maxLines = story ? 4 : 3;
      let chosen = null;
      for (let s = story ? 92 : 84; s >= 48; s -= 4) {
        const font = fontOf(s, 800);
        const full = wrapLines(measure, font, keep ? `${b.text} ${keep}` : b.text, inner, maxLines);
        chosen = { s, font, ...full };
        // (a year alone on the last line reads badly: a smaller size is tried first)
        const orphan = keep && full.lines.length > 1 && full.lines.at(-1) === keep && s > 56;
        if (!full.cut && !orphan && full.lines.length * s * LINE <= Math.max(room() * 0.45, s * LINE)) break;
      }
      let { lines } = chosen;
      const { s, font } = chosen;
      if (chosen.cut && keep) {   // the title is cut, never the year: it is put back after the "…"
        const kw = measure(` ${keep}`, font);
        const w = wrapLines(measure, font, b.text, inner, maxLines, kw);
        lines = w.lines.slice(); lines[lines.length - 1] = `${lines[lines.length - 1]} ${keep}`;
      }
      for (const l of lines) { if (room() < s * LINE) { dropped++; continue; } put(l, s, { weight: 800 }); }
      y += 18;
    } else if (b.type === 'text') {
      const s = b.size || (story ? 32 : 30);
      const font = fontOf(s);
      const fitLines = Math.max(0, Math.min(b.maxLines || 3, Math.floor(room() / (s * LINE))));
      if (!fitLines) continue;
      for (const l of wrapLines(measure, font, b.text, inner, fitLines).lines) put(l, s, { color: b.color || COLORS.dim });
      y += 14;
    } else if (b.type === 'chart') {
      const legendH = 44; const capS = 24;
      const h = Math.min(story ? 380 : 250, room() - legendH - capS * LINE - 20);
      if (h < 80 || !Object.keys(b.series || {}).length) continue;
      ops.push({ type: 'chart', box: { x: PAD, y, w: inner, h }, series: b.series, legend: { y: y + h + 36, size: 26 },
        legendBox: { x: PAD, y: y + h, w: inner, h: legendH } });
      y += h + legendH;
      if (b.caption) put(ellipsize(measure, fontOf(capS), b.caption, inner), capS, { color: COLORS.dim, align: 'right' });
      y += 20;
    } else if (b.type === 'bars') {
      const s = story ? 32 : 28; const rowH = Math.round(s * 1.9);
      const labelW = 300; const pctW = 110;
      for (const it of (b.items || []).filter((x) => typeof x.p === 'number' && Number.isFinite(x.p))) {
        if (room() < rowH) { dropped++; continue; }
        const base = y + s * ASCENT + (rowH - s * LINE) / 2;
        ops.push(textOp(ellipsize(measure, fontOf(s, 600), it.label, labelW - 16), PAD, base, s, { weight: 600, width: labelW - 16 }));
        const p = Math.min(100, Math.max(0, it.p));
        ops.push({ type: 'bar', box: { x: PAD + labelW, y: base - s * 0.75, w: inner - labelW - pctW, h: s * 0.8 }, p });
        ops.push(textOp(ordinal(Math.min(99, Math.max(1, Math.round(p)))), PAD + inner, base, s, { color: COLORS.dim, align: 'right', width: pctW - 16 }));
        y += rowH;
      }
      y += 24;
    } else if (b.type === 'rows' || b.type === 'columns') {
      const cols = b.type === 'rows' ? [{ title: b.title, items: b.items || [], more: b.more }] : (b.cols || []).filter((c) => c.items?.length);
      if (!cols.length) continue;
      const gap = 40;
      const colW = (inner - gap * (cols.length - 1)) / cols.length;
      const top = y;
      let lowest = y;
      cols.forEach((c, ci) => {
        const x = PAD + ci * (colW + gap);
        let cy = top;
        const s = cols.length > 1 ? (story ? 32 : 28) : (story ? 36 : 32);
        // side by side, a detail (a song's artist) goes on a second, smaller line
        const two = cols.length > 1 && c.items.some((it) => it.detail);
        const ds = Math.round(s * 0.8);
        const rowH = Math.ceil(two ? s * 1.4 + ds * LINE : s * 1.45);
        if (c.title) {
          const ts = s + 2;
          if (bottom - cy < ts * LINE) return;
          const t = textOp(ellipsize(measure, fontOf(ts, 700), c.title, colW), x, cy + ts * ASCENT, ts, { weight: 700, color: COLORS.accent, width: colW });
          ops.push(t); cy += ts * LINE + 8;
        }
        const items = c.items;
        const fits = Math.max(0, Math.floor((bottom - cy) / rowH));
        // (a top list just stops where the room ends; other lists say how many were left out)
        const shown = items.length <= fits ? items.length : Math.max(0, c.more === false ? fits : fits - 1);
        const numW = measure(`${items.length}.`, fontOf(s, 700)) + 14;
        for (let i = 0; i < shown; i++) {
          const it = items[i];
          const base = cy + s * ASCENT + (two ? s * 0.05 : (rowH - s * LINE) / 2);
          ops.push(textOp(`${i + 1}.`, x, base, s, { weight: 700, color: COLORS.accent, width: numW - 14 }));
          // a tag (whose the song is, on a joint card) at the row's right end, at most a quarter of it
          let tagW = 0;
          if (it.tag) {
            const ts = Math.round(s * 0.8); const tFont = fontOf(ts, 700);
            const tag = ellipsize(measure, tFont, it.tag, colW / 4);
            tagW = measure(tag, tFont) + 20;
            ops.push(textOp(tag, x + colW, base, ts, { weight: 700, color: COLORS.accent, align: 'right', width: tagW - 20 }));
          }
          const mainW = colW - numW - tagW;
          const mainFont = fontOf(s, 600);
          const main = ellipsize(measure, mainFont, it.main, it.detail ? mainW * (cols.length > 1 ? 1 : 0.62) : mainW);
          const mw = measure(main, mainFont);
          ops.push(textOp(main, x + numW, base, s, { weight: 600, width: mw }));
          if (it.detail && two) {
            const d = ellipsize(measure, fontOf(ds), it.detail, mainW);
            ops.push(textOp(d, x + numW, base + s * DESCENT + ds * ASCENT + 2, ds, { color: COLORS.dim, width: mainW }));
          } else if (it.detail && cols.length === 1) {
            const ds = Math.round(s * 0.82); const dFont = fontOf(ds);
            const dw = mainW - mw - 20;
            if (dw > 60) {
              const d = ellipsize(measure, dFont, it.detail, dw);
              ops.push(textOp(d, x + numW + mw + 20, base, ds, { color: COLORS.dim, width: measure(d, dFont) }));
            }
          }
          cy += rowH;
        }
        if (shown < items.length) {
          const rest = items.length - shown; dropped += rest;
          if (c.more !== false && bottom - cy >= rowH) {
            const base = cy + s * ASCENT + (Math.round(s * 1.45) - s * LINE) / 2;
            const t = ellipsize(measure, fontOf(s, 600), `+${rest} more${c.more ? ` ${c.more}` : ''}`, colW);
            ops.push(textOp(t, x, base, s, { weight: 600, color: COLORS.dim, width: colW }));
            cy += rowH;
          }
        }
        lowest = Math.max(lowest, cy);
      });
      y = lowest + 20;
    }
  }
  // a short card (a story with six songs) does not leave its lower half empty:
  // what follows the brand moves down into the middle of the room left
  const spare = Math.floor((bottom - y) / 2);
  if (spare > 20) {
    for (const op of ops.slice(bodyFrom)) {
      op.box = { ...op.box, y: op.box.y + spare };
      if (op.type === 'text') op.y += spare;
      if (op.type === 'chart') { op.legend = { ...op.legend, y: op.legend.y + spare }; op.legendBox = { ...op.legendBox, y: op.legendBox.y + spare }; }
    }
  }
  return { width: W, height: H, theme: THEMES[theme] || THEMES.soundtrack, band: { top: bandTop }, ops: [...ops, ...footerOps], dropped, bottom };
}
