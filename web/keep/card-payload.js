// card-payload.js — what a card PNG carries so that it reopens: a versioned
// JSON (in the PNG's iTXt chunk "moodspace-card", png-text.js). Pure, unit-tested.
//
//   soundtrackPayload(detail, now)  the 'soundtrack' event's detail → payload
//                                   ({ film, segments, songs and their moods } as keep.js keeps them)
//   tastePayload(cardData, now)     the taste card's data → payload
//   readPayload(text) → { kind: 'soundtrack', record, note } | { kind: 'taste', taste, note }
//                       | { kind, data, note } for a kind registered with registerCardKind
//                       or throws CardError with a message for the user.
//
// Version 1 is the first. A card of a newer version is read as far as this
// page understands it (the note says so); when even that fails, the message
// says which version it is and that the page needs updating. Older versions
// than the oldest this page reads are refused with the reason.
import { toRecord, readKept } from './keep.js';
import { cardText } from './card-layout.js';

export const CARD_KEYWORD = 'moodspace-card';
export const CARD_FORMAT = 'moodspace-card';
export const CARD_VERSION = 1;
export const OLDEST_VERSION = 1;

export class CardError extends Error {}

// other kinds of card (a year recap, a joint soundtrack) register how their
// payload is read back and shown: registerCardKind('recap', { read(payload) → data
// (throw CardError when it cannot be read), open(data, ctx) → message shown after opening })
const kinds = new Map();
export function registerCardKind(kind, { read, open }) { kinds.set(kind, { read, open }); }
export const cardKind = (kind) => kinds.get(kind) || null;

const isObj = (v) => v != null && typeof v === 'object' && !Array.isArray(v);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v, max = 300) => (typeof v === 'string' ? cardText(v, max) : '');

const head = (kind, now) => ({ format: CARD_FORMAT, version: CARD_VERSION, kind, made: new Date(now).toISOString() });

/** A full soundtrack → the card's payload (null when it is not a full soundtrack). */
export function soundtrackPayload(detail, now = Date.now()) {
  const record = toRecord(detail, now);
  if (!record) return null;
  const year = num(detail.film?.year);
  return { ...head('soundtrack', now), soundtrack: record, ...(year ? { year } : {}) };
}

function cleanList(l, withArtist) {
  if (!isObj(l) || !Array.isArray(l.items)) return null;
  const items = l.items.filter(isObj).slice(0, 50).map((x) => ({ main: str(x.main), detail: str(x.detail) }));
  return { title: str(l.title, 80), basis: str(l.basis, 200), items: items.filter((x) => x.main).map((x) => (withArtist || x.detail ? x : { main: x.main })) };
}

function cleanTaste(t) {
  if (!isObj(t) || typeof t.quadrant !== 'string' || typeof t.sentence !== 'string' || !Array.isArray(t.percentiles)) return null;
  const percentiles = t.percentiles.filter(isObj).slice(0, 12)
    .map((p) => ({ metric: str(p.metric, 40), value: num(p.value), p: num(p.p) }))
    .filter((p) => p.metric && p.p != null && p.p >= 0 && p.p <= 100);
  return {
    label: str(t.label, 120) || 'A library', quadrant: str(t.quadrant, 120), sentence: str(t.sentence, 600), percentiles,
    artists: cleanList(t.artists) || { title: 'Top artists', basis: '', items: [] },
    songs: cleanList(t.songs, true) || { title: 'Top songs', basis: '', items: [] },
  };
}

/** The taste card's data (tasteCardData) → the card's payload. */
export function tastePayload(data, now = Date.now()) {
  const taste = cleanTaste(data);
  return taste ? { ...head('taste', now), taste } : null;
}

/** A card's JSON text → what it shows, cleaned; throws CardError saying why it cannot be opened. */
export function readPayload(text) {
  let p;
  try { p = JSON.parse(text); } catch { throw new CardError('This card’s data is damaged (it is not valid JSON), so it cannot be reopened.'); }
  if (!isObj(p) || p.format !== CARD_FORMAT) throw new CardError('This PNG carries data, but not a MoodSpace card’s.');
  const v = p.version;
  if (!Number.isInteger(v)) throw new CardError('This card’s version is missing or damaged, so it cannot be reopened.');
  if (v < OLDEST_VERSION) throw new CardError(`This card was made by an older MoodSpace (card version ${v}); this version reads cards from version ${OLDEST_VERSION} on, so it cannot reopen it.`);
  const newer = v > CARD_VERSION;
  const note = newer ? `This card was made by a newer MoodSpace (card version ${v}; this page reads version ${CARD_VERSION}): what this version understands of it is shown.` : '';
  const cannot = (what) => new CardError(newer
    ? `This card was made by a newer MoodSpace (card version ${v}) and this page (version ${CARD_VERSION}) cannot read its ${what}. Reload the page to get the newest MoodSpace, then open the card again.`
    : `This card’s ${what} is damaged or incomplete, so it cannot be reopened.`);
  if (p.kind === 'soundtrack') {
    const { records } = readKept([p.soundtrack]);
    if (!records.length) throw cannot('soundtrack');
    return { kind: 'soundtrack', record: records[0], year: num(p.year), note };
  }
  if (p.kind === 'taste') {
    const taste = cleanTaste(p.taste);
    if (!taste) throw cannot('taste summary');
    return { kind: 'taste', taste, note };
  }
  if (kinds.has(p.kind)) {
    let data = null;
    try { data = kinds.get(p.kind).read(p); } catch (e) { if (e instanceof CardError) throw e; }
    if (data == null) throw cannot(`${str(p.kind, 40)} card`);
    return { kind: p.kind, data, note };
  }
  throw newer ? new CardError(`This card was made by a newer MoodSpace (card version ${v}) and holds a kind of card (“${str(p.kind, 40)}”) this page does not know. Reload the page to get the newest MoodSpace.`)
    : new CardError(`This card holds a kind of card (“${str(p.kind, 40)}”) this version of MoodSpace does not know.`);
}
