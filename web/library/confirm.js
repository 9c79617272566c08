// confirm.js — ask before anything that discards data: a modal <dialog>
// (focus stays inside, Escape cancels) instead of window.confirm, so it
// looks like the page and browser tests can answer it.
//
//   confirmAction({ title, message, confirmLabel, cancelLabel }) → Promise<boolean>
import { el } from '../ui.js';

export function confirmAction({ title, message, confirmLabel = 'Remove', cancelLabel = 'Cancel' }) {
  document.getElementById('confirm-dialog')?.remove();
  const ok = el('button', { type: 'button', id: 'confirm-ok', class: 'danger', text: confirmLabel });
  const cancel = el('button', { type: 'button', id: 'confirm-cancel', text: cancelLabel });
  const dlg = el('dialog', { id: 'confirm-dialog', class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
    el('h2', { id: 'confirm-title', text: title }),
    el('p', { id: 'confirm-text', text: message }),
    el('div', { class: 'row confirm-actions' }, cancel, ok));
  document.body.append(dlg);
  return new Promise((resolve) => {
    let answered = false;
    const done = (v) => { if (answered) return; answered = true; try { dlg.close(); } catch { /* closed */ } dlg.remove(); resolve(v); };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    dlg.addEventListener('close', () => done(false));
    if (typeof dlg.showModal === 'function') dlg.showModal(); else dlg.setAttribute('open', '');
    cancel.focus();   // the safe answer has the focus
  });
}
