// End-to-end: the release build in dist/, served on 127.0.0.1, driven in Debian's Chromium
// like a person would drive it. Every step saves a screenshot in artifacts/; the figures
// (bundle size, first paint, re-simulation and UI update times) go to artifacts/figures.json.
//
//   node e2e.mjs            (after `trunk build --release` at the top level)
//   DIST=../../dist CHROMIUM=/usr/bin/chromium PORT=8091 node e2e.mjs
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.DIST ?? join(here, '..', '..', 'dist');
const port = Number(process.env.PORT ?? 8091);
const base = `http://127.0.0.1:${port}/`;
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

const figures = {};
let shot = 0;
const failures = [];

// ---------------------------------------------------------------- the static server
function serve() {
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return server;
}
async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(base);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the static server on ${base} did not come up`);
}

// ---------------------------------------------------------------- bundle size
function bundleSize() {
  let raw = 0, gz = 0;
  const files = [];
  for (const f of readdirSync(dist)) {
    if (!/\.(wasm|js)$/.test(f)) continue;
    const bytes = readFileSync(join(dist, f));
    raw += bytes.length;
    const g = gzipSync(bytes, { level: 9 }).length;
    gz += g;
    files.push({ file: f, bytes: bytes.length, gzip: g });
  }
  return { raw, gzip: gz, files };
}

// ---------------------------------------------------------------- helpers
async function snap(page, name) {
  shot += 1;
  const file = join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

// The performance goals are measured on every run and reported (figures.json and
// the output); they fail the run only with STRICT_FIGURES=1, because the machine running
// CI is not the reference machine. Functional checks always fail the run.
figures.goals = {};
function goal(name, value, limit, unit) {
  const met = value <= limit;
  figures.goals[name] = { value, limit, unit, met };
  console.log(`    goal ${met ? 'met' : 'NOT MET'}: ${name} = ${value} ${unit} (goal ≤ ${limit} ${unit})`);
  if (!met && process.env.STRICT_FIGURES === '1') throw new Error(`goal not met: ${name}`);
}

// ONLY=regex runs the matching steps (and skips the rest) while working on one.
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;

async function step(name, fn) {
  if (only && !only.test(name)) return;
  const t0 = Date.now();
  try {
    await fn();
    console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`  ✗ ${name}\n${e.stack ?? e}`);
    failures.push(name);
  }
}

async function openApp(page, query = '') {
  await page.goto(base + query);
  await page.locator('#summary').waitFor();
}

async function summary(page) {
  return (await page.locator('#summary').textContent()).trim();
}

async function loadFromGallery(page, id) {
  if (!page.url().startsWith(base)) await openApp(page);
  await page.click('#open-gallery');
  await page.click(`#scenario-${id}`);
  await page.locator('#dialog').waitFor({ state: 'detached' });
}

async function addWithForm(page, kind, fill) {
  await page.selectOption('#add-object', kind);
  const form = page.locator(`#form-${kind.toLowerCase()}`);
  await form.waitFor();
  await fill(form);
  await page.click('#submit-object');
  // The dialog closes when the engine accepted the object; otherwise errors stay in it.
  await page.locator('#dialog').waitFor({ state: 'detached', timeout: 5000 }).catch(async () => {
    const errs = await page.locator('#dialog-errors').textContent().catch(() => '(no errors shown)');
    throw new Error(`adding a ${kind} was rejected: ${errs}`);
  });
}

async function yamlExport(page, tab) {
  await page.click('#open-yaml');
  await page.click(`#tab-${tab}`);
  const text = await page.locator('#yaml-export').inputValue();
  await page.click('#close-dialog');
  return text;
}

async function importYaml(page, text) {
  await page.click('#open-yaml');
  await page.fill('#yaml-import', text);
  await page.click('#import-yaml');
}

// writer-1's claim was provisioned by local-path as a hostPath PV pinned to writer-1's node.
// VolumeBinding no longer narrows the candidates to that node (no PreFilterResult since
// v1.32), so every node is filtered, and VolumeRestrictions, which runs first, finds the
// ReadWriteOncePod claim in use everywhere; no node has a lower-priority pod to preempt.
const expectedRwop =
  "0/3 nodes are available: 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";

