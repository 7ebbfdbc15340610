// The trace list of a load of many traces: a generated file of 2,000 traces (`clew gen`)
// opens on the list; filtering it matches `clew analyze --filter`, a point of the scatter
// opens its trace, Back and "Traces" return to the list as it was, trace-next steps
// through the filtered rows, the aggregate flame graph lists the spans behind a frame,
// and the A/B and cohort comparisons match `clew compare`.
// Embedded, opening a trace leaves the host's history alone.
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { eq, ok, virtualRows } from './assert.mjs';

const TRACES = 2000;

/** Runs the release CLI (built by `make test-e2e`) and parses its JSON. */
function clew(root, args) {
  const out = execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', ...args],
    { cwd: root, maxBuffer: 1 << 30 });
  return JSON.parse(out.toString());
}

/** The generated file (6,000 spans in 2,000 traces, 1.8 MB), made once per run. */
function manyFile(root, tmp) {
  const file = path.join(tmp, 'many.json');
  if (!fs.existsSync(file)) {
    execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', 'gen', '--spans', '6000', '--traces', String(TRACES),
      '--seed', '7', '--format', 'otlp', '--out', file], { cwd: root });
  }
  return file;
}

const text = (page, id) => page.textContent(`[data-testid="${id}"]`);
const listReady = (page) => page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"]', { timeout: 60000 });
const hashOf = (page) => page.evaluate(() => decodeURIComponent(location.hash));

/** Opens the generated file with `search` before `url=` and `hash` after it. */
async function openList(page, base, search = '', hash = '') {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(base + '?' + search + 'url=' + encodeURIComponent(base + 'e2e-tmp/many.json') + hash);
  await page.waitForSelector(`[data-testid="app"][data-loaded-traces="${TRACES}"]`, { timeout: 60000 });
  await listReady(page);
}

/** Waits for the count to read `want`. */
async function countIs(page, want) {
  await page.waitForFunction((w) => document.querySelector('[data-testid="trace-count"]')?.textContent === w, want, { timeout: 30000 });
  await listReady(page);
}

const thousands = (n) => n.toLocaleString('en-US');

