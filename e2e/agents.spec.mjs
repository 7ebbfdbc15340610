// Agent view (issue 13): the Agents section of the LLM tab on an OTel GenAI agent
// trace — the agent graph (no edge under a box, every label visible), a step timeline
// per run chosen in the run picker with a nested run as a step, tool arguments as
// literal text expanded by keyboard — and a jump from a step to its span.
import fs from 'node:fs';
import path from 'node:path';
import { eq, ok, open, ready, selectedName } from './assert.mjs';

const SPANS = 15;
const fixtureQuery = (base) => '?url=' + encodeURIComponent(base + 'e2e-fixtures/agents.json');

async function openAgents(page, base) {
  await open(page, base, fixtureQuery(base), SPANS);
  await page.click('[data-testid="tab-llm"]');
  await ready(page, 'llm');
  await page.waitForSelector('[data-testid="llm-agents"] [data-testid="agent-step"]');
}

const steps = (page) => page.$$eval('[data-testid="agent-step"]', trs => trs.map(tr => ({
  span: tr.getAttribute('data-span'),
  cells: [...tr.querySelectorAll('td')].map(td => td.textContent),
  title: [...tr.querySelectorAll('td')].map(td => td.getAttribute('title')),
})));

/** The run picker's labels and the chosen run's table title. */
const runs = (page) => page.$$eval('[data-testid="agent-run-select"] option', os => os.map(o => o.textContent));
const runTitle = (page) => page.textContent('[data-testid="agent-steps-title"]');

async function pickRun(page, name) {
  const i = (await runs(page)).findIndex(r => r.startsWith(name + ' ·'));
  ok(i >= 0, `run ${name} in the picker`);
  await page.selectOption('[data-testid="agent-run-select"]', String(i));
  await page.waitForFunction((n) => document.querySelector('[data-testid="agent-steps-title"]')?.textContent.startsWith(n + ' ·'), name);
}

