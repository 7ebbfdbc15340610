// Analysis views: critical path, dependency graph, latency patterns, statistics and
// charts, driven in Chromium; plus screenshots of the graph and patterns views on the
// demo and on a generated 10k-span trace (written to /tmp/shots/).
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { eq, ok, waitSpans, rowCount, rowNames, selectedName, open, ready, virtualRow, virtualRows } from './assert.mjs';

const SHOTS = process.env.E2E_SHOTS || '/tmp/shots';
const NPLUSONE = 'analysis-nplusone.json';
const SELECT_ITEMS = 'SELECT * FROM items WHERE id = ?';

const tab = async (page, name) => {
  await page.click(`[data-testid="tab-${name}"]`);
  await ready(page, name);
};
const onWaterfall = async (page) => {
  await page.waitForSelector('[data-testid="waterfall"]');
  eq(await page.getAttribute('[data-testid="tab-waterfall"]', 'aria-selected'), 'true', 'waterfall tab selected');
};
const cells = (loc) => loc.locator('td').allTextContents();
const node = (page, id) => page.locator(`[data-testid="graph-node"][data-id="${id}"]`);

/** "2.21 s" / "257 ms" / "12 µs" / "0 ns" → ns. */
function parseDuration(text) {
  const m = /^\+?([\d.,]+)\s*(ns|µs|us|ms|s|min|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  const mult = { ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9, min: 60e9, m: 60e9, h: 3600e9 }[m[2]];
  return Number(m[1].replace(/,/g, '')) * mult;
}

/** Loads the crafted N+1 trace (8 similar SELECTs under GET /items, then 2 calls in sequence). */
async function openNPlusOne(page, base, fixtures) {
  await open(page, base);
  await page.setInputFiles('[data-testid="file-input"]', path.join(fixtures, NPLUSONE));
  await waitSpans(page, 11);
}

/** The 10k-span trace of the brief, generated once. */
function gen10k(root) {
  const out = '/tmp/gen10k.json';
  if (!fs.existsSync(out)) {
    execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', 'gen', '--spans', '10000', '--traces', '3',
      '--format', 'otlp', '--seed', '5', '--out', out], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return out;
}

/** Geometry problems in the drawn graph: overlapping node boxes, labels spilling out
 *  of their box, labels smaller than `minFontPx` on screen. Only nodes inside the
 *  visible SVG area are checked. */
async function graphProblems(page, minFontPx) {
  return page.evaluate((minFont) => {
    const svg = document.querySelector('svg.an-graph').getBoundingClientRect();
    const inside = (r) => r.right > svg.left && r.left < svg.right && r.bottom > svg.top && r.top < svg.bottom;
    const nodes = [...document.querySelectorAll('[data-testid="graph-node"]')].map(g => ({
      id: g.dataset.id,
      box: g.querySelector('rect:not(.focus-ring)').getBoundingClientRect(),
      text: g.querySelector('text').getBoundingClientRect(),
    }));
    const out = [];
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      if (!inside(a.box)) continue;
      if (a.text.left < a.box.left - 0.5 || a.text.right > a.box.right + 0.5 || a.text.top < a.box.top - 0.5 || a.text.bottom > a.box.bottom + 0.5) {
        out.push(`label of ${a.id} spills out of its box`);
      }
      if (a.text.height < minFont) out.push(`label of ${a.id} is ${a.text.height.toFixed(1)} px high`);
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j].box;
        if (a.box.left < b.right - 0.5 && b.left < a.box.right - 0.5 && a.box.top < b.bottom - 0.5 && b.top < a.box.bottom - 0.5) {
          out.push(`${a.id} overlaps ${nodes[j].id}`);
        }
      }
    }
    const cut = nodes.filter(n => inside(n.box) && (n.box.left < svg.left - 0.5 || n.box.right > svg.right + 0.5 || n.box.top < svg.top - 0.5 || n.box.bottom > svg.bottom + 0.5));
    for (const n of cut) out.push(`${n.id} is cut by the view's edge`);
    return out;
  }, minFontPx);
}

