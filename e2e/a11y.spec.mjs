// Accessibility (issue 15): axe-core (tools/node_modules/axe-core, injected into the page)
// audits every tab of the demo and of a multi-trace load, with the detail panel and a
// dialog open, in the light and the dark theme, and fails on any serious or critical
// violation. A keyboard-only test loads the demo, opens a span's detail, moves in the
// graph, uses a dialog and switches every tab without the mouse.
import { createRequire } from 'node:module';
import path from 'node:path';
import { eq, ok, open, ready } from './assert.mjs';
import { ROOT } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'tools', 'package.json'));
const AXE = require.resolve('axe-core/axe.min.js');
const TABS = ['critical-path', 'graph', 'patterns', 'stats', 'llm'];
// Two corpus files loaded together: four traces, with LLM calls, errors, events and links.
const MULTI = ['jaeger/genai-2traces-data-array-nonhex-ids.json', 'otlp/jaeger-memstore-2traces-links-events-errors.json']
  .map((f) => path.join(ROOT, 'tests', 'corpus', f));

/** Serious and critical axe violations on the page now, as readable lines. */
async function audit(page, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('')}`) , count: v.nodes.length }));
  });
  return violations.map((v) => `${where}: ${v.id} (${v.impact}) ×${v.count}\n    ${v.nodes.join('\n    ')}`);
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
  await page.click('[data-testid="detail-close"]');
  for (const tab of TABS) {
    await page.click(`[data-testid="tab-${tab}"]`);
    await ready(page, tab);
    found.push(...await audit(page, `${label} ${tab}`));
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

export const tests = [
  { name: 'axe: no serious or critical violation on any tab, light theme', fn: (page, { base }) => auditTheme(page, base, 'light') },
  { name: 'axe: no serious or critical violation on any tab, dark theme', fn: (page, { base }) => auditTheme(page, base, 'dark') },
  {
    name: 'keyboard only: detail, dialog focus trap and return, graph nodes, every tab',
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
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="span-filter"]');
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
