// Sharing and export from the Share menu: the link (with backend= and trace= for a trace
// from a backend), the graph as SVG and PNG, the LLM, Stats and Critical path tables as CSV,
// and the loaded traces as OTLP JSON that loads back with the same counts.
import fs from 'node:fs';
import path from 'node:path';
import { eq, ok, ready, waitSpans } from './assert.mjs';
import { startBackends, TRACE } from './fakes/backends.mjs';

async function download(page, testid, tmp) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  return file;
}

/** Opens the Share menu unless it is open. */
async function openShare(page) {
  if ((await page.getAttribute('[data-testid="share"]', 'aria-expanded')) !== 'true') await page.click('[data-testid="share"]');
  await page.waitForSelector('[data-testid="share-menu"]');
}

export const tests = [
  {
    name: 'Share: the link, the graph as SVG and PNG, the LLM, Stats and Critical path tables as CSV, the traces as OTLP JSON that load back',
    fn: async (page, { base, tmp }) => {
      await page.goto(base);
      await waitSpans(page, 19);
      await openShare(page);
      const link = await page.inputValue('[data-testid="share-link"]');
      ok(link.startsWith(base) && link.includes('#trace='), `link to the view: ${link}`);
      ok(await page.isDisabled('[data-testid="share-svg"]'), 'no chart on the waterfall');
      // OTLP JSON of the demo: 19 spans come back.
      const otlp = await download(page, 'share-otlp', tmp);
      eq(path.basename(otlp), 'clew-traces.otlp.json', 'file name');
      const doc = JSON.parse(fs.readFileSync(otlp, 'utf8'));
      eq(doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length, 19, 'spans exported');
      await page.waitForFunction(() => document.querySelector('[data-testid="share-note"]').textContent.startsWith('Exported'));
      await page.setInputFiles('[data-testid="file-input"]', otlp);
      await waitSpans(page, 19);
      // The graph as SVG and PNG.
      await page.click('[data-testid="tab-graph"]');
      await ready(page, 'graph');
      await openShare(page);
      const svg = fs.readFileSync(await download(page, 'share-svg', tmp), 'utf8');
      ok(svg.startsWith('<svg') && svg.includes('xmlns="http://www.w3.org/2000/svg"') && svg.includes('fill:'), 'standalone SVG with styles');
      const png = fs.readFileSync(await download(page, 'share-png', tmp));
      eq(png.subarray(1, 4).toString(), 'PNG', 'a PNG file');
      ok(png.length > 2000, `PNG has content: ${png.length} bytes`);
      // A table as CSV (the LLM tab's calls table).
      await page.click('[data-testid="tab-llm"]');
      await ready(page, 'llm');
      await openShare(page);
      const csv = fs.readFileSync(await download(page, 'share-csv', tmp), 'utf8');
      ok(csv.split('\n').length > 2, `CSV rows: ${csv.slice(0, 80)}`);
      // The Stats table as CSV: the whole table as sorted (self sum, largest first), times in ms.
      await page.click('[data-testid="tab-stats"]');
      await ready(page, 'stats');
      await openShare(page);
      const stats = fs.readFileSync(await download(page, 'share-csv', tmp), 'utf8').split('\r\n');
      ok(stats[0].startsWith('service,operation,count,errors,total_sum_ms,'), `stats header: ${stats[0]}`);
      ok(stats[1].startsWith('llm-router,generate,1,0,2208.000,'), `stats first row: ${stats[1]}`);
      // The Critical path's segments as CSV.
      await page.click('[data-testid="tab-critical-path"]');
      await ready(page, 'critical-path');
      await openShare(page);
      const segs = fs.readFileSync(await download(page, 'share-csv', tmp), 'utf8').split('\r\n');
      eq(segs[0], 'start_ms,span_id,service,operation,duration_ms,percent_of_trace', 'segments header');
      ok(segs.includes('885.000,a1b2c3d40000eeee,llm-router,generate,2208.000,57.5'), `a segment row: ${segs.slice(0, 3)}`);
    },
  },
  {
    name: 'Share: the link of a trace from a backend names the backend and the trace',
    fn: async (page, { base }) => {
      const b = await startBackends();
      try {
        await page.goto(base + '?' + new URLSearchParams({ backend: 'tempo', base: b.base('tempo'), q: '{ }' }));
        await page.click('[data-testid="trace-list"] [data-testid="trace-row"]');
        await waitSpans(page, 3);
        await openShare(page);
        const link = new URL(await page.inputValue('[data-testid="share-link"]'));
        eq(link.searchParams.get('backend'), 'tempo', 'backend');
        eq(link.searchParams.get('base'), b.base('tempo'), 'base');
        eq(link.searchParams.get('trace'), TRACE, 'trace');
        eq(link.searchParams.get('q'), null, 'the search is dropped');
        await page.goto(link.href);
        await waitSpans(page, 3);
      } finally {
        b.close();
      }
    },
  },
];
