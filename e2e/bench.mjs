#!/usr/bin/env node
// Benchmark (not a test): loads generated OTLP traces of 10k, 100k and 1M spans
// through the file input of a served release build and records, per size:
//   file→rows ms (change event → data-loaded-spans set, after paint), longest
//   main-thread task, JS heap + wasm memory, DOM nodes, frame p50/p95/max over
//   20 wheel scrolls of 500 px, click→detail ms, and find: typing a query at ~10
//   keys/s, the longest task while typing and ms from the last key to the count painted.
// Then, per tab at 100k and 1M spans (e2e/bench_tabs.mjs): click → ready and the longest
// main-thread task; the 1M file of this part is `clew gen --spans 1000000 --seed 9`.
// Usage: node e2e/bench.mjs [sizes, default 10000,100000,1000000]   (make bench)
//        BENCH_PARTS=tabs node e2e/bench.mjs 100000   (only the per-tab part; or BENCH_PARTS=load)
// Writes a JSON summary to stdout and /tmp/clew-bench.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serve, launch, recordLongTasks } from './lib.mjs';
import { generate } from './scale.spec.mjs';
import { benchTabs } from './bench_tabs.mjs';

const sizes = (process.argv[2] || '10000,100000,1000000').split(',').map(Number);
const tmp = process.env.BENCH_DIR || path.join(os.tmpdir(), 'clew-bench');
fs.mkdirSync(tmp, { recursive: true });
const { server, base } = await serve();
const { context, close } = await launch(['--enable-precise-memory-info', '--js-flags=--max-old-space-size=4096']);
const results = [];
const parts = (process.env.BENCH_PARTS || 'load,tabs').split(',');

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] : null;
};

