// Ad-hoc timing of edits on the 50-node scenario (next animation frame after the click),
// for comparing builds: DIST=dir node tests/e2e/measure-edits.mjs
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';

const dist = process.env.DIST ?? 'dist';
const port = 8094;
const base = `http://127.0.0.1:${port}/`;
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
// Time to the next animation frame after the click, and how much of it the click handler
// itself took (the reducer, with the engine run); the rest is rendering.
const toFrame = () => async (selector) => {
  const t0 = performance.now();
  document.querySelector(selector).click();
  const handler = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => r()));
  return [performance.now() - t0, handler];
};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(base);
  await page.locator('#scrubber').waitFor();
  await page.click('#open-gallery');
  await page.click('#scenario-medium');
  await page.locator('#dialog').waitFor({ state: 'detached' });
  const cordon = [];
  await page.locator('.node .node-name').first().click();
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(400);
    cordon.push(await page.evaluate(toFrame(), '#cordon'));
    console.log('cordon', cordon.at(-1).map((t) => t.toFixed(1)).join(' / handler '));
  }
  const del = [];
  for (let i = 0; i < 6; i++) {
    await page.waitForTimeout(400);
    await page.locator('.node .pod').nth(i * 5 + 3).click();
    await page.waitForTimeout(300);
    del.push(await page.evaluate(toFrame(), '#kubectl-delete'));
    const sim = await page.locator('#sim-ms').textContent();
    console.log('delete', del.at(-1).map((t) => t.toFixed(1)).join(' / handler '), sim);
  }
  // Undo and redo of the last edits (their runs are remembered).
  const undo = [];
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(400);
    undo.push(await page.evaluate(toFrame(), '#undo'));
  }
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(400);
    undo.push(await page.evaluate(toFrame(), '#redo'));
  }
  console.log('undo/redo', undo.map((t) => t.map((x) => x.toFixed(1)).join(' / handler ')).join(', '));
  const med = (a) => a.map((t) => t[0]).sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1);
  console.log('cordon', cordon.map((t) => t[0].toFixed(0)).join(' '), 'median', med(cordon));
  console.log('kubectl delete pod', del.map((t) => t[0].toFixed(0)).join(' '), 'median', med(del));
  await page.screenshot({ path: '/tmp/meas/after-deletes.png' });
} finally {
  await browser.close();
  server.kill();
}