export const tests = [
  {
    name: 'the list of 2,000 traces: filter, open from the scatter, back, next, compare two traces and two cohorts',
    fn: async (page, { base, root, tmp }) => {
      const file = manyFile(root, tmp);
      await openList(page, base);
      eq(await text(page, 'trace-count'), '2,000 traces', 'count');
      const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
      ok(nodes <= 1400, `at most 1,400 DOM nodes on the list page, got ${nodes}`);
      ok(await page.locator('[data-testid="trace-picker"]').count() === 0, 'no <select> picker');
      const bar = await page.evaluate(() => document.querySelector('[data-testid="topbar"]').getBoundingClientRect().height);
      ok(bar < 48, `the top bar is one line at 1280 px (${bar} px)`);
      // The scatter draws its 2,000 points in a few paths.
      const paths = await page.$$eval('[data-testid="trace-scatter"] path.sc-pts', (ps) => ps.map((p) => Number(p.getAttribute('data-points'))));
      ok(paths.length <= 6, `at most six point paths, got ${paths.length}`);
      eq(paths.reduce((a, b) => a + b, 0), TRACES, 'points drawn');

      // Filter: the same traces as the CLI, in start order.
      const errors = clew(root, ['analyze', '--json', '--filter', 'error', file]).traces.map((t) => t.trace_id);
      ok(errors.length > 0 && errors.length < TRACES, `some error traces (${errors.length})`);
      await page.fill('[data-testid="trace-filter"]', 'error');
      await countIs(page, `${thousands(errors.length)} of 2,000 traces`);
      eq(await page.getAttribute('[data-testid="trace-row"] >> nth=0', 'data-trace-id'), errors[0], 'first filtered row');
      ok((await hashOf(page)).includes('filter=error'), 'the filter is in the hash');

      // Scroll a little, then open the first point of the scatter.
      await page.$eval('[data-testid="trace-list"]', (el) => { el.scrollTop = 130; el.dispatchEvent(new Event('scroll')); });
      const [x, y] = await page.$eval('[data-testid="trace-scatter"] path.sc-pts', (p) => {
        const m = /M([\d.]+) ([\d.]+)a([\d.]+)/.exec(p.getAttribute('d'));
        return [Number(m[1]) + Number(m[3]), Number(m[2])];
      });
      const box = await page.locator('[data-testid="trace-scatter"] svg.sc-points').boundingBox();
      await page.mouse.move(box.x + x, box.y + y);
      await page.waitForSelector('[data-testid="scatter-tip"]');
      await page.mouse.down();
      await page.mouse.up();
      await page.waitForSelector('[data-testid="waterfall"]');
      const opened = /trace=([0-9a-f]+)/.exec(await hashOf(page))[1];
      ok(errors.includes(opened), `the scatter opened a trace of the filtered list (${opened})`);
      const pos = await text(page, 'trace-position');
      ok(pos.endsWith(`of ${thousands(errors.length)}`), `position in the filtered list: ${pos}`);

      // Next steps through the filtered rows.
      const k = errors.indexOf(opened);
      if (k + 1 < errors.length) {
        await page.click('[data-testid="trace-next"]');
        await page.waitForFunction((id) => location.hash.includes(`trace=${id}`), errors[k + 1]);
      }

      // Back returns to the list with its filter and scroll position.
      await page.goBack();
      await listReady(page);
      eq(await page.inputValue('[data-testid="trace-filter"]'), 'error', 'filter kept');
      eq(await text(page, 'trace-count'), `${thousands(errors.length)} of 2,000 traces`, 'count kept');
      await page.waitForFunction(() => document.querySelector('[data-testid="trace-list"]').scrollTop === 130);

      // Enter on a row opens it; the Traces button comes back.
      await page.focus('[data-testid="trace-row"] >> nth=4');
      const rowId = await page.evaluate(() => document.activeElement.getAttribute('data-trace-id'));
      await page.keyboard.press('Enter');
      await page.waitForFunction((id) => location.hash.includes(`trace=${id}`), rowId);
      await page.click('[data-testid="trace-list-back"]');
      await listReady(page);

      // The aggregate flame graph of the filtered traces: a frame lists the spans behind it.
      await page.click('[data-testid="aggregate-flame"]');
      await page.waitForSelector('[data-testid="flame-view"][data-ready="1"]');
      ok(await page.locator('[data-testid="flame-frame"]').count() >= 2, 'flame frames');
      const flameNodes = await page.evaluate(() => document.querySelectorAll('*').length);
      ok(flameNodes <= 1400, `at most 1,400 DOM nodes with the flame graph, got ${flameNodes}`);
      await page.click('[data-testid="flame-frame"] >> nth=0');
      await page.waitForSelector('[data-testid="flame-span"]');
      ok((await text(page, 'flame-picked')).includes(`in ${thousands(errors.length)} traces`), 'the root path is in every filtered trace');
      await page.click('[data-testid="compare-close"]');

      // A/B: two rows of the whole list, then a span of B opens in the waterfall.
      await page.fill('[data-testid="trace-filter"]', '');
      await countIs(page, '2,000 traces');
      const picks = page.locator('[data-testid="trace-pick"]');
      await picks.nth(0).check();
      await picks.nth(1).check();
      await page.click('[data-testid="trace-compare"]');
      await page.waitForSelector('[data-testid="ab-view"][data-ready="1"]');
      ok(await page.locator('[data-testid="ab-row"]').count() >= 1, 'A/B rows');
      await page.click('[data-testid="ab-row"] >> nth=0 >> [data-testid="ab-open-b"]');
      await page.waitForSelector('[data-testid="detail"]');
      await page.goBack();
      await page.waitForSelector('[data-testid="ab-view"][data-ready="1"]');
      await page.click('[data-testid="compare-close"]');

      // Cohorts: the slowest 10 % against the rest, as `clew compare` says.
      await page.click('[data-testid="cohort-slowest"]');
      await page.waitForSelector('[data-testid="cohort-view"][data-ready="1"]');
      const want = clew(root, ['compare', '--json', '--slowest', '10%', file]);
      const summary = await text(page, 'cohort-summary');
      ok(summary.startsWith(`A: ${thousands(want.a.traces)} traces`) && summary.includes(`B: ${thousands(want.b.traces)} traces`), `cohort sizes: ${summary}`);
      const first = await page.textContent('[data-testid="cohort-row"] >> nth=0 >> td >> nth=0');
      ok(first.startsWith(want.rows[0].path.at(-1)), `the path leading the difference: ${first} vs ${want.rows[0].path.at(-1)}`);
      await page.click('[data-testid="compare-close"]');
      // And by two filters.
      await page.fill('[data-testid="cohort-a"]', 'duration<1s');
      await page.fill('[data-testid="cohort-b"]', 'duration>3s');
      await page.click('[data-testid="cohort-filters"]');
      await page.waitForSelector('[data-testid="cohort-view"][data-ready="1"]');
      const byFilter = clew(root, ['compare', '--json', '--a', 'duration<1s', '--b', 'duration>3s', file]);
      const s2 = await text(page, 'cohort-summary');
      ok(s2.startsWith(`A: ${thousands(byFilter.a.traces)} traces`) && s2.includes(`B: ${thousands(byFilter.b.traces)} traces`), `cohort sizes: ${s2}`);
    },
  },
  {
    name: 'a scatter brush narrows the list and the views of all traces; the cost column follows the prices',
    fn: async (page, { base, root, tmp }) => {
      manyFile(root, tmp);
      await openList(page, base);
      // Brush the left third of the scatter.
      const box = await page.locator('[data-testid="trace-scatter"] svg.sc-points').boundingBox();
      await page.mouse.move(box.x + 1, box.y + 1);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 3, box.y + box.height - 1, { steps: 4 });
      await page.mouse.up();
      await page.waitForSelector('[data-testid="brush-clear"]');
      await listReady(page);
      const count = await text(page, 'trace-count');
      const kept = Number(/^([\d,]+) of 2,000 traces$/.exec(count)?.[1].replace(/,/g, ''));
      ok(kept > 0 && kept < TRACES, `the brush keeps some traces: ${count}`);

      // The stats of all loaded traces count the brushed traces' spans only, and say so.
      const spansCounted = async () => {
        await page.waitForSelector('[data-testid="view-stats"][data-ready="1"]');
        return (await virtualRows(page, 'stats-rows')).reduce((n, r) => n + Number(r[1].replace(/,/g, '')), 0);
      };
      await page.click('[data-testid="trace-row"] >> nth=0');
      await page.click('[data-testid="tab-stats"]');
      await page.selectOption('[data-testid="stats-group"]', 'service');
      await page.check('[data-testid="stats-all-traces"]');
      const brushedSpans = await spansCounted();
      eq(await text(page, 'list-scope-note'), `Over ${thousands(kept)} of 2,000 traces: those the scatter's brushed rectangle keeps.`, 'scope note');
      ok(brushedSpans > 0 && brushedSpans < 6000, `spans of the brushed traces: ${brushedSpans}`);
      await page.click('[data-testid="trace-list-back"]');
      await listReady(page);
      await page.click('[data-testid="brush-clear"]');
      await countIs(page, '2,000 traces');
      await page.click('[data-testid="trace-row"] >> nth=0');
      eq(await spansCounted(), 6000, 'every span without the brush');
      eq(await page.locator('[data-testid="list-scope-note"]').count(), 0, 'no scope note');
      await page.click('[data-testid="trace-list-back"]');
      await listReady(page);

      // The costliest trace at doubled prices costs twice as much.
      const top = async () => {
        await listReady(page);
        const row = page.locator('[data-testid="trace-row"] >> nth=0');
        return [await row.getAttribute('data-trace-id'), Number((await row.locator('td.c-cost').textContent()).replace(/[^\d.]/g, ''))];
      };
      await page.click('[data-testid="trace-sort-cost"]');
      const [id, cost] = await top();
      ok(cost > 0, `a priced trace on top: ${cost}`);
      const table = JSON.parse(fs.readFileSync(path.join(root, 'src', 'analysis', 'prices.json'), 'utf8'));
      for (const m of table.models) {
        for (const k of ['input', 'cached_input', 'cache_write', 'output']) if (typeof m[k] === 'number') m[k] *= 2;
      }
      await page.evaluate((t) => localStorage.setItem('clew.prices', t), JSON.stringify(table));
      await page.reload();
      await listReady(page);
      await page.click('[data-testid="trace-sort-cost"]');
      const [id2, cost2] = await top();
      eq(id2, id, 'the same trace is the costliest');
      ok(Math.abs(cost2 - 2 * cost) <= (cost >= 1 ? 0.011 : 0.000011), `doubled prices double the cost: ${cost} → ${cost2}`);
      // Resetting the prices in the dialog brings the list's costs back.
      await page.click('[data-testid="trace-row"] >> nth=0');
      await page.click('[data-testid="tab-llm"]');
      await page.click('[data-testid="prices-open"]');
      await page.click('[data-testid="prices-reset"]');
      await page.click('[data-testid="prices-close"]');
      await page.click('[data-testid="trace-list-back"]');
      await page.waitForFunction((c) => {
        const td = document.querySelector('[data-testid="trace-row"] td.c-cost');
        return td && Number(td.textContent.replace(/[^\d.]/g, '')) === c;
      }, cost, { timeout: 30000 });
    },
  },
  {
    name: 'a copied link reopens the filtered list; embedded, opening a trace leaves history alone',
    fn: async (page, { base, root, tmp }) => {
      manyFile(root, tmp);
      await openList(page, base, '', '#view=list&filter=' + encodeURIComponent('duration>3s service=frontend'));
      eq(await page.inputValue('[data-testid="trace-filter"]'), 'duration>3s service=frontend', 'filter from the hash');
      ok((await text(page, 'trace-count')).endsWith(' of 2,000 traces'), 'filtered');
      await openList(page, base, 'embed=1&');
      const before = await page.evaluate(() => history.length);
      await page.click('[data-testid="trace-row"] >> nth=0');
      await page.waitForSelector('[data-testid="waterfall"]');
      eq(await page.evaluate(() => history.length), before, 'no history entry when embedded');
      await page.click('[data-testid="trace-list-back"]');
      await listReady(page);
    },
  },
];
