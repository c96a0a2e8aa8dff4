// Shared by the ad-hoc timing scripts (profile-edit.mjs, measure-edits.mjs): serves a built
// `dist` on 127.0.0.1, opens it in Debian's Chromium with the generated 50-node scenario,
// runs `use(page)`, and cleans up.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';

export async function withFiftyNodePage(port, use) {
  const dist = process.env.DIST ?? 'dist';
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 800));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('#scrubber').waitFor();
    await page.click('#open-gallery');
    await page.click('#scenario-medium');
    await page.locator('#dialog').waitFor({ state: 'detached' });
    await use(page);
  } finally {
    await browser.close();
    server.kill();
  }
}
