// Static hosting: dist/ served under a deep sub-path with the shipped Content-Security-Policy
// as a header (scripts/csp.mjs, connect-src narrowed to 'self'): the demo and a ?url= trace
// load, every tab draws, and the page records no CSP violation; an inline script is refused
// (the policy is in force). dist/index.html itself has no inline script.
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../scripts/serve.mjs';
import { headerPolicy } from '../scripts/csp.mjs';
import { eq, ok, ready, waitSpans } from './assert.mjs';

const DEEP = '/some/deep/path';

export const tests = [
  {
    name: 'dist/ under /some/deep/path/ with the CSP header: loads, draws every tab, no violation',
    fn: async (page, { root, fixtures }) => {
      const dist = process.env.E2E_DIST || path.join(root, 'dist');
      const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
      ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(html), 'no inline script in dist/index.html');
      ok(html.includes('http-equiv="Content-Security-Policy"'), 'the meta policy is in dist/index.html');
      ok(fs.existsSync(path.join(dist, '_headers')), 'dist/_headers is written');
      const policy = headerPolicy({ connect: "'self'", ancestors: "'self'" });
      const server = await startServer({
        dir: dist, port: 0, headers: { 'content-security-policy': policy },
        mounts: { [DEEP + '/fixtures']: fixtures, [DEEP]: dist },
      });
      const base = `http://127.0.0.1:${server.address().port}${DEEP}/`;
      const refused = [];
      page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
      await page.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      try {
        await page.goto(base);
        await waitSpans(page, 19);
        for (const tab of ['critical-path', 'graph', 'patterns', 'stats', 'llm']) {
          await page.click(`[data-testid="tab-${tab}"]`);
          await ready(page, tab);
        }
        await page.click('[data-testid="tab-waterfall"]');
        await page.click('[data-testid="span-row"] >> nth=2');
        await page.waitForSelector('[data-testid="detail-name"]');
        // A trace by URL from the same sub-path.
        await page.goto(base + '?url=' + encodeURIComponent(base + 'fixtures/small.json'));
        await waitSpans(page, 3);
        eq(JSON.stringify(await page.evaluate(() => window.__csp)), '[]', 'no violation');
        eq(JSON.stringify(refused), '[]', 'nothing refused in the console');
        // The policy is in force: an inline script is refused and reported.
        await page.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s); });
        await page.waitForFunction(() => window.__csp.length > 0);
        eq(await page.evaluate(() => window.__inline), undefined, 'inline script did not run');
        ok((await page.evaluate(() => window.__csp[0])).startsWith('script-src'), 'reported as script-src');
      } finally {
        server.close();
      }
    },
  },
];
