// Shared helpers for the e2e specs and the benchmark: start the static server,
// launch Debian Chromium through playwright-core, open the app.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'tools', 'package.json'));
export const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROME_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts the static server on a free port; `mounts` maps URL prefixes to dirs; `handle(req, res)`
 *  may answer a request first (returning true). */
export async function serve(mounts = {}, handle = null) {
  const server = await startServer({ dir: process.env.E2E_DIST || path.join(ROOT, 'dist'), port: Number(process.env.E2E_PORT || 0), mounts, handle });
  const base = `http://127.0.0.1:${server.address().port}/`;
  return { server, base };
}

/** Launches Chromium with a fresh profile. */
export async function launch(extraArgs = []) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-chrome-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROME_ARGS, ...extraArgs],
    viewport: { width: 1400, height: 900 },
  });
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

/** Records the page's long tasks (Long Tasks API) in `window.__longtasks` as
 *  `{start, dur}`, from the first script of every document on. */
export async function recordLongTasks(page) {
  await page.addInitScript(() => {
    window.__longtasks = [];
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, dur: e.duration }); })
        .observe({ type: 'longtask', buffered: true });
    } catch {}
  });
}

/** Waits for the root element to report a finished load (or an error). */
export async function waitLoaded(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="app"]');
    return el && (el.hasAttribute('data-loaded-spans') || el.hasAttribute('data-load-error'));
  }, null, { timeout });
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="app"]');
    return {
      spans: el.getAttribute('data-loaded-spans'),
      traces: el.getAttribute('data-loaded-traces'),
      error: el.getAttribute('data-load-error'),
    };
  });
}
