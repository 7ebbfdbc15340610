// Accessibility (issue 15): axe-core (tools/node_modules/axe-core, injected into the page)
// audits every tab of the demo and of a multi-trace load (its trace list and both comparisons first, and the Agents section of an
// agent trace), with the detail panel (and its raw JSON tabs) and a dialog open, in the light and the dark theme,
// and fails on any serious or critical
// violation; the graph also with a node focused and with an edge focused (the rest
// dimmed, labels still AA). A keyboard-only test loads the demo, opens a span's detail,
// moves in the graph and along a node's edges, uses a dialog and switches every tab
// without the mouse.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { eq, ok, open, ready } from './assert.mjs';
import { ROOT } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'tools', 'package.json'));
const AXE = require.resolve('axe-core/axe.min.js');
const AXE_SOURCE = fs.readFileSync(AXE, 'utf8');
const TABS = ['flamegraph', 'spans', 'critical-path', 'graph', 'patterns', 'stats', 'llm'];
// Two corpus files loaded together: four traces, with LLM calls, errors, events and links.
const MULTI = ['jaeger/genai-2traces-data-array-nonhex-ids.json', 'otlp/jaeger-memstore-2traces-links-events-errors.json']
  .map((f) => path.join(ROOT, 'tests', 'corpus', f));

/** Serious and critical axe violations on the page now, as readable lines. */
async function audit(page, where) {
  // Evaluated through the DevTools protocol: a <script> tag would be refused by Clew's CSP (no inline script).
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('')}`) , count: v.nodes.length }));
  });
  return violations.map((v) => `${where}: ${v.id} (${v.impact}) ×${v.count}\n    ${v.nodes.join('\n    ')}`);
}

/** Findings on dimmed graph labels: a dimmed node must not fade its label (opacity 1 up
 *  to the SVG) and the label's colour must meet AA (4.5:1) on its box. */
async function dimmedLabels(page, where) {
  const bad = await page.evaluate(() => {
    const rgb = (c) => {
      const v = (c.match(/[\d.]+/g) || []).map(Number).slice(0, 3);
      return c.startsWith('color(') ? v.map((x) => x * 255) : v;
    };
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((x) => { const s = x / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const out = [];
    for (const n of document.querySelectorAll('[data-testid="graph-node"].dim')) {
      let opacity = 1;
      for (let el = n.querySelector('text'); el && el.tagName !== 'svg'; el = el.parentElement) opacity *= Number(getComputedStyle(el).opacity);
      const fg = getComputedStyle(n.querySelector('text')).fill;
      const bg = getComputedStyle(n.querySelector('rect:not(.focus-ring)')).fill;
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (opacity < 1 || ratio < 4.5) out.push(`${n.dataset.id}: opacity ${opacity}, ${fg} on ${bg} ${ratio.toFixed(2)}`);
    }
    return out;
  });
  return bad.map((b) => `${where}: dimmed label ${b}`);
}

/** On the graph tab: audits it with a node focused (the first with an outgoing edge, or
 *  the first) and, after Tab, with one of its edges focused; then Esc back to the node.
 *  A graph without edges (a trace of one service) has only the first. */
async function auditGraphFocus(page, label) {
  const found = [];
  const [id, hasEdge] = await page.evaluate(() => {
    const froms = new Set([...document.querySelectorAll('[data-testid="graph-edge"]')].map((e) => e.dataset.from));
    const nodes = [...document.querySelectorAll('[data-testid="graph-node"]')];
    const n = nodes.find((g) => froms.has(g.dataset.id)) || nodes[0];
    n?.focus();
    return [n?.dataset.id, froms.size > 0];
  });
  if (!id) return found;
  eq(await page.evaluate(() => document.activeElement?.dataset.id), id, `${label}: node focused`);
  found.push(...await audit(page, `${label} graph, node focused`), ...await dimmedLabels(page, `${label} graph, node focused`));
  if (!hasEdge) return found;
  await page.keyboard.press('Tab');
  eq(await focusedTestid(page), 'graph-edge', `${label}: Tab moves into the node's edges`);
  found.push(...await audit(page, `${label} graph, edge focused`), ...await dimmedLabels(page, `${label} graph, edge focused`));
  await page.keyboard.press('Escape');
  eq(await page.evaluate(() => document.activeElement?.dataset.id), id, `${label}: Esc back to the node`);
  return found;
}

