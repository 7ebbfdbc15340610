// Scale: a 100k-span trace loads with the DOM node count under the limit.
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { eq, ok, waitSpans, open } from './assert.mjs';

const DOM_LIMIT = 1400;

export function generate(root, tmp, spans) {
  const out = path.join(tmp, `gen-${spans}.json`);
  if (!fs.existsSync(out)) {
    execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', 'gen', '--spans', String(spans), '--traces', '1',
      '--format', 'otlp', '--seed', '1', '--out', out], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return out;
}

export const tests = [
  {
    name: '100k spans load with the DOM under the node limit, and scrolling shows rows',
    fn: async (page, { base, root, tmp }) => {
      const file = generate(root, tmp, 100000);
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', file);
      await waitSpans(page, 100000, 180000);
      const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      ok(nodes < DOM_LIMIT, `DOM nodes ${nodes} < ${DOM_LIMIT}`);
      const body = page.locator('[data-testid="rows"]');
      for (const frac of [0.5, 0.999, 0.25]) {
        await body.evaluate((el, f) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * f; }, frac);
        await page.waitForTimeout(100);
        const visible = await page.evaluate(() => {
          const b = document.querySelector('[data-testid="rows"]').getBoundingClientRect();
          const rows = [...document.querySelectorAll('[data-testid="span-row"]')].filter(r => {
            const rr = r.getBoundingClientRect();
            return rr.bottom > b.top && rr.top < b.bottom;
          });
          return { n: rows.length, top: rows.length ? rows[0].getBoundingClientRect().top - b.top : 999 };
        });
        ok(visible.n >= 10, `rows on screen at ${frac}: ${visible.n}`);
        ok(visible.top <= 0.5, `no blank gap at the top at ${frac}: ${visible.top}`);
      }
      const nodes2 = await page.evaluate(() => document.getElementsByTagName('*').length);
      ok(nodes2 < DOM_LIMIT, `DOM nodes after scrolling ${nodes2} < ${DOM_LIMIT}`);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-traces'), '1', 'traces');
    },
  },
];
