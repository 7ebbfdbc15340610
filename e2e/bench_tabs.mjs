// The per-tab part of the browser benchmark (e2e/bench.mjs): loads a generated file, then
// clicks each tab in turn and records click → ready (ms), the longest main-thread task from
// the click until a frame after ready (Long Tasks API) and the DOM nodes then.
// "Ready" is the view's data-ready="1" (docs/testing.md); for the waterfall, its rows painted
// (two frames after it is shown again). The LLM tab's charts and tables parts are timed the
// same way, from a click on their button.
import { ROOT, recordLongTasks } from './lib.mjs';
import { open } from './assert.mjs';
import { generate } from './scale.spec.mjs';

const STEPS = [
  { name: 'critical-path', click: '[data-testid="tab-critical-path"]', view: 'critical-path' },
  { name: 'graph', click: '[data-testid="tab-graph"]', view: 'graph' },
  { name: 'patterns', click: '[data-testid="tab-patterns"]', view: 'patterns' },
  { name: 'stats', click: '[data-testid="tab-stats"]', view: 'stats' },
  { name: 'llm', click: '[data-testid="tab-llm"]', view: 'llm' },
  { name: 'llm charts', click: '[data-testid="llm-part-charts"]', view: 'llm' },
  { name: 'llm tables', click: '[data-testid="llm-part-tables"]', view: 'llm' },
  { name: 'waterfall', click: '[data-testid="tab-waterfall"]', view: null },
  // A second round: views open again over a worker that has their results.
  { name: 'critical-path (again)', click: '[data-testid="tab-critical-path"]', view: 'critical-path' },
  { name: 'stats (again)', click: '[data-testid="tab-stats"]', view: 'stats' },
  { name: 'llm (again)', click: '[data-testid="tab-llm"]', view: 'llm' },
  { name: 'waterfall (again)', click: '[data-testid="tab-waterfall"]', view: null },
];

/** Clicks `step.click` and resolves once the view is ready: { ms, longest_task_ms, dom_nodes }.
 *  A view is ready when it carries data-ready="1" after having been without it since the click
 *  (a new view starts without it; a part switch removes it while the new data computes). */
async function timeStep(page, step) {
  return page.evaluate(async ({ click, view }) => {
    window.__longtasks = [];
    const el = () => document.querySelector(`[data-testid="view-${view}"]`);
    let t1 = null;
    let done = Promise.resolve();
    if (view) {
      let gone = el()?.getAttribute('data-ready') !== '1';
      done = new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          const ready = el()?.getAttribute('data-ready') === '1';
          if (!ready) gone = true;
          else if (gone && t1 == null) { t1 = performance.now(); obs.disconnect(); resolve(); }
        });
        obs.observe(document.body, { attributes: true, attributeFilter: ['data-ready'], childList: true, subtree: true });
      });
    }
    const t0 = performance.now();
    document.querySelector(click).click();
    if (view) {
      await done;
    } else {
      // The waterfall is ready once it has painted: two frames after the click.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      t1 = performance.now();
    }
    // A frame and a task more, so that a task right after ready is counted and reported.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));
    const tasks = window.__longtasks.filter((t) => t.start + t.dur >= t0);
    return { ms: t1 - t0, longest_task_ms: tasks.reduce((m, t) => Math.max(m, t.dur), 0), dom_nodes: document.getElementsByTagName('*').length };
  }, step);
}

/** Per-tab timings on a generated file of `spans` spans (`seed` for `clew gen`). */
export async function benchTabs(context, base, tmp, spans, seed) {
  const file = generate(ROOT, tmp, spans, seed);
  const page = await context.newPage();
  await recordLongTasks(page);
  await open(page, base);
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.waitForFunction((n) => {
    const root = document.querySelector('[data-testid="app"]');
    return root.getAttribute('data-loaded-spans') === String(n) || root.hasAttribute('data-load-error');
  }, spans, { timeout: 600000, polling: 200 });
  const error = await page.getAttribute('[data-testid="app"]', 'data-load-error');
  if (error) {
    await page.close();
    return { spans, seed, error };
  }
  // Let the load's last tasks finish first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100)))));
  const timings = await page.evaluate(() => ({ ...(window.__clewTimings || {}) }));
  const steps = [];
  for (const step of STEPS) {
    const r = await timeStep(page, step);
    steps.push({ tab: step.name, click_to_ready_ms: Math.round(r.ms), longest_task_ms: Math.round(r.longest_task_ms), dom_nodes: r.dom_nodes });
    console.error(JSON.stringify({ spans, ...steps[steps.length - 1] }));
  }
  await page.close();
  return {
    spans,
    seed,
    // The worker's memory after the load: it keeps the set the tabs ask about.
    worker_memory_mb: timings.worker_memory_mb && +timings.worker_memory_mb.toFixed(1),
    steps,
  };
}