/** Audits the waterfall (with a span's detail open), each analysis tab, the LLM tab's
 *  parts and the help dialog; returns every finding. */
async function auditTabs(page, label) {
  const found = [];
  await page.click('[data-testid="tab-waterfall"]');
  await page.waitForSelector('[data-testid="waterfall"]');
  found.push(...await audit(page, `${label} waterfall`));
  await page.locator('[data-testid="span-row"]').nth(1).click();
  await page.waitForSelector('[data-testid="detail"]');
  found.push(...await audit(page, `${label} waterfall + detail`));
  // The raw JSON section open, on each of its two tabs.
  if ((await page.getAttribute('[data-testid="raw-json-toggle"]', 'aria-expanded')) !== 'true') await page.click('[data-testid="raw-json-toggle"]');
  await page.waitForSelector('[data-testid="raw-json"][data-ready="1"] [data-testid="raw-json-text"]');
  found.push(...await audit(page, `${label} detail + raw JSON input`));
  await page.click('[data-testid="raw-json-tab-normalized"]');
  await page.waitForSelector('[data-testid="raw-json"][data-ready="1"] [data-testid="raw-json-text"]');
  found.push(...await audit(page, `${label} detail + raw JSON normalized`));
  await page.click('[data-testid="raw-json-tab-input"]');
  await page.click('[data-testid="detail-close"]');
  for (const tab of TABS) {
    await page.click(`[data-testid="tab-${tab}"]`);
    await ready(page, tab);
    found.push(...await audit(page, `${label} ${tab}`));
    if (tab === 'graph') {
      found.push(...await auditGraphFocus(page, label));
      // A remote node's client-span list, open under the graph.
      const remote = page.locator('[data-testid="graph-node"]:not([data-kind="service"])').first();
      if (await remote.count()) {
        await remote.click();
        await page.waitForSelector('[data-testid="graph-node-span"]');
        found.push(...await audit(page, `${label} graph + client-span list`));
        await page.click('[data-testid="graph-node-spans-close"]');
        await page.waitForSelector('[data-testid="graph-node-spans"]', { state: 'detached' });
      }
    }
  }
  for (const part of ['charts', 'tables']) {
    await page.click(`[data-testid="llm-part-${part}"]`);
    await ready(page, 'llm');
    found.push(...await audit(page, `${label} llm ${part}`));
  }
  await page.click('[data-testid="llm-part-trace"]');
  await ready(page, 'llm');
  await page.click('[data-testid="help"]');
  await page.waitForSelector('[data-testid="help-dialog"]');
  found.push(...await audit(page, `${label} help dialog`));
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="help-dialog"]', { state: 'detached' });
  return found;
}

async function auditTheme(page, base, theme) {
  await open(page, base, `?theme=${theme}`);
  eq(await page.getAttribute('html', 'data-theme'), theme, 'theme');
  const found = await auditTabs(page, `${theme} demo`);
  await page.setInputFiles('[data-testid="file-input"]', MULTI);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="app"]').getAttribute('data-loaded-traces')) === 4);
  // Four traces open on the trace list; then its two comparisons; then a trace.
  await page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"]');
  found.push(...await audit(page, `${theme} trace list`));
  const picks = page.locator('[data-testid="trace-pick"]');
  await picks.nth(0).check();
  await picks.nth(1).check();
  await page.click('[data-testid="trace-compare"]');
  await page.waitForSelector('[data-testid="ab-view"][data-ready="1"]');
  found.push(...await audit(page, `${theme} A/B comparison`));
  await page.click('[data-testid="compare-close"]');
  await page.click('[data-testid="cohort-slowest"]');
  await page.waitForSelector('[data-testid="cohort-view"][data-ready="1"]');
  found.push(...await audit(page, `${theme} cohort comparison`));
  await page.click('[data-testid="compare-close"]');
  await page.click('[data-testid="trace-row"] >> nth=0');
  found.push(...await auditTabs(page, `${theme} multi-trace`));
  ok(found.length === 0, `no serious or critical axe violations:\n${found.join('\n')}`);
}

/** Presses Tab (Shift+Tab when `back`) until the focused element matches `selector`. */
async function tabTo(page, selector, back = false) {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
}

const focusedTestid = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

