// metrics.js — the one table of the mood metrics every view reads: the
// model's outputs (Spotify's audio features), with how the page names them,
// the words for their two ends, their colours and their valid range. Pure.
//
//   name    the engine's key
//   label   how the page names it
//   low, high   superlatives for a percentile's end ("among the calmest 10 %")
//   less, more  comparatives ("the song is calmer", a word that makes the prediction happier)
//   plain   the library's words (the Taste and Friend views, the taste card), where
//           valence is brightness: { noun, low, high (a side: "sombre", "bright"),
//           lower, higher ("brighter than 91 %"), lowest, highest ("the brightest") };
//           only the words some view says
//   color   on the page's light background; onDark: on the share cards
//   range   valid values ([0, 1], tempo in BPM)
//   shown   whether it is plotted, tabled and named on the film side. A
//           metric is hidden when it is flat for every catalog film: in
//           weights/catalog.json (catalog version 4) the films' overall
//           liveness spans 0.176–0.182 (sd 0.001, std 0.14 over songs) and
//           tempo 117–128 BPM (sd 1.5, std 28 over songs), so their
//           percentiles would rank noise. The engine still predicts them
//           (songs' tables and the Taste view may show them).
export const METRICS = Object.freeze([
  { name: 'energy', label: 'energy', low: 'calmest', high: 'most energetic', less: 'calmer', more: 'more energetic', color: '#e4572e', onDark: '#ff6b4a', range: [0, 1], shown: true,
    plain: { low: 'calm', high: 'energetic', lower: 'calmer', higher: 'more energetic', lowest: 'calmest', highest: 'most energetic' } },
  { name: 'valence', label: 'valence', low: 'darkest', high: 'happiest', less: 'darker', more: 'happier', color: '#2e86ab', onDark: '#4cc3ff', range: [0, 1], shown: true,
    plain: { noun: 'brightness', low: 'sombre', high: 'bright', lower: 'darker', higher: 'brighter', lowest: 'darkest', highest: 'brightest' } },
  { name: 'danceability', label: 'danceability', low: 'least danceable', high: 'most danceable', less: 'less danceable', more: 'more danceable', color: '#a23b72', onDark: '#e07ab8', range: [0, 1], shown: true,
    plain: { high: 'danceable', higher: 'more danceable' } },
  { name: 'acousticness', label: 'acousticness', low: 'least acoustic', high: 'most acoustic', less: 'less acoustic', more: 'more acoustic', color: '#3b8f4f', onDark: '#6fd08a', range: [0, 1], shown: true,
    plain: { high: 'acoustic', higher: 'more acoustic' } },
  { name: 'tempo', label: 'tempo', low: 'slowest', high: 'fastest', less: 'slower', more: 'faster', color: '#777777', onDark: '#c8c8c8', range: [0, 250], shown: false, plain: {} },
  { name: 'liveness', label: 'liveness', low: 'least live', high: 'most live', less: 'less live', more: 'more live', color: '#c9a227', onDark: '#f2cf5b', range: [0, 1], shown: false, plain: {} },
].map((m) => Object.freeze({ ...m, plain: Object.freeze(m.plain) })));

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** The table's row for a metric name, or a plain row for a name it does not know. */
export function metric(name) {
  return BY_NAME.get(name) || { name, label: String(name), low: `lowest in ${name}`, high: `highest in ${name}`, less: `lower in ${name}`, more: `higher in ${name}`, color: '#777777', onDark: '#f4f1ff', range: [0, 1], shown: false, plain: {} };
}

/** Every metric name, in the table's order (the model's order until the engine says otherwise). */
export const metricNames = () => METRICS.map((m) => m.name);
/** The names that are plotted, tabled and named for films. */
export const shownMetricNames = () => METRICS.filter((m) => m.shown).map((m) => m.name);
/** The names on the 0..1 scale (averaged and compared on one axis). */
export const unitMetricNames = () => METRICS.filter((m) => m.range[0] === 0 && m.range[1] === 1).map((m) => m.name);
/** Colour of a metric on the page (light background). */
export const colorOf = (name) => metric(name).color;

// --- the library's mood: valence × energy ---------------------------------------------

/** The two axes of a library's mood (the mood map: valence across, energy up), then the other shown metrics: the order the library views list them in. */
export const MOOD_AXES = Object.freeze(['valence', 'energy']);
export const libraryOrder = (names) => [...MOOD_AXES.filter((m) => names.includes(m)), ...names.filter((m) => !MOOD_AXES.includes(m))];

// The mood map's four quadrants, by side of the middle: [valence high?][energy high?].
const QUADRANTS = Object.freeze({
  true: Object.freeze({ true: 'bright and energetic', false: 'calm and warm' }),
  false: Object.freeze({ true: 'tense and energetic', false: 'quiet and sombre' }),
});
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
/** A metric's title in the library views: [the library's word, the model's name in parentheses or ''], e.g. ['Brightness', ' (valence)'], ['Energy', '']. */
export function metricTitle(name) {
  const m = metric(name);
  return m.plain.noun ? [cap(m.plain.noun), ` (${m.label})`] : [cap(m.label), ''];
}

/** The mood map's name for a song or library above (true) or below the middle in valence and in energy. */
export const quadrantName = (highValence, highEnergy) => QUADRANTS[!!highValence][!!highEnergy];

/** The verdict's words for a library clearly on neither side of the middle in valence or energy. */
export const MIDDLE = 'balanced, right in the middle';
