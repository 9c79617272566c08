// tfjs_entry.mjs — exactly the TF.js a page needs to run our model as a
// LayersModel on the wasm backend: tfjs-core (+ the chained tensor methods
// that tfjs-layers calls), tfjs-layers, tfjs-backend-wasm. run.mjs bundles it
// with esbuild (minified) for the size comparison (platform browser) and for
// the cold-start runs in Node (platform node).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
export { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
