// A scripted session of the web console in headless Chromium, as a person would run it: a wrong token, sign-in as
// admin, a new corpus, a text file and a PDF dropped at once and followed to `memorized`, a question with clues,
// streamed tokens and highlighted evidence, the passage opened, a document deleted and gone from the list and from
// later evidence, a cancelled question, the phone-width layout. A screenshot per step goes to <out dir>; what the
// page showed is printed as one JSON line.
// Usage: node console-session.mjs <console url> <admin token> <out dir> <corpus> <file>...
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [url, adminToken, outDir, corpus, ...paths] = process.argv.slice(2);
const TYPES = { '.txt': 'text/plain', '.md': 'text/markdown', '.html': 'text/html', '.pdf': 'application/pdf' };
const files = paths.map(p => ({ name: basename(p), b64: readFileSync(p).toString('base64'),
  type: TYPES[p.slice(p.lastIndexOf('.'))] || '' }));
const result = { steps: [] };
const started = Date.now();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let n = 0;
async function shot(page, name) {
  const path = join(outDir, String(++n).padStart(2, '0') + '-' + name + '.png');
  await page.screenshot({ path, fullPage: true });
  result.steps.push({ step: name, screenshot: path, atMs: Date.now() - started });
}
const text = (page, sel) => page.$eval(sel, e => e.textContent);
const all = (page, sel) => page.$$eval(sel, es => es.map(e => e.textContent));

