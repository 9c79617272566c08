// Bring a script: turn a pasted text or an opened file into screenplay text
// for the engine's scene parser.
//
//   readScriptFile(file) → { text, filename, format }   (format: hint for the engine)
//     .fountain/.spmd/.txt/.srt/.vtt: read as UTF-8 text;
//     .fdx:  Final Draft XML through the browser's DOMParser → Fountain text;
//     .pdf:  pdf.js (loaded on demand, its worker copied into dist/) → text
//            lines with their indentation rebuilt from x positions, so the
//            engine's plain-text parser can tell action, cues and dialogue apart.
//   fdxToFountain(xmlText), pdfPagesToText(pages) are pure and unit-tested.
// Files over MAX_BYTES are refused with a clear message.

export const MAX_BYTES = 20 * 1024 * 1024;

export class ScriptError extends Error {}

export function extensionOf(name) {
  const m = /\.([A-Za-z0-9]+)$/.exec(String(name || ''));
  return m ? m[1].toLowerCase() : '';
}

/** Final Draft (.fdx) XML → Fountain text. Throws ScriptError on bad XML. */
export function fdxToFountain(xml, parser = new DOMParser()) {
  const doc = parser.parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new ScriptError('This .fdx file is not valid XML.');
  const content = doc.getElementsByTagName('Content')[0] || doc.documentElement;
  const paras = [...content.getElementsByTagName('Paragraph')];
  if (!paras.length) throw new ScriptError('This .fdx file has no script paragraphs.');
  const out = [];
  for (const p of paras) {
    const type = p.getAttribute('Type') || 'Action';
    const text = [...p.getElementsByTagName('Text')].map((t) => t.textContent).join('').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    switch (type) {
      case 'Scene Heading': {
        const h = text.toUpperCase();
        out.push('', /^(INT|EXT|EST|INT\.?\/EXT|I\/E)[. ]/.test(h) ? h : `.${h}`, '');
        break;
      }
      case 'Character': out.push('', text.toUpperCase().replace(/^[^A-Z]/, '@$&')); break;
      case 'Parenthetical': out.push(text.startsWith('(') ? text : `(${text})`); break;
      case 'Dialogue': out.push(text); break;
      case 'Transition': out.push('', `> ${text.toUpperCase()}`, ''); break;
      case 'Shot': out.push('', text.toUpperCase(), ''); break;
      default: out.push('', text.startsWith('!') ? text : text.toUpperCase() === text && /[A-Z]/.test(text) ? `!${text}` : text, '');
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

/**
 * pdf.js text items per page → plain screenplay text. Each page is a list of
 * { str, x, y, w, h } (PDF units, y up). Items are grouped into lines by y,
 * sorted by x; the left margin is the smallest x in the document; the
 * indentation of a line is (x - margin) / charWidth spaces, charWidth being
 * the median width of one character (Courier 12 pt ≈ 7.2 units).
 * Blank lines are inserted where the vertical gap exceeds 1.5 × the font size.
 */
export function pdfPagesToText(pages) {
  const all = pages.flat().filter((it) => it && typeof it.str === 'string' && it.str.trim());
  if (!all.length) return '';
  const margin = Math.min(...all.map((it) => it.x));
  const widths = all.filter((it) => it.w > 0 && it.str.length >= 2).map((it) => it.w / it.str.length).sort((a, b) => a - b);
  const cw = widths.length ? widths[widths.length >> 1] : 7.2;
  const out = [];
  for (const items of pages) {
    const good = items.filter((it) => it && typeof it.str === 'string' && it.str.trim() !== '');
    const lines = [];
    for (const it of good.sort((a, b) => b.y - a.y || a.x - b.x)) {
      const tol = Math.max(2, (it.h || 12) * 0.4);
      let line = lines.find((l) => Math.abs(l.y - it.y) <= tol);
      if (!line) { line = { y: it.y, h: it.h || 12, items: [] }; lines.push(line); }
      line.items.push(it);
    }
    lines.sort((a, b) => b.y - a.y);
    let prevY = null;
    for (const l of lines) {
      l.items.sort((a, b) => a.x - b.x);
      // a screenplay's line pitch is its font size (Courier 12 pt on 12 pt)
      if (prevY != null && prevY - l.y > 1.5 * (l.h || 12)) out.push('');
      prevY = l.y;
      let s = ' '.repeat(Math.max(0, Math.round((l.items[0].x - margin) / cw)));
      let endX = l.items[0].x;
      for (const it of l.items) {
        if (s.trim()) {
          const gapChars = Math.round((it.x - endX) / cw);
          s += gapChars >= 1 || !/\s$/.test(s) && !/^\s/.test(it.str) && it.x - endX > cw * 0.3 ? ' '.repeat(Math.max(1, Math.min(gapChars, 40))) : '';
        }
        s += it.str;
        endX = it.x + (it.w || it.str.length * cw);
      }
      out.push(s.replace(/\s+$/, ''));
    }
    out.push('', '');   // page break
  }
  return out.join('\n').replace(/\n{4,}/g, '\n\n\n').trim() + '\n';
}

async function pdfToText(bytes) {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = new URL('./pdf.worker.min.mjs', document.baseURI).toString();
  let doc;
  try {
    doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false, disableFontFace: true, useSystemFonts: false }).promise;
  } catch (e) {
    throw new ScriptError(`This PDF could not be opened: ${e?.message || e}`);
  }
  const pages = [];
  const maxPages = Math.min(doc.numPages, 400);
  for (let p = 1; p <= maxPages; p++) {
    const page = await doc.getPage(p);
    const tc = await page.getTextContent();
    pages.push(tc.items.filter((it) => 'str' in it).map((it) => ({
      str: it.str, x: it.transform[4], y: it.transform[5], w: it.width, h: it.height || Math.abs(it.transform[3]) || 12,
    })));
    page.cleanup();
  }
  await doc.destroy();
  const text = pdfPagesToText(pages);
  if (!text.trim()) throw new ScriptError('This PDF has no text layer (it may be scanned images); MoodSpace cannot read it.');
  return text;
}

/** Read an opened file into screenplay text. Throws ScriptError with a message for the user. */
export async function readScriptFile(file) {
  if (!file) throw new ScriptError('No file chosen.');
  if (file.size > MAX_BYTES) throw new ScriptError(`${file.name} is too large (${Math.round(file.size / 1048576)} MB; the limit is 20 MB).`);
  const ext = extensionOf(file.name);
  const buf = new Uint8Array(await file.arrayBuffer());
  if (ext === 'pdf' || (buf[0] === 0x25 && buf[1] === 0x50 && buf[2] === 0x44 && buf[3] === 0x46)) {
    return { text: await pdfToText(buf), filename: file.name, format: 'plain' };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (ext === 'fdx' || /^\s*<\?xml[^>]*>\s*<FinalDraft/.test(text.slice(0, 500))) {
    return { text: fdxToFountain(text), filename: file.name, format: 'fountain' };
  }
  const format = { fountain: 'fountain', spmd: 'fountain', srt: 'srt', vtt: 'vtt', txt: 'auto' }[ext] || 'auto';
  return { text, filename: file.name, format };
}
