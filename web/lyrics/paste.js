// paste.js — lyrics the user brings for a song LRCLIB could not give
// (not found, or failed): a "Paste lyrics" button in the library table opens
// a dialog; the text is stored like fetched lyrics (lrclib.js storeLyrics:
// the same IndexedDB cache, so it survives reloads) and the song's mood is
// then predicted like any other.
//
//   pasteButton(song, { library, predict(ids), notify }) → <button> | null
import { storeLyrics, lyricTexts, MAX_LYRIC_CHARS } from './lrclib.js';
import { el } from '../ui.js';

const CAN_PASTE = new Set(['notfound', 'error']);

let dialog = null;
function theDialog() {
  if (dialog) return dialog;
  const text = el('textarea', { id: 'paste-lyrics-text', rows: 12, spellcheck: false, maxLength: MAX_LYRIC_CHARS });
  const title = el('h3', { id: 'paste-lyrics-h' });
  const note = el('p', { id: 'paste-lyrics-note', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const save = el('button', { id: 'paste-lyrics-save', type: 'submit', class: 'primary', text: 'Save lyrics' });
  const cancel = el('button', { id: 'paste-lyrics-cancel', type: 'button', text: 'Cancel' });
  const form = el('form', { method: 'dialog' }, title,
    el('p', { class: 'muted', text: 'Paste the words of the song. They stay in this browser, like lyrics from LRCLIB, and the model reads them for its mood.' }),
    el('label', { for: 'paste-lyrics-text', text: 'Lyrics' }), text, note, el('div', { class: 'row' }, save, cancel));
  dialog = el('dialog', { id: 'paste-lyrics', class: 'paste-dialog', 'aria-labelledby': 'paste-lyrics-h' }, form);
  cancel.addEventListener('click', () => dialog.close('cancel'));
  document.body.append(dialog);
  dialog.parts = { text, title, note, save, form };
  return dialog;
}

export function pasteButton(song, ctx) {
  if (!CAN_PASTE.has(song.lyricsStatus)) return null;
  const b = el('button', { type: 'button', class: 'paste-lyrics link', text: 'Paste lyrics', 'aria-label': `Paste lyrics for ${song.title} by ${song.artist}` });
  b.addEventListener('click', () => openFor(song.id, ctx, b));
  return b;
}

function openFor(id, ctx, opener) {
  const d = theDialog();
  const song = ctx.library.state.songs.get(id);
  if (!song) return;
  const { text, title, note, form } = d.parts;
  title.textContent = `Lyrics for “${song.title}” — ${song.artist}`;
  text.value = ''; note.textContent = '';
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const words = text.value.trim();
    if (words.split(/\s+/).filter(Boolean).length < 3) { note.textContent = 'Paste at least a few words of the song.'; text.focus(); return; }
    const now = ctx.library.state.songs.get(id);
    if (!now) { d.close(); return; }
    const r = await storeLyrics(now, words);
    if (!r) { note.textContent = 'Nothing to save.'; return; }
    lyricTexts.set(id, r.text);
    ctx.library.updateSong(id, { lyricsStatus: 'found', lyricsCause: undefined, metrics: null });
    d.close('saved');
    ctx.notify?.(`Lyrics saved for “${now.title}”; predicting its mood…`);
    ctx.predict?.([id]);
  };
  d.addEventListener('close', () => { if (opener.isConnected) opener.focus(); }, { once: true });
  d.showModal();
  text.focus();
}
