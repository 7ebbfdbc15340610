// Loading: demo, file input, broken file, ?url=, several files, add files, paste.
import path from 'node:path';
import fs from 'node:fs';
import { eq, ok, waitSpans, waitError, rowCount, open } from './assert.mjs';

export const tests = [
  {
    name: 'demo loads with no trace given',
    fn: async (page, { base }) => {
      await open(page, base);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-traces'), '1', 'traces');
      eq(await rowCount(page), 19, 'rows');
      eq(await page.locator('input[type="file"]').count(), 1, 'file inputs');
      eq(await page.textContent('[data-testid="root-operation"]'), 'POST /api/v1/chat', 'root op');
      eq(await page.textContent('[data-testid="trace-duration"]'), '3.84 s', 'duration');
      eq(await page.textContent('[data-testid="trace-services"]'), '9', 'services');
    },
  },
  {
    name: 'a file set through the file input loads',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', path.join(fixtures, 'small.json'));
      await waitSpans(page, 3);
      eq(await rowCount(page), 3, 'rows');
      eq(await page.textContent('[data-testid="root-operation"]'), 'GET /cart', 'root op');
      eq(await page.textContent('[data-testid="trace-errors"]'), '1', 'errors');
    },
  },
  {
    name: 'a broken file shows an error message',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', path.join(fixtures, 'broken.json'));
      const msg = await waitError(page);
      ok(msg.includes('broken.json'), `error names the file: ${msg}`);
      const shown = await page.textContent('[data-testid="load-error"]');
      ok(shown.includes('broken.json') && shown.length > 40, `message shown in the page: ${shown}`);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-spans'), null, 'no loaded-spans on error');
      eq(await page.locator('input[type="file"]').count(), 1, 'file inputs');
    },
  },
  {
    name: 'an empty file and a non-trace JSON are refused with a reason',
    fn: async (page, { base, tmp }) => {
      await open(page, base);
      const empty = path.join(tmp, 'empty.json');
      fs.writeFileSync(empty, '');
      await page.setInputFiles('[data-testid="file-input"]', empty);
      ok((await waitError(page)).includes('empty'), 'empty file message');
      const chrome = path.join(tmp, 'profile.json');
      fs.writeFileSync(chrome, JSON.stringify({ traceEvents: [{ name: 'x', ph: 'X', ts: 1, dur: 2 }] }));
      await page.setInputFiles('[data-testid="file-input"]', chrome);
      await page.waitForFunction(() => (document.querySelector('[data-testid="app"]').getAttribute('data-load-error') || '').includes('profile.json'));
    },
  },
  {
    name: '?url= loads a file served by the same server',
    fn: async (page, { base }) => {
      const url = base + 'e2e-fixtures/small.json';
      await open(page, base, '?url=' + encodeURIComponent(url), 3);
      eq(await page.textContent('[data-testid="sources"]'), 'small.json · 3 spans', 'source label');
    },
  },
  {
    name: '?url= with a missing file shows the HTTP status',
    fn: async (page, { base }) => {
      await page.goto(base + '?url=' + encodeURIComponent(base + 'e2e-fixtures/nope.json'));
      const msg = await waitError(page);
      ok(msg.includes('404'), `message has the status: ${msg}`);
    },
  },
  {
    name: 'several files at once load together on the trace list; a row opens a trace, next and back switch',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', [path.join(fixtures, 'small.json'), path.join(fixtures, 'other.json')]);
      await waitSpans(page, 5);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-traces'), '2', 'traces');
      await page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"]');
      eq(await page.textContent('[data-testid="trace-count"]'), '2 traces', 'count');
      eq(await page.locator('[data-testid="trace-row"]').count(), 2, 'list rows');
      eq(await page.locator('[data-testid="trace-picker"]').count(), 0, 'no <select> picker');
      await page.click('[data-testid="trace-row"]:has-text("charge")');
      await page.waitForFunction(() => document.querySelector('[data-testid="root-operation"]')?.textContent === 'charge');
      eq(await rowCount(page), 2, 'rows of that trace');
      const other = await page.isDisabled('[data-testid="trace-next"]') ? 'trace-prev' : 'trace-next';
      await page.click(`[data-testid="${other}"]`);
      await page.waitForFunction(() => document.querySelector('[data-testid="root-operation"]')?.textContent === 'GET /cart');
      await page.click('[data-testid="trace-list-back"]');
      await page.waitForSelector('[data-testid="trace-list"]');
    },
  },
  {
    name: '"Add files" adds to the loaded set',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', path.join(fixtures, 'small.json'));
      await waitSpans(page, 3);
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="add-files"]')]);
      await chooser.setFiles(path.join(fixtures, 'other.json'));
      await waitSpans(page, 5);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-traces'), '2', 'traces');
      // A plain open replaces again.
      const [c2] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-files"]')]);
      await c2.setFiles(path.join(fixtures, 'other.json'));
      await waitSpans(page, 2);
    },
  },
  {
    name: 'pasted JSON text loads',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.click('[data-testid="paste-json"]');
      await page.fill('[data-testid="paste-text"]', fs.readFileSync(path.join(fixtures, 'other.json'), 'utf8'));
      await page.click('[data-testid="paste-load"]');
      await waitSpans(page, 2);
      eq(await page.locator('input[type="file"]').count(), 1, 'file inputs after the dialog closed');
    },
  },
];
