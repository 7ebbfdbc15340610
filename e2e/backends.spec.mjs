// Backend connectors against the fake Jaeger, Tempo and Zipkin of e2e/fakes/backends.mjs,
// served on another port of 127.0.0.1 with and without CORS: ?backend=&base=&trace= opens a
// trace (no demo), the Jaeger v3 fallback, searches (q=, service=, the panel's form), each
// failure with its own message, the Connect dialog and its recent connections, and a span
// link to a trace that is not loaded fetched from the backend.
import fs from 'node:fs';
import { eq, ok, waitError, waitSpans } from './assert.mjs';
import { startBackends, deadBase, TRACE, LINKED, LINKED_SPAN, V3_ONLY, FAIL } from './fakes/backends.mjs';

// A row of the trace list (search results are rows whose trace is not loaded, data-loaded="0").
const FOUND = '[data-testid="trace-list"] [data-testid="trace-row"]';
const q = (o) => '?' + new URLSearchParams(o);

/** Runs `fn` with fake backends (CORS on unless `cors: false`), closing them after. */
async function withBackends(opts, fn) {
  const b = await startBackends(opts);
  try {
    return await fn(b);
  } finally {
    b.close();
  }
}

const traceRequests = (b, kind) => b.requests.filter((r) => r.kind === kind && r.method === 'GET' && /\/traces?\//.test(r.path));

export const tests = [
  {
    name: '?backend=&base=&trace= fetches and opens one trace from Tempo, Jaeger (with the v3 fallback) and Zipkin; no demo',
    fn: async (page, { base }) => withBackends({}, async (b) => {
      for (const kind of ['tempo', 'jaeger', 'zipkin']) {
        await page.goto(base + q({ backend: kind, base: b.base(kind), trace: TRACE }));
        await waitSpans(page, 3);
        eq(await page.textContent('[data-testid="root-operation"]'), 'GET /checkout', `${kind}: the trace is shown`);
        const reqs = traceRequests(b, kind);
        const last = reqs[reqs.length - 1];
        eq(last.headers.accept, 'application/json', `${kind}: Accept header`);
        eq(last.headers.cookie, undefined, `${kind}: no cookies`);
        ok(!b.requests.some((r) => r.path.includes('demo')), 'no demo asked of the backend');
      }
      eq(traceRequests(b, 'tempo')[0].path, `/api/v2/traces/${TRACE}`, 'Tempo v2 first');
      eq(traceRequests(b, 'jaeger')[0].path, `/api/traces/${TRACE}`, 'Jaeger v1 first');
      // Jaeger: v1 answers 404, v3 has it.
      await page.goto(base + q({ backend: 'jaeger', base: b.base('jaeger'), trace: V3_ONLY }));
      await waitSpans(page, 3);
      const paths = traceRequests(b, 'jaeger').slice(-2).map((r) => r.path);
      eq(JSON.stringify(paths), JSON.stringify([`/api/traces/${V3_ONLY}`, `/api/v3/traces/${V3_ONLY}`]), 'v1 then v3');
      // No demo: while fetching, nothing else loads; the welcome text never offers the demo.
      ok(!(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('demo.json')))), 'the demo was not fetched');
    }),
  },
  {
    name: 'each failure has its own message: unreachable, CORS, HTTP status with the body, not JSON, JSON but not a trace',
    fn: async (page, { base }) => {
      const dead = await deadBase('tempo');
      await page.goto(base + q({ backend: 'tempo', base: dead, trace: TRACE }));
      let e = await waitError(page);
      ok(e.startsWith('Nothing answered at ' + dead) && !/CORS/.test(e), `unreachable: ${e}`);
      await withBackends({ cors: false }, async (nb) => {
        await page.goto(base + q({ backend: 'jaeger', base: nb.base('jaeger'), trace: TRACE }));
        e = await waitError(page);
        ok(/CORS/.test(e) && e.includes('Access-Control-Allow-Origin: ' + base.replace(/\/$/, '')) && e.includes('QUERY_ADDITIONAL_HEADERS'), `cors: ${e}`);
        await page.goto(base + q({ backend: 'zipkin', base: nb.base('zipkin'), trace: TRACE }));
        ok((await waitError(page)).includes('QUERY_ALLOWED_ORIGINS'), 'Zipkin CORS help');
        await page.goto(base + q({ backend: 'tempo', base: nb.base('tempo'), trace: TRACE }));
        ok(/proxy/.test(await waitError(page)), 'Tempo CORS help: a proxy');
      });
      await withBackends({}, async (b) => {
        await page.goto(base + q({ backend: 'tempo', base: b.base('tempo'), trace: FAIL.http }));
        e = await waitError(page);
        ok(e.startsWith('Tempo answered HTTP 500') && e.includes('It said: querier unavailable'), `http: ${e}`);
        await page.goto(base + q({ backend: 'tempo', base: b.base('tempo'), trace: FAIL.html }));
        e = await waitError(page);
        ok(/not with JSON/.test(e) && /doctype/.test(e), `not json: ${e}`);
        await page.goto(base + q({ backend: 'tempo', base: b.base('tempo'), trace: FAIL.json }));
        e = await waitError(page);
        ok(/with JSON, but not a trace/.test(e), `not a trace: ${e}`);
        await page.goto(base + q({ backend: 'jaeger', base: b.base('jaeger'), trace: '0000000000000000000000000000dead' }));
        e = await waitError(page);
        ok(e.startsWith('Jaeger answered HTTP 404') && e.includes('trace not found') && e.includes('/api/v3/traces/'), `404 after v3: ${e}`);
        eq(await page.getAttribute('[data-testid="app"]', 'aria-busy'), null, 'not busy after a failure');
      });
    },
  },
  {
    name: 'search: q= on Tempo lists summaries and opens one in full; service= on Jaeger and Zipkin; the form',
    fn: async (page, { base }) => withBackends({}, async (b) => {
      await page.goto(base + q({ backend: 'tempo', base: b.base('tempo'), q: '{ status = error }' }));
      await page.waitForSelector(`${FOUND}[data-loaded="0"]`);
      await page.waitForSelector('[data-testid="trace-list-page"][data-ready="1"]');
      const search = b.requests.find((r) => r.kind === 'tempo' && r.path === '/api/search');
      eq(new URLSearchParams(search.search).get('q'), '{ status = error }', 'TraceQL sent');
      eq(await page.getAttribute(FOUND, 'data-trace-id'), TRACE, 'summary listed in the trace list');
      ok((await page.textContent(FOUND)).includes('frontend'), 'root service shown');
      eq(await page.textContent('[data-testid="trace-count"]'), '1 trace', 'the count takes the summary (singular)');
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-spans'), null, 'nothing loaded yet (summaries only)');
      // The list of search results alone is exported as CSV by the worker, with no set loaded.
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="trace-list-csv"]')]);
      const csv = fs.readFileSync(await d.path(), 'utf8').split('\r\n');
      ok(csv[0].startsWith('trace_id,start_utc,root_service,'), `CSV header: ${csv[0]}`);
      ok(csv[1].startsWith(`${TRACE},`) && csv[1].endsWith(',no'), `the found row, not loaded: ${csv[1]}`);
      const fetched = traceRequests(b, 'tempo').length;
      await page.fill('[data-testid="trace-filter"]', 'service=nobody');
      await page.waitForFunction(() => document.querySelector('[data-testid="trace-list"]').dataset.total === '0');
      await page.fill('[data-testid="trace-filter"]', 'frontend');
      await page.click(FOUND);
      await waitSpans(page, 3);
      eq(traceRequests(b, 'tempo').length, fetched + 1, 'one fetch when opened');
      eq(traceRequests(b, 'tempo').pop().path, `/api/v2/traces/${TRACE}`, 'the full trace fetched when opened');
      await page.waitForSelector('[data-testid="waterfall"]');
      for (const kind of ['jaeger', 'zipkin']) {
        await page.goto(base + q({ backend: kind, base: b.base(kind), service: 'frontend' }));
        await page.waitForSelector(FOUND);
        const r = b.requests.filter((x) => x.kind === kind && /\/traces$/.test(x.path)).pop();
        ok(r.search.includes(kind === 'jaeger' ? 'service=frontend' : 'serviceName=frontend'), `${kind} search: ${r.search}`);
        // Jaeger's /api/traces reads its window from start and end (µs), Zipkin's from endTs and lookback (ms).
        const p = new URLSearchParams(r.search);
        const now = Date.now();
        const end = kind === 'jaeger' ? Number(p.get('end')) / 1000 : Number(p.get('endTs'));
        ok(Math.abs(end - now) < 120000, `${kind} search ends now: ${r.search}`);
        if (kind === 'jaeger') eq(Number(p.get('end')) - Number(p.get('start')), 3600e6, 'an hour back, in µs');
        eq(await page.locator(FOUND).count(), 1, `${kind}: one trace`);
      }
      // The form: an empty answer says so.
      await page.fill('[data-testid="search-service"]', 'nobody');
      await page.click('[data-testid="search-submit"]');
      await page.waitForSelector('[data-testid="search-results"], [data-testid="search-empty"]');
    }),
  },
  {
    name: 'the Connect dialog: header and cookies choices, recent connections without the secret, a span link fetched from the backend',
    fn: async (page, { base }) => withBackends({}, async (b) => {
      await page.goto(base);
      await waitSpans(page, 19);
      await page.click('[data-testid="connect"]');
      await page.waitForSelector('[data-testid="connect-dialog"]');
      await page.selectOption('[data-testid="connect-kind"]', 'tempo');
      await page.fill('[data-testid="connect-base"]', 'not a url');
      await page.click('[data-testid="connect-submit"]');
      ok((await page.textContent('[data-testid="connect-problem"]')).includes('http'), 'a bad base is explained');
      await page.fill('[data-testid="connect-base"]', b.base('tempo'));
      await page.fill('[data-testid="connect-header"]', 'Authorization: Bearer s3cret-token');
      await page.click('[data-testid="connect-submit"]');
      await page.waitForSelector('[data-testid="search-form"]');
      const stored = await page.evaluate(() => localStorage.getItem('clew-connections'));
      ok(stored.includes('Authorization') && !stored.includes('s3cret'), `no secret stored: ${stored}`);
      await page.fill('[data-testid="search-q"]', '{ }');
      await page.click('[data-testid="search-submit"]');
      await page.click(`${FOUND}[data-loaded="0"]`);
      await waitSpans(page, 3);
      const sent = traceRequests(b, 'tempo').pop();
      eq(sent.headers.authorization, 'Bearer s3cret-token', 'the header is sent');
      eq(sent.headers.cookie, undefined, 'no cookies');
      // The span with a link to a trace that is not loaded: fetched from Tempo and added.
      await page.click('[data-testid="span-row"] >> nth=1');
      await page.click('[data-testid="link-fetch"]');
      await waitSpans(page, 6);
      ok(traceRequests(b, 'tempo').some((r) => r.path === `/api/v2/traces/${LINKED}`), 'linked trace fetched');
      await page.waitForFunction((s) => location.hash.includes('span=' + s), LINKED_SPAN);
      // Remembered: the value is kept when asked.
      await page.click('[data-testid="backend-change"]');
      await page.waitForSelector('[data-testid="connect-recent-item"]');
      ok((await page.textContent('[data-testid="connect-recent-item"]')).includes('asked again'), 'recent entry says the value is not kept');
      await page.click('[data-testid="connect-recent-item"]');
      await page.fill('[data-testid="connect-header"]', 'Authorization: Bearer s3cret-token');
      await page.check('[data-testid="connect-remember"]');
      await page.check('[data-testid="connect-cookies"]');
      await page.click('[data-testid="connect-submit"]');
      await page.waitForSelector('[data-testid="search-form"]');
      ok((await page.evaluate(() => localStorage.getItem('clew-connections'))).includes('s3cret'), 'remembered on request');
      await page.fill('[data-testid="search-q"]', '{ }');
      await page.click('[data-testid="search-submit"]');
      await page.waitForSelector(FOUND);
      eq(b.requests.filter((r) => r.kind === 'tempo' && r.path === '/api/search').pop().headers.authorization, 'Bearer s3cret-token', 'header on search');
      await page.evaluate(() => localStorage.removeItem('clew-connections'));
    }),
  },
];
