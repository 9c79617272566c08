// Web build: copies the static app from web/ into dist/ together with the
// engine (build/wasm) and the shipped weights. Run by ./build.sh.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
for (const f of fs.readdirSync(path.join(root, 'web'))) {
  if (f === 'build.mjs') continue;
  fs.cpSync(path.join(root, 'web', f), path.join(dist, f), { recursive: true });
}
for (const f of ['moodspace.mjs', 'moodspace.wasm'])
  fs.copyFileSync(path.join(root, 'build/wasm', f), path.join(dist, f));
