// Agent view (issue 13): the Agents section of the LLM tab on an OTel GenAI agent
// trace — the agent graph, the step timeline with a nested run, tool arguments as
// literal text — and a jump from a step to its span in the waterfall.
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

export const tests = [
  {
    name: 'agent trace: graph, steps in order with a nested run, arguments as text',
    fn: async (page, { base }) => {
      await openAgents(page, base);
      const summary = await page.textContent('[data-testid="agent-summary"]');
      ok(summary.startsWith('2 runs · 14 steps'), `summary: ${summary}`);
      const nodes = await page.$$eval('[data-testid="agent-graph"] [data-testid="agent-graph-node"]', gs => gs.map(g => g.getAttribute('data-kind') + ':' + g.querySelector('title').textContent));
      eq(nodes.join(','), 'agent:billing-agent,agent:support-agent,tool:issue_refund,tool:lookup_order,tool:search_kb,model:gpt-4o', 'graph nodes');
      const edges = await page.locator('[data-testid="agent-graph"] [data-testid="agent-graph-edge"]').count();
      eq(edges, 6, 'graph edges (support → billing handoff included)');
      const s = await steps(page);
      eq(s.length, 14, 'steps (support-agent 11, billing-agent 3)');
      eq(s.slice(0, 4).map(r => r.cells[2]).join(','), 'llm,llm,tool,llm', 'first kinds');
      const handoff = s.find(r => r.cells[2] === 'agent (handoff)');
      ok(handoff && handoff.cells[3] === 'billing-agent', 'nested run is a step');
      const lookup = s.find(r => r.cells[3] === 'lookup_order');
      ok(lookup.cells[10].endsWith('…'), `arguments truncated: ${lookup.cells[10]}`);
      ok(lookup.title[10].includes('<b>not html</b>'), 'full arguments in the title, as text');
      eq(lookup.cells[8], '620', 'follow-up tokens: 1900 − (1200 + 80)');
      eq(await page.locator('[data-testid="llm-agents"] b').count(), 0, 'no markup from arguments');
    },
  },
  {
    name: 'clicking a step jumps to its span in the waterfall',
    fn: async (page, { base }) => {
      await openAgents(page, base);
      const row = page.locator('[data-testid="agent-step"]', { hasText: 'issue_refund' });
      const span = await row.getAttribute('data-span');
      ok(span !== null, 'step row has data-span');
      await row.click();
      await page.waitForSelector('[data-testid="waterfall"]');
      eq(await selectedName(page), 'execute_tool issue_refund', 'selected span');
    },
  },
  {
    name: 'screenshots of the agent view and the agent graph',
    fn: async (page, { base }) => {
      await page.setViewportSize({ width: 1400, height: 1000 });
      await openAgents(page, base);
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
