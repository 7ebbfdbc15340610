// Embedding: URL options (?embed, ?tabs, ?theme, ?trace, ?find and the Jaeger UI aliases)
// and the postMessage API driven by e2e/fixtures/host.html, from another origin
// (localhost vs 127.0.0.1), in an iframe and through window.open.
import path from 'node:path';
import fs from 'node:fs';
import { eq, ok, waitSpans } from './assert.mjs';

/** The same server under another origin: http://localhost:<port>/. */
const otherOrigin = (base) => base.replace('127.0.0.1', 'localhost');

function hostUrl(base, mode, trace, clewQuery = '?embed=1') {
  const clew = base + clewQuery;
  return otherOrigin(base) + 'e2e-fixtures/host.html?' + new URLSearchParams({ clew, trace, mode });
}

const hostState = (page) => page.evaluate(() => window.__host);

async function waitHost(page, what, timeout = 60000) {
  await page.waitForFunction((w) => window.__host && (window.__host[w] || window.__host.error), what, { timeout });
  return hostState(page);
}

/** The Clew frame inside the host page. */
const clewFrame = (page, base) => page.frames().find((f) => f.url().startsWith(base));

export const tests = [
  {
    name: 'a host page in another origin iframes Clew, PINGs, posts a trace buffer and gets the loaded reply',
    fn: async (page, { base }) => {
      await page.goto(hostUrl(base, 'frame', base + 'e2e-fixtures/small.json'));
      const h = await waitHost(page, 'loaded');
      eq(h.error, null, 'no error reply');
      ok(h.pong, 'PONG came back');
      eq(JSON.stringify(h.loaded), JSON.stringify({ spans: 3, traces: 1 }), 'loaded reply');
      ok(h.sentBytes > 1000, `bytes sent: ${h.sentBytes}`);
      eq(h.leftBytes, 0, 'the buffer was transferred, not copied');
      const frame = clewFrame(page, base);
      ok(frame, 'Clew frame found');
      eq(await frame.getAttribute('[data-testid="app"]', 'data-loaded-spans'), '3', 'frame reports the spans');
      eq(await frame.textContent('[data-testid="root-operation"]'), 'GET /cart', 'the posted trace is shown');
      eq(await frame.locator('[data-testid="open-files"]').count(), 0, 'no file buttons when embedded');
      eq(await frame.locator('[data-testid="tab-llm"]').count(), 1, 'tabs stay');
      eq(await frame.evaluate(() => document.title), 'From the host — Clew', 'title from the message');
      eq(await frame.locator('[data-testid="app"]').getAttribute('data-embed'), '1', 'embed mode');
    },
  },
  {
    name: 'a {clew:{url}} message loads; a broken buffer and a bad message get error replies',
    fn: async (page, { base }) => {
      await page.goto(hostUrl(base, 'url', base + 'e2e-fixtures/other.json'));
      const h = await waitHost(page, 'loaded');
      eq(JSON.stringify(h.loaded), JSON.stringify({ spans: 2, traces: 1 }), 'loaded reply for the url');
      // Bytes that are not a trace.
      await page.evaluate(() => { window.__host.loaded = null; const b = new TextEncoder().encode('{"nope": 1}').buffer; window.postToClew({ clew: { buffer: b, fileName: 'nope.json' } }); });
      const e = await waitHost(page, 'error');
      ok(/nope\.json/.test(e.error), `error names the file: ${e.error}`);
      // A message with neither buffer nor url.
      await page.evaluate(() => { window.__host.error = null; window.postToClew({ clew: { what: 1 } }); });
      const e2 = await waitHost(page, 'error');
      ok(/buffer|url/.test(e2.error), `explains the shape: ${e2.error}`);
      // A non-http url.
      await page.evaluate(() => { window.__host.error = null; window.postToClew({ clew: { url: 'javascript:alert(1)' } }); });
      const e3 = await waitHost(page, 'error');
      ok(/http/.test(e3.error), `refuses the scheme: ${e3.error}`);
    },
  },
  {
    name: 'window.open: the opener drives Clew the same way',
    fn: async (page, { base, context }) => {
      const popupP = context.waitForEvent('page');
      await page.goto(hostUrl(base, 'open', base + 'e2e-fixtures/small.json', ''));
      const popup = await popupP;
      try {
        const h = await waitHost(page, 'loaded');
        eq(h.error, null, 'no error reply');
        eq(JSON.stringify(h.loaded), JSON.stringify({ spans: 3, traces: 1 }), 'loaded reply');
        await waitSpans(popup, 3);
        eq(await popup.textContent('[data-testid="root-operation"]'), 'GET /cart', 'popup shows the trace');
      } finally {
        await popup.close();
      }
    },
  },
  {
    name: 'messages from a window that is neither parent nor opener are ignored with a warning',
    fn: async (page, { base }) => {
      // The sibling sends two messages (a PING and a load): Clew warns once for each.
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
      const ignored = () => warnings.filter((w) => w.includes('clew: ignored a message')).length;
      await page.goto(hostUrl(base, 'rogue', base + 'e2e-fixtures/small.json'));
      // The host PINGs after the sibling's messages; its PONG means Clew has handled them.
      const h = await waitHost(page, 'pongAfterRogue');
      eq(h.error, null, 'no error reply to the host');
      eq(JSON.stringify(h.rogue), '[]', 'no reply to the sibling frame');
      const frame = clewFrame(page, base);
      eq(await frame.getAttribute('[data-testid="app"]', 'data-loaded-spans'), null, 'nothing loaded');
      eq(await frame.getAttribute('[data-testid="app"]', 'aria-busy'), null, 'no load started');
      eq(await frame.getAttribute('[data-testid="app"]', 'data-load-error'), null, 'no load attempted');
      // The frame's console events reach the test on their own channel: wait for both
      // (the listener above counts an event before this predicate sees it).
      if (ignored() < 2) await page.waitForEvent('console', { predicate: () => ignored() >= 2, timeout: 30000 });
      eq(ignored(), 2, `one warning per sibling message: ${JSON.stringify(warnings)}`);
    },
  },
  {
    name: '?embed=1&theme=dark hides the chrome and sets the dark theme',
    fn: async (page, { base }) => {
      const url = base + 'e2e-fixtures/small.json';
      await page.goto(base + '?embed=1&theme=dark&url=' + encodeURIComponent(url));
      await waitSpans(page, 3);
      eq(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark', 'dark theme');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      ok(bg !== 'rgb(255, 255, 255)', `dark background: ${bg}`);
      for (const id of ['open-files', 'add-files', 'paste-json', 'theme-toggle', 'sources']) {
        eq(await page.locator(`[data-testid="${id}"]`).count(), 0, `${id} hidden`);
      }
      eq(await page.locator('[data-testid="tab-waterfall"]').count(), 1, 'tabs shown');
      eq(await page.locator('input[type="file"]').count(), 1, 'the one file input stays');
      eq(await page.evaluate(() => localStorage.getItem('clew-theme')), null, 'forced theme not stored');
      // tabs=0: no top bar at all; Jaeger UI aliases.
      await page.goto(base + '?uiEmbed=v0&tabs=0&uiTheme=light&url=' + encodeURIComponent(url));
      await waitSpans(page, 3);
      eq(await page.locator('[data-testid="topbar"]').count(), 0, 'no top bar');
      eq(await page.locator('[data-testid="tab-waterfall"]').count(), 0, 'no tabs');
      eq(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'light', 'light theme');
      eq(await page.locator('[data-testid="span-row"]').count(), 3, 'rows shown');
      // Embedded with nothing to load: waits for the host instead of showing the demo. The
      // first load is chosen before the first render, so the welcome text already says
      // whether one started (it reads "Loading…" and the root is aria-busy while it runs).
      await page.goto(base + '?embed=1');
      await page.waitForSelector('[data-testid="welcome-text"]');
      ok((await page.textContent('[data-testid="welcome-text"]')).includes('host page'), 'waiting text');
      eq(await page.getAttribute('[data-testid="app"]', 'aria-busy'), null, 'no load started');
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-spans'), null, 'no demo');
    },
  },
  {
    name: '?trace= selects a trace and ?find= (or uiFind=) pre-fills find',
    fn: async (page, { base, fixtures, tmp }) => {
      const a = JSON.parse(fs.readFileSync(path.join(fixtures, 'small.json'), 'utf8'));
      const b = JSON.parse(fs.readFileSync(path.join(fixtures, 'other.json'), 'utf8'));
      fs.writeFileSync(path.join(tmp, 'two.json'), JSON.stringify({ resourceSpans: [...a.resourceSpans, ...b.resourceSpans] }));
      const url = encodeURIComponent(base + 'e2e-tmp/two.json');
      await page.goto(base + `?url=${url}&trace=22222222222222222222222222222222&find=charge`);
      await waitSpans(page, 5);
      eq(await page.textContent('[data-testid="root-operation"]'), 'charge', 'second trace selected');
      eq(await page.inputValue('[data-testid="find-input"]'), 'charge', 'find pre-filled');
      await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]').textContent === '1 match');
      await page.goto(base + `?url=${url}&uiFind=SELECT`);
      await waitSpans(page, 5);
      // No trace named: the load opens on the list, and find applies to the trace opened from it.
      await page.click('[data-testid="trace-row"][data-trace-id="11111111111111111111111111111111"]');
      eq(await page.textContent('[data-testid="root-operation"]'), 'GET /cart', 'the first trace');
      eq(await page.inputValue('[data-testid="find-input"]'), 'SELECT', 'uiFind alias');
    },
  },
];