/** The Agents section of the LLM tab on the agent fixture, with a step's full arguments
 *  open, in `theme`. */
async function auditAgents(page, base, theme) {
  await open(page, base, `?theme=${theme}&url=` + encodeURIComponent(base + 'e2e-fixtures/agents.json'), 15);
  await page.click('[data-testid="tab-llm"]');
  await ready(page, 'llm');
  await page.waitForSelector('[data-testid="llm-agents"] [data-testid="agent-step"]');
  await page.locator('[data-testid="agent-args-expand"]').first().click();
  await page.waitForSelector('[data-testid="agent-args-full"]');
  const found = await audit(page, `${theme} agents`);
  ok(found.length === 0, `no serious or critical axe violations:\n${found.join('\n')}`);
}

export const tests = [
  { name: 'axe: the Agents section (graph, run picker, steps, open arguments), light and dark', fn: async (page, { base }) => {
    await auditAgents(page, base, 'light');
    await auditAgents(page, base, 'dark');
  } },
  {
    name: 'axe: the backend search panel with results, the Connect dialog and the Share menu, light and dark',
    fn: async (page, { base }) => {
      const { startBackends } = await import('./fakes/backends.mjs');
      const b = await startBackends();
      const found = [];
      try {
        for (const theme of ['light', 'dark']) {
          await page.goto(base + '?' + new URLSearchParams({ theme, backend: 'tempo', base: b.base('tempo'), q: '{ }' }));
          await page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"] [data-testid="trace-row"]');
          found.push(...await audit(page, `${theme} search panel`));
          await page.click('[data-testid="backend-change"]');
          await page.waitForSelector('[data-testid="connect-dialog"]');
          found.push(...await audit(page, `${theme} connect dialog`));
          await page.keyboard.press('Escape');
          await page.click('[data-testid="trace-list"] [data-testid="trace-row"]');
          await page.waitForSelector('[data-testid="app"][data-loaded-spans="3"]', { state: 'attached' });
          await page.click('[data-testid="share"]');
          await page.waitForSelector('[data-testid="share-menu"]');
          found.push(...await audit(page, `${theme} share menu`));
        }
      } finally {
        b.close();
      }
      eq(found.join('\n'), '', 'no serious or critical violation');
    },
  },
  { name: 'axe: no serious or critical violation on any tab, light theme', fn: (page, { base }) => auditTheme(page, base, 'light') },
  { name: 'axe: no serious or critical violation on any tab, dark theme', fn: (page, { base }) => auditTheme(page, base, 'dark') },
  {
    name: 'keyboard only: detail, dialog focus trap and return, graph nodes and edges, every tab',
    fn: async (page, { base }) => {
      await open(page, base);
      // The rows: Tab reaches the tree grid, arrows select, Enter opens the detail.
      await tabTo(page, '[data-testid="rows"]');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'validateJWT', 'detail of the second row');
      eq(await page.getAttribute('[data-testid="rows"]', 'aria-activedescendant'),
        await page.$eval('[data-testid="span-row"].selected', (e) => e.id), 'the tree grid points at the selected row');
      // The detail panel's close button is reachable and gives focus back to the rows.
      await tabTo(page, '[data-testid="detail-close"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="detail"]', { state: 'detached' });
      eq(await focusedTestid(page), 'rows', 'focus back on the rows');
      // A dialog: opened from its button, Tab stays inside, Esc closes, focus returns.
      await tabTo(page, '[data-testid="paste-json"]', true);
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="paste-dialog"]');
      for (let i = 0; i < 6; i++) {
        ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="paste-dialog"]')), `focus inside the dialog after ${i} Tabs`);
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Shift+Tab');
      ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="paste-dialog"]')), 'Shift+Tab stays inside');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="paste-dialog"]', { state: 'detached' });
      eq(await focusedTestid(page), 'paste-json', 'focus back on the opener');
      // Every tab, from the tab list: Tab to each and press Enter.
      for (const tab of ['critical-path', 'graph', 'patterns', 'stats', 'llm', 'waterfall']) {
        await tabTo(page, `[data-testid="tab-${tab}"]`);
        await page.keyboard.press('Enter');
        if (tab === 'waterfall') await page.waitForSelector('[data-testid="waterfall"]');
        else await ready(page, tab);
        eq(await page.getAttribute(`[data-testid="tab-${tab}"]`, 'aria-selected'), 'true', `${tab} selected`);
      }
      // Arrow keys in the tab list.
      await page.keyboard.press('ArrowLeft');
      await ready(page, 'llm');
      eq(await focusedTestid(page), 'tab-llm', 'left arrow moves to the previous tab');
      // The graph: Tab reaches a node, arrows move between nodes, Enter filters the waterfall.
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await ready(page, 'graph');
      await tabTo(page, '[data-testid="graph-node"]');
      const first = await page.evaluate(() => document.activeElement.dataset.id);
      await page.keyboard.press('ArrowRight');
      const second = await page.evaluate(() => document.activeElement.dataset.id);
      ok(second && second !== first, `ArrowRight moved from ${first} to another node (${second})`);
      // Enter does what a click does: a service filters the waterfall, a remote node
      // (database, broker, LLM, external) lists its client spans under the graph.
      const kind = await page.evaluate(() => document.activeElement.dataset.kind);
      await page.keyboard.press('Enter');
      if (kind === 'service') {
        await page.waitForSelector('[data-testid="span-filter"]');
      } else {
        await page.waitForSelector(`[data-testid="graph-node-spans"][data-node="${second}"]`);
        await tabTo(page, '[data-testid="graph-node-spans-close"]');
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-testid="graph-node-spans"]', { state: 'detached' });
      }
      // Back to the graph: Tab from the node enters its edges, arrows walk them, Shift+Tab
      // goes back to the node, Enter on an edge filters the waterfall to the edge's spans.
      await tabTo(page, '[data-testid="tab-graph"]', true);
      await page.keyboard.press('Enter');
      await ready(page, 'graph');
      await tabTo(page, '[data-testid="graph-node"]');
      const at = await page.evaluate(() => document.activeElement.dataset.id);
      await page.keyboard.press('Tab');
      const edge = () => page.evaluate(() => {
        const e = document.activeElement;
        return { testid: e.dataset.testid, from: e.dataset.from, to: e.dataset.to, name: e.getAttribute('aria-label'), role: e.getAttribute('role') };
      });
      const e1 = await edge();
      eq(e1.testid, 'graph-edge', 'Tab on a node moves to one of its edges');
      eq(e1.role, 'button', 'an edge is a button');
      ok(e1.from === at || e1.to === at, `the edge ${e1.from} → ${e1.to} touches ${at}`);
      ok(/^.+ → .+, \d+ calls?, \d+ errors?, p95 \S+/.test(e1.name), `edge name: ${e1.name}`);
      const touching = await page.$$eval('[data-testid="graph-edge"]', (els, id) => els.filter((e) => e.dataset.from === id || e.dataset.to === id).length, at);
      if (touching > 1) {
        await page.keyboard.press('ArrowDown');
        const e2 = await edge();
        ok(e2.testid === 'graph-edge' && `${e2.from}>${e2.to}` !== `${e1.from}>${e1.to}`, `ArrowDown moved to another edge of ${at}`);
        await page.keyboard.press('ArrowUp');
        eq(JSON.stringify(await edge()), JSON.stringify(e1), 'ArrowUp back to the first edge');
      }
      await page.keyboard.press('Shift+Tab');
      eq(await page.evaluate(() => document.activeElement.dataset.id), at, 'Shift+Tab goes back to the node');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('[data-testid="span-filter"]')?.textContent.includes('→'));
      // Sorting a table by its header, by keyboard.
      await tabTo(page, '[data-testid="tab-stats"]', true);
      await page.keyboard.press('Enter');
      await ready(page, 'stats');
      await tabTo(page, '[data-testid="stats-sort-self-sum"]');
      const before = await page.$eval('[data-testid="stats-sort-self-sum"]', (b) => b.closest('th').getAttribute('aria-sort'));
      await page.keyboard.press('Enter');
      await page.waitForFunction((b) => document.querySelector('[data-testid="stats-sort-self-sum"]').closest('th').getAttribute('aria-sort') !== b, before);
      await ready(page, 'stats');
      // A pattern finding: Tab reaches it, Enter jumps to its span in the waterfall.
      await tabTo(page, '[data-testid="tab-patterns"]', true);
      await page.keyboard.press('Enter');
      await ready(page, 'patterns');
      await tabTo(page, '[data-testid="pattern-item"]');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="detail"]');
    },
  },
];
