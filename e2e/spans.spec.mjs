// The span table tab on the demo: all 19 rows in the DOM, sort by a header, the find
// language as its filter, an attribute column from the suggested keys, CSV export of the
// filtered table, and a click that jumps to the span in the waterfall.
import fs from 'node:fs';
import { eq, ok, open, ready } from './assert.mjs';

const ROW = '[data-testid="span-table-row"]';
const col = (page, i) => page.$$eval(`${ROW} td:nth-child(${i + 1})`, (tds) => tds.map((td) => td.textContent));

/** Waits for the table to be ready with `n` rows drawn. */
async function waitRows(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="span-table-row"]').length === n
    && document.querySelector('[data-testid="view-spans"][data-ready="1"]'), n);
}

export const tests = [
  {
    name: 'all spans, sort, filter with the find language, attribute column, CSV',
    fn: async (page, { base }) => {
      await open(page, base);
      await page.click('[data-testid="tab-spans"]');
      await ready(page, 'spans');
      eq(await page.locator(ROW).count(), 19, 'all 19 demo spans are rows in the DOM');
      eq(await page.textContent('[data-testid="spans-count"]'), '19 spans', 'count');

      // Sort by duration: longest first.
      await page.click('[data-testid="spans-sort-duration"]');
      // In trace order the root is first too: wait for the second row to be complete.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="span-table-row"] td:nth-child(2)')[1]?.textContent === 'complete');
      const ops = await col(page, 1);
      eq(ops.slice(0, 3).join(','), 'POST /api/v1/chat,complete,generate', 'longest first');
      await page.click('[data-testid="spans-sort-duration"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="span-table-row"] td:nth-child(5)')?.textContent === '6 ms');

      // Filter: the waterfall's find language.
      await page.fill('[data-testid="spans-find"]', 'service=llm-router duration>150ms');
      await page.press('[data-testid="spans-find"]', 'Enter');
      await waitRows(page, 3);
      eq((await col(page, 1)).sort().join(','), 'classify,generate,postprocess', 'llm-router spans over 150 ms');
      eq(await page.textContent('[data-testid="spans-count"]'), '3 of 19 spans', 'count when filtered');

      // An attribute column from the suggested keys.
      const keys = await page.$$eval('[data-testid="spans-attr-keys"] option', (os) => os.map((o) => o.value));
      ok(keys.includes('gen_ai.request.model'), `suggested keys include gen_ai.request.model: ${keys.join(', ')}`);
      await page.fill('[data-testid="spans-attr-input"]', 'gen_ai.request.model');
      await page.click('[data-testid="spans-attr-add"]');
      await page.waitForSelector('[data-testid="span-table"] th:nth-child(8)');
      await waitRows(page, 3);
      const models = (await col(page, 7)).filter((m) => m);
      ok(models.length >= 1, `models shown: ${models.join(',')}`);

      // CSV of the filtered table.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="spans-csv"]')]);
      const text = fs.readFileSync(await download.path(), 'utf8');
      const lines = text.split('\r\n').filter((l) => l);
      eq(lines.length, 4, 'CSV: header + 3 rows');
      ok(lines[0].startsWith('span_id,service,operation,kind,start_ms,duration_ms,self_ms,status,gen_ai.request.model'), `header: ${lines[0]}`);
      ok(lines.slice(1).every((l) => l.includes(',llm-router,')), 'rows are the filtered spans');
    },
  },
  {
    name: 'a click on a row jumps to the span in the waterfall',
    fn: async (page, { base }) => {
      await open(page, base, '#tab=spans');
      await ready(page, 'spans');
      await page.locator(ROW, { hasText: 'vectorSearch' }).click();
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'vectorSearch', 'detail panel');
    },
  },
];