async function askAndWait(page, question) {
  await page.fill('#question', question);
  await page.click('#send');
  await page.waitForFunction(() => {
    const s = document.getElementById('ask-status');
    return s.textContent === 'done' || s.className === 'error';
  }, null, { timeout: 60000 });
  return page.evaluate(() => ({
    status: document.getElementById('ask-status').textContent,
    answer: document.getElementById('answer').textContent,
    tokenFrames: Number(document.getElementById('answer').dataset.tokens || 0),
    backend: document.getElementById('backend').textContent,
    clues: [...document.querySelectorAll('#clues li')].map(li => li.textContent),
    evidenceDocs: [...document.querySelectorAll('#evidence li')].map(li => li.dataset.doc),
    marks: [...document.querySelectorAll('#evidence mark')].map(m => m.textContent),
    frames: window.memorag.asks[window.memorag.asks.length - 1],
  }));
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', e => pageErrors.push(String(e)));
  await page.goto(url);
  await shot(page, 'signin');

  // a wrong token: the API's 401 message, not a blank page
  await page.fill('#token', 'not-a-real-token');
  await page.click('#signin-button');
  await page.waitForSelector('#alert:not([hidden])');
  result.wrongToken = await text(page, '#alert-text');
  result.signInStillShown = await page.isVisible('#signin-section');
  result.appShownBeforeSignIn = await page.isVisible('#app') || await page.isVisible('#who');
  await shot(page, 'wrong-token');

  // admin: create a corpus, its token shown once
  await page.fill('#token', adminToken);
  await page.click('#signin-button');
  await page.waitForSelector('#corpora-section:not([hidden])');
  result.tokenInSessionStorage = await page.evaluate(t => sessionStorage.getItem('memorag.token') === t
    && localStorage.length === 0 && !document.cookie, adminToken);
  await page.fill('#new-corpus', corpus);
  await page.click('#create-button');
  await page.waitForSelector('#new-token:not([hidden])');
  result.newToken = await text(page, '#new-token-value');
  await page.click('#copy-token');
  await page.waitForFunction(() => document.getElementById('copy-state').textContent !== '');
  result.copyState = await text(page, '#copy-state');
  result.selectedCorpus = await page.$eval('#corpus-select', s => s.value);
  await shot(page, 'corpus-created');

  // drop both files at once on the drop zone
  const dataTransfer = await page.evaluateHandle(list => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, files);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });
  await page.waitForFunction(n => {
    const items = [...document.querySelectorAll('#uploads li')];
    return items.length === n && items.every(li => ['memorized', 'rejected'].includes(li.dataset.stage));
  }, files.length, { timeout: 60000 });
  result.uploads = await page.evaluate(() => window.memorag.uploads);
  result.uploadLines = await all(page, '#uploads li');
  await page.waitForFunction(n => document.querySelectorAll('#documents tbody tr').length === n
    && [...document.querySelectorAll('#documents tbody tr')].every(r => r.textContent.includes('memorized')),
  files.length, { timeout: 10000 });
  result.documentRows = await all(page, '#documents tbody tr');
  await page.waitForFunction(() => /Memory backend/.test(document.getElementById('memory').textContent)
    && /READY/.test(document.getElementById('ready').textContent));
  result.memory = await text(page, '#memory');
  result.ready = await text(page, '#ready');
  await shot(page, 'memorized');

  // a file with no text is refused: the upload shows the API's reason
  const blank = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([' \n'], 'blank.md', { type: 'text/markdown' }));
    return dt;
  });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: blank });
  await page.waitForSelector('#uploads li[data-doc="blank.md"][data-stage="rejected"]', { timeout: 20000 });
  result.rejectedUpload = await text(page, '#uploads li[data-doc="blank.md"] .stage');

  // ask: clues, streamed tokens, highlighted evidence
  result.firstAsk = await askAndWait(page, process.env.QUESTION || 'What did the lighthouse keeper record?');
  await shot(page, 'answer');

  // the evidence link opens the passage
  await page.click('#evidence li a');
  await page.waitForSelector('#passage-dialog[open]');
  result.passageTitle = await text(page, '#passage-title');
  result.passageMarks = await all(page, '#passage-text mark');
  await shot(page, 'passage');
  await page.click('#passage-close');

  // delete the PDF: it leaves the list, and its passages leave later evidence
  const gone = files.find(f => f.name.endsWith('.pdf')).name;
  page.once('dialog', d => d.accept());
  await page.click(`button[aria-label="Delete ${gone}"]`);
  await page.waitForFunction(doc => ![...document.querySelectorAll('#documents tbody tr')]
    .some(r => r.dataset.doc === doc), gone, { timeout: 30000 });
  result.deleted = gone;
  result.rowsAfterDelete = await all(page, '#documents tbody tr');
  await shot(page, 'deleted');
  result.secondAsk = await askAndWait(page, process.env.QUESTION || 'What did the lighthouse keeper record?');

  // cancel a question in flight
  // (sent, then cancelled in the next task: a warm answer takes longer than that, so it is still in flight)
  await page.fill('#question', 'Who kept the lamp burning?');
  await page.evaluate(async () => {
    document.getElementById('ask').requestSubmit();
    await new Promise(r => setTimeout(r, 0));
    document.getElementById('cancel').click();
  });
  await page.waitForFunction(() => document.getElementById('ask-status').textContent.startsWith('cancelled'));
  await page.waitForFunction(() => window.memorag.asks[window.memorag.asks.length - 1].cancelAcknowledged,
    null, { timeout: 10000 }).catch(() => {});
  result.cancelStatus = await text(page, '#ask-status');
  result.cancelAcknowledged = await page.evaluate(() => !!window.memorag.asks[window.memorag.asks.length - 1].cancelAcknowledged);
  result.history = await all(page, '#history li');

  // every form control has a label, and the controls are reachable with the keyboard
  result.unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea, button',
    es => es.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
      .map(e => e.id || e.outerHTML.slice(0, 60)));
  await page.focus('#question');
  await page.keyboard.press('Tab');
  result.tabFromQuestion = await page.evaluate(() => document.activeElement.id);
  // the history shows an earlier answer again (the one after the delete), highlights included
  await page.click('#history li:nth-child(2) button');
  result.replayed = await page.evaluate(() => ({
    status: document.getElementById('ask-status').textContent,
    marks: document.querySelectorAll('#evidence mark').length,
  }));
  await shot(page, 'final');

  // phone width: one column, nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  result.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shot(page, 'phone');
  result.pageErrors = pageErrors;
  result.totalMs = Date.now() - started;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
