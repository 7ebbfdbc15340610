#!/usr/bin/env node
// Benchmark (not a test). Two modes:
//
// node e2e/bench.mjs [sizes]            (make bench; default 10000,100000,1000000)
//   loads generated OTLP traces through the file input of a served release build and
//   records, per size: file→rows ms (change event → data-loaded-spans set, after paint),
//   longest main-thread task, JS heap + wasm memory, DOM nodes, frame p50/p95/max over
//   20 wheel scrolls of 500 px, click→detail ms, and find: typing a query at ~10
//   keys/s, the longest task while typing and ms from the last key to the count painted.
//
//   Then, per tab at 100k and 1M spans (e2e/bench_tabs.mjs): click → ready and the longest
//   main-thread task; the 1M file of that part is `clew gen --spans 1000000 --seed 9`.
//
// node e2e/bench.mjs tabs [sizes]          (default 100000,1000000)
//   only the per-tab part.
//
// node e2e/bench.mjs load [sizes] [runs]   (default 10000,100000 and 3 runs)
//   loads generated Jaeger JSON `runs` times per size, each in a fresh page after the
//   demo, and reports the median file→rows, the longest main-thread task of the load and
//   the median of each load step (window.__clewLoadMarks, ms after the change event).
//
// node e2e/bench.mjs list [traces] [runs]   (default 10000 and 3 runs)
//   opens a generated OTLP file of `traces` traces (3 spans each, `clew gen --seed 7`) by
//   `?url=` in a fresh page per run, waits for the trace list and its scatter to report
//   ready, and reports the main thread's long tasks (ms after navigation) and load marks.
//
// node e2e/bench.mjs skew [spans] [runs]   (default 1000000 and 2 runs)
//   loads `clew gen --spans N --seed 9 --skew-ms 1000` (every cross-service call an extra
//   second behind its caller) with the skew switch on, then flips it off and on again:
//   per flip, click → the re-timed set shown (window.__clewTimings.skew_ms) and the longest
//   main-thread task from the click until the switch is no longer busy, and the page's
//   wasm memory after the load and after each flip.
//
// Writes a JSON summary to stdout and /tmp/clew-bench.json (load mode: /tmp/clew-bench-load.json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, serve, launch, recordLongTasks } from './lib.mjs';
import { generate } from './scale.spec.mjs';
import { benchTabs } from './bench_tabs.mjs';

const loadMode = process.argv[2] === 'load';
const tabsMode = process.argv[2] === 'tabs';
const listMode = process.argv[2] === 'list';
const skewMode = process.argv[2] === 'skew';
const args = loadMode || tabsMode || listMode || skewMode ? process.argv.slice(3) : process.argv.slice(2);
const sizes = (args[0] || (loadMode ? '10000,100000' : tabsMode ? '100000,1000000' : '10000,100000,1000000')).split(',').map(Number);
const runs = Number(args[1] || 3);
const tmp = process.env.BENCH_DIR || path.join(os.tmpdir(), 'clew-bench');
fs.mkdirSync(tmp, { recursive: true });
const { server, base } = await serve({ '/bench': tmp });
const { context, close } = await launch(['--enable-precise-memory-info', '--js-flags=--max-old-space-size=4096']);
const results = [];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] : null;
};

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const loadavg = () => os.loadavg().map((x) => +x.toFixed(2));

/** A Jaeger JSON file of `n` spans in one trace (cached in the bench dir). */
function generateJaeger(n) {
  const out = path.join(tmp, `jaeger-${n}.json`);
  if (!fs.existsSync(out)) {
    execFileSync(path.join(ROOT, 'target', 'release', 'clew'), ['gen', '--spans', String(n), '--traces', '1',
      '--format', 'jaeger', '--seed', '1', '--out', out], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return out;
}

/** Opens a fresh page with the demo loaded and the long-task observer on. */
async function freshPage() {
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  });
  await recordLongTasks(page);
  await page.goto(base);
  await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.getAttribute('data-loaded-spans') === '19');
  return page;
}

/** Stamps the input's change event (__t0) and the root getting the new span count (__t1). */
async function armClock(page) {
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
}

