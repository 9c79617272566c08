// The page's handle on the engine: web/engine/engine.js runs inside web/engine/worker.js
// (a module Worker), initialised once with the shipped model; requests are
// queued (the worker answers one at a time, in order) and progress is posted
// back.
//
//   import { engine } from './engine-client.js';
//   await engine.ready;                          // model loaded (rejects with a message)
//   const r = await engine.call('predict', [texts], { onProgress });
//
// Every call resolves with the engine's result or rejects with an Error
// whose message is the engine's; a crashed worker rejects everything pending
// and is restarted on the next call.

import { CATALOG_URL } from '../film/film-catalog.js';

// catalogUrl: the film catalog the worker reads ahead while it loads (worker.js init; the same
// URL the page's calls name, so it is read once); null: none
export function createEngineClient({ workerUrl = new URL('./worker.js', import.meta.url), modelUrl = './model.bin', catalogUrl = CATALOG_URL } = {}) {
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  let readyPromise = null;
  const listeners = new Set();

  function failAll(message) {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  }

  function start() {
    worker = new Worker(workerUrl, { type: 'module', name: 'moodspace-engine' });
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      const p = pending.get(m.id);
      if (!p) return;
      if (m.progress) { try { p.onProgress?.(m.progress); } catch (e) { console.error(e); } return; }
      pending.delete(m.id);
      if (m.error) p.reject(new Error(String(m.error))); else p.resolve(m.result);
    };
    worker.onerror = (ev) => {
      ev.preventDefault?.();
      const msg = `The mood engine stopped: ${ev.message || 'worker error'}`;
      failAll(msg);
      worker?.terminate(); worker = null; readyPromise = null;
      for (const fn of listeners) fn({ type: 'crash', message: msg });
    };
  }

  function post(method, args, onProgress) {
    if (!worker) start();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ id, method, args });
    });
  }

  const client = {
    /** Resolves with the model's info once the engine and model are loaded. */
    get ready() {
      if (!readyPromise) {
        const base = globalThis.document?.baseURI ?? globalThis.location?.href;
        readyPromise = post('init', [{ modelUrl: new URL(modelUrl, globalThis.location?.href).toString(),
          ...(catalogUrl ? { catalogUrl: new URL(catalogUrl, base).href } : {}) }]);
        readyPromise.then((info) => { for (const fn of listeners) fn({ type: 'ready', info }); },
          (e) => { readyPromise = null; for (const fn of listeners) fn({ type: 'error', message: e.message }); });
      }
      return readyPromise;
    },
    /** Call an engine function by name once ready. */
    async call(method, args = [], { onProgress } = {}) {
      await client.ready;
      return post(method, args, onProgress);
    },
    on(fn) { listeners.add(fn); return () => listeners.delete(fn); },
    terminate() { worker?.terminate(); worker = null; readyPromise = null; failAll('engine stopped'); },
  };
  return client;
}

export const engine = createEngineClient();
