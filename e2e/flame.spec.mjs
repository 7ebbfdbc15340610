// The flame-graph tab on the demo trace: one frame per span at 1400 px (no "other"
// sliver), zoom by click and back by the breadcrumb, the hover tooltip, double-click to
// the span in the waterfall with its detail panel, and the keyboard (arrows, Enter).
import { eq, ok, open, ready } from './assert.mjs';

const FRAME = '[data-testid="flame-frame"]';
const frame = (page, id) => page.locator(`${FRAME}[data-span="${id}"]`);
const frames = (page) => page.locator(FRAME).count();
// Demo span ids (public/demo.json).
const ROOT = 'a1b2c3d400001111';
const COMPLETE = 'a1b2c3d40000cccc';
const GENERATE = 'a1b2c3d40000eeee';
const VALIDATE_JWT = 'a1b2c3d400002222';
const GET_SESSION = 'a1b2c3d400004444';

async function showFlame(page) {
  await page.click('[data-testid="tab-flamegraph"]');
  await ready(page, 'flamegraph');
}

/** Waits until exactly `n` frames are drawn and the view is ready. */
async function waitFrames(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="flame-frame"]').length === n
    && document.querySelector('[data-testid="view-flamegraph"][data-ready="1"]'), n);
}

export const tests = [
  {
    name: 'every demo span is its own frame; click zooms, the breadcrumb zooms out',
    fn: async (page, { base }) => {
      await open(page, base);
      await showFlame(page);
      eq(await frames(page), 19, 'frames: the demo has 19 spans');
      eq(await page.locator('[data-testid="flame-other"]').count(), 0, 'no other sliver at 1400 px');
      const ids = await page.$$eval(FRAME, (els) => els.map((e) => e.dataset.span));
      eq(new Set(ids).size, 19, 'one frame per span id');
      ok(ids.every((id) => /^[0-9a-f]{16}$/.test(id)), 'data-span is the hex span id');
      const canvas = await page.locator('.flame-canvas').boundingBox();
      const root = await frame(page, ROOT).boundingBox();
      ok(Math.abs(root.width - canvas.width) < 2, `the root spans the width (${root.width} vs ${canvas.width})`);

      // Hover: a tooltip names the span.
      await frame(page, GENERATE).hover();
      const tip = await page.textContent('[data-testid="flame-tooltip"]');
      ok(tip.includes('generate') && tip.includes('llm-router') && tip.includes('2.21 s'), `tooltip: ${tip}`);

      // Click "complete": it and its three children fill the width.
      await frame(page, COMPLETE).click();
      await waitFrames(page, 4);
      const zoomed = await frame(page, COMPLETE).boundingBox();
      ok(Math.abs(zoomed.width - canvas.width) < 2 && Math.abs(zoomed.x - canvas.x) < 2, 'zoomed frame is full width');
      const gen = await frame(page, GENERATE).boundingBox();
      // generate is 2,208 ms of complete's 2,900 ms.
      ok(Math.abs(gen.width / zoomed.width - 2208 / 2900) < 0.01, `generate's share ${gen.width / zoomed.width}`);
      const crumbs = await page.locator('[data-testid="flame-crumb"]').allTextContents();
      eq(crumbs.join(' > '), 'api-gateway: POST /api/v1/chat > llm-orchestrator: complete', 'breadcrumb');
      await page.click('[data-testid="flame-crumb-root"]');
      await waitFrames(page, 19);
    },
  },
  {
    name: 'double-click opens the span in the waterfall with its detail panel',
    fn: async (page, { base }) => {
      await open(page, base);
      await showFlame(page);
      await frame(page, GENERATE).dblclick();
      await page.waitForSelector('[data-testid="waterfall"]');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'generate', 'detail panel shows the span');
      eq(await page.getAttribute('[data-testid="tab-waterfall"]', 'aria-selected'), 'true', 'waterfall tab selected');
    },
  },
  {
    name: 'arrows move between frames and Enter zooms',
    fn: async (page, { base }) => {
      await open(page, base, '#tab=flamegraph');
      await ready(page, 'flamegraph');
      await frame(page, ROOT).focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((id) => document.activeElement?.dataset.span === id, VALIDATE_JWT);
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((id) => document.activeElement?.dataset.span === id, GET_SESSION);
      await page.keyboard.press('ArrowUp');
      await page.waitForFunction((id) => document.activeElement?.dataset.span === id, ROOT);
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction((id) => document.activeElement?.dataset.span === id, VALIDATE_JWT);
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((id) => document.activeElement?.dataset.span === id, GET_SESSION);
      await page.keyboard.press('Enter');
      // getSession and its one child (SELECT sessions).
      await waitFrames(page, 2);
      eq(await page.evaluate(() => document.activeElement?.dataset.span), GET_SESSION, 'focus stays on the zoomed frame');
    },
  },
];
