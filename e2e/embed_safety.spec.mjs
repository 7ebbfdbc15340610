// The three leaks of the postMessage API, one test each (docs/embedding.md, "Safety"):
// 1. a host's request is answered about itself only, never with a load the user started;
// 2. a URL a host asks for is fetched without cookies, and a host in another origin gets a
//    generic error (no status, no keys of the body);
// 3. ?origins= names the hosts that may post; without it a console warning names the risk.
// Each test serves dist/ again on its own port with a few extra routes (a request that hangs,
// a cookie-protected trace) and drives Clew from e2e/fixtures/host.html on the other origin.
import path from 'node:path';
import fs from 'node:fs';
import { serve } from './lib.mjs';
import { eq, ok } from './assert.mjs';

const otherOrigin = (base) => base.replace('127.0.0.1', 'localhost');

function hostUrl(base, mode, clewQuery = '?embed=1') {
  const trace = base + 'e2e-fixtures/small.json';
  return otherOrigin(base) + 'e2e-fixtures/host.html?' + new URLSearchParams({ clew: base + clewQuery, trace, mode });
}

/** dist/ with the fixtures, plus `/e2e-hang` (answers nothing until the server closes) and
 *  `/e2e-private/trace.json` (the small fixture with the cookie `clew_session=secret`, else a
 *  401 whose JSON body names keys a prober would like to see). Records the private requests. */
async function serveWithRoutes(fixtures) {
  const seen = { hang: 0, privateCookies: [] };
  const hanging = [];
  const waiters = [];
  /** Resolves once `n` requests have hung. */
  const hangSeen = (n) => new Promise((r) => { if (seen.hang >= n) r(); else waiters.push([n, r]); });
  const { server, base } = await serve({ '/e2e-fixtures': fixtures }, (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/e2e-hang') {
      seen.hang++;
      hanging.push(res);
      for (const [n, r] of waiters) if (seen.hang >= n) r();
      return true;
    }
    if (url.pathname === '/e2e-private/trace.json') {
      const cookie = req.headers.cookie || '';
      seen.privateCookies.push(cookie);
      if (cookie.includes('clew_session=secret')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(path.join(fixtures, 'small.json')));
      } else {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"login required","internalUserId":42}');
      }
      return true;
    }
    return false;
  });
  const close = () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections?.();
    server.close();
  };
  return { base, seen, hangSeen, close };
}

const replies = (page) => page.evaluate(() => window.__host.replies.filter((r) => r && r.clew));

/** Waits for the host to hold more than `n` API replies; returns them all. */
async function waitReplies(page, n, timeout = 60000) {
  await page.waitForFunction((k) => window.__host.replies.filter((r) => r && r.clew).length > k, n, { timeout });
  return replies(page);
}

