// Measures the console's time from a drop to `memorized` shown in the page: signs in, picks <corpus>, drops the
// files on the drop zone and waits until each upload shows memorized. Prints window.memorag.uploads as JSON.
// Usage: node console-drop.mjs <console url> <token> <corpus> <file>...
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [url, token, corpus, ...paths] = process.argv.slice(2);
const files = paths.map(p => ({ name: basename(p), b64: readFileSync(p).toString('base64') }));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#signin-button');
  await page.waitForSelector('#app:not([hidden])');
  await page.selectOption('#corpus-select', corpus);
  await page.waitForFunction(c => document.getElementById('documents-corpus').textContent === c, corpus);
  const dataTransfer = await page.evaluateHandle(list => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), c => c.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  await page.waitForFunction(n => {
    const items = [...document.querySelectorAll('#uploads li')];
    return items.length === n && items.every(li => ['memorized', 'rejected'].includes(li.dataset.stage));
  }, files.length, { timeout: 60000 });
  console.log(JSON.stringify(await page.evaluate(() => window.memorag.uploads)));
} finally {
  await browser.close();
}
