// URL parameters of the view: ?view= opens a tab, ?span= selects a span (the hash wins over
// both), and Jaeger UI's timeline switches uiTimelineHideMinimap, uiTimelineCollapseTitle and
// uiTimelineHideSummary (docs/embedding.md).
import { eq, ok, ready, waitSpans } from './assert.mjs';

const small = (base) => encodeURIComponent(base + 'e2e-fixtures/small.json');

export const tests = [
  {
    name: '?view= opens a tab and ?span= selects a span; the hash wins',
    fn: async (page, { base }) => {
      await page.goto(base + `?url=${small(base)}&view=graph`);
      await waitSpans(page, 3);
      await ready(page, 'graph');
      eq(await page.getAttribute('[data-testid="tab-graph"]', 'aria-selected'), 'true', 'graph tab chosen');
      await page.goto(base + `?url=${small(base)}&span=1111111111111113`);
      await waitSpans(page, 3);
      eq(await page.textContent('[data-testid="detail-name"]'), 'SELECT cart', 'span selected, detail open');
      eq(await page.textContent('[data-testid="span-row"].selected .op'), 'SELECT cart', 'row selected');
      // The hash wins over both.
      await page.goto(base + `?url=${small(base)}&view=graph&span=1111111111111113#tab=stats&span=1111111111111111`);
      await waitSpans(page, 3);
      await ready(page, 'stats');
      await page.click('[data-testid="tab-waterfall"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'GET /cart', 'span from the hash');
      // A view no tab knows is ignored.
      await page.goto(base + `?url=${small(base)}&view=nonsense`);
      await waitSpans(page, 3);
      eq(await page.getAttribute('[data-testid="tab-waterfall"]', 'aria-selected'), 'true', 'waterfall by default');
    },
  },
  {
    name: 'Jaeger UI timeline switches: hide the minimap, collapse the title, hide the summary',
    fn: async (page, { base }) => {
      await page.goto(base + `?url=${small(base)}`);
      await waitSpans(page, 3);
      ok(await page.isVisible('[data-testid="minimap"]'), 'minimap by default');
      ok(await page.isVisible('[data-testid="trace-header"]'), 'summary by default');
      await page.goto(base + `?url=${small(base)}&uiTimelineHideMinimap=1&uiTimelineCollapseTitle=1`);
      await waitSpans(page, 3);
      eq(await page.locator('[data-testid="minimap"]').count(), 0, 'no minimap');
      ok(await page.isVisible('[data-testid="root-operation"]'), 'title shown');
      ok(!(await page.isVisible('[data-testid="trace-header"]')), 'summary folded');
      eq(await page.getAttribute('[data-testid="trace-header-toggle"]', 'aria-expanded'), 'false', 'toggle says folded');
      await page.click('[data-testid="trace-header-toggle"]');
      ok(await page.isVisible('[data-testid="trace-header"]'), 'summary unfolds');
      await page.goto(base + `?url=${small(base)}&uiTimelineHideSummary=1`);
      await waitSpans(page, 3);
      ok(await page.isVisible('[data-testid="root-operation"]'), 'title shown');
      ok(!(await page.isVisible('[data-testid="trace-header"]')), 'no summary');
      eq(await page.locator('[data-testid="trace-header-toggle"]').count(), 0, 'nothing to unfold');
      ok(await page.isVisible('[data-testid="minimap"]'), 'minimap kept');
    },
  },
];
