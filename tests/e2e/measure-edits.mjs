// Ad-hoc timing of edits on the 50-node scenario (next animation frame after the click),
// for comparing builds: DIST=dir node tests/e2e/measure-edits.mjs
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withFiftyNodePage } from './fifty-nodes.mjs';

// Time to the next animation frame after the click, and how much of it the click handler
// itself took (the reducer, with the engine run); the rest is rendering.
const toFrame = () => async (selector) => {
  const t0 = performance.now();
  document.querySelector(selector).click();
  const handler = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => r()));
  return [performance.now() - t0, handler];
};
await withFiftyNodePage(8094, async (page) => {
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
  const artifacts = fileURLToPath(new URL('artifacts/', import.meta.url));
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}measure-edits-after-deletes.png` });
});
