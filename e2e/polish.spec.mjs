// Polish from the walk-through: identical trace warnings grouped with a count (the 175-span
// SmartThings Zipkin trace repeats one per RPC half), and icons drawn as inline SVG.
import path from 'node:path';
import { eq, ok, open, waitSpans } from './assert.mjs';

export const tests = [
  {
    name: 'identical warnings are one line with a count; icons are SVG',
    fn: async (page, { base, root }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', path.join(root, 'tests/corpus/zipkin/smartthings-oauth-authorization-175spans.json'));
      await waitSpans(page, 175);
      await page.click('[data-testid="trace-warnings"]');
      const lines = await page.$$eval('[data-testid="warnings-list"] li', (lis) => lis.map((li) => li.textContent));
      eq(new Set(lines).size, lines.length, 'no repeated line');
      const d70 = lines.filter((l) => l.includes('span d70bbce77a790a35 has no duration'));
      eq(d70.length, 1, 'the RPC pair\'s warning shows once');
      ok(d70[0].includes('×2'), `with its count: ${d70[0]}`);
      const box = await page.$eval('[data-testid="warnings-list"]', (el) => el.getBoundingClientRect().height);
      ok(box <= 200, `the open list is capped (${box} px)`);
      // The per-attribute copy buttons hold an SVG icon, no glyph.
      await page.locator('[data-testid="span-row"]').nth(1).click();
      await page.waitForSelector('[data-testid="detail"] button.copy');
      eq(await page.$eval('[data-testid="detail"] button.copy', (b) => [b.querySelectorAll('svg').length, b.textContent.trim()].join('|')), '1|', 'copy button: one svg, no text');
    },
  },
  {
    name: 'the name column resizes by drag and keeps its width',
    fn: async (page, { base }) => {
      await open(page, base);
      const head = page.locator('.wf-name-head');
      const w0 = (await head.boundingBox()).width;
      const h = await page.locator('[data-testid="name-resize"]').boundingBox();
      await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
      await page.mouse.down();
      await page.mouse.move(h.x + h.width / 2 + 150, h.y + h.height / 2, { steps: 5 });
      await page.mouse.up();
      const w1 = (await head.boundingBox()).width;
      ok(Math.abs(w1 - (w0 + 150)) < 3, `dragged 150 px wider: ${w0} → ${w1}`);
      const row = (await page.locator('[data-testid="span-row"] .wf-name').first().boundingBox()).width;
      ok(Math.abs(row - w1) < 3, `rows follow the header (${row} vs ${w1})`);
      await page.reload();
      await page.waitForSelector('[data-testid="span-row"]');
      const w2 = (await page.locator('.wf-name-head').boundingBox()).width;
      ok(Math.abs(w2 - w1) < 2, `kept after a reload: ${w2}`);
      await page.focus('[data-testid="name-resize"]');
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction((w) => document.querySelector('.wf-name-head').getBoundingClientRect().width < w - 10, w2);
      await page.evaluate(() => localStorage.removeItem('clew.nameColumnPx'));
    },
  },
];
