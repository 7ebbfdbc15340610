// Grafana's part, played by e2e/fixtures/grafana.html on another loopback origin (localhost
// vs 127.0.0.1): a dashboard whose Text panel iframes Clew with
// embed=1&backend=tempo&base=…&trace=…, served by the fake Tempo; and its data link, which
// opens Clew in a new tab with backend=…&trace=….
import { eq, ok } from './assert.mjs';
import { startBackends, TRACE } from './fakes/backends.mjs';

export const tests = [
  {
    name: 'a Grafana-like page on another origin iframes Clew reading one trace from Tempo; its data link opens Clew',
    fn: async (page, { base, context }) => {
      const b = await startBackends({ cors: true });
      try {
        const host = base.replace('127.0.0.1', 'localhost');
        await page.setViewportSize({ width: 1400, height: 820 });
        await page.goto(host + 'e2e-fixtures/grafana.html?' + new URLSearchParams({ clew: base, tempo: b.base('tempo'), traceId: TRACE }));
        const frame = await (await page.waitForSelector('iframe')).contentFrame();
        await frame.waitForSelector('[data-testid="app"][data-loaded-spans="3"]', { state: 'attached', timeout: 60000 });
        eq(await frame.textContent('[data-testid="root-operation"]'), 'GET /checkout', 'the trace is shown in the panel');
        eq(await frame.getAttribute('[data-testid="app"]', 'data-embed'), '1', 'embedded');
        eq(await frame.locator('[data-testid="backend-panel"]').count(), 0, 'no search panel in a one-trace panel');
        eq(await frame.locator('[data-testid="connect"]').count(), 0, 'no Connect button embedded');
        const req = b.requests.find((r) => r.kind === 'tempo' && r.path === `/api/v2/traces/${TRACE}`);
        ok(req, 'Tempo asked for the trace');
        eq(req.headers.origin, base.replace(/\/$/, ''), 'asked from Clew\'s origin');
        if (process.env.CLEW_SHOT) await page.screenshot({ path: process.env.CLEW_SHOT });
        // The data link opens Clew (not embedded) in a new tab.
        const popupP = context.waitForEvent('page');
        await page.click('#datalink');
        const tab = await popupP;
        try {
          await tab.waitForSelector('[data-testid="app"][data-loaded-spans="3"]', { state: 'attached', timeout: 60000 });
          eq(await tab.getAttribute('[data-testid="app"]', 'data-embed'), null, 'stand-alone');
          ok(await tab.isVisible('[data-testid="backend-panel"]'), 'the search panel is there for more');
        } finally {
          await tab.close();
        }
      } finally {
        b.close();
      }
    },
  },
];
