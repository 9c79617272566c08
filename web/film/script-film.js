// script-film.js — a script or subtitles the user brings, read by the
// engine into a Film (film.js's shape): each scene's heading, text, word
// count and predicted mood, the scene weights and the overall mood.
import { ScriptError } from './script-input.js';
import { metricsFrom } from '../ui.js';
import { metric, metricNames } from '../metrics.js';

function fmtTime(sec) {
  if (!(sec >= 0)) return '';
  const m = Math.floor(sec / 60); const s = Math.floor(sec % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/** Each metric's valid range as the page clamps it (metricsFrom), for the engine to clamp the same way. */
const rangesOf = (names) => Object.fromEntries(names.map((n) => [n, metric(n).range]));

/**
 * text → { film, scenes: n, format, warnings, arc } (throws ScriptError / Error with a message for the user).
 * opts: { filename, format, title (the name the user searched for), say(text) for progress,
 *         segments (with it, arc: filmSoundtrack's arc-only answer for the film in that many
 *         segments, from the same engine call; null when the engine could not make it),
 *         metrics (the model's outputs: the ranges sent for them) }.
 */
export async function readScriptFilm(engine, text, { filename = '', format = 'auto', title: named = '', say = () => {}, segments = 0, metrics = metricNames() } = {}) {
  // ONE engine call: the script parsed once, each scene with its text,
  // words and predicted mood, the overall mood (weighted like the arc) and,
  // asked with segments, the arc the Soundtrack view draws of this film
  say('Reading the script and predicting the mood of its scenes…');
  const opts = { filename: filename || '', format: format || 'auto' };
  if (segments) opts.soundtrack = { segments, ranges: rangesOf(metrics) };
  const read = await engine.call('readScript', [text, opts]).catch((e) => {
    throw /^no scenes/.test(e?.message || '') ? new ScriptError('No scenes were found in this script.') : e;
  });
  const scenesIn = Array.isArray(read?.scenes) ? read.scenes : [];
  if (!scenesIn.length) throw new ScriptError('No scenes were found in this script.');
  const scenes = scenesIn.map((p, i) => {
    const heading = String(p.heading || (p.start >= 0 ? `${fmtTime(p.start)}–${fmtTime(p.end)}` : `Scene ${i + 1}`));
    return { index: i, heading: heading.slice(0, 200), metrics: metricsFrom(p.mood), text: String(p.text ?? ''), words: Number(p.words) || 0 };
  });
  if (!scenes.length || !Object.keys(scenes[0].metrics).length) throw new ScriptError('The model could not read any scene of this script.');
  // the title the user searched for names the film best; then the title page's, then the file's name
  const title = named || (read.title && String(read.title).trim()) || (filename ? filename.replace(/\.[^.]+$/, '') : 'Your script');
  const film = { id: `script:${title}`, title, year: null /* a title page's date is a draft's */, source: 'script', scenes,
    weights: scenes.map((x) => Math.max(1, x.words)), overall: metricsFrom(read.overall), from: filename || '' };
  const arc = read.soundtrack && typeof read.soundtrack === 'object' && !read.soundtrack.error ? read.soundtrack : null;
  return { film, format: read.format || 'script', warnings: Array.isArray(read.warnings) ? read.warnings : [], arc };
}
