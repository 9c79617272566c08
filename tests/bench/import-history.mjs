// Import speed of the Spotify data-export reader (web-extras), in Chromium:
// generates an extended-history export of about MB megabytes of JSON (zipped,
// like my_spotify_data.zip), opens it through the real import card of dist/
// and times from choosing the file to the "Added …" status (the worker
// streams, unzips, parses and summarises it). Also times the same reader in
// Node for comparison. Not part of ./build.sh test (no timed assertions there).
//
//   node tests/bench/import-history.mjs [MB=100] [zip|json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, startEnv, newPage, distMissing } from '../e2e/helpers.mjs';
import { writeBigExport } from '../fake/history-export.mjs';
import { importFiles } from '../../web/library/history-worker.js';
import { unzipSync } from 'fflate';

const mb = Number(process.argv[2] || 100);
const kind = process.argv[3] || 'zip';
const why = distMissing();
if (why) { console.error(`skip: ${why}`); process.exit(0); }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-import-'));
try {
  let file = path.join(dir, 'my_spotify_data.zip');
  const gen = await writeBigExport(file, mb);
  if (kind === 'json') {
    // one big JSON file: the files of the zip joined into a single array
    const parts = Object.values(unzipSync(fs.readFileSync(file))).map((u) => Buffer.from(u).toString('utf8').trim().slice(1, -1).trim());
    file = path.join(dir, 'Streaming_History_Audio_2015-2024_0.json');
    fs.writeFileSync(file, `[${parts.join(',\n')}]`);
  }
  const size = fs.statSync(file).size;
  console.log(`input: ${path.basename(file)}, ${(size / 1e6).toFixed(1)} MB on disk, ${(gen.bytesJson / 1e6).toFixed(1)} MB of JSON, ${gen.records} records`);

  const blob = new File([fs.readFileSync(file)], path.basename(file));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = await importFiles([blob], () => {});
  const node = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(`node ${process.version}: ${res.type}, ${res.summary?.plays} plays in ${node.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU = ${(gen.bytesJson / 1e6 / cpuS).toFixed(1)} MB/s of JSON per CPU second (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);

  const browser = await launchBrowser();
  const env = await startEnv({ spotify: false, lrclib: false });
  const page = await newPage(browser, env);
  await page.goto(env.appUrl);
  await page.waitForSelector('html[data-app="ready"]');
  const heap0 = await page.evaluate(() => performance.memory?.usedJSHeapSize || 0);
  const t1 = performance.now();
  await page.setInputFiles('#import-file', file);
  await page.waitForSelector('.import-status.ok, .import-status.error', { timeout: 600000 });
  const secs = (performance.now() - t1) / 1000;
  const status = await page.textContent('.import-status');
  const heap1 = await page.evaluate(() => performance.memory?.usedJSHeapSize || 0);
  console.log(`chromium: ${status}`);
  console.log(`chromium: ${secs.toFixed(2)} s from choosing the file to the summary = ${(gen.bytesJson / 1e6 / secs).toFixed(1)} MB/s of JSON; page heap +${((heap1 - heap0) / 1e6).toFixed(1)} MB`);
  await page.closeAll(); await env.stop(); await browser.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
