// card-content.js — what each kind of card says, as blocks for card-layout.js.
// Pure (no canvas, no page), unit-tested with the layout.
//
//   cardSpec({ kind, size, data, address }) → { size, theme, blocks, footer }
//     kind 'soundtrack'  data = { film, picks } (the 'soundtrack' event's detail)
//     kind 'taste'       data = tasteCardData(…) (taste-verdict.js) or a reopened card's taste
//     kind 'blocks'      data = { theme, blocks, note } — any other card (a recap, a joint
//                        soundtrack) written directly in card-layout.js's blocks
//   appAddress(cfg, loc) → the address printed on cards ("moodspace.example/app")
import { SIZES, DEFAULT_SIZE } from './card-layout.js';
import { shownMetricNames, MOOD_AXES } from '../metrics.js';

// a metric flat for every film and song (tempo, liveness) is not drawn as if it meant something
const SHOWN = new Set(shownMetricNames());

/**
 * The app's address as a card prints it: the build-time MOODSPACE_APP_URL
 * (config appUrl) when it is an http(s) URL, else the address this page is
 * served from; without "https://", "index.html" or a trailing slash.
 */
export function appAddress(cfg = {}, loc = globalThis.location) {
  const pick = (u) => { try { const x = new URL(String(u)); return /^https?:$/.test(x.protocol) ? x : null; } catch { return null; } };
  const u = pick(cfg.appUrl) || pick(loc?.href);
  if (!u) return '';
  const p = u.pathname.replace(/index\.html$/, '').replace(/\/+$/, '');
  return `${u.protocol === 'http:' ? 'http://' : ''}${u.host}${p}`;
}

function soundtrackBlocks({ film, picks = [] }) {
  const segs = picks.map((p) => p.segment?.metrics || p.mood || {});
  const series = {};
  for (const m of MOOD_AXES) if (segs.length > 1 && segs.every((s) => typeof s[m] === 'number')) series[m] = segs.map((s) => s[m]);
  const songs = picks.filter((p) => p.song);
  return [
    { type: 'brand', title: 'MoodSpace', subtitle: 'A soundtrack from my own music for' },
    { type: 'headline', text: film?.title || 'a film', keep: film?.year ? `(${film.year})` : '' },
    { type: 'chart', series, caption: `the film’s mood, first scene to last, in ${picks.length} part${picks.length === 1 ? '' : 's'}` },
    { type: 'rows', items: songs.map((p) => ({ main: p.song.title, detail: p.song.artist })), more: songs.length - 1 ? 'songs' : 'song' },
  ];
}

function tasteBlocks(d) {
  const lists = [d.artists, d.songs].filter((l) => l?.items?.length)
    .map((l) => ({ title: l.title, more: false, items: l.items.map((x) => ({ main: x.main, detail: l === d.songs ? x.detail : '' })) }));
  return [
    { type: 'brand', title: 'MoodSpace', subtitle: `My taste · ${d.label || 'My library'}` },
    { type: 'headline', text: d.quadrant },
    { type: 'text', text: d.sentence, maxLines: 3 },
    { type: 'bars', items: (d.percentiles || []).filter((p) => SHOWN.has(p.metric)).slice(0, 6).map((p) => ({ label: p.metric, p: p.p })) },
    lists.length ? { type: 'columns', cols: lists }
      : { type: 'text', text: 'No top artists or songs: this library has no plays or top lists to rank them by.', maxLines: 2 },
  ];
}

const NOTES = {
  soundtrack: 'Moods predicted in my browser · this card reopens in MoodSpace',
  taste: 'Moods read from lyrics, in my browser · this card reopens in MoodSpace',
};

export function cardSpec({ kind, size = DEFAULT_SIZE, data, address = '' }) {
  const sz = SIZES[size] ? size : DEFAULT_SIZE;
  if (kind === 'soundtrack') return { size: sz, theme: 'soundtrack', blocks: soundtrackBlocks(data || {}), footer: [address, NOTES.soundtrack] };
  if (kind === 'taste') return { size: sz, theme: 'taste', blocks: tasteBlocks(data || {}), footer: [address, NOTES.taste] };
  if (kind === 'blocks') return { size: sz, theme: data?.theme || 'recap', blocks: data?.blocks || [], footer: [address, data?.note || 'Made in my browser with MoodSpace'] };
  throw new Error(`no card of kind ${kind}`);
}
