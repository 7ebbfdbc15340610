#!/usr/bin/env node
// Takes headless-Chromium screenshots of the served release build into a folder
// (default /tmp/shots): demo waterfall, detail panel, dark theme, each tab (and the LLM
// tab's three parts), the keyboard focus ring (focus-waterfall, focus-graph, focus-edge, focus-dialog),
// the same tabs on a big trace when a generated file is given, and the graph of a Zipkin
// corpus trace with uninstrumented services (remote nodes), with the client spans of one
// listed under it.
// Each analysis tab is shot once its view is ready (data-ready="1", docs/testing.md).
// Usage: node scripts/screenshots.mjs [outdir] [big-trace.json]
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, serve, launch, waitLoaded } from '../e2e/lib.mjs';

const out = process.argv[2] || '/tmp/shots';
const big = process.argv[3];
fs.mkdirSync(out, { recursive: true });
const { server, base } = await serve();
const { context, close } = await launch();
const page = await context.newPage();
page.on('pageerror', (e) => console.error('pageerror:', e.message));
await page.goto(base);
console.log('demo', await waitLoaded(page));
await page.screenshot({ path: path.join(out, 'demo.png') });
await page.locator('[data-testid="span-row"]', { hasText: 'generate' }).first().click();
await page.waitForSelector('[data-testid="detail"]');
await page.screenshot({ path: path.join(out, 'detail.png') });
await page.click('[data-testid="critical-path-toggle"]');
await page.screenshot({ path: path.join(out, 'critical.png') });
await page.click('[data-testid="theme-toggle"]');
await page.waitForTimeout(100);
await page.screenshot({ path: path.join(out, 'dark.png') });
await page.click('[data-testid="theme-toggle"]');

/** Each analysis tab, and the LLM tab's parts, shot as `<prefix>-<tab>.png` once ready. */
async function tabs(prefix) {
  const ready = (tab) => page.waitForSelector(`[data-testid="view-${tab}"][data-ready="1"]`, { state: 'attached', timeout: 600000 });
  for (const tab of ['critical-path', 'graph', 'patterns', 'stats', 'llm']) {
    await page.click(`[data-testid="tab-${tab}"]`);
    await ready(tab);
    await page.screenshot({ path: path.join(out, `${prefix}-${tab}.png`) });
  }
  for (const part of ['charts', 'tables', 'trace']) {
    await page.click(`[data-testid="llm-part-${part}"]`);
    await ready('llm');
    if (part !== 'trace') await page.screenshot({ path: path.join(out, `${prefix}-llm-${part}.png`) });
  }
  await page.click('[data-testid="tab-waterfall"]');
}
await tabs('tab');
await page.keyboard.press('?');
await page.screenshot({ path: path.join(out, 'help.png') });
await page.keyboard.press('Escape');

// The keyboard focus ring, reached with Tab only: on the rows (a selected row), on a
// graph node, on one of its edges (Tab from the node), and on a dialog's control.
/** Presses Tab (Shift+Tab when `back`) until the focused element matches `selector`. */
async function tabTo(selector, back = false) {
  for (let i = 0; i < 80 && !(await page.evaluate((s) => document.activeElement?.matches(s), selector)); i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
}
await page.goto(base);
await waitLoaded(page);
await tabTo('[data-testid="rows"]');
await page.keyboard.press('ArrowDown');
await page.keyboard.press('ArrowDown');
await page.screenshot({ path: path.join(out, 'focus-waterfall.png') });
await tabTo('[data-testid="tab-graph"]', true);
await page.keyboard.press('Enter');
await page.waitForSelector('[data-testid="view-graph"][data-ready="1"]', { state: 'attached' });
await tabTo('[data-testid="graph-node"]');
await page.keyboard.press('ArrowRight');
await page.screenshot({ path: path.join(out, 'focus-graph.png') });
await page.keyboard.press('Tab');
await page.screenshot({ path: path.join(out, 'focus-edge.png') });
await tabTo('[data-testid="paste-json"]', true);
await page.keyboard.press('Enter');
await page.waitForSelector('[data-testid="paste-dialog"]');
await page.keyboard.press('Tab');
await page.screenshot({ path: path.join(out, 'focus-dialog.png') });
await page.keyboard.press('Escape');
if (big) {
  await page.setInputFiles('[data-testid="file-input"]', big);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="app"]');
    return el.hasAttribute('data-load-error') || (el.getAttribute('data-loaded-spans') || '19') !== '19';
  }, null, { timeout: 600000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'big.png') });
  await page.locator('[data-testid="rows"]').evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'big-middle.png') });
  await tabs('big');
}
// SmartThings (MANIFEST #35, 1041 spans): bookie's SQL queries and pusher's archiver call
// name services that emit no spans.
const zipkin = path.join(ROOT, 'tests/corpus/zipkin/smartthings-mobile-web-install-1041spans.json');
await page.setViewportSize({ width: 1400, height: 1300 });
await page.setInputFiles('[data-testid="file-input"]', zipkin);
await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-loaded-spans') === '1041');
await page.click('[data-testid="tab-graph"]');
await page.waitForSelector('[data-testid="view-graph"][data-ready="1"]', { state: 'attached' });
await page.screenshot({ path: path.join(out, 'zipkin-graph.png') });
for (const [id, name] of [['external:archiver.st.internal', 'external'], ['database:bookie', 'database']]) {
  await page.click(`[data-testid="graph-node"][data-id="${id}"]`);
  await page.waitForSelector(`[data-testid="graph-node-spans"][data-node="${id}"]`);
  await page.mouse.move(5, 5); // no hover dimming: the picked node shows as picked
  await page.waitForFunction(() => !document.querySelector('[data-testid="graph-node"].dim'));
  await page.screenshot({ path: path.join(out, `zipkin-graph-${name}.png`) });
}
await close();
server.close();
console.log('screenshots in', out);
