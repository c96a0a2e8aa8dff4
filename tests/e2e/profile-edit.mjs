// Where the time of one edit goes in the browser: a CPU profile (Chrome DevTools protocol)
// of cordon/uncordon (or EDIT=delete: kubectl delete of pods) on the 50-node scenario,
// self and inclusive time summed by function.
//   sed 's/data-wasm-opt-params="[^"]*"/data-wasm-opt-params="-g"/' index.html > index-prof.html
//   trunk build index-prof.html --release true --dist /tmp/dist-prof   (function names kept)
//   DIST=/tmp/dist-prof [EDIT=delete] [FILTER=bindery] [INTERVAL=500] node tests/e2e/profile-edit.mjs
// Not part of the test run: the sampling profiler slows the page down (the more, the shorter
// its INTERVAL in µs, 100 by default), so read the shares, not the absolute times.
import { withFiftyNodePage } from './fifty-nodes.mjs';

// EDIT=delete profiles `kubectl delete` of a pod (a `then:` action) instead of a cordon.
const edit = process.env.EDIT ?? 'cordon';
await withFiftyNodePage(8093, async (page) => {
  await page.locator('.node .node-name').first().click();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.INTERVAL ?? 100) });
  await cdp.send('Profiler.start');
  const times = [];
  for (let i = 0; i < 6; i++) {
    if (edit === 'delete') {
      await page.locator('.node .pod').nth(i * 5 + 3).click();
      await page.waitForTimeout(300);
    }
    times.push(await page.evaluate(async (sel) => {
      const t0 = performance.now();
      document.querySelector(sel).click();
      await new Promise((r) => setTimeout(r, 0));
      return performance.now() - t0;
    }, edit === 'delete' ? '#kubectl-delete' : '#cordon'));
  }
  const { profile } = await cdp.send('Profiler.stop');
  console.log('edit times (ms):', times.map((t) => t.toFixed(0)).join(' '));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()})`;
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  // Inclusive time per function: walk parents.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur).callFrame.functionName || '(anon)';
      if (seen.has(name)) continue;
      seen.add(name);
      incl.set(name, (incl.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
    }
  });
  const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log('--- self ms');
  for (const [n, t] of top(self, 30)) console.log(t.toFixed(1).padStart(8), n.slice(0, 150));
  console.log('--- inclusive ms');
  for (const [n, t] of top(incl, 400).filter(([n]) => !process.env.FILTER || n.includes(process.env.FILTER))) console.log(t.toFixed(1).padStart(8), n.slice(0, 150));
});