/** Overlap between the parts of each finding (kind tag, impact, message, button). */
async function patternProblems(page) {
  return page.evaluate(() => {
    const out = [];
    for (const [k, li] of [...document.querySelectorAll('[data-testid="pattern-item"]')].slice(0, 30).entries()) {
      const parts = [...li.children].map(c => c.getBoundingClientRect());
      const box = li.getBoundingClientRect();
      for (let i = 0; i < parts.length; i++) {
        const a = parts[i];
        if (a.right > box.right + 0.5 || a.left < box.left - 0.5) out.push(`item ${k} part ${i} outside its item`);
        for (let j = i + 1; j < parts.length; j++) {
          const b = parts[j];
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`item ${k}: parts ${i} and ${j} overlap`);
        }
      }
    }
    return out;
  });
}

export const tests = [
  {
    name: 'critical path table: generate is the largest contributor, and the toggle highlights it',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'critical-path');
      const first = page.locator('[data-testid="critical-path-contrib"]').first();
      eq(JSON.stringify(await cells(first)), JSON.stringify(['llm-router', 'generate', '2.21 s', '57.5%']), 'largest contributor');
      // Contributions are ranked and sum to the trace (3.84 s).
      const contrib = await page.$$eval('[data-testid="critical-path-contrib"]', rows => rows.map(r => r.children[3].textContent));
      const pct = contrib.map(t => parseFloat(t));
      ok(pct.every((p, i) => i === 0 || p <= pct[i - 1]), `ranked by share: ${pct}`);
      ok(Math.abs(pct.reduce((a, b) => a + b, 0) - 100) < 1, `shares sum to ~100%: ${pct}`);
      const names = await page.$$eval('[data-testid="critical-path-contrib"]', rows => rows.map(r => r.children[1].textContent));
      ok(names.includes('complete') && !names.includes('embedding'), `path goes through complete, not embedding: ${names}`);
      // Segments are in time order.
      const starts = await page.$$eval('[data-testid="critical-path-row"]', rows => rows.map(r => r.children[0].textContent));
      ok(starts.length >= names.length, 'segments listed');
      const ns = starts.map(parseDuration);
      ok(ns.every((v, i) => i === 0 || v >= ns[i - 1]), `segments in time order: ${starts}`);

      // The view's own checkbox turns on the waterfall highlight.
      await page.check('[data-testid="critical-path-highlight"]');
      await page.click('[data-testid="tab-waterfall"]');
      await onWaterfall(page);
      ok(await page.isChecked('[data-testid="critical-path-toggle"]'), 'waterfall toggle follows the view');
      // The path comes from the worker.
      await page.waitForSelector('.wf-row.crit');
      const crit = await page.$$eval('.wf-row.crit .op', els => els.map(e => e.textContent));
      ok(crit.includes('generate') && crit.includes('complete'), `highlighted: ${crit}`);
      ok(!crit.includes('embedding'), 'embedding not highlighted');
      const gen = page.locator('[data-testid="span-row"].crit', { has: page.locator('.op', { hasText: /^generate$/ }) });
      ok((await gen.locator('.critseg').count()) >= 1, 'generate bar carries a critical segment');
      await page.uncheck('[data-testid="critical-path-toggle"]');
      eq(await page.locator('.wf-row.crit').count(), 0, 'toggle off');
      await page.check('[data-testid="critical-path-toggle"]');
      await page.waitForFunction(() => document.querySelectorAll('.wf-row.crit').length >= 5);
      await tab(page, 'critical-path');
      ok(await page.isChecked('[data-testid="critical-path-highlight"]'), 'the view follows the waterfall toggle');
    },
  },
  {
    name: 'clicking a critical-path row selects that span in the waterfall',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'critical-path');
      await page.locator('[data-testid="critical-path-contrib"]').first().click();
      await onWaterfall(page);
      eq(await selectedName(page), 'generate', 'contribution row selects generate');
      await tab(page, 'critical-path');
      const seg = await virtualRow(page, 'critical-path-segments', 'classify');
      await seg.click();
      await onWaterfall(page);
      eq(await selectedName(page), 'classify', 'segment row selects classify');
      await page.waitForFunction(() => location.hash.includes('span='));
    },
  },
  {
    name: 'graph view: typed nodes; clicking a service or edge filters the waterfall, a database lists its spans',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'graph');
      await page.waitForSelector('[data-testid="graph-node"]');
      const nodes = await page.$$eval('[data-testid="graph-node"]', els => els.map(e => `${e.dataset.kind} ${e.dataset.id}`));
      for (const want of [
        'service service:api-gateway', 'service service:llm-router', 'service service:llm-orchestrator', 'service service:context-service',
        'database database:postgresql/chat', 'database database:redis/0', 'database database:qdrant/docs',
        'messaging messaging:kafka/chat.events',
        'llm llm:anthropic/claude-3-5-sonnet-20241022', 'llm llm:openai/gpt-4o-mini', 'llm llm:openai/text-embedding-ada-002',
      ]) ok(nodes.includes(want), `node ${want} in ${JSON.stringify(nodes)}`);
      eq(nodes.filter(n => n.startsWith('service ')).length, 9, 'nine services');
      eq(await node(page, 'service:llm-router').locator('text').textContent(), 'llm-router', 'label');
      const edges = await page.$$eval('[data-testid="graph-edge"]', els => els.map(e => `${e.dataset.from}>${e.dataset.to}`));
      ok(edges.includes('service:api-gateway>service:auth-service'), 'gateway → auth');
      ok(edges.includes('service:llm-router>llm:anthropic/claude-3-5-sonnet-20241022'), 'router → claude');
      ok(edges.includes('service:audit-service>messaging:kafka/chat.events'), 'audit → kafka');
      ok(edges.includes('service:context-service>database:postgresql/chat'), 'context → postgresql');
      ok((await page.textContent('[data-testid="graph-counts"]')).startsWith(`${nodes.length} nodes, ${edges.length} edges`), 'counts');
      eq(await graphProblems(page, 8).then(p => p.join('; ')), '', 'no overlapping or spilling boxes');

      // Node click: the waterfall shows llm-router's 4 spans and their 3 ancestors.
      await node(page, 'service:llm-router').click();
      await onWaterfall(page);
      await page.waitForSelector('[data-testid="span-filter"]');
      ok((await page.textContent('[data-testid="span-filter"]')).includes('llm-router'), 'filter label names the node');
      const n = await rowCount(page);
      ok(n < 19 && n > 0, `rows filtered: ${n}`);
      eq(n, 7, 'llm-router spans plus ancestors');
      const names = await rowNames(page);
      for (const want of ['embedding', 'classify', 'generate', 'postprocess']) ok(names.includes(want), `${want} kept`);
      ok(!names.includes('validateJWT'), 'other services dropped');
      await page.click('[data-testid="clear-filter"]');
      await page.waitForSelector('[data-testid="span-filter"]', { state: 'detached' });
      eq(await rowCount(page), 19, 'clearing restores every row');

      // A database node lists its client spans under the graph; "Show in waterfall" filters.
      await tab(page, 'graph');
      await node(page, 'database:postgresql/chat').click();
      await page.waitForSelector('[data-testid="graph-node-spans"][data-node="database:postgresql/chat"]');
      const listed = await page.$$eval('[data-testid="graph-node-span"] td.name', tds => tds.map(td => td.textContent));
      eq(JSON.stringify(listed.slice().sort()), JSON.stringify(['INSERT messages', 'SELECT context', 'SELECT messages', 'SELECT sessions']), 'listed client spans');
      await page.click('[data-testid="graph-node-spans-filter"]');
      await onWaterfall(page);
      ok((await page.textContent('[data-testid="span-filter"]')).includes('postgresql'), 'database label');
      const db = await rowNames(page);
      for (const want of ['SELECT sessions', 'SELECT messages', 'SELECT context', 'INSERT messages']) ok(db.includes(want), `${want} kept: ${db}`);
      ok(!db.includes('generate'), 'llm spans dropped');
      await page.click('[data-testid="clear-filter"]');
      eq(await rowCount(page), 19, 'cleared');

      // An edge.
      await tab(page, 'graph');
      await page.locator('[data-testid="graph-edge"][data-from="service:llm-router"][data-to="llm:anthropic/claude-3-5-sonnet-20241022"]').dispatchEvent('click');
      await onWaterfall(page);
      const label = await page.textContent('[data-testid="span-filter"]');
      ok(label.includes('llm-router') && label.includes('claude'), `edge label: ${label}`);
      ok((await rowNames(page)).includes('generate') && (await rowCount(page)) < 19, 'edge spans kept');
      await page.click('[data-testid="clear-filter"]');
      eq(await rowCount(page), 19, 'cleared again');
    },
  },
  {
    name: 'hovering a graph node dims everything but its neighbours',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'graph');
      await page.waitForSelector('[data-testid="graph-node"]');
      eq(await page.locator('[data-testid="graph-node"].dim').count(), 0, 'nothing dimmed at rest');
      await node(page, 'service:auth-service').hover();
      await page.waitForSelector('[data-testid="graph-node"].dim');
      const lit = await page.$$eval('[data-testid="graph-node"]:not(.dim)', els => els.map(e => e.dataset.id).sort());
      eq(JSON.stringify(lit), JSON.stringify(['database:redis/0', 'service:api-gateway', 'service:auth-service']), 'auth-service and its neighbours');
      const total = await page.locator('[data-testid="graph-node"]').count();
      eq(await page.locator('[data-testid="graph-node"].dim').count(), total - 3, 'the rest dimmed');
      const hiEdges = await page.$$eval('[data-testid="graph-edge"].hi', els => els.map(e => `${e.dataset.from}>${e.dataset.to}`).sort());
      eq(JSON.stringify(hiEdges), JSON.stringify(['service:api-gateway>service:auth-service', 'service:auth-service>database:redis/0']), 'its edges highlighted');
      ok((await page.textContent('[data-testid="graph-info"]')).includes('auth-service'), 'info box names it');
      await page.mouse.move(5, 5);
      await page.waitForFunction(() => !document.querySelector('[data-testid="graph-node"].dim'));
      eq(await page.locator('[data-testid="graph-info"]').count(), 0, 'info box gone');
    },
  },
  {
    name: 'patterns: a crafted N+1 ranks first and jumps to its span',
    fn: async (page, { base, fixtures }) => {
      await openNPlusOne(page, base, fixtures);
      await tab(page, 'patterns');
      await page.waitForSelector('[data-testid="pattern-item"]');
      const kinds = await page.$$eval('[data-testid="pattern-item"]', els => els.map(e => e.dataset.kind));
      eq(kinds[0], 'n_plus_one', `first-ranked finding (${kinds})`);
      ok(kinds.includes('sequential'), 'the smaller sequential finding is listed too');
      const first = page.locator('[data-testid="pattern-item"]').first();
      eq(await first.locator('.impact').textContent(), '77 ms', 'time at stake: 88 ms wall − 11 ms longest');
      const msg = await first.locator('.msg').textContent();
      ok(msg.startsWith('8 similar calls') && msg.includes(SELECT_ITEMS), `message: ${msg}`);
      const impacts = await page.$$eval('[data-testid="pattern-item"] .impact', els => els.map(e => e.textContent));
      const ns = impacts.map(parseDuration);
      ok(ns.every((v, i) => i === 0 || v <= ns[i - 1]), `ranked by impact: ${impacts}`);

      await first.locator('.msg').click();
      await onWaterfall(page);
      eq(await selectedName(page), SELECT_ITEMS, 'jumped to a SELECT');
      const firstSelect = await page.locator('[data-testid="span-row"]', { has: page.locator('.op', { hasText: SELECT_ITEMS }) }).first().getAttribute('data-span');
      eq(await page.getAttribute('[data-testid="span-row"].selected', 'data-span'), firstSelect, 'the first of the eight');

      // The span-count button filters the waterfall to the eight calls (plus the parent).
      await tab(page, 'patterns');
      await page.locator('[data-testid="pattern-item"]').first().locator('.acts button').click();
      await onWaterfall(page);
      ok((await page.textContent('[data-testid="span-filter"]')).includes('n_plus_one'), 'filter label');
      eq(await rowCount(page), 9, 'eight SELECTs and GET /items');
      await page.click('[data-testid="clear-filter"]');
      eq(await rowCount(page), 11, 'cleared');
    },
  },
  {
    name: 'patterns: raising the N+1 threshold above 8 drops the finding',
    fn: async (page, { base, fixtures }) => {
      await openNPlusOne(page, base, fixtures);
      await tab(page, 'patterns');
      await page.waitForSelector('[data-testid="pattern-item"]');
      const kinds = () => page.$$eval('[data-testid="pattern-item"]', els => els.map(e => e.dataset.kind));
      await page.click('.an-thresholds summary');
      const field = page.locator('[data-testid="cfg-n-plus-one"]');
      eq(await field.inputValue(), '5', 'default threshold');
      await field.fill('8');
      await field.press('Tab');
      await ready(page, 'patterns');
      eq((await kinds())[0], 'n_plus_one', 'eight similar calls still count at ≥ 8');
      await field.fill('9');
      await field.press('Tab');
      await ready(page, 'patterns');
      eq(JSON.stringify(await kinds()), JSON.stringify(['sequential']), 'only the sequential finding is left');
      ok((await page.textContent('[data-testid="patterns-count"]')).startsWith('1 finding'), 'count follows');
      // The sequential finding may not report same-operation siblings as sequential.
      ok(!(await page.textContent('[data-testid="pattern-item"] .msg')).includes(SELECT_ITEMS), 'the repeated SELECTs are not "sequential"');
      await page.click('[data-testid="cfg-reset"]');
      await ready(page, 'patterns');
      eq((await kinds())[0], 'n_plus_one', 'defaults find it again');
      eq(await field.inputValue(), '5', 'defaults restored');
      // The kind filter.
      await page.selectOption('[data-testid="patterns-kind"]', 'gap');
      await ready(page, 'patterns');
      await page.waitForSelector('[data-testid="patterns-empty"]');
      await page.selectOption('[data-testid="patterns-kind"]', 'n_plus_one');
      await ready(page, 'patterns');
      eq(JSON.stringify(await kinds()), JSON.stringify(['n_plus_one']), 'kind filter');
    },
  },
  {
    name: 'stats: sorting by a column header, and by service / by operation',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'stats');
      await page.waitForSelector('[data-testid="stats-row"]');
      // Every row of the virtual table (scrolled through), column i.
      const col = async (i) => (await virtualRows(page, 'stats-rows')).map(r => r[i]);
      const sortBy = async (id) => { await page.click(`[data-testid="${id}"]`); await ready(page, 'stats'); };
      const ops0 = await col(1);
      eq(ops0[0], 'generate', 'default sort: self time, largest first');
      eq(await page.getAttribute('th:has([data-testid="stats-sort-self-sum"])', 'aria-sort'), 'descending', 'aria-sort on the default column');

      await sortBy('stats-sort-operation');
      const asc = await col(1);
      ok(JSON.stringify(asc) !== JSON.stringify(ops0), 'order changed');
      ok(asc.every((v, i) => i === 0 || asc[i - 1] <= v), `operations ascending: ${asc}`);
      eq(await page.getAttribute('th:has([data-testid="stats-sort-operation"])', 'aria-sort'), 'ascending', 'aria-sort ascending');
      ok((await page.textContent('[data-testid="stats-sort-operation"]')).includes('▲'), 'arrow shown');
      await sortBy('stats-sort-operation');
      eq(JSON.stringify(await col(1)), JSON.stringify([...asc].reverse()), 'second click reverses');
      await sortBy('stats-sort-total-sum');
      eq((await col(1))[0], 'POST /api/v1/chat', 'total time: the root first');
      const sums = (await col(4)).map(parseDuration);
      ok(sums.every((v, i) => i === 0 || v <= sums[i - 1]), 'total sum descending');
      const nOps = (await col(1)).length;

      await page.selectOption('[data-testid="stats-group"]', 'service');
      await ready(page, 'stats');
      await page.waitForFunction(() => !document.querySelector('[data-testid="stats-sort-operation"]'));
      const svcs = await col(0);
      eq(svcs.length, 9, 'one row per service');
      eq(new Set(svcs).size, 9, 'distinct services');
      eq(svcs[0], 'api-gateway', 'total time by service: the gateway first');
      await sortBy('stats-sort-service');
      const byName = await col(0);
      ok(byName.every((v, i) => i === 0 || byName[i - 1] <= v), `services ascending: ${byName}`);
      await page.selectOption('[data-testid="stats-group"]', 'operation');
      await ready(page, 'stats');
      await page.waitForSelector('[data-testid="stats-sort-operation"]');
      eq((await col(1)).length, nOps, 'back to one row per operation');
      ok(nOps > 9, 'more operations than services');
    },
  },
  {
    name: 'stats charts render labelled SVG, and a row click charts its operation',
    fn: async (page, { base }) => {
      await open(page, base);
      await tab(page, 'stats');
      await page.waitForSelector('[data-testid="stats-chart-self-time"] svg');
      const texts = (sel) => page.$$eval(`${sel} svg text`, els => els.map(e => e.textContent.trim()).filter(Boolean));
      const bars = await texts('[data-testid="stats-chart-self-time"]');
      ok(bars.includes('Self time by service (ms)'), `bar chart title: ${bars}`);
      for (const s of ['llm-router', 'api-gateway', 'context-service', 'session-service']) ok(bars.includes(s), `service label ${s}`);
      ok((await page.locator('[data-testid="stats-chart-self-time"] svg rect').count()) >= 9, 'a bar per service');
      const hist = await texts('[data-testid="stats-chart-histogram"]');
      ok(hist.some(t => t.startsWith('Latency of llm-router / generate')), `histogram title: ${hist}`);
      ok(hist.includes('duration (ms)') && hist.includes('spans'), 'axis labels');
      const row = await virtualRow(page, 'stats-rows', 'classify');
      await row.click();
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="stats-chart-histogram"] svg text')].some(t => t.textContent.includes('llm-router / classify')));
      ok(await row.evaluate(r => r.classList.contains('sel')), 'row marked');
      // Labels stay inside the chart.
      const spill = await page.evaluate(() => {
        const out = [];
        for (const svg of document.querySelectorAll('.an-chart svg')) {
          const b = svg.getBoundingClientRect();
          for (const t of svg.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (r.width && (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)) out.push(t.textContent.trim());
          }
        }
        return out;
      });
      eq(spill.join(', '), '', 'chart labels inside their SVG');
    },
  },
  {
    name: 'screenshots: graph and patterns on the demo and a 10k-span trace, legible and not overlapping',
    fn: async (page, { base, root }) => {
      fs.mkdirSync(SHOTS, { recursive: true });
      await open(page, base);
      await tab(page, 'graph');
      await page.waitForSelector('[data-testid="graph-node"]');
      eq(await graphProblems(page, 9).then(p => p.join('; ')), '', 'demo graph');
      await page.screenshot({ path: path.join(SHOTS, 'graph-demo.png') });
      await tab(page, 'patterns');
      await page.waitForSelector('[data-testid="pattern-item"]');
      eq(await patternProblems(page).then(p => p.join('; ')), '', 'demo patterns');
      await page.screenshot({ path: path.join(SHOTS, 'patterns-demo.png') });

      await page.setInputFiles('[data-testid="file-input"]', gen10k(root));
      await waitSpans(page, 10000, 180000);
      // Three traces open on the trace list: open the first.
      await page.click('[data-testid="trace-row"] >> nth=0');
      await tab(page, 'graph');
      await page.waitForSelector('[data-testid="graph-node"]');
      eq(await graphProblems(page, 8).then(p => p.join('; ')), '', '10k graph');
      await page.screenshot({ path: path.join(SHOTS, 'graph-10k.png') });
      // Over all 3 traces the graph has other counts than over the first: wait for them.
      const oneTrace = await page.textContent('[data-testid="graph-counts"]');
      await page.check('[data-testid="graph-all-traces"]');
      await page.waitForFunction((before) => document.querySelector('[data-testid="graph-all-traces"]').checked
        && document.querySelector('[data-testid="graph-counts"]').textContent !== before, oneTrace);
      eq(await graphProblems(page, 8).then(p => p.join('; ')), '', '10k graph over all traces');
      await page.screenshot({ path: path.join(SHOTS, 'graph-10k-all.png') });
      await tab(page, 'patterns');
      await page.waitForSelector('[data-testid="pattern-item"]');
      eq(await patternProblems(page).then(p => p.join('; ')), '', '10k patterns');
      await page.screenshot({ path: path.join(SHOTS, 'patterns-10k.png') });
    },
  },
];
