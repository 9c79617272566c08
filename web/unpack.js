// unpack.js — decompression that stops at a size limit (a small file can
// unpack into gigabytes): fflate's streaming Inflate (raw deflate) or Unzlib
// (zlib) fed the whole input, the output counted as it comes.
//
//   unpackCapped(Stream, bytes, max, { tooLarge, damaged }) → Uint8Array
//   tooLarge() / damaged() make the errors thrown, in the caller's words.

/** `bytes` decompressed by a new `Stream` (fflate Inflate or Unzlib), never more than `max` bytes. */
export function unpackCapped(Stream, bytes, max, { tooLarge, damaged }) {
  const parts = []; let total = 0;
  let over = false;
  const stream = new Stream((chunk) => {
    total += chunk.length;
    if (total > max) { over = true; throw tooLarge(); }
    parts.push(chunk);
  });
  try { stream.push(bytes, true); } catch (e) {
    if (over) throw e;
    throw damaged();
  }
  const out = new Uint8Array(total); let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
