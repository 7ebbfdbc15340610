// Fake Jaeger, Tempo and Zipkin query APIs for the e2e specs: one small node server on
// 127.0.0.1 (a free port) answering under /jaeger, /tempo and /zipkin with the recorded
// shapes of the real APIs (Jaeger {data,total,limit,offset,errors} and v3 {result};
// Tempo search {traces:[{traceID, rootServiceName, rootTraceName, startTimeUnixNano,
// durationMs, spanSets}]}, v2 {trace:{resourceSpans}} and v1 {batches}; Zipkin arrays).
// With cors: true it answers CORS (echoing the origin, with credentials, and preflights);
// without, it sends no CORS header at all. Every request is recorded in `requests`.
import http from 'node:http';

export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
/** The trace a span of TRACE links to; not in the search answers. */
export const LINKED = '5bf92f3577b34da6a3ce929d0e0e4737';
export const LINKED_SPAN = 'a000000000000002';
/** Jaeger: only v3 (/api/v3/traces/{id}) knows it; v1 answers 404. */
export const V3_ONLY = '6bf92f3577b34da6a3ce929d0e0e4738';
/** Ids that make the trace endpoints fail in one way each. */
export const FAIL = { http: '00000000000000000000000000000500', html: '00000000000000000000000000000200', json: '00000000000000000000000000000201' };

const T0_US = 1705327800000000; // 2024-01-15T14:10:00Z
const kv = (key, v) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });

/** Three spans (frontend → cart → db) as plain records, µs times. */
function spans(traceId) {
  const s = (id, parent, service, name, start, dur, extra = {}) => ({ id, parent, service, name, start: T0_US + start, dur, ...extra });
  return [
    s('a000000000000001', null, 'frontend', 'GET /checkout', 0, 120000, { kind: 2 }),
    s('a000000000000002', 'a000000000000001', 'cart', 'load cart', 10000, 60000, { kind: 3, link: traceId === TRACE ? [LINKED, LINKED_SPAN] : null }),
    s('a000000000000003', 'a000000000000002', 'cart', 'SELECT cart', 20000, 30000, { kind: 3, attrs: { 'db.system': 'postgresql' } }),
  ];
}

function otlp(traceId) {
  const byService = new Map();
  for (const s of spans(traceId)) {
    if (!byService.has(s.service)) byService.set(s.service, []);
    byService.get(s.service).push({
      traceId, spanId: s.id, ...(s.parent ? { parentSpanId: s.parent } : {}), name: s.name, kind: s.kind,
      startTimeUnixNano: String(s.start * 1000), endTimeUnixNano: String((s.start + s.dur) * 1000),
      attributes: Object.entries(s.attrs || {}).map(([k, v]) => kv(k, v)),
      ...(s.link ? { links: [{ traceId: s.link[0], spanId: s.link[1] }] } : {}),
    });
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [kv('service.name', service)] }, scopeSpans: [{ scope: { name: 'fake' }, spans: list }],
    })),
  };
}

function jaegerTrace(traceId) {
  const procs = {};
  const list = spans(traceId).map((s) => {
    const pid = 'p' + (Object.keys(procs).find((k) => procs[k].serviceName === s.service)?.slice(1) || (Object.keys(procs).length + 1));
    procs[pid] = { serviceName: s.service, tags: [] };
    return {
      traceID: traceId, spanID: s.id, operationName: s.name, processID: pid, startTime: s.start, duration: s.dur, flags: 1,
      references: s.parent ? [{ refType: 'CHILD_OF', traceID: traceId, spanID: s.parent }] : [],
      tags: Object.entries(s.attrs || {}).map(([key, value]) => ({ key, type: 'string', value })), logs: [], warnings: null,
    };
  });
  return { traceID: traceId, spans: list, processes: procs, warnings: null };
}

function zipkinTrace(traceId) {
  const k = { 2: 'SERVER', 3: 'CLIENT' };
  return spans(traceId).map((s) => ({
    traceId, id: s.id, ...(s.parent ? { parentId: s.parent } : {}), name: s.name, kind: k[s.kind],
    timestamp: s.start, duration: s.dur, localEndpoint: { serviceName: s.service }, tags: s.attrs || {},
  }));
}