/** Sets `file` on the input and waits for its rows; the load's numbers, or `{ error }`. */
async function timedLoad(page, file, n) {
  await armClock(page);
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.waitForFunction((n) => {
    const root = document.querySelector('[data-testid="app"]');
    return root.getAttribute('data-loaded-spans') === String(n) || root.hasAttribute('data-load-error');
  }, n, { timeout: 600000, polling: 200 });
  const error = await page.getAttribute('[data-testid="app"]', 'data-load-error');
  if (error) return { error };
  // The observer above stamps the paint of the new rows; then two frames for the tasks after it.
  await page.waitForFunction(() => window.__t1 != null, null, { timeout: 60000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const t0 = window.__t0;
    const tasks = window.__longtasks.filter(t => t.start + t.dur >= t0);
    const mem = performance.memory ? performance.memory.usedJSHeapSize : null;
    const wasm = window.__wasm?.memory?.buffer?.byteLength ?? null;
    const marks = Object.fromEntries(Object.entries(window.__clewLoadMarks || {}).map(([k, v]) => [k, v - t0]));
    return {
      file_to_rows_ms: window.__t1 - t0,
      longest_task_ms: tasks.reduce((m, t) => Math.max(m, t.dur), 0),
      long_tasks: tasks.map((t) => [Math.round(t.start - t0), Math.round(t.dur)]),
      js_heap_mb: mem && mem / 1e6,
      wasm_mb: wasm && wasm / 1e6,
      dom_nodes: document.getElementsByTagName('*').length,
      timings: { ...(window.__clewTimings || {}) },
      marks,
    };
  });
}

if (listMode) {
  const traces = Number(args[0] || 10000);
  const file = path.join(tmp, `list-${traces}.json`);
  if (!fs.existsSync(file)) {
    execFileSync(path.join(ROOT, 'target', 'release', 'clew'), ['gen', '--spans', String(3 * traces), '--traces', String(traces),
      '--seed', '7', '--format', 'otlp', '--out', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  for (let i = 0; i < runs; i++) {
    const before = loadavg();
    const page = await context.newPage();
    await recordLongTasks(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(base + '?url=' + encodeURIComponent(base + 'bench/' + path.basename(file)));
    await page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"]', { timeout: 120000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const r = await page.evaluate(() => ({
      longest_task_ms: Math.round(window.__longtasks.reduce((m, t) => Math.max(m, t.dur), 0)),
      long_tasks: window.__longtasks.map((t) => [Math.round(t.start), Math.round(t.dur)]),
      marks: Object.fromEntries(Object.entries(window.__clewLoadMarks || {}).map(([k, v]) => [k, Math.round(v)])),
      dom_nodes: document.getElementsByTagName('*').length,
    }));
    await page.close();
    results.push({ traces, run: i + 1, loadavg: before, ...r });
    console.error(`${traces} traces, run ${i + 1}: longest task ${r.longest_task_ms} ms, tasks ${JSON.stringify(r.long_tasks)} (load ${before.join(' ')})`);
  }
  await close();
  server.close();
  const out = { when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, results };
  fs.writeFileSync('/tmp/clew-bench-list.json', JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out, null, 2));
  process.exit(0);
}

