// Drives the web console in headless Chromium: enters corpus, token and question, waits for the streamed answer
// and evidence, saves a screenshot, prints what the page shows as JSON.
// Usage: node console.mjs <console url> <corpus> <token> <question> <screenshot path>
import { chromium } from 'playwright-core';

const [url, corpus, token, question, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#corpus', corpus);
  await page.fill('#token', token);
  await page.fill('#question', question);
  await page.click('#send');
  await page.waitForFunction(() => ['done'].includes(document.getElementById('status').textContent)
      || document.getElementById('status').className === 'error', null, { timeout: 60000 });
  const shown = await page.evaluate(() => ({
    status: document.getElementById('status').textContent,
    answer: document.getElementById('answer').textContent,
    backend: document.getElementById('backend').textContent,
    clues: [...document.querySelectorAll('#clues li')].map(li => li.textContent),
    evidence: [...document.querySelectorAll('#evidence li')].map(li => li.textContent),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(shown));
} finally {
  await browser.close();
}
