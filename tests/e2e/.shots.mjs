// (not a test: screenshots for the brief; run by hand)
import { launchBrowser, startEnv, newPage } from './helpers.mjs';
const out = '/work/shots/front';
const browser = await launchBrowser();
const env = await startEnv({});
const what = process.argv[2] || 'first';
try {
  for (const [w, h, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    for (const cid of ['', null]) {
      const page = await newPage(browser, env, { config: cid === '' ? { clientId: '' } : {}, context: { viewport: { width: w, height: h }, ...(w < 500 ? { isMobile: true, hasTouch: true } : {}) } });
      await page.goto(env.appUrl);
      await page.waitForSelector('html[data-app="ready"]');
      const name = cid === '' ? 'no-client-id' : 'built-in-client-id';
      await page.screenshot({ path: `${out}/first-visit-${name}-${tag}.png`, fullPage: true });
      await page.locator('#card-spotify').screenshot({ path: `${out}/signin-card-${name}-${tag}.png` });
      await page.closeAll();
    }
  }
} finally { await env.stop(); await browser.close(); }