if (skewMode) {
  const n = Number(args[0] || 1000000);
  const flips = Number(args[1] || 2);
  const file = path.join(tmp, `skew-${n}.json`);
  if (!fs.existsSync(file)) {
    execFileSync(path.join(ROOT, 'target', 'release', 'clew'), ['gen', '--spans', String(n), '--seed', '9', '--skew-ms', '1000',
      '--format', 'otlp', '--out', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
  });
  await recordLongTasks(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(base + '?url=' + encodeURIComponent(base + 'bench/' + path.basename(file)));
  await page.waitForFunction((n) => document.querySelector('[data-testid="app"]')?.getAttribute('data-loaded-spans') === String(n), n, { timeout: 600000, polling: 500 });
  const moved = await page.textContent('[data-testid="skew-count"]');
  const loadLongest = await page.evaluate(() => Math.round(window.__longtasks.reduce((m, t) => Math.max(m, t.dur), 0)));
  const wasmMb = () => page.evaluate(() => Math.round((window.__wasm?.memory?.buffer?.byteLength ?? 0) / 1e6));
  const loadWasmMb = await wasmMb();
  console.error(`${n} spans loaded adjusted${moved}; longest task of the load ${loadLongest} ms; page wasm memory ${loadWasmMb} MB`);
  for (let i = 0; i < 2 * flips; i++) {
    const before = loadavg();
    const prev = await page.evaluate(() => window.__clewTimings.skew_ms ?? null);
    await page.evaluate(() => { window.__flipAt = performance.now(); document.querySelector('[data-testid="skew-adjust"]').click(); });
    // The flip's own time is recorded when its set is shown (not the previous flip's).
    await page.waitForFunction((prev) => window.__clewTimings.skew_ms !== prev && !document.querySelector('[data-testid="skew-busy"]'),
      prev, { timeout: 600000, polling: 200 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const r = await page.evaluate(() => {
      const tasks = window.__longtasks.filter((t) => t.start + t.dur >= window.__flipAt);
      return {
        on: document.querySelector('[data-testid="skew-adjust"]').checked,
        skew_ms: Math.round(window.__clewTimings.skew_ms),
        longest_task_ms: Math.round(tasks.reduce((m, t) => Math.max(m, t.dur), 0)),
        long_tasks: tasks.map((t) => [Math.round(t.start - window.__flipAt), Math.round(t.dur)]),
        decode_longest_slice_ms: Math.round(window.__clewTimings.decode_longest_slice_ms),
      };
    });
    r.wasm_mb = await wasmMb();
    results.push({ spans: n, flip: i + 1, loadavg: before, ...r });
    console.error(`flip ${i + 1} (${r.on ? 'on' : 'off'}): ${r.skew_ms} ms, longest task ${r.longest_task_ms} ms, tasks ${JSON.stringify(r.long_tasks)}, page wasm memory ${r.wasm_mb} MB (load ${before.join(' ')})`);
  }
  await close();
  server.close();
  const out = { when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, load_longest_task_ms: loadLongest, load_wasm_mb: loadWasmMb, results };
  fs.writeFileSync('/tmp/clew-bench-skew.json', JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out, null, 2));
  process.exit(0);
}

if (loadMode) {
  for (const n of sizes) {
    const file = generateJaeger(n);
    const mb = fs.statSync(file).size / 1e6;
    const all = [];
    for (let i = 0; i < runs; i++) {
      const before = loadavg();
      const page = await freshPage();
      const r = await timedLoad(page, file, n);
      await page.close();
      r.loadavg = before;
      all.push(r);
      console.error(`${n} run ${i + 1}: ${r.error ? 'error: ' + r.error : Math.round(r.file_to_rows_ms) + ' ms, longest task ' + Math.round(r.longest_task_ms) + ' ms'} (load ${before.join(' ')})`);
    }
    const ok = all.filter((r) => !r.error);
    const stepNames = [...new Set(ok.flatMap((r) => Object.keys(r.marks)))];
    const steps = stepNames.map((k) => [k, median(ok.map((r) => r.marks[k]))]).sort((a, b) => a[1] - b[1]);
    const r = {
      spans: n,
      format: 'jaeger',
      file_mb: +mb.toFixed(1),
      runs: all.length,
      errors: all.filter((r) => r.error).map((r) => r.error),
      file_to_rows_ms: ok.map((r) => Math.round(r.file_to_rows_ms)),
      file_to_rows_median_ms: Math.round(median(ok.map((r) => r.file_to_rows_ms))),
      longest_task_ms: ok.map((r) => Math.round(r.longest_task_ms)),
      long_tasks: ok.map((r) => r.long_tasks),
      wasm_mb: ok.map((r) => r.wasm_mb && +r.wasm_mb.toFixed(1)),
      loadavg: all.map((r) => r.loadavg),
      steps_median_ms: Object.fromEntries(steps.map(([k, v]) => [k, Math.round(v)])),
      page_timings_ms: ok.map((r) => Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v)]))),
    };
    results.push(r);
    console.error(JSON.stringify(r));
  }
  await close();
  server.close();
  const out = { when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, chromium: '/usr/bin/chromium', results };
  fs.writeFileSync('/tmp/clew-bench-load.json', JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out, null, 2));
  process.exit(0);
}

for (const n of tabsMode ? [] : sizes) {
  const file = generate(ROOT, tmp, n);
  const mb = fs.statSync(file).size / 1e6;
  const page = await freshPage();
  const load = await timedLoad(page, file, n);
  if (load.error) {
    results.push({ spans: n, file_mb: +mb.toFixed(1), error: load.error });
    console.error(`${n}: load error: ${load.error}`);
    await page.close();
    continue;
  }
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
for (const n of sizes.filter((n) => n >= 100000)) {
  tabs.push(await benchTabs(context, base, tmp, n, n >= 1000000 ? 9 : 1));
}
await close();
server.close();
const out = { when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`, load: loadavg(), chromium: '/usr/bin/chromium', results, tabs };
fs.writeFileSync('/tmp/clew-bench.json', JSON.stringify(out, null, 2));
console.log(JSON.stringify(out, null, 2));
