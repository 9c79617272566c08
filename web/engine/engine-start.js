// engine-start.js — the page's first script (index.html, before app.js): it
// starts the engine's Worker, so the wasm, the model and the film catalog
// download and the model loads while the rest of the page's code is still
// arriving and being evaluated. app.js imports the same engine-client.js (one
// module instance: the same engine); without this script the Worker would
// start only once every module app.js imports had run.
import { engine } from './engine-client.js';

engine.ready.catch(() => {});   // a failure is said by app.js (the engine's 'error' event; ready is asked again)