// ---------------------------------------------------------------- the run
const server = serve();
let browser;
try {
  await waitForServer();
  figures.bundle = bundleSize();
  console.log(`bundle: ${figures.bundle.raw} bytes, ${figures.bundle.gzip} gzip (wasm + js)`);
  goal('release wasm + js, gzip', Math.round(figures.bundle.gzip / 1024), 600, 'kB');

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

  await step('first meaningful paint of the default scenario', async () => {
    const fmps = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(base);
      await page.locator('#summary').waitFor();
      await page.locator('.node').first().waitFor();
      fmps.push(await page.evaluate(() => performance.now()));
    }
    figures.firstMeaningfulPaintMs = Math.min(...fmps);
    figures.firstMeaningfulPaintRunsMs = fmps.map((x) => Math.round(x));
    assert.ok((await summary(page)).includes('nodes'));
    await snap(page, 'default-scenario');
    goal('first meaningful paint, default scenario', Math.round(figures.firstMeaningfulPaintMs), 1000, 'ms');
  });

  await step('build a 3-node cluster with the forms; RWOP claim and two pods', async () => {
    await loadFromGallery(page, 'empty');
    assert.match(await summary(page), /^0 nodes/);
    // A mistyped form is refused in the dialog, says which field, and keeps what was typed.
    await page.selectOption('#add-object', 'Node');
    await page.locator('#f-memory').fill('ten gigs');
    await page.locator('#f-zone').fill('zone-a');
    await page.click('#submit-object');
    const refused = await page.locator('#dialog-errors').textContent();
    assert.match(refused, /status\.allocatable\[memory\]: Invalid value: "ten gigs"/);
    assert.doesNotMatch(refused, /doc \d/);
    assert.equal(await page.locator('#f-memory').inputValue(), 'ten gigs');
    assert.equal(await page.locator('#f-zone').inputValue(), 'zone-a');
    await snap(page, 'form-refused-keeps-input');
    await page.click('#close-dialog');
    for (const zone of ['zone-a', 'zone-b', 'zone-c']) {
      await addWithForm(page, 'Node', async (f) => { await f.locator('#f-zone').fill(zone); });
    }
    assert.match(await summary(page), /^3 nodes/);
    await snap(page, 'three-nodes');
    await addWithForm(page, 'StorageClass', async (f) => {
      await f.locator('#f-name').fill('standard');
    });
    await addWithForm(page, 'PersistentVolumeClaim', async (f) => {
      await f.locator('#f-name').fill('data');
      await f.locator('#f-accessModes-ReadWriteOnce').uncheck();
      await f.locator('#f-accessModes-ReadWriteOncePod').check();
    });
    for (const name of ['writer-1', 'writer-2']) {
      await addWithForm(page, 'Pod', async (f) => {
        await f.locator('#f-name').fill(name);
        await f.locator('#f-claims-data').check();
      });
    }
    const tray = page.locator('#pending-tray');
    await tray.locator('#pod-default-writer-2').waitFor({ timeout: 3000 });
    const why = await tray.locator('.why').allTextContents();
    assert.deepEqual(why, [expectedRwop]);
    await snap(page, 'rwop-second-pod-pending');
    await tray.locator('#pod-default-writer-2').click();
    const verdicts = page.locator('#verdict-table');
    await verdicts.waitFor();
    const vt = await verdicts.textContent();
    assert.ok(vt.includes('VolumeRestrictions'), vt);
    assert.ok(vt.includes('ReadWriteOncePod'), vt);
    // The answer sits next to each node's name, not off to the right of the plugin columns.
    const summaries = await verdicts.locator('td.verdict-summary').allTextContents();
    assert.equal(summaries.length, 3, JSON.stringify(summaries));
    for (const s of summaries) {
      assert.ok(s.startsWith('VolumeRestrictions: node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode'), s);
    }
    await verdicts.scrollIntoViewIfNeeded();
    await snap(page, 'verdict-table-volume-restrictions');
    // The running writer is explained as the scheduler saw it when it placed the pod (on
    // the bound cluster its own claim would conflict with itself).
    await page.locator('#pod-default-writer-1').first().click();
    await page.locator('#verdict-when').waitFor();
    assert.match(await page.locator('#verdict-when').textContent(), /^Bound to node-\d: the verdicts as the scheduler saw them/);
    const running = await page.locator('#verdict-table td.verdict-summary').allTextContents();
    assert.deepEqual(running, ['fits', 'fits', 'fits']);
    await tray.locator('#pod-default-writer-2').click();
  });

  await step('raise the second pod’s priority → the first is preempted', async () => {
    await addWithForm(page, 'PriorityClass', async (f) => {
      await f.locator('#f-name').fill('high');
      await f.locator('#f-value').fill('1000');
    });
    await page.locator('#pod-default-writer-2').first().click();
    await page.selectOption('#priority-class', 'high');
    const preempted = page.locator('#preempted-tray');
    await preempted.waitFor({ timeout: 5000 });
    assert.ok((await preempted.textContent()).includes('writer-1'));
    assert.match(await summary(page), /1 preempted/);
    const events = await page.locator('#events-table').textContent();
    assert.ok(events.includes('Preempted'), 'a Preempted event is listed');
    await page.locator('#preempted-tray').scrollIntoViewIfNeeded();
    await snap(page, 'writer-1-preempted');
  });

  await step('local PV + WaitForFirstConsumer: the pod lands on the node of the matching PV', async () => {
    await loadFromGallery(page, 'local-pv-wffc');
    const node2 = page.locator('#node-node-2');
    await node2.locator('#pod-default-archiver').waitFor({ timeout: 3000 });
    const claims = await page.locator('#claims-table').textContent();
    assert.ok(claims.includes('pv-b'), claims);
    await snap(page, 'local-pv-wffc');
    // The inspector links the chain both ways: pod → node, claim, volume; claim → user;
    // node → its pods and local volumes.
    await node2.locator('#pod-default-archiver').click();
    const related = page.locator('#related');
    await related.waitFor();
    const podLinks = await related.textContent();
    for (const name of ['node-2', 'pv-b']) assert.ok(podLinks.includes(name), podLinks);
    await related.getByRole('button', { name: 'pv-b' }).click();
    await page.locator('#inspector-title', { hasText: 'PersistentVolume/pv-b' }).waitFor();
    await page.locator('#related').getByRole('button', { name: 'node-2' }).click();
    await page.locator('#inspector-title', { hasText: 'Node/node-2' }).waitFor();
    const nodeLinks = await page.locator('#related').textContent();
    assert.match(nodeLinks, /Non-terminated Pods \(\d+ in total\)/);
    for (const name of ['archiver', 'pv-b']) assert.ok(nodeLinks.includes(name), nodeLinks);
    await page.locator('#inspector').scrollIntoViewIfNeeded();
    await snap(page, 'node-related-objects');
  });

  let exported, exportedState;
  await step('export YAML, reload, import it → same state', async () => {
    exported = await yamlExport(page, 'scenario');
    exportedState = await yamlExport(page, 'state');
    assert.ok(exported.includes('kind: PersistentVolume'));
    await page.reload();
    await page.locator('#summary').waitFor();
    await loadFromGallery(page, 'empty');
    await importYaml(page, exported);
    await page.locator('#dialog').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await yamlExport(page, 'state'), exportedState);
    await page.locator('#pod-default-archiver').waitFor();
    await snap(page, 'imported-after-reload');
  });

  await step('a malformed import shows where and keeps the scenario', async () => {
    const before = await yamlExport(page, 'scenario');
    await importYaml(page, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: lots}}\n');
    const errors = page.locator('#dialog-errors');
    await errors.waitFor();
    const text = await errors.textContent();
    assert.match(text, /doc 1/);
    assert.match(text, /spec\.containers\[0\]\.resources\.requests/);
    await snap(page, 'malformed-import');
    await page.click('#close-dialog');
    assert.equal(await yamlExport(page, 'scenario'), before);
  });

  await step('share link round trip; a corrupt link is explained, not fatal', async () => {
    await page.click('#share');
    await page.locator('#notice').waitFor();
    const url = page.url();
    assert.match(url, /#s=v1\./);
    const other = await context.newPage();
    await other.goto(url);
    await other.locator('#summary').waitFor();
    await other.locator('#pod-default-archiver').waitFor();
    assert.equal(await yamlExport(other, 'scenario'), exported);
    await snap(other, 'shared-link-opened');
    await other.goto(base + '#s=v1.' + 'x'.repeat(40) + '%%%');
    await other.reload();
    await other.locator('#notice').waitFor();
    assert.match(await other.locator('#notice').textContent(), /share link could not be opened/);
    assert.ok(await other.locator('.node').count() > 0, 'a scenario is still shown');
    await snap(other, 'corrupt-share-link');
    await other.close();
  });

  await step('undo and redo from the keyboard; timeline scrubbing', async () => {
    await openApp(page, '?scenario=rwop-conflict');
    const title = await page.locator('#scenario-title').textContent();
    await loadFromGallery(page, 'empty');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await page.waitForFunction((t) => document.querySelector('#scenario-title')?.textContent === t, title);
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(() => document.querySelector('#summary')?.textContent.startsWith('0 nodes'));
    await page.keyboard.press('Control+z');
    await page.locator('#scrubber').fill('0');
    assert.match(await page.locator('#frame-label').textContent(), /manifests applied/);
    await page.click('#step-cycle');
    assert.match(await page.locator('#frame-label').textContent(), /scheduling cycle/);
    await snap(page, 'timeline-first-cycle');
    await page.click('#run-idle');
  });

  await step('every built-in re-simulates in ≤ 10 ms', async () => {
    // Every built-in the gallery offers (so a new one is measured without editing this list).
    await page.click('#open-gallery');
    const builtins = await page.evaluate(() =>
      [...document.querySelectorAll('#dialog [data-builtin]')].map((e) => e.id.slice('scenario-'.length)));
    await page.keyboard.press('Escape');
    await page.locator('#dialog').waitFor({ state: 'detached' });
    assert.ok(builtins.length >= 15, `gallery lists ${builtins.length} scenarios`);
    figures.resimulationMs = {};
    for (const id of builtins) {
      await openApp(page, `?scenario=${id}`);
      // Re-run the same scenario a few times (seek is free; a seed change re-runs it) and keep the best.
      const runs = [];
      for (let i = 0; i < 5; i++) {
        await loadFromGallery(page, id);
        const ms = parseFloat((await page.locator('#sim-ms').textContent()).match(/([\d.]+) ms/)[1]);
        runs.push(ms);
      }
      figures.resimulationMs[id] = Math.min(...runs);
    }
    const worst = Math.max(...Object.values(figures.resimulationMs));
    console.log(`    re-simulation (best of 5): ${JSON.stringify(figures.resimulationMs)}`);
    goal('slowest built-in re-simulation', worst, 10, 'ms');
  });

  await step('UI update after an edit on a 50-node scenario ≤ 16 ms', async () => {
    await loadFromGallery(page, 'medium');
    assert.match(await summary(page), /^50 nodes/);
    await snap(page, 'fifty-nodes');
    // Cordon/uncordon one node: the engine re-runs and the page is re-rendered. Measured
    // to the next animation frame (the frame that paints the change, as Interaction to
    // Next Paint counts it), and on to when the timeline has been filled in (a big
    // scenario's edit shows its outcome first; the timeline follows when the page is idle).
    // Each edit starts from a quiet page, as a person's clicks would.
    const node = page.locator('.node .node-name').first();
    await node.click();
    const times = [];
    const settled = [];
    for (let i = 0; i < 6; i++) {
      const [paint, done] = await page.evaluate(async () => {
        const button = document.querySelector('#cordon');
        const t0 = performance.now();
        button.click();
        await new Promise((r) => requestAnimationFrame(() => r()));
        const painted = performance.now() - t0;
        while (document.querySelector('#timeline-pending')) await new Promise((r) => setTimeout(r, 5));
        return [painted, performance.now() - t0];
      });
      times.push(paint);
      settled.push(done);
    }
    const sim = parseFloat((await page.locator('#sim-ms').textContent()).match(/([\d.]+) ms/)[1]);
    times.sort((a, b) => a - b);
    settled.sort((a, b) => a - b);
    // Selecting a pod (no re-simulation: the inspector opens, two cards change), also to
    // the next frame, each from a quiet page.
    const selects = await page.evaluate(async () => {
      const out = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const chip = document.querySelectorAll('.node .pod')[i * 7];
        const t0 = performance.now();
        chip.click();
        await new Promise((r) => requestAnimationFrame(() => r()));
        out.push(performance.now() - t0);
      }
      return out.sort((a, b) => a - b);
    });
    // `kubectl delete` of a running pod (a `then:` action after the cluster settled): the
    // run is carried on from its last frame, not re-run. Select the pod, then delete it,
    // each from a quiet page; the handler is the reducer with the engine in it.
    const deletes = [];
    const deleteHandlers = [];
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(300);
      await page.locator('.node .pod').nth(i * 7 + 2).click();
      await page.locator('#kubectl-delete').waitFor();
      await page.waitForTimeout(300);
      const [paint, handler] = await page.evaluate(async () => {
        const t0 = performance.now();
        document.querySelector('#kubectl-delete').click();
        const h = performance.now() - t0;
        await new Promise((r) => requestAnimationFrame(() => r()));
        return [performance.now() - t0, h];
      });
      deletes.push(paint);
      deleteHandlers.push(handler);
    }
    await snap(page, 'fifty-nodes-after-deletes');
    deletes.sort((a, b) => a - b);
    deleteHandlers.sort((a, b) => a - b);
    figures.uiUpdate50NodesMs = {
      median: times[Math.floor(times.length / 2)],
      best: times[0],
      engineMs: sim,
      timelineCompleteMedianMs: settled[Math.floor(settled.length / 2)],
      selectPodMedianMs: selects[Math.floor(selects.length / 2)],
      kubectlDeleteMedianMs: deletes[Math.floor(deletes.length / 2)],
      kubectlDeleteBestMs: deletes[0],
      kubectlDeleteHandlerMedianMs: deleteHandlers[Math.floor(deleteHandlers.length / 2)],
    };
    console.log(`    50 nodes: update ${JSON.stringify(figures.uiUpdate50NodesMs)}`);
    goal('UI update after an edit, 50 nodes / 400 pods', Math.round(figures.uiUpdate50NodesMs.median), 16, 'ms');
  });

  await step('a 1,000-node / 10,000-pod scenario stays usable', async () => {
    const t0 = Date.now();
    await page.click('#open-gallery');
    await page.click('#scenario-large');
    await page.locator('#dialog').waitFor({ state: 'detached', timeout: 120000 });
    await page.waitForFunction(() => document.querySelector('#summary')?.textContent.startsWith('1000 nodes'), null, { timeout: 120000 });
    figures.large = { loadMs: Date.now() - t0 };
    figures.large.engineMs = parseFloat((await page.locator('#sim-ms').textContent()).match(/([\d.]+) ms/)[1]);
    figures.large.domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    // Selecting a node and paging through a zone respond quickly.
    const sel = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector('.node .node-name').click();
      await new Promise((r) => setTimeout(r, 0));
      return performance.now() - t0;
    });
    figures.large.selectMs = sel;
    await page.locator('#inspector').waitFor();
    const pager = page.locator('.pager button[aria-label="Next nodes"]').first();
    if (await pager.count()) await pager.click();
    await snap(page, 'thousand-nodes');
    console.log(`    1000 nodes: ${JSON.stringify(figures.large)}`);
    assert.ok(figures.large.domNodes < 60000, `the page holds ${figures.large.domNodes} elements`);
    assert.ok(sel < 500, `selecting a node took ${sel} ms`);
  });

  await step('narrow screen (360 px) and dark mode', async () => {
    // A phone's density: the charts draw two device pixels per CSS pixel.
    const narrow = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: 'dark', deviceScaleFactor: 2 });
    const p = await narrow.newPage();
    await p.goto(base + '?scenario=rwop-preemption');
    await p.locator('#summary').waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await snap(p, 'narrow-dark');
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px at 360px`);
    // Two lines hold little at this width: "more" is offered where the text is cut, and
    // shows the rest.
    const more = p.locator('.scenario-title button.more');
    await more.waitFor({ timeout: 3000 });
    const clamped = await p.locator('#scenario-description').evaluate(e => e.clientHeight);
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    const full = await p.locator('#scenario-description').evaluate(e => e.clientHeight);
    assert.ok(full > clamped, `description ${clamped}px clamped, ${full}px in full`);
    await more.click();
    // The inspector sits below the cluster here: selecting a pod brings it into view.
    await p.locator('button.pod').first().click();
    await p.locator('#inspector-title').waitFor();
    await p.waitForFunction(() => {
      const top = document.getElementById('inspector').getBoundingClientRect().top;
      return top >= -1 && top < window.innerHeight * 0.6;
    }, null, { timeout: 3000 });
    await snap(p, 'narrow-select-pod');
    await p.waitForFunction(() => document.getElementById('chart-zones')?.width === 840, null, { timeout: 3000 });
    const chart = await p.evaluate(() => {
      const c = document.getElementById('chart-zones');
      return { width: c.width, height: c.height, cssWidth: c.getBoundingClientRect().width };
    });
    assert.deepEqual([chart.width, chart.height], [840, 544], JSON.stringify(chart));
    assert.ok(chart.cssWidth <= 360, JSON.stringify(chart));
    await p.locator('#chart-zones').scrollIntoViewIfNeeded();
    await snap(p, 'narrow-hidpi-chart');
    await narrow.close();
  });

  await step('keyboard only: tab to a pod and open it', async () => {
    await openApp(page, '?scenario=rwop-conflict');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement?.className);
    assert.equal(skip, 'skip');
    await page.locator('#pod-default-writer-2').focus();
    await page.keyboard.press('Enter');
    await page.locator('#verdict-table').waitFor();
    await snap(page, 'keyboard-open-pod');
  });

  // Workloads (issue 4), embedding and the tutorial (issue 5): after the steps above,
  // which rely on one continuing session (autosave, reload), since these load their own.
  await step('scale a StatefulSet up in the UI: each new claim binds in the zone of its pod', async () => {
    await loadFromGallery(page, 'statefulset-zone-spread');
    const card = page.locator('#statefulset-default-web');
    await card.waitFor();
    assert.match(await card.textContent(), /4\/4 ready/);
    for (const want of [5, 6]) {
      await card.locator('.scale-up').click();
      await page.waitForFunction(
        (n) => document.querySelector('#statefulset-default-web')?.textContent.includes(`${n}/${n} ready`),
        want, { timeout: 5000 });
    }
    const zoneOf = { 'node-a1': 'eu-west-1a', 'node-a2': 'eu-west-1a', 'node-b1': 'eu-west-1b', 'node-b2': 'eu-west-1b' };
    const perZone = {};
    for (const i of [0, 1, 2, 3, 4, 5]) {
      const node = await page.locator(`article.node:has(#pod-default-web-${i})`).getAttribute('id');
      const zone = zoneOf[node.replace(/^node-/, '')];
      assert.ok(zone, `web-${i} is on ${node}`);
      perZone[zone] = (perZone[zone] ?? 0) + 1;
      const claim = await page.locator('#claims-table tr', { hasText: `www-web-${i}` }).textContent();
      assert.ok(claim.includes('Bound'), claim);
      const volume = await page.locator('#volumes-table tr', { hasText: `www-web-${i}` }).textContent();
      assert.ok(volume.includes(zone), `www-web-${i}'s volume is not in ${zone}: ${volume}`);
    }
    assert.deepEqual(perZone, { 'eu-west-1a': 3, 'eu-west-1b': 3 }, JSON.stringify(perZone));
    const events = await page.locator('#events-table').textContent();
    assert.ok(events.includes('create Claim www-web-5 Pod web-5 in StatefulSet web success'), 'the StatefulSet event is listed');
    await card.scrollIntoViewIfNeeded();
    await snap(page, 'statefulset-scaled-to-6');
  });

  await step('a Deployment sharing an RWOP claim: one replica runs, one waits with the RWOP message', async () => {
    await loadFromGallery(page, 'deployment-shared-rwop');
    const card = page.locator('#deployment-default-writer');
    await card.waitFor();
    assert.match(await card.textContent(), /1\/2 ready/);
    await page.locator('#pending-tray').getByText('ReadWriteOncePod access mode already in-use', { exact: false }).first().waitFor();
    // Scale to one replica: nothing is left waiting.
    await card.locator('.scale-down').click();
    await page.waitForFunction(() => document.querySelector('#deployment-default-writer')?.textContent.includes('1/1 ready'), null, { timeout: 5000 });
    assert.match(await summary(page), / 0 pending/);
    await snap(page, 'deployment-rwop-scaled-to-1');
  });

  await step('embed mode: one view, minimal chrome, no autosave, a link back to the playground', async () => {
    await openApp(page);
    await page.evaluate(() => localStorage.setItem('bindery.scenario.v1', '# sentinel'));
    await page.goto(`${base}?embed=1&scenario=rwop-conflict&view=events`);
    await page.locator('#embed #events-table').waitFor();
    assert.equal(await page.locator('#open-gallery').count(), 0, 'no playground chrome');
    const open = await page.locator('#embed-open').getAttribute('href');
    assert.ok(open.endsWith('?scenario=rwop-conflict'), open);
    await page.goto(`${base}?embed=1&scenario=rwop-conflict&view=verdict&pod=default/writer-2`);
    await page.locator('#embed #verdict-table').waitFor();
    assert.match(await page.locator('#inspector-title').textContent(), /writer-2/);
    await page.goto(`${base}?embed=1&scenario=local-pv-wffc&view=yaml`);
    assert.match(await page.locator('#embed-yaml').textContent(), /kind: PersistentVolume/);
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => localStorage.getItem('bindery.scenario.v1')), '# sentinel', 'embeds leave the autosave alone');
    // The playground's Embed dialog offers both snippets for the current scenario.
    await openApp(page, '?scenario=rwop-conflict');
    await page.click('#open-embed');
    await page.selectOption('#embed-view', 'events');
    const element = await page.locator('#embed-element').inputValue();
    assert.match(element, /<bindery-scenario src="[^"]*\?embed=1&amp;scenario=rwop-conflict&amp;view=events"><\/bindery-scenario>/);
    assert.match(await page.locator('#embed-iframe').inputValue(), /^<iframe src="/);
    await snap(page, 'embed-dialog');
    await page.click('#close-dialog');
  });

  await step('a docs page with three embeds: they load, play, fit their content; the wasm is fetched once', async () => {
    // A profile on disk, as a reader's browser has: its HTTP cache keeps the wasm that the
    // first embed fetched for the next two (an incognito context's memory cache may not).
    const profile = join(artifacts, '..', '.profile-embeds');
    rmSync(profile, { recursive: true, force: true });
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 900, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const docs = ctx.pages()[0] ?? await ctx.newPage();
    const cdp = await ctx.newCDPSession(docs);
    await cdp.send('Network.enable');
    let bytes = 0;
    const wasmLoads = [];
    const urls = new Map();
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, { url: e.response.url, status: e.response.status }));
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
      const r = urls.get(e.requestId);
      if (r && r.url.endsWith('.wasm')) wasmLoads.push({ status: r.status, bytes: e.encodedDataLength });
    });
    const t0 = Date.now();
    await docs.goto(`${base}docs/embed.html`);
    await docs.locator('bindery-scenario[data-ready="true"]').first().waitFor({ timeout: 20000 });
    figures.embedFirstRenderMs = Date.now() - t0;
    await docs.waitForFunction(() => document.querySelectorAll('bindery-scenario[data-ready="true"]').length === 3, null, { timeout: 30000 });
    figures.embedAllThreeMs = Date.now() - t0;
    // The autoplaying one plays: its frame counter moves.
    const frame = docs.frameLocator('#embed-rwop iframe');
    const before = await frame.locator('#embed-time').textContent();
    await docs.waitForTimeout(1200);
    const after = await frame.locator('#embed-time').textContent();
    assert.notEqual(before, after, 'the autoplay embed advances');
    // Each iframe is as tall as its content: no inner scrollbar, no empty band.
    // The autoplaying embed changes size on every frame, and its height message reaches the
    // page a task later than the layout: the two sides are read a few times until they agree
    // (a real misfit stays; a frame caught mid-flight does not).
    for (const handle of await docs.locator('bindery-scenario iframe').elementHandles()) {
      let outer;
      let inner;
      for (let attempt = 0; attempt < 10; attempt++) {
        outer = (await handle.boundingBox()).height;
        inner = await (await handle.contentFrame()).evaluate(() => ({
          content: document.getElementById('embed').getBoundingClientRect().height,
          scroll: document.documentElement.scrollHeight,
          client: document.documentElement.clientHeight,
        }));
        const outerAgain = (await handle.boundingBox()).height;
        if (outer === outerAgain && Math.abs(outer - inner.content) <= 2 && inner.scroll <= inner.client + 1) break;
        await docs.waitForTimeout(150);
      }
      assert.ok(Math.abs(outer - inner.content) <= 2, `iframe ${outer}px vs content ${inner.content}px`);
      assert.ok(inner.scroll <= inner.client + 1, `inner scrollbar: ${JSON.stringify(inner)}`);
    }
    await docs.waitForTimeout(500);
    figures.embedPageBytes = bytes;
    figures.embedWasmLoads = wasmLoads;
    // Later embeds get the wasm from the HTTP cache (0 bytes over the wire).
    const full = wasmLoads.filter((w) => w.bytes > 1024);
    console.log(`    docs page with 3 embeds: first embed ${figures.embedFirstRenderMs} ms, all ${figures.embedAllThreeMs} ms, ${bytes} bytes transferred, wasm requests ${JSON.stringify(wasmLoads)}`);
    assert.equal(full.length, 1, `the wasm body is transferred once: ${JSON.stringify(wasmLoads)}`);
    await docs.screenshot({ path: join(artifacts, `${String(++shot).padStart(2, '0')}-docs-page-three-embeds.png`), fullPage: true });
    // Narrow: the embeds follow the page down to 320 px without sideways scrolling.
    await docs.setViewportSize({ width: 320, height: 800 });
    await docs.waitForTimeout(600);
    for (const handle of await docs.locator('bindery-scenario iframe').elementHandles()) {
      const w = await (await handle.contentFrame()).evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(w[0] <= w[1] + 1, `embed scrolls sideways at 320 px: ${w}`);
    }
    await docs.screenshot({ path: join(artifacts, `${String(++shot).padStart(2, '0')}-docs-page-320px.png`), fullPage: false });
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  });

  await step('tutorial: every lesson is solved through the UI, progress is kept', async () => {
    const lessons = ['access-modes', 'rwop-priority', 'rwop-migration', 'local-wffc', 'kind-provisioning', 'zones', 'reclaim', 'capacity-limits'];
    await openApp(page);
    await page.evaluate(() => localStorage.removeItem('bindery.tutorial.done.v1'));
    figures.lessonSolveMs = {};
    // Every lesson by hand, with the playground's own controls.
    await openApp(page, '?lesson=rwop-priority');
    assert.match(await page.locator('#lesson-status').textContent(), /Not yet/);
    await page.click('#pod-default-writer-2');
    let t0 = Date.now();
    await page.selectOption('#priority-class', 'high');
    await page.locator('#lesson-status', { hasText: 'Goal reached' }).waitFor({ timeout: 10000 });
    figures.lessonSolveMs['rwop-priority (by hand)'] = Date.now() - t0;
    await openApp(page, '?lesson=reclaim');
    t0 = Date.now();
    await page.click('#claims-table >> text=keep');
    await page.click('#kubectl-delete');
    await page.click('#claims-table >> text=scratch');
    await page.click('#kubectl-delete');
    await page.click('#pod-default-app');
    await page.click('#kubectl-delete');
    await page.locator('#lesson-status', { hasText: 'Goal reached' }).waitFor({ timeout: 10000 });
    figures.lessonSolveMs['reclaim (by hand)'] = Date.now() - t0;
    await snap(page, 'lesson-reclaim-solved');
    // Lesson 3 live, as the Kubernetes docs describe it: kubectl edit (Retain), kubectl delete, kubectl edit
    // (remove claimRef.uid, switch the mode), kubectl apply the claim and the pod again.
    await openApp(page, '?lesson=rwop-migration');
    t0 = Date.now();
    await page.click('#volumes-table >> text="data-pv"');
    await page.click('#kubectl-edit');
    const provisioned = await page.inputValue('#apply-yaml');
    assert.match(provisioned, /persistentVolumeReclaimPolicy: Delete/);
    await page.fill('#apply-yaml', provisioned.replace('persistentVolumeReclaimPolicy: Delete', 'persistentVolumeReclaimPolicy: Retain'));
    await page.click('#kubectl-apply-submit');
    await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    await page.click('#pod-default-app');
    await page.click('#kubectl-delete');
    await page.click('#persistentvolumeclaim-default-data button');
    await page.click('#kubectl-delete');
    await page.click('#volumes-table >> text="data-pv"');
    await page.click('#kubectl-edit');
    const live = await page.inputValue('#apply-yaml');
    assert.match(live, /claimRef:[\s\S]*\n\s+uid: /, 'kubectl edit shows the claimRef uid');
    await page.fill('#apply-yaml', live.replace(/^(\s*)- ReadWriteOnce$/m, '$1- ReadWriteOnce\n$1- ReadWriteOncePod'));
    await page.click('#kubectl-apply-submit');
    await page.locator('#dialog-errors', { hasText: 'may not use ReadWriteOncePod with other access modes' }).waitFor({ timeout: 10000 });
    await snap(page, 'lesson-rwop-migration-mixed-modes-refused');
    const edited = live.split('\n').filter((l) => !/^\s+uid: /.test(l)).join('\n');
    await page.fill('#apply-yaml', edited.replace(/^(\s*)- ReadWriteOnce$/m, '$1- ReadWriteOncePod'));
    await page.click('#kubectl-apply-submit');
    await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    assert.match(await page.locator('#volumes-table').textContent(), /Available/, 'the volume is reserved for the claim name');
    for (const obj of ['PersistentVolumeClaim default/data', 'Pod default/app']) {
      await page.click('#kubectl-apply');
      if (obj.startsWith('PersistentVolumeClaim')) await snap(page, 'kubectl-apply-gone-objects');
      await page.click(`#gone-objects button[data-object="${obj}"]`);
      const text = await page.inputValue('#apply-yaml');
      await page.fill('#apply-yaml', text.replace(/^(\s*)- ReadWriteOnce$/m, '$1- ReadWriteOncePod'));
      await page.click('#kubectl-apply-submit');
      await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    }
    await page.locator('#lesson-status', { hasText: 'Goal reached' }).waitFor({ timeout: 10000 });
    figures.lessonSolveMs['rwop-migration (by hand)'] = Date.now() - t0;
    await snap(page, 'lesson-rwop-migration-solved');
    // The other five by hand too: Edit YAML on the selected object, the add forms, the
    // any-kind YAML editor — what the hints point at.
    const editYaml = async (select, transform) => {
      await page.click(select);
      await page.click('#edit-yaml');
      const text = await page.inputValue('#object-yaml');
      const next = transform(text);
      assert.notEqual(next, text, `the edit changes ${select}`);
      await page.fill('#object-yaml', next);
      await page.click('#save-object');
      await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    };
    const addYaml = async (yaml) => {
      await page.selectOption('#add-object', 'yaml');
      await page.fill('#object-yaml', yaml);
      await page.click('#save-object');
      await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    };
    const byHand = async (id, solve) => {
      await openApp(page, `?lesson=${id}`);
      assert.match(await page.locator('#lesson-status').textContent(), /Not yet/, `${id} starts unsolved`);
      const t = Date.now();
      await solve();
      await page.locator('#lesson-status', { hasText: 'Goal reached' }).waitFor({ timeout: 10000 });
      figures.lessonSolveMs[`${id} (by hand)`] = Date.now() - t;
    };
    await byHand('access-modes', async () => {
      await editYaml('#persistentvolumeclaim-default-shared button', (t) => t.replace(/^(\s*)- ReadWriteOnce$/m, '$1- ReadWriteOncePod'));
      assert.match(await page.locator('#pod-default-reader').getAttribute('class'), /pending/, 'the reader is rejected once the claim is RWOP');
      await addYaml('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: reader-data, namespace: default}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n');
      await editYaml('#pod-default-reader', (t) => t.replace('claimName: shared', 'claimName: reader-data'));
    });
    await byHand('local-wffc', async () => {
      await editYaml('#classes-table >> text="local-storage"', (t) => t.replace('volumeBindingMode: Immediate', 'volumeBindingMode: WaitForFirstConsumer'));
    });
    await byHand('kind-provisioning', async () => {
      await editYaml('#pod-default-second', (t) => t.replace(/^ {2}nodeSelector:\n( {4}.*\n)+/m, ''));
    });
    await byHand('zones', async () => {
      await editYaml('#pod-default-db', (t) => t.replace('topology.kubernetes.io/zone: zone-b', 'topology.kubernetes.io/zone: zone-a'));
      await page.selectOption('#add-object', 'StatefulSet');
      await page.fill('#f-name', 'web');
      await page.fill('#f-replicas', '2');
      await page.check('#f-spreadZones');
      await page.selectOption('#f-storageClassName', 'zonal');
      await page.click('#submit-object');
      await page.locator('#dialog').waitFor({ state: 'detached', timeout: 10000 });
    });
    await byHand('capacity-limits', async () => {
      await addYaml('apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {name: node-1}\nspec:\n  drivers:\n  - {name: disk.csi.example.com, nodeID: node-1, allocatable: {count: 3}, topologyKeys: [topology.kubernetes.io/zone]}\n');
    });
    // Every lesson with its "Show solution" (the steps play through the same actions).
    for (const id of lessons) {
      await openApp(page, `?lesson=${id}`);
      assert.match(await page.locator('#lesson-status').textContent(), /Not yet/, `${id} starts unsolved`);
      const start = Date.now();
      await page.click('#lesson-solution');
      await page.locator('#lesson-status', { hasText: 'Goal reached' }).waitFor({ timeout: 20000 });
      figures.lessonSolveMs[id] = Date.now() - start;
    }
    console.log(`    lesson solve times (ms): ${JSON.stringify(figures.lessonSolveMs)}`);
    await openApp(page, '?learn');
    const marks = await page.locator('.lesson-list .done').count();
    assert.equal(marks, lessons.length, 'every lesson is marked done after a reload');
    assert.match(await page.locator('#lesson-title').textContent(), /^1\./, '?learn opens a lesson');
    await snap(page, 'lesson-list-all-done');
  });

  assert.deepEqual(pageErrors.filter((e) => !/favicon/.test(e)), [], 'the page logged errors');
} catch (e) {
  console.log(e.stack ?? e);
  failures.push('setup');
} finally {
  await browser?.close();
  server.kill();
  writeFileSync(join(artifacts, 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
  console.log(`figures: ${join(artifacts, 'figures.json')}\nscreenshots: ${artifacts} (${shot})`);
}
if (failures.length) {
  console.log(`e2e FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('e2e passed');
void statSync;
