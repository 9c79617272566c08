// match-view.js — the Soundtrack view's songs: the quick match's list and
// the full soundtrack's, one card per song with its player and "Why this
// song?" (the percentiles in words and a table, and on opening, the words
// of the lyric and of the scene that moved the model most).
//
//   const view = matchView({ engine, lyrics, embedBase });
//   view.showQuick(picks, { poolText, sceneText })
//   view.showFull(picks, { sceneText(first, last) })
//   view.hide()
// A pick: { song, distance, segmentPct, songPct, mood, segment? }.
import { songPlayer } from './player.js';
import { whyWords, explainWords, pctText } from './why.js';
import { $, el, fmt, fmtMetric } from '../ui.js';

export function matchView({ engine, lyrics, embedBase }) {
  function hide() { $('quick-results').hidden = true; $('full-results').hidden = true; $('draw-again').hidden = true; }

  function showQuick(picks, { poolText, sceneText }) {
    $('quick-pool').textContent = poolText;
    $('quick-list').replaceChildren(...picks.map((p) => matchCard(p, { sceneText })));
    $('quick-results').hidden = false; $('draw-again').hidden = false;
  }

  function showFull(picks, { sceneText }) {
    $('full-list').replaceChildren(...picks.map((p) => matchCard(p, {
      sceneText: sceneText(p.segment.first, p.segment.last),
      label: `Segment ${p.segment.segment + 1} · scenes ${p.segment.first + 1}–${p.segment.last + 1} · ${p.segment.heading}`,
    })));
    $('full-results').hidden = false;
  }

  function matchCard(p, { sceneText: sText, label }) {
    const s = p.song;
    const li = el('li', { class: 'match' });
    if (label) li.append(el('p', { class: 'seg', text: label }));
    if (!s) { li.append(el('p', { text: 'No song for this segment.' })); return li; }
    li.append(el('p', { class: 'title', text: s.title }), el('p', { class: 'artist', text: s.artist }));
    const player = songPlayer(s, embedBase);   // the embed, or title + link when offline (player.js)
    if (player) li.append(player);
    const why = el('details', { class: 'why' }, el('summary', { text: `Why this song? (distance ${fmt(p.distance, 3)})` }));
    const metrics = Object.keys(p.segmentPct || {}).filter((m) => typeof p.songPct?.[m] === 'number');
    why.append(el('p', { class: 'why-words', text: whyWords(p.segmentPct, p.songPct, metrics) }));
    why.append(el('table', {},
      el('caption', { class: 'visually-hidden', text: 'Song mood against the film, as percentiles' }),
      el('thead', {}, el('tr', {}, ...['metric', 'film %ile', 'song %ile', 'film', 'song'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...metrics.map((m) => el('tr', {},
        el('th', { scope: 'row', text: m }),
        el('td', { class: 'num', text: pctText(p.segmentPct[m]) }),
        el('td', { class: 'num', text: pctText(p.songPct[m]) }),
        el('td', { class: 'num', text: fmtMetric(m, p.mood?.[m]) }),
        el('td', { class: 'num', text: fmtMetric(m, s.metrics?.[m]) }))))));
    const lyricWords = el('p', { class: 'words' }, el('strong', { text: 'Lyric words: ' }), el('span', { class: 'muted', text: '…' }));
    const sceneWords = sText ? el('p', { class: 'words' }, el('strong', { text: 'Scene words: ' }), el('span', { class: 'muted', text: '…' })) : null;
    why.append(lyricWords);
    if (sceneWords) why.append(sceneWords);
    why.addEventListener('toggle', () => { if (why.open && !why.dataset.loaded) { why.dataset.loaded = '1'; explainInto(s, lyricWords, sText, sceneWords); } });
    li.append(why);
    return li;
  }

  async function explainInto(song, lyricP, sText, sceneP) {
    // one line per metric: the words whose removal changed the prediction most (signed, metric units)
    const fill = (p, res, none) => {
      const groups = explainWords(res).filter((g) => g.words.length);
      const parts = groups.map((g) => el('span', { class: 'metric-words' },
        el('em', { text: `${g.metric}: ` }),
        g.words.slice(0, 4).map((w) => `${w.word} (${w.delta > 0 ? '+' : '−'}${Math.abs(w.delta).toFixed(g.metric === 'tempo' ? 1 : 3)})`).join(', ')));
      p.replaceChildren(p.firstChild, ...(parts.length ? parts : [el('span', { class: 'muted', text: none })]));
    };
    try {
      const text = await lyrics.lyricsOf(song);
      if (text) fill(lyricP, await engine.call('explain', [text, { top: 4 }]), 'no single word stood out');
      else fill(lyricP, null, song.lyricsStatus === 'none' ? 'lyrics are not part of the demo library' : 'no lyrics at hand');
    } catch (e) { fill(lyricP, null, `could not explain (${e.message})`); }
    if (sceneP) {
      try { fill(sceneP, await engine.call('explain', [sText, { top: 4 }]), 'no single word stood out'); }
      catch (e) { fill(sceneP, null, `could not explain (${e.message})`); }
    }
  }

  return { showQuick, showFull, hide };
}
