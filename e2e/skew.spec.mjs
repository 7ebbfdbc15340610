// The clock-skew toggle on a crafted RPC whose server clock runs 470 ms behind
// (e2e/fixtures/skew-rpc.json): on by default, the server span is drawn inside its
// client's window and marked with its shift; off, it is drawn where it was recorded;
// the hash keeps the state across a reload; the analysis views say the times moved. On the
// demo, which has no skew, a flip asks nothing of the worker.
import { eq, ok, open, ready } from './assert.mjs';

const URL_Q = (base) => '?url=' + encodeURIComponent(base + 'e2e-fixtures/skew-rpc.json');
const TOGGLE = '[data-testid="skew-adjust"]';
const row = (page, name) => page.locator('[data-testid="span-row"]', { has: page.locator('.op', { hasText: new RegExp('^' + name + '$') }) });
/** The bar's left edge as a percentage of the lane (its inline `left:`). */
const barLeft = async (page, name) => {
  const style = await row(page, name).locator('.bar').getAttribute('style');
  return Number(/left:\s*([-\d.]+)%/.exec(style)?.[1]);
};

export const tests = [
  {
    name: 'the skew toggle moves a server span into its client window, and the hash keeps it off',
    fn: async (page, { base }) => {
      await open(page, base, URL_Q(base), 4);
      ok(await page.isChecked(TOGGLE), 'adjustment on by default');
      eq(await page.textContent('[data-testid="skew-count"]'), ' (1 moved)', 'moved count in the header');
      // Adjusted: the 100 ms server span is centred in the 200 ms client call (70..170 of 300 ms).
      const adjusted = await barLeft(page, 'charge');
      ok(Math.abs(adjusted - 70 / 300 * 100) < 0.1, `charge drawn at 23.3% (got ${adjusted})`);
      const mark = row(page, 'charge').locator('[data-testid="skew-adjusted"]');
      ok(/shifted \+470 ms/.test(await mark.getAttribute('title')), 'mark gives the shift');
      await row(page, 'charge').click();
      await page.waitForFunction(() => /shifted \+470 ms for clock skew/.test(document.querySelector('[data-testid="detail-start"]')?.textContent || ''));
      // The analyses say the times moved.
      await page.click('[data-testid="tab-critical-path"]');
      await ready(page, 'critical-path');
      eq(await page.textContent('[data-testid="view-critical-path"] [data-testid="skew-note"]'), 'Times adjusted for clock skew (1 span moved)', 'analysis note');
      await page.click('[data-testid="tab-waterfall"]');
      // Off (keyboard): the raw times, the trace now starting with the server span.
      await page.focus(TOGGLE);
      await page.keyboard.press('Space');
      await page.waitForFunction(() => location.hash.includes('skew=0'));
      await page.waitForFunction(() => !document.querySelector('[data-testid="span-row"] [data-testid="skew-adjusted"]'));
      eq(await page.evaluate(() => typeof window.__clewTimings.skew_ms), 'number', 'the worker sent the re-timed set');
      eq(await page.locator('[data-testid="skew-busy"]').count(), 0, 'the switch is no longer busy');
      const raw = await barLeft(page, 'charge');
      ok(Math.abs(raw) < 0.1, `charge drawn at the trace start (got ${raw})`);
      eq(await page.locator('[data-testid="skew-note"]').count(), 0, 'no note with raw times');
      // The hash keeps it off across a reload.
      await page.reload();
      await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-loaded-spans') === '4');
      ok(!(await page.isChecked(TOGGLE)), 'still off after reload');
      ok(Math.abs(await barLeft(page, 'charge')) < 0.1, 'raw times after reload');
      // On again: the hash forgets skew=0 and the span moves back into the client's window.
      await page.click(TOGGLE);
      await page.waitForFunction(() => !location.hash.includes('skew='));
      await page.waitForFunction(() => document.querySelector('[data-testid="span-row"] [data-testid="skew-adjusted"]'));
      ok(Math.abs(await barLeft(page, 'charge') - adjusted) < 0.01, 'adjusted again');
      // Two flips in one task: the first request is on its way when the second comes; the
      // set that lands follows the switch (on), and nothing stays busy.
      await page.waitForFunction(() => !document.querySelector('[data-testid="skew-busy"]'));
      await page.evaluate(() => {
        const t = document.querySelector('[data-testid="skew-adjust"]');
        t.click();
        t.click();
      });
      ok(await page.isChecked(TOGGLE), 'on after two flips');
      await page.waitForFunction(() => !document.querySelector('[data-testid="skew-busy"]') && document.querySelector('[data-testid="span-row"] [data-testid="skew-adjusted"]'));
      ok(Math.abs(await barLeft(page, 'charge') - adjusted) < 0.01, 'adjusted after two flips');
      eq(await page.textContent('[data-testid="skew-count"]'), ' (1 moved)', 'moved count after two flips');
    },
  },
  {
    name: 'a flip that would move no span keeps the set: nothing is re-timed',
    fn: async (page, { base }) => {
      await open(page, base, '', 19);
      ok(await page.isChecked(TOGGLE), 'on by default');
      await page.click(TOGGLE);
      await page.waitForFunction(() => location.hash.includes('skew=0'));
      await page.click(TOGGLE);
      await page.waitForFunction(() => !location.hash.includes('skew='));
      eq(await page.locator('[data-testid="skew-busy"]').count(), 0, 'never busy');
      eq(await page.evaluate(() => typeof window.__clewTimings.skew_ms), 'undefined', 'no set asked of the worker');
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-spans'), '19', 'the demo still shown');
    },
  },
];
