// match-view.js — the Soundtrack view's songs: the quick match's list and
// the full soundtrack's, one card per song with its player and "Why this
// song?" (in plain words and as a table of percentiles, and on opening, the
// words of the lyric and of the scene that moved the model most). In the
// full soundtrack each song can be locked, and "Another song" lists the
// segment's next best fits with their reasons, any of which can take its
// place.
//
//   const view = matchView({ engine, lyrics, embedBase, control });
//   view.showQuick(picks, { poolText, sceneText })
//   view.showFull(picks, { sceneText(first, last), openAlternatives })
//   view.hide()
// A pick: { song, distance, segmentPct, songPct, mood, segment?, locked?, alternatives?: [{ song, songPct }] }.
// control: { lock(i, on), another(i) → Promise<boolean> (the soundtrack drawn again with alternatives), use(i, alternative) }.
import { songPlayer } from './player.js';
import { whyWords, explainWords, wordsLine, pctText } from './why.js';
import { $, el } from '../ui.js';
import { metric } from '../metrics.js';
import { segmentLabel } from '../film/segment-label.js';

export function matchView({ engine, lyrics, embedBase, control }) {
  function hide() { $('quick-results').hidden = true; $('full-results').hidden = true; $('draw-again').hidden = true; }

  function showQuick(picks, { poolText, sceneText }) {
    $('quick-pool').textContent = poolText;
    $('quick-list').replaceChildren(...picks.map((p) => matchCard(p, { sceneText, subject: 'the film' })));
    $('quick-results').hidden = false; $('draw-again').hidden = false;
  }

  function showFull(picks, { sceneText, openAlternatives = -1 }) {
    $('full-list').replaceChildren(...picks.map((p, i) => matchCard(p, {
      sceneText: sceneText(p.segment.first, p.segment.last),
      label: segmentLabel(p.segment),
      subject: 'this part of the film', index: i, openAlternatives: i === openAlternatives,
    })));
    $('full-results').hidden = false;
  }

  function whyBlock(p, s, sText, subject) {
    const why = el('details', { class: 'why' }, el('summary', { text: 'Why this song?' }));
    const metrics = Object.keys(p.segmentPct || {}).filter((m) => metric(m).shown && typeof p.songPct?.[m] === 'number');
    why.append(el('p', { class: 'why-words', text: whyWords(p.segmentPct, p.songPct, metrics, { subject }) }));
    why.append(el('table', {},
      el('caption', { class: 'visually-hidden', text: 'Song mood against the film, as percentiles (0 = lowest, 100 = highest)' }),
      el('thead', {}, el('tr', {}, ...['Mood', subject === 'the film' ? 'Film' : 'This part', 'Song'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...metrics.map((m) => el('tr', {},
        el('th', { scope: 'row', text: metric(m).label }),
        el('td', { class: 'num', text: pctText(p.segmentPct[m]) }),
        el('td', { class: 'num', text: pctText(p.songPct[m]) }))))));
    why.append(el('p', { class: 'muted why-scale', text: 'Percentiles: 1st is the lowest of the catalog’s films (or of songs), 99th the highest.' }));
    const lyricWords = el('p', { class: 'words' }, el('strong', { text: 'Lyric words: ' }), el('span', { class: 'muted', text: '…' }));
    const sceneWords = sText ? el('p', { class: 'words' }, el('strong', { text: 'Scene words: ' }), el('span', { class: 'muted', text: '…' })) : null;
    why.append(lyricWords);
    if (sceneWords) why.append(sceneWords);
    why.addEventListener('toggle', () => { if (why.open && !why.dataset.loaded) { why.dataset.loaded = '1'; explainInto(s, lyricWords, sText, sceneWords); } });
    return why;
  }

  function matchCard(p, { sceneText: sText, label, subject, index = -1, openAlternatives = false }) {
    const s = p.song;
    const li = el('li', { class: `match${p.locked ? ' locked' : ''}` });
    if (label) li.append(el('p', { class: 'seg', text: label }));
    if (!s) { li.append(el('p', { text: 'No song for this segment.' })); return li; }
    li.append(el('p', { class: 'title', text: s.title }), el('p', { class: 'artist', text: s.artist }));
    const player = songPlayer(s, embedBase);   // the embed, or title + link when offline (player.js)
    if (player) li.append(player);
    if (index >= 0 && control) li.append(controls(p, index, openAlternatives));
    li.append(whyBlock(p, s, sText, subject));
    return li;
  }

  // Lock / Another song, and the segment's next best fits
  function controls(p, i, open) {
    const lock = el('button', { type: 'button', class: 'lock', 'aria-pressed': String(!!p.locked), text: p.locked ? 'Locked' : 'Lock',
      title: 'A locked song stays when the rest is rebuilt' });
    lock.addEventListener('click', () => {
      const on = lock.getAttribute('aria-pressed') !== 'true';
      lock.setAttribute('aria-pressed', String(on)); lock.textContent = on ? 'Locked' : 'Lock';
      lock.closest('li.match')?.classList.toggle('locked', on);
      control.lock(i, on);
    });
    const altId = `alternatives-${i}`;
    const another = el('button', { type: 'button', class: 'another', 'aria-expanded': 'false', 'aria-controls': altId, text: 'Another song' });
    const box = el('div', { id: altId, class: 'alternatives', hidden: true });
    const fill = () => {
      const alts = p.alternatives || [];
      box.replaceChildren(el('p', { class: 'muted', text: alts.length ? 'The next best fits for this part of the film:' : 'No other song of your library fits here.' }),
        ...(alts.length ? [el('ol', {}, ...alts.map((a) => el('li', {},
          el('p', { class: 'alt-song' }, el('strong', { text: a.song.title }), ` — ${a.song.artist}`),
          el('p', { class: 'alt-why', text: whyWords(p.segmentPct, a.songPct, undefined, { subject: 'this part of the film' }) }),
          el('button', { type: 'button', class: 'use', text: 'Use this song', 'aria-label': `Use ${a.song.title} by ${a.song.artist} for segment ${i + 1}`,
            onclick: () => control.use(i, a) }))))] : []));
    };
    const toggle = async (on) => {
      another.setAttribute('aria-expanded', String(on));
      box.hidden = !on;
      if (!on) return;
      if (!p.alternatives) {
        box.replaceChildren(el('p', { class: 'muted', text: 'Looking for the next best fits…' }));
        // on success the soundtrack is drawn again with this list open; else say why here
        if (!(await control.another(i))) box.replaceChildren(el('p', { class: 'muted', text: $('match-status').textContent || 'The next best fits could not be found.' }));
        return;
      }
      fill();
    };
    another.addEventListener('click', () => toggle(another.getAttribute('aria-expanded') !== 'true'));
    if (open) queueMicrotask(() => toggle(true));
    return el('div', { class: 'song-controls' }, el('div', { class: 'buttons' }, another, lock), box);
  }

  async function explainInto(song, lyricP, sText, sceneP) {
    // per metric, the words whose removal changed the prediction most, in words
    const fill = (p, res, none) => {
      const lines = explainWords(res).map((g) => wordsLine(g)).filter(Boolean);
      const parts = lines.map((t) => el('span', { class: 'metric-words', text: t }));
      p.replaceChildren(p.firstChild, ...(parts.length ? parts : [el('span', { class: 'muted', text: none })]));
    };
    try {
      const text = await lyrics.lyricsOf(song);
      if (text) fill(lyricP, await engine.call('explain', [text, { top: 8 }]), 'no single word stood out');
      else fill(lyricP, null, song.lyricsStatus === 'none' ? 'lyrics are not part of the demo library' : 'no lyrics at hand');
    } catch (e) { fill(lyricP, null, `could not explain (${e.message})`); }
    if (sceneP) {
      try { fill(sceneP, await engine.call('explain', [sText, { top: 8 }]), 'no single word stood out'); }
      catch (e) { fill(sceneP, null, `could not explain (${e.message})`); }
    }
  }

  return { showQuick, showFull, hide };
}