export const tests = [
  {
    name: 'agent trace: graph, a step timeline per run with a nested run, arguments as text',
    fn: async (page, { base }) => {
      await openAgents(page, base);
      const summary = await page.textContent('[data-testid="agent-summary"]');
      ok(summary.startsWith('2 runs · 14 steps'), `summary: ${summary}`);
      const nodes = await page.$$eval('[data-testid="agent-graph"] [data-testid="agent-graph-node"]', gs => gs.map(g => g.getAttribute('data-kind') + ':' + g.querySelector('title').textContent));
      eq(nodes.join(','), 'agent:billing-agent,agent:support-agent,tool:issue_refund,tool:lookup_order,tool:search_kb,model:gpt-4o', 'graph nodes');
      const edges = await page.locator('[data-testid="agent-graph"] [data-testid="agent-graph-edge"]').count();
      eq(edges, 6, 'graph edges (support → billing handoff included)');
      // Every edge label is drawn outside every box.
      const hidden = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll('[data-testid="agent-graph-node"] rect')].map(r => r.getBoundingClientRect());
        const over = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return [...document.querySelectorAll('[data-testid="agent-graph-edge-label"]')]
          .filter(t => boxes.some(b => over(t.getBoundingClientRect(), b))).map(t => t.textContent);
      });
      eq(await page.locator('[data-testid="agent-graph-edge-label"]').count(), 6, 'a label per edge');
      eq(hidden.join(','), '', 'no edge label under a box');
      const crowded = await page.evaluate(() => {
        const ls = [...document.querySelectorAll('[data-testid="agent-graph-edge-label"]')].map(t => t.getBoundingClientRect());
        const over = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return ls.filter((a, i) => ls.some((b, j) => j !== i && over(a, b))).length;
      });
      eq(crowded, 0, 'no edge label over another');
      // The run picker: a heading per run; the first run's steps are shown.
      const labels = await runs(page);
      eq(labels.length, 2, 'two runs in the picker');
      ok(labels.every(l => /^[a-z-]+ · \d+ steps? · /.test(l)), `run headings: ${labels}`);
      ok(labels.some(l => l.startsWith('support-agent · 11 steps')), `support-agent heading: ${labels}`);
      await pickRun(page, 'support-agent');
      let s = await steps(page);
      eq(s.length, 11, 'support-agent steps');
      eq(s.slice(0, 4).map(r => r.cells[2]).join(','), 'llm,llm,tool,llm', 'first kinds');
      eq(s.map(r => r.cells[0]).join(','), '1,2,3,4,5,6,7,8,9,10,11', 'steps in order');
      const handoff = s.find(r => r.cells[2] === 'agent (handoff)');
      ok(handoff && handoff.cells[3] === 'billing-agent', 'nested run is a step');
      const lookup = s.find(r => r.cells[3] === 'lookup_order');
      ok(lookup.cells[10].endsWith('…'), `arguments truncated: ${lookup.cells[10]}`);
      ok(lookup.title[10].includes('<b>not html</b>'), 'full arguments in the title, as text');
      eq(lookup.cells[8], '620', 'follow-up tokens: 1900 − (1200 + 80)');
      // The other run: its own steps.
      await pickRun(page, 'billing-agent');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-step"]').length === 3);
      s = await steps(page);
      eq(s.length, 3, 'billing-agent steps');
      ok(s.some(r => r.cells[3] === 'issue_refund'), 'billing-agent calls issue_refund');
      eq(await page.locator('[data-testid="llm-agents"] b').count(), 0, 'no markup from arguments');
    },
  },
  {
    name: 'tool arguments expand by keyboard, as plain pre-wrapped text',
    fn: async (page, { base }) => {
      await openAgents(page, base);
      await pickRun(page, 'support-agent');
      const button = page.locator('[data-testid="agent-step"]', { hasText: 'lookup_order' }).locator('[data-testid="agent-args-expand"]');
      eq(await button.getAttribute('aria-expanded'), 'false', 'closed at first');
      await button.focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="agent-args-full"]');
      eq(await button.getAttribute('aria-expanded'), 'true', 'aria-expanded after Enter');
      const full = await page.textContent('[data-testid="agent-args-full"] pre');
      ok(full.includes('<b>not html</b>') && !full.endsWith('…'), `full arguments as text: ${full}`);
      eq(await page.locator('[data-testid="agent-args-full"] b').count(), 0, 'no markup in the panel');
      eq(await page.$eval('[data-testid="agent-args-full"] pre', e => getComputedStyle(e).whiteSpace), 'pre-wrap', 'pre-wrapped');
      eq(await page.locator('[data-testid="detail"]').count(), 0, 'the button does not jump to the span');
      await page.keyboard.press('Space');
      await page.waitForSelector('[data-testid="agent-args-full"]', { state: 'detached' });
      eq(await button.getAttribute('aria-expanded'), 'false', 'Space closes it');
    },
  },
  {
    name: 'clicking a step jumps to its span in the waterfall',
    fn: async (page, { base }) => {
      await openAgents(page, base);
      await pickRun(page, 'billing-agent');
      const row = page.locator('[data-testid="agent-step"]', { hasText: 'issue_refund' });
      const span = await row.getAttribute('data-span');
      ok(span !== null, 'step row has data-span');
      await row.locator('td').first().click();
      await page.waitForSelector('[data-testid="waterfall"]');
      eq(await selectedName(page), 'execute_tool issue_refund', 'selected span');
    },
  },
  {
    name: 'screenshots of the agent view and the agent graph',
    fn: async (page, { base }) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await openAgents(page, base);
      await pickRun(page, 'support-agent');
      await page.locator('[data-testid="agent-step"]', { hasText: 'lookup_order' }).locator('[data-testid="agent-args-expand"]').click();
      await page.waitForSelector('[data-testid="agent-args-full"]');
      const dir = process.env.SHOTS_DIR || '/tmp/shots';
      fs.mkdirSync(dir, { recursive: true });
      await page.locator('[data-testid="llm-agents"]').scrollIntoViewIfNeeded();
      await page.locator('[data-testid="llm-agents"]').screenshot({ path: path.join(dir, 'agents-view.png') });
      await page.locator('[data-testid="agent-graph"]').screenshot({ path: path.join(dir, 'agents-graph.png') });
      const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
      ok(nodes <= 1400, `DOM nodes: ${nodes}`);
    },
  },
];
