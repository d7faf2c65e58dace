// Drives the web console in headless Chromium: signs in with a corpus token (its corpus is picked for it), asks,
// waits for the streamed answer and evidence, saves a screenshot, prints what the page shows as JSON.
// Usage: node console.mjs <console url> <corpus> <token> <question> <screenshot path>
import { chromium } from 'playwright-core';

const [url, corpus, token, question, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#signin-button');
  await page.waitForFunction(c => document.getElementById('corpus-select').value === c, corpus, { timeout: 30000 });
  await page.fill('#question', question);
  await page.click('#send');
  await page.waitForFunction(() => ['done'].includes(document.getElementById('ask-status').textContent)
      || document.getElementById('ask-status').className === 'error', null, { timeout: 60000 });
  const shown = await page.evaluate(() => ({
    status: document.getElementById('ask-status').textContent,
    answer: document.getElementById('answer').textContent,
    backend: document.getElementById('backend').textContent,
    clues: [...document.querySelectorAll('#clues li')].map(li => li.textContent),
    evidence: [...document.querySelectorAll('#evidence li')].map(li => li.textContent),
    marks: [...document.querySelectorAll('#evidence mark')].map(m => m.textContent),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(shown));
} finally {
  await browser.close();
}