export const tests = [
  {
    name: 'leak 1: a pending host request is never answered with a load the user started',
    fn: async (page, { fixtures }) => {
      const s = await serveWithRoutes(fixtures);
      try {
        await page.goto(hostUrl(s.base, 'idle'));
        await page.waitForFunction(() => window.__host.pong);
        const frame = page.frames().find((f) => f.url().startsWith(s.base));
        // The host asks for a URL that does not answer; the user meanwhile opens a file.
        await page.evaluate(() => window.postToClew({ clew: { id: 'r1', url: location.origin.replace('localhost', '127.0.0.1') + '/e2e-hang' } }));
        await s.hangSeen(1);
        await frame.setInputFiles('[data-testid="file-input"]', path.join(fixtures, 'small.json'));
        await frame.waitForSelector('[data-testid="app"][data-loaded-spans="3"]', { state: 'attached' });
        let r = await waitReplies(page, 0);
        eq(JSON.stringify(r[0]), JSON.stringify({ clew: { id: 'r1', error: 'Another load replaced this request before it finished.' } }),
          'the host hears that its request was replaced, not what the user loaded');
        // The same with a file of the user's that fails: its name does not reach the host.
        // (Another URL: Chromium holds a second request for a URL still loading until the first ends.)
        await page.evaluate(() => window.postToClew({ clew: { url: location.origin.replace('localhost', '127.0.0.1') + '/e2e-hang?2' } }));
        await s.hangSeen(2);
        await frame.setInputFiles('[data-testid="file-input"]', path.join(fixtures, 'broken.json'));
        await frame.waitForSelector('[data-testid="app"][data-load-error]', { state: 'attached' });
        r = await waitReplies(page, 1);
        eq(JSON.stringify(r[1]), JSON.stringify({ clew: { error: 'Another load replaced this request before it finished.' } }),
          'no id given, none echoed; the user\'s file is not named');
        eq(r.length, 2, `one reply per request: ${JSON.stringify(r)}`);
        ok(!JSON.stringify(r).includes('broken'), 'no file name of the user\'s');
        // An id is echoed: a posted buffer is answered {clew: {id, loaded}}.
        await page.evaluate(() => {
          const b = new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans: [
            { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'posted', startTimeUnixNano: '1', endTimeUnixNano: '2' },
          ] }] }] })).buffer;
          window.postToClew({ clew: { id: 7, buffer: b } });
        });
        r = await waitReplies(page, 2);
        eq(JSON.stringify(r[2]), JSON.stringify({ clew: { id: 7, loaded: { spans: 1, traces: 1 } } }), 'the reply names the request');
      } finally {
        s.close();
      }
    },
  },
  {
    name: 'leak 2: a host-chosen URL is fetched without cookies and a cross-origin host gets a generic error',
    fn: async (page, { fixtures, context }) => {
      const s = await serveWithRoutes(fixtures);
      // The user is signed in to a backend on Clew's own origin (a first-party cookie).
      await context.addCookies([{ name: 'clew_session', value: 'secret', url: s.base }]);
      const popupP = context.waitForEvent('page');
      try {
        await page.goto(hostUrl(s.base, 'openidle'));
        const popup = await popupP;
        await page.waitForFunction(() => window.__host.pong);
        // The cookie would be sent by Clew's own fetches (same origin, top-level window).
        eq(await popup.evaluate(() => fetch('/e2e-private/trace.json').then((r) => r.status)), 200, 'cookie works for Clew itself');
        await page.evaluate((u) => window.postToClew({ clew: { id: 'probe', url: u } }), s.base + 'e2e-private/trace.json');
        const r = await waitReplies(page, 0);
        eq(JSON.stringify(r[0]), JSON.stringify({ clew: { id: 'probe', error: 'Clew could not load a trace from that URL.' } }),
          'a generic error: no status, no body keys');
        eq(s.seen.privateCookies.length, 2, 'two requests: Clew\'s own and the host\'s');
        ok(!s.seen.privateCookies[1].includes('clew_session'), `no cookie on the host's request: ${s.seen.privateCookies[1]}`);
        // Clew's own page says what happened, in full.
        const shown = await popup.getAttribute('[data-testid="app"]', 'data-load-error');
        ok(/401/.test(shown), `the page itself shows the status: ${shown}`);
        await popup.close();
      } finally {
        await context.clearCookies();
        s.close();
      }
    },
  },
  {
    name: 'leak 3: with origins= only the listed hosts are answered; without it a console warning names the risk',
    fn: async (page, { base }) => {
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
      const has = (t) => warnings.some((w) => w.includes(t));
      const until = async (t) => {
        if (!has(t)) await page.waitForEvent('console', { predicate: () => has(t), timeout: 30000 });
      };
      // The host is http://localhost:<port>; Clew lists only its own origin.
      const own = base.replace(/\/$/, '');
      await page.goto(hostUrl(base, 'frame', '?embed=1&origins=' + encodeURIComponent(own)));
      await until('not in this page\'s origins= list');
      eq(await page.evaluate(() => window.__host.pong), false, 'no PONG to an origin not listed');
      // Listed: answered, and no open-API warning.
      warnings.length = 0;
      await page.goto(hostUrl(base, 'frame', '?embed=1&origins=' + encodeURIComponent(own + ',' + otherOrigin(own))));
      await page.waitForFunction(() => window.__host.loaded || window.__host.error, null, { timeout: 60000 });
      eq(JSON.stringify(await page.evaluate(() => window.__host.loaded)), JSON.stringify({ spans: 3, traces: 1 }), 'listed host loads');
      ok(!has('no ?origins= parameter'), 'no warning with origins=');
      // Without origins=: works as before, and the console names the risk.
      await page.goto(hostUrl(base, 'frame'));
      await page.waitForFunction(() => window.__host.pong);
      await until('no ?origins= parameter');
    },
  },
];