for (const n of parts.includes('load') ? sizes : []) {
  const file = generate(ROOT, tmp, n);
  const mb = fs.statSync(file).size / 1e6;
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  });
  await recordLongTasks(page);
  await page.goto(base);
  await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-loaded-spans') === '19');
  await page.evaluate(() => {
    const input = document.querySelector('[data-testid="file-input"]');
    input.addEventListener('change', () => { window.__t0 = performance.now(); }, { capture: true, once: true });
    const root = document.querySelector('[data-testid="app"]');
    window.__t1 = null;
    new MutationObserver((_, obs) => {
      if (window.__t0 && root.hasAttribute('data-loaded-spans') && root.getAttribute('data-loaded-spans') !== '19') {
        window.__t1 = performance.now();
        obs.disconnect();
      }
    }).observe(root, { attributes: true });
  });
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.waitForFunction((n) => {
    const root = document.querySelector('[data-testid="app"]');
    return root.getAttribute('data-loaded-spans') === String(n) || root.hasAttribute('data-load-error');
  }, n, { timeout: 600000, polling: 200 });
  const error = await page.getAttribute('[data-testid="app"]', 'data-load-error');
  if (error) {
    results.push({ spans: n, file_mb: +mb.toFixed(1), error });
    console.error(`${n}: load error: ${error}`);
    await page.close();
    continue;
  }
  // The observer above stamps the paint of the new rows; then two frames for the tasks after it.
  await page.waitForFunction(() => window.__t1 != null, null, { timeout: 60000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const load = await page.evaluate(() => {
    const t0 = window.__t0;
    const tasks = window.__longtasks.filter(t => t.start + t.dur >= t0);
    const mem = performance.memory ? performance.memory.usedJSHeapSize : null;
    const wasm = window.__wasm?.memory?.buffer?.byteLength ?? null;
    return {
      file_to_rows_ms: window.__t1 - t0,
      longest_task_ms: tasks.reduce((m, t) => Math.max(m, t.dur), 0),
      js_heap_mb: mem && mem / 1e6,
      wasm_mb: wasm && wasm / 1e6,
      dom_nodes: document.getElementsByTagName('*').length,
      timings: { ...(window.__clewTimings || {}) },
    };
  });
  // Frames over 20 wheel scrolls of 500 px.
  const box = await page.locator('[data-testid="rows"]').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const loop = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000 && !window.__stop) requestAnimationFrame(loop); };
    window.__stop = false;
    requestAnimationFrame(loop);
  });
  // One wheel step per three frames (about 50 ms at 60 Hz), then until the body stops moving.
  const frames3 = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r)))));
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, 500);
    await frames3();
  }
  await page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('[data-testid="rows"]');
    let last = el.scrollTop, still = 0;
    const tick = () => {
      if (el.scrollTop === last) { if (++still >= 2) return resolve(); } else { still = 0; last = el.scrollTop; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }));
  const frames = await page.evaluate(() => { window.__stop = true; return window.__frames.slice(1); });
  const rowsAfterScroll = await page.locator('[data-testid="span-row"]').count();
  // Click → detail painted.
  const clickMs = await page.evaluate(async () => {
    const rows = [...document.querySelectorAll('[data-testid="span-row"]')];
    const target = rows[Math.floor(rows.length / 2)];
    const t0 = performance.now();
    target.click();
    await new Promise((r) => {
      const check = () => (document.querySelector('[data-testid="detail-name"]') ? requestAnimationFrame(() => r()) : requestAnimationFrame(check));
      check();
    });
    return performance.now() - t0;
  });
  // Find: type a query like a person (80 ms between keys: the pace is what is measured),
  // then time the last key → count.
  await page.click('[data-testid="find-input"]');
  await page.evaluate(() => { window.__longtasks = []; window.__findT0 = performance.now(); });
  const query = 'validate';
  await page.keyboard.type(query.slice(0, -1), { delay: 80 });
  await page.evaluate(() => { window.__lastKey = null; document.querySelector('[data-testid="find-input"]').addEventListener('input', () => { window.__lastKey = performance.now(); }, { once: true }); });
  await page.keyboard.type(query.slice(-1));
  await page.waitForFunction(() => /^\d[\d,]* matches$|^no matches$/.test(document.querySelector('[data-testid="find-count"]').textContent)
    && document.querySelector('[data-testid="find-input"]').value === 'validate' && window.__lastKey != null, null, { timeout: 120000, polling: 'raf' });
  const find = await page.evaluate(() => ({
    ms: performance.now() - window.__lastKey,
    longest: window.__longtasks.reduce((m, t) => Math.max(m, t.dur), 0),
    count: document.querySelector('[data-testid="find-count"]').textContent,
    query_ms: window.__clewTimings?.find_ms,
  }));
  // Next match selects and scrolls.
  const nextMs = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector('[data-testid="find-next"]').click();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  const r = {
    spans: n,
    file_mb: +mb.toFixed(1),
    file_to_rows_ms: Math.round(load.file_to_rows_ms),
    longest_task_ms: Math.round(load.longest_task_ms),
    js_heap_mb: load.js_heap_mb && +load.js_heap_mb.toFixed(1),
    wasm_mb: load.wasm_mb && +load.wasm_mb.toFixed(1),
    dom_nodes: load.dom_nodes,
    frame_p50_ms: +pct(frames, 50).toFixed(1),
    frame_p95_ms: +pct(frames, 95).toFixed(1),
    frame_max_ms: +Math.max(...frames).toFixed(1),
    frames: frames.length,
    rows_in_dom_after_scroll: rowsAfterScroll,
    click_to_detail_ms: +clickMs.toFixed(1),
    find_last_key_to_count_ms: Math.round(find.ms),
    find_longest_task_ms: Math.round(find.longest),
    find_count: find.count,
    find_next_ms: +nextMs.toFixed(1),
    find_query_ms: find.query_ms && Math.round(find.query_ms),
    page_timings_ms: Object.fromEntries(Object.entries(load.timings).map(([k, v]) => [k, Math.round(v)])),
  };
  results.push(r);
  console.error(JSON.stringify(r));
  await page.close();
}
const tabs = [];
for (const n of parts.includes('tabs') ? sizes.filter((n) => n >= 100000) : []) {
  tabs.push(await benchTabs(context, base, tmp, n, n >= 1000000 ? 9 : 1));
}
await close();
server.close();
const out = { when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, load: os.loadavg().map((l) => +l.toFixed(2)), chromium: '/usr/bin/chromium', results, tabs };
fs.writeFileSync('/tmp/clew-bench.json', JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));
