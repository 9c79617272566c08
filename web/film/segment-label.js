// segment-label.js — how a soundtrack segment is named on the page: its
// number, its scenes ("scene 4" for one, "scenes 4–9" for more) and the
// first place it names. Pure functions (tests/js/web-ux.test.mjs).
//
// A scene that names no place has an empty heading in the catalog (or the
// page's stand-in "Scene 12"); such a heading never names a segment.

const PLACEHOLDER = /^scene\s+\d+$/i;

/** True when a scene heading names something ("" and "Scene 12" do not). */
export const namesPlace = (h) => typeof h === 'string' && h.trim() !== '' && !PLACEHOLDER.test(h.trim());

/** "4" or "4–9" (0-based first/last in, 1-based out); '' when not numbers. */
export function sceneSpan(first, last) {
  if (!Number.isInteger(first)) return '';
  return !Number.isInteger(last) || last <= first ? String(first + 1) : `${first + 1}–${last + 1}`;
}

/** The first heading in scenes[first..last] that names a place, else ''. */
export function segmentHeading(scenes, first, last) {
  const list = Array.isArray(scenes) ? scenes : [];
  const end = Number.isInteger(last) ? Math.min(last, list.length - 1) : first;
  for (let i = Math.max(0, first | 0); i <= end; i++) {
    const h = list[i]?.heading;
    if (namesPlace(h)) return h.trim();
  }
  return '';
}

/** "Segment 2 · scenes 14–30 · PHIL'S ROOM"; "Segment 3 · scene 31" (one scene, no place). */
export function segmentLabel({ segment, first, last, heading } = {}) {
  const parts = [];
  if (Number.isInteger(segment)) parts.push(`Segment ${segment + 1}`);
  const span = sceneSpan(first, last);
  if (span) parts.push(`${span.includes('–') ? 'scenes' : 'scene'} ${span}`);
  if (namesPlace(heading)) parts.push(heading.trim());
  return parts.join(' · ');
}
