// png-text.js — the text a card PNG carries: one iTXt chunk (PNG 1.2 §4.2.3.3)
// with a keyword, its UTF-8 text compressed with zlib. Pure, unit-tested.
//
//   withText(png, keyword, text)  → Uint8Array: the PNG with the chunk before IEND
//                                    (an older chunk of the same keyword is replaced)
//   readText(bytes, keyword)      → string, or null when the PNG has no such chunk
//                                    (throws PngError with a message for the user
//                                    when the bytes are not a whole PNG)
//
// The chunks are split and joined by png-chunks-extract / png-chunks-encode
// (they check and write each chunk's CRC); the iTXt fields are written here,
// and compressed by fflate.
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import { zlibSync, Unzlib, strToU8, strFromU8 } from 'fflate';
import { unpackCapped } from '../unpack.js';

/** No card is bigger than this (a 1080×1920 card is a few MB). */
export const MAX_PNG_BYTES = 40 * 1024 * 1024;
/** No card text inflates to more than this (a zip bomb in a chunk stops here). */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

export class PngError extends Error {}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/**
 * The chunk layout is walked before png-chunks-extract reads it, so that a
 * damaged length (which it would allocate as is) or a cut file is told
 * plainly instead of failing deep inside.
 */
function checkLayout(b) {
  if (!(b instanceof Uint8Array)) throw new PngError('This is not a file the page can read.');
  if (b.length > MAX_PNG_BYTES) throw new PngError(`This file is ${(b.length / 1048576).toFixed(0)} MB: far bigger than a MoodSpace card (at most ${MAX_PNG_BYTES / 1048576} MB), so it was not read.`);
  if (b.length < 8 || SIGNATURE.some((x, i) => b[i] !== x)) throw new PngError('This file is not a PNG image, so it cannot be a MoodSpace card.');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 8;
  while (at + 12 <= b.length) {
    const len = v.getUint32(at);
    if (len > b.length - at - 12) break;
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (!/^[A-Za-z]{4}$/.test(type)) break;
    at += 12 + len;
    if (type === 'IEND') return;
  }
  throw new PngError('This PNG is damaged or cut short (its chunks do not add up), so the card in it cannot be read.');
}

function chunksOf(bytes) {
  checkLayout(bytes);
  try { return extractChunks(bytes); } catch (e) {
    throw new PngError(/CRC/.test(e.message) ? 'This PNG is damaged (a checksum does not match), so the card in it cannot be read.' : `This PNG cannot be read: ${e.message}.`);
  }
}

/** The iTXt chunk's data: keyword, compression flag 1 (zlib), empty language and translated keyword, text. */
export function itxtData(keyword, text) {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new Error('a PNG keyword is 1–79 Latin-1 characters');
  const head = latin1(`${keyword}\0\x01\x00\0\0`);
  const body = zlibSync(strToU8(text), { level: 9 });
  const out = new Uint8Array(head.length + body.length);
  out.set(head); out.set(body, head.length);
  return out;
}

function inflateCapped(data) {
  return unpackCapped(Unzlib, data, MAX_TEXT_BYTES, {
    tooLarge: () => new PngError('The text in this card is far too large to be a MoodSpace card; it was not read.'),
    damaged: () => new PngError('The text in this card is damaged (it does not decompress), so the card cannot be reopened.'),
  });
}

/** An iTXt chunk's data → { keyword, text }, or null when it is not a well-formed iTXt. */
export function parseItxt(data) {
  const z1 = data.indexOf(0);
  if (z1 < 1 || z1 + 3 > data.length) return null;
  const keyword = strFromU8(data.subarray(0, z1), true);
  const compressed = data[z1 + 1]; const method = data[z1 + 2];
  let at = z1 + 3;
  const z2 = data.indexOf(0, at); if (z2 < 0) return null;   // language tag
  const z3 = data.indexOf(0, z2 + 1); if (z3 < 0) return null;   // translated keyword
  at = z3 + 1;
  const rest = data.subarray(at);
  if (compressed === 1) {
    if (method !== 0) return null;
    return { keyword, text: strFromU8(inflateCapped(rest)) };
  }
  if (rest.length > MAX_TEXT_BYTES) throw new PngError('The text in this card is far too large to be a MoodSpace card; it was not read.');
  return { keyword, text: strFromU8(rest) };
}

/** The PNG `png` with an iTXt chunk `keyword` = `text` just before IEND. */
export function withText(png, keyword, text) {
  const chunks = chunksOf(png).filter((c) => !(c.name === 'iTXt' && parseItxt(c.data)?.keyword === keyword));
  const end = chunks.findIndex((c) => c.name === 'IEND');
  chunks.splice(end, 0, { name: 'iTXt', data: itxtData(keyword, text) });
  return encodeChunks(chunks);
}

/** The text of the iTXt chunk `keyword` in the PNG `bytes`, or null when there is none. */
export function readText(bytes, keyword) {
  for (const c of chunksOf(bytes)) {
    if (c.name !== 'iTXt') continue;
    const t = parseItxt(c.data);
    if (t?.keyword === keyword) return t.text;
  }
  return null;
}
