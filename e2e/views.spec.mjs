// The analysis tabs on a generated 100k-span trace: each tab's view reaches data-ready
// with its real content (numbers checked against `clew analyze --json` of the same file),
// the page stays under the DOM node limit with the waterfall mounted behind the tab, long
// tables are virtual (few rows drawn, the last one reachable), and the waterfall comes back
// where it was left. No timing is asserted.
import { execFileSync } from 'node:child_process';
import { eq, ok, waitSpans, open, ready, virtualRows } from './assert.mjs';
import { generate } from './scale.spec.mjs';

const DOM_LIMIT = 1400;
const domNodes = (page) => page.evaluate(() => document.getElementsByTagName('*').length);
const text = (page, testid) => page.textContent(`[data-testid="${testid}"]`);
const thousands = (n) => n.toLocaleString('en-US');

/** `clew analyze --json` of a file: the numbers the tabs must show. */
function analyze(root, file) {
  const out = execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', 'analyze', '--json', file],
    { cwd: root, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.toString());
}

/** Opens a tab and waits for its view to paint its data. */
async function show(page, tab) {
  await page.click(`[data-testid="tab-${tab}"]`);
  await ready(page, tab, 180000);
}

async function underLimit(page, what) {
  const n = await domNodes(page);
  ok(n <= DOM_LIMIT, `${what}: DOM nodes ${n} ≤ ${DOM_LIMIT}`);
}

export const tests = [
  {
    name: 'every tab on 100k spans becomes ready with its data, under the DOM node limit',
    fn: async (page, { base, root, tmp }) => {
      const file = generate(root, tmp, 100000);
      const t = analyze(root, file).traces[0];
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', file);
      await waitSpans(page, 100000, 180000);
      // Leave the waterfall scrolled, with a span selected.
      await page.$eval('[data-testid="rows"]', (el) => { el.scrollTop = 24 * 500; });
      await page.waitForSelector('[data-testid="span-row"][data-span="520"]');
      await page.click('[data-testid="span-row"][data-span="520"]');
      await page.waitForSelector('[data-testid="detail"]');
      const scrollTop = await page.$eval('[data-testid="rows"]', (el) => el.scrollTop);

      // Critical path: the CLI's segments (in time order), the same first one.
      await show(page, 'critical-path');
      const segs = t.critical_path;
      ok((await text(page, 'critical-path-summary')).includes(` ${segs.length} segments, `), 'segment count');
      eq(Number(await page.getAttribute('[data-testid="critical-path-segments"]', 'data-total')), segs.length, 'segments table rows');
      const first = await page.$$eval('[data-testid="critical-path-row"][data-row="0"] td', (tds) => tds.map((td) => td.textContent));
      eq(first[1], segs[0].service, 'first segment: service');
      eq(first[2], segs[0].name, 'first segment: operation');
      ok(await page.locator('[data-testid="critical-path-row"]').count() > 0, 'segments listed');
      await underLimit(page, 'critical path');

      // Graph: every node of the trace's dependency graph.
      await show(page, 'graph');
      eq(await page.locator('[data-testid="graph-node"]').count(), t.dependency_graph.nodes.length, 'graph nodes');
      ok((await text(page, 'graph-counts')).startsWith(`${t.dependency_graph.nodes.length} nodes`), 'graph counts');
      await underLimit(page, 'graph');

      // Patterns: the CLI's findings, ranked the same.
      await show(page, 'patterns');
      eq(await text(page, 'patterns-count'), `${t.patterns.length} findings`, 'finding count');
      eq(await page.getAttribute('[data-testid="pattern-item"]:first-child', 'data-kind'), t.patterns[0].kind, 'first finding');
      ok(await page.locator('[data-testid="pattern-item"]').count() < t.patterns.length, 'the list is virtual');
      await underLimit(page, 'patterns');

      // Stats: every row reachable by scrolling, their counts add up to the trace's spans.
      await show(page, 'stats');
      const total = Number(await page.getAttribute('[data-testid="stats-rows"]', 'data-total'));
      ok((await text(page, 'stats-summary')) === `${thousands(total)} rows`, 'row count');
      ok(await page.locator('[data-testid="stats-row"]').count() <= 20, 'few rows drawn');
      await underLimit(page, 'stats');
      const rows = await virtualRows(page, 'stats-rows');
      eq(rows.length, total, 'every row read');
      eq(rows.reduce((s, r) => s + Number(r[2].replace(/,/g, '')), 0), 100000, 'span counts add up');
      await underLimit(page, 'stats, scrolled');

      // LLM: the CLI's call count; the calls table is virtual and its last row is reachable.
      await show(page, 'llm');
      eq(await page.textContent('[data-testid="llm-calls-count"] .v'), thousands(t.llm.calls), 'LLM calls');
      eq(Number(await page.getAttribute('[data-testid="llm-calls-table"]', 'data-total')), t.llm.calls, 'calls table rows');
      ok(await page.locator('[data-testid="llm-calls-table"] tbody tr').count() <= 20, 'few call rows drawn');
      await underLimit(page, 'LLM');
      await page.$eval('[data-testid="llm-calls-table"] .vt-scroll', (el) => { el.scrollTop = el.scrollHeight; });
      await page.waitForSelector(`[data-testid="llm-calls-table"] tr[data-row="${t.llm.calls - 1}"]:not(.vt-pending)`, { state: 'attached' });
      await underLimit(page, 'LLM, scrolled to the last call');
      for (const part of ['charts', 'tables']) {
        await page.click(`[data-testid="llm-part-${part}"]`);
        await ready(page, 'llm', 180000);
        await underLimit(page, `LLM ${part}`);
      }
      ok((await text(page, 'llm-all-totals')).startsWith(`${thousands(t.llm.calls)} calls`), 'all-traces totals');
      eq(await page.locator('[data-testid="llm-table-by-model"] tbody tr').count(), Object.keys(t.llm.by_model).length, 'a row per model');

      // Flame graph: the summary counts every span, frames and slivers stay within the budget.
      await show(page, 'flamegraph');
      ok((await text(page, 'flame-summary')).startsWith('100,000 spans'), 'flame graph summary');
      ok(await page.locator('[data-testid="flame-other"]').count() > 0, 'narrow frames merge into slivers');
      await underLimit(page, 'flame graph');
      // Span table: every span, few rows drawn.
      await show(page, 'spans');
      eq(Number(await page.getAttribute('[data-testid="span-table"]', 'data-total')), 100000, 'span table rows');
      ok(await page.locator('[data-testid="span-table-row"]').count() <= 40, 'few span rows drawn');
      await underLimit(page, 'span table');

      // Back to the waterfall: where it was, with the span still selected.
      await page.click('[data-testid="tab-waterfall"]');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.$eval('[data-testid="rows"]', (el) => el.scrollTop), scrollTop, 'scroll position kept');
      eq(await page.getAttribute('[data-testid="span-row"].selected', 'data-span'), '520', 'selection kept');
      await underLimit(page, 'waterfall');
    },
  },
];
