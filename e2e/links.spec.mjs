// Link templates: `?links=<URL of a JSON file>` (e2e/fixtures/links.json) gives the trace
// header a link with the trace id and times substituted, and an LLM span's detail panel a
// link with its model URL-encoded; the settings dialog saves templates in the browser.
import { eq, ok, open } from './assert.mjs';

const TRACE_HREF = 'https://logs.example/explore?q=3fa85f6457174562b3fc2c963f66afa6&from=1795600800000&to=1795600803841';

export const tests = [
  {
    name: 'links= gives the header and the detail panel their template links',
    fn: async (page, { base }) => {
      await open(page, base, '?links=/e2e-fixtures/links.json');
      const header = page.locator('.trace-header [data-testid="link-template"]');
      await header.first().waitFor();
      eq(await header.getAttribute('href'), TRACE_HREF, 'trace link href');
      eq(await header.textContent(), 'Logs of trace 3fa85f6457174562b3fc2c963f66afa6', 'trace link text');
      await page.locator('[data-testid="span-row"]', { hasText: 'generate' }).first().click();
      await page.waitForSelector('[data-testid="detail"]');
      const model = page.locator('[data-testid="detail"] [data-testid="link-template"]', { hasText: 'Model' });
      await model.waitFor();
      const href = await model.getAttribute('href');
      ok(/^https:\/\/metrics\.example\/d\/llm\?model=[A-Za-z0-9._~%-]+&svc=llm-router$/.test(href), `model link: ${href}`);
    },
  },
  {
    name: 'the settings dialog saves templates; bad ones are refused',
    fn: async (page, { base }) => {
      await open(page, base);
      await page.click('[data-testid="links-settings"]');
      await page.fill('[data-testid="links-json"]', '[{"type":"traceId","url":"javascript:alert(1)"}]');
      await page.click('[data-testid="links-save"]');
      ok((await page.textContent('[data-testid="links-dialog-error"]')).includes('http'), 'non-http template refused');
      await page.fill('[data-testid="links-json"]', '[{"type":"traceId","url":"https://t.example/#{trace_id}","text":"Trace"}]');
      await page.click('[data-testid="links-save"]');
      await page.waitForSelector('[data-testid="links-dialog"]', { state: 'detached' });
      eq(await page.getAttribute('.trace-header [data-testid="link-template"]', 'href'), 'https://t.example/3fa85f6457174562b3fc2c963f66afa6', 'saved link');
      await page.reload();
      await page.waitForSelector('.trace-header [data-testid="link-template"]');
      eq(await page.textContent('.trace-header [data-testid="link-template"]'), 'Trace', 'kept after a reload');
      await page.evaluate(() => localStorage.removeItem('clew.linkTemplates'));
    },
  },
];
