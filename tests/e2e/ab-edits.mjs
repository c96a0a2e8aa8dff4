// Interleaved A/B of cordon timing across builds (and query strings):
//   CONFIGS="base=/tmp/dist-a new=/tmp/dist-b?x=1" ROUNDS=3 EDITS=5 node tests/e2e/ab-edits.mjs
// Per config: the click to the next animation frame, the click handler's share, and the click to
// a timeout queued from that frame (roughly: after the paint).
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';

const configs = (process.env.CONFIGS ?? '').split(/\s+/).filter(Boolean).map((c) => {
  const eq = c.indexOf('=');
  const [name, rest] = [c.slice(0, eq), c.slice(eq + 1)];
  const [dir, query] = rest.split('?');
  return { name, dir, query: query ? `?${query}` : '' };
});
const trace = process.env.TRACE === '1';
// Main-thread CPU time (trace events' thread time) from each click to its next animation
// frame, and that of the click's event dispatch: less sensitive to other processes than wall time.
function cpuTimes(tr) {
  const ev = tr.traceEvents ?? tr;
  const marks = ev.filter((e) => e.name === 'edit-click' || e.name === 'edit-frame').sort((a, b) => a.ts - b.ts);
  const { tid, pid } = marks[0];
  const top = ev.filter((e) => e.tid === tid && e.pid === pid && e.ph === 'X' && e.name === 'RunTask');
  const out = [];
  for (let k = 0; k + 1 < marks.length; k += 2) {
    const [c, f] = [marks[k].ts, marks[k + 1].ts];
    let cpu = 0;
    for (const e of top) {
      const end = e.ts + (e.dur ?? 0);
      if (end <= c || e.ts >= f || !e.dur) continue;
      const share = (Math.min(end, f) - Math.max(e.ts, c)) / e.dur;
      cpu += (e.tdur ?? e.dur) * share / 1000;
    }
    const d = ev.find((e) => e.tid === tid && e.name === 'EventDispatch' && e.ts >= c && e.ts < f && e.args?.data?.type === 'click');
    out.push([cpu, d ? (d.tdur ?? d.dur) / 1000 : NaN]);
  }
  return out;
}
const rounds = Number(process.env.ROUNDS ?? 3);
const edits = Number(process.env.EDITS ?? 5);
const servers = configs.map((c, i) => spawn('python3', ['-m', 'http.server', String(8110 + i), '--bind', '127.0.0.1', '--directory', c.dir], { stdio: 'ignore' }));
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const results = configs.map(() => []);
try {
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of configs.entries()) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://127.0.0.1:${8110 + i}/${c.query}`);
      await page.locator('#open-gallery').waitFor();
      await page.click('#open-gallery');
      await page.click('#scenario-medium');
      await page.locator('#dialog').waitFor({ state: 'detached' });
      await page.locator('.node .node-name').first().click();
      await page.waitForTimeout(600);
      if (trace) await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
      const first = results[i].length;
      for (let e = 0; e < edits; e++) {
        await page.waitForTimeout(600);
        results[i].push(await page.evaluate(async () => {
          performance.mark('edit-click');
          const t0 = performance.now();
          document.querySelector('#cordon').click();
          const handler = performance.now() - t0;
          await new Promise((r) => requestAnimationFrame(() => r()));
          performance.mark('edit-frame');
          const frame = performance.now() - t0;
          await new Promise((r) => setTimeout(r, 0));
          return [frame, handler, performance.now() - t0];
        }));
      }
      if (trace) {
        const cpu = cpuTimes(JSON.parse(await browser.stopTracing()));
        cpu.forEach((c, k) => results[i][first + k].push(...c));
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  for (const s of servers) s.kill();
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const [i, c] of configs.entries()) {
  const r = results[i];
  const col = (k) => r.map((t) => t[k]);
  console.log(`${c.name.padEnd(12)} n=${r.length} frame median ${med(col(0)).toFixed(1)} best ${Math.min(...col(0)).toFixed(1)} | handler median ${med(col(1)).toFixed(1)} | after-paint median ${med(col(2)).toFixed(1)} | frames ${col(0).map((x) => x.toFixed(0)).join(' ')}`);
  const rest = r.map((t) => t[0] - t[1]);
  console.log(`${''.padEnd(12)} frame minus handler median ${med(rest).toFixed(1)} best ${Math.min(...rest).toFixed(1)}`);
  if (trace) console.log(`${''.padEnd(12)} cpu to frame median ${med(col(3)).toFixed(1)} best ${Math.min(...col(3)).toFixed(1)} | click dispatch cpu median ${med(col(4)).toFixed(1)} | cpu ${col(3).map((x) => x.toFixed(0)).join(' ')}`);
}
