// Screenshots of the backend UI for review (not a test): the Connect dialog, the search
// panel, the failure messages and the Grafana test page. Needs dist/.
// Usage: node scripts/backend-shots.mjs OUT_DIR
import path from 'node:path';
import { serve, launch, ROOT } from '../e2e/lib.mjs';
import { startBackends, deadBase, TRACE } from '../e2e/fakes/backends.mjs';

const out = process.argv[2] || '/tmp';
const { server, base } = await serve({ '/e2e-fixtures': path.join(ROOT, 'e2e', 'fixtures') });
const { context, close } = await launch();
const b = await startBackends({ cors: true });
const nb = await startBackends({ cors: false });
const page = await context.newPage();
await page.setViewportSize({ width: 1280, height: 760 });
const err = () => page.waitForSelector('[data-testid="app"][data-load-error]', { state: 'attached' });
try {
  await page.goto(base);
  await page.waitForSelector('[data-testid="app"][data-loaded-spans]', { state: 'attached' });
  await page.evaluate(() => localStorage.setItem('clew-connections', JSON.stringify([
    { kind: 'jaeger', base: 'http://jaeger.internal:16686', header_name: 'Authorization', send_cookies: false },
    { kind: 'zipkin', base: 'http://zipkin.internal:9411' }])));
  await page.click('[data-testid="connect"]');
  await page.selectOption('[data-testid="connect-kind"]', 'tempo');
  await page.fill('[data-testid="connect-base"]', b.base('tempo'));
  await page.fill('[data-testid="connect-header"]', 'X-Scope-OrgID: team-a');
  await page.screenshot({ path: path.join(out, 'backend-connect-dialog.png') });
  await page.click('[data-testid="connect-submit"]');
  await page.fill('[data-testid="search-q"]', '{ resource.service.name = "frontend" }');
  await page.click('[data-testid="search-submit"]');
  await page.waitForSelector('[data-testid="search-result"]');
  await page.screenshot({ path: path.join(out, 'backend-search.png') });
  await page.goto(base + '?' + new URLSearchParams({ backend: 'jaeger', base: nb.base('jaeger'), trace: TRACE }));
  await err();
  await page.screenshot({ path: path.join(out, 'backend-error-cors.png') });
  await page.goto(base + '?' + new URLSearchParams({ backend: 'tempo', base: await deadBase('tempo'), trace: TRACE }));
  await err();
  await page.screenshot({ path: path.join(out, 'backend-error-unreachable.png') });
  await page.goto(base + '?' + new URLSearchParams({ backend: 'tempo', base: b.base('tempo'), trace: '00000000000000000000000000000500' }));
  await err();
  await page.screenshot({ path: path.join(out, 'backend-error-http.png') });
  await page.goto(base + '?' + new URLSearchParams({ backend: 'tempo', base: b.base('tempo'), trace: '00000000000000000000000000000200' }));
  await err();
  await page.screenshot({ path: path.join(out, 'backend-error-not-json.png') });
  await page.goto(base.replace('127.0.0.1', 'localhost') + 'e2e-fixtures/grafana.html?' + new URLSearchParams({ clew: base, tempo: b.base('tempo'), traceId: TRACE }));
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('[data-testid="app"][data-loaded-spans="3"]', { state: 'attached' });
  await page.setViewportSize({ width: 1280, height: 820 });
  await page.screenshot({ path: path.join(out, 'backend-grafana.png') });
} finally {
  b.close(); nb.close();
  await close();
  server.close();
}