const jaegerEnvelope = (data) => ({ data, total: Array.isArray(data) ? data.length : 0, limit: 0, offset: 0, errors: null });

/** The answer for one request: [status, content type, body text]. */
function answer(kind, path, query) {
  const json = (v, status = 200) => [status, 'application/json', JSON.stringify(v)];
  const id = path.split('/').pop();
  if (id === FAIL.http) return [500, 'text/plain', 'querier unavailable: too many outstanding requests'];
  if (id === FAIL.html) return [200, 'text/html', '<!doctype html><title>Sign in</title><form>…</form>'];
  if (id === FAIL.json) return json({ status: 'ok', uptime: 12 });
  const known = [TRACE, LINKED];
  if (kind === 'jaeger') {
    if (path === '/api/services') return json(jaegerEnvelope(['cart', 'frontend']));
    if (/^\/api\/services\/[^/]+\/operations$/.test(path)) return json(jaegerEnvelope(['GET /checkout', 'load cart']));
    if (path === '/api/traces') return json(jaegerEnvelope(query.get('service') === 'nobody' ? [] : [jaegerTrace(TRACE)]));
    if (path.startsWith('/api/traces/')) {
      return known.includes(id) ? json(jaegerEnvelope([jaegerTrace(id)]))
        : json({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] }, 404);
    }
    if (path.startsWith('/api/v3/traces/')) {
      return [...known, V3_ONLY].includes(id) ? json({ result: otlp(id) }) : json({ error: { httpCode: 404, message: 'trace not found' } }, 404);
    }
  }
  if (kind === 'tempo') {
    if (path === '/api/search') {
      return json({ traces: [{ traceID: TRACE, rootServiceName: 'frontend', rootTraceName: 'GET /checkout',
        startTimeUnixNano: String(T0_US * 1000), durationMs: 120, spanSets: [{ spans: [], matched: 3 }] }], metrics: { inspectedTraces: 1 } });
    }
    if (path === '/api/search/tags') return json({ tagNames: ['service.name', 'http.method'] });
    if (/^\/api\/v2\/search\/tag\/[^/]+\/values$/.test(path)) return json({ tagValues: [{ type: 'string', value: 'cart' }, { type: 'string', value: 'frontend' }] });
    if (path.startsWith('/api/v2/traces/')) return known.includes(id) ? json({ trace: otlp(id) }) : [404, 'text/plain', 'trace not found'];
    if (path.startsWith('/api/traces/')) return known.includes(id) ? json({ batches: otlp(id).resourceSpans }) : [404, 'text/plain', 'trace not found'];
  }
  if (kind === 'zipkin') {
    if (path === '/api/v2/services') return json(['cart', 'frontend']);
    if (path === '/api/v2/traces') return json([zipkinTrace(TRACE)]);
    if (path.startsWith('/api/v2/trace/')) return known.includes(id) ? json(zipkinTrace(id)) : [404, 'text/plain', `Cannot find trace ${id}`];
  }
  return [404, 'text/plain', 'not found'];
}

/** Starts the fake backends; `base(kind)` is the base URL to give Clew. */
export async function startBackends({ cors = true } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const [, kind, ...rest] = url.pathname.split('/');
    const path = '/' + rest.join('/');
    requests.push({ method: req.method, kind, path, search: url.search, headers: req.headers });
    const corsHeaders = cors ? {
      'access-control-allow-origin': req.headers.origin || '*', 'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'authorization, x-scope-orgid, accept', vary: 'Origin',
    } : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(cors ? 204 : 405, { ...corsHeaders, 'access-control-allow-methods': 'GET' }).end();
      return;
    }
    const [status, type, body] = answer(kind, path, url.searchParams);
    res.writeHead(status, { 'content-type': type, ...corsHeaders }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    requests,
    base: (kind) => `http://127.0.0.1:${port}/${kind}`,
    close: () => { server.closeAllConnections?.(); server.close(); },
  };
}

/** A base URL where nothing answers (a port that was free a moment ago). */
export async function deadBase(kind) {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/${kind}`;
}

export { otlp, jaegerTrace, zipkinTrace };
