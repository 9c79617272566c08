// script-film.js — a script or subtitles the user brings, read by the
// engine into a Film (film.js's shape): each scene's heading, text, word
// count and predicted mood, the scene weights and the overall mood.
import { ScriptError } from './script-input.js';
import { metricsFrom } from '../ui.js';

function fmtTime(sec) {
  if (!(sec >= 0)) return '';
  const m = Math.floor(sec / 60); const s = Math.floor(sec % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}

/**
 * text → { film, scenes: n, format, warnings } (throws ScriptError / Error with a message for the user).
 * opts: { filename, format, title (the name the user searched for), say(text) for progress }.
 */
export async function readScriptFilm(engine, text, { filename = '', format = 'auto', title: named = '', say = () => {} } = {}) {
  const opts = { filename: filename || '', format: format || 'auto' };
  // scenes with their text (for explanations), then the engine's arc:
  // per-scene predictions, weighted by words, and the overall mood
  const parsed = await engine.call('parseScript', [text, opts]);
  const scenesIn = Array.isArray(parsed?.scenes) ? parsed.scenes : [];
  if (!scenesIn.length) throw new ScriptError('No scenes were found in this script.');
  say(`Predicting the mood of ${scenesIn.length} scenes…`);
  const arc = await engine.call('arc', [text, { ...opts, segments: 1, scenes: true }]);
  const arcScenes = Array.isArray(arc?.scenes) ? arc.scenes : [];
  const scenes = arcScenes.map((a, i) => {
    const p = scenesIn[i] || {};
    const heading = String(a.heading || p.heading || (p.start >= 0 ? `${fmtTime(p.start)}–${fmtTime(p.end)}` : `Scene ${i + 1}`));
    return { index: i, heading: heading.slice(0, 200), metrics: metricsFrom(a.mood), text: String(p.text ?? ''), words: Number(p.words) || 0 };
  });
  if (!scenes.length || !Object.keys(scenes[0].metrics).length) throw new ScriptError('The model could not read any scene of this script.');
  // the title the user searched for names the film best; then the title page's, then the file's name
  const title = named || (parsed.title && String(parsed.title).trim()) || (filename ? filename.replace(/\.[^.]+$/, '') : 'Your script');
  const film = { id: `script:${title}`, title, year: null /* a title page's date is a draft's */, source: 'script', scenes,
    weights: scenes.map((x) => Math.max(1, x.words)), overall: metricsFrom(arc.overall), from: filename || '' };
  return { film, format: parsed.format || 'script', warnings: Array.isArray(parsed.warnings) ? parsed.warnings : [] };
}
