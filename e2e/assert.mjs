// Minimal assertions and page helpers for the e2e specs.
export function eq(actual, expected, what = 'value') {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
export function ok(cond, what) {
  if (!cond) throw new Error(`expected: ${what}`);
}

/** Waits until the root reports exactly `spans` loaded spans. */
export async function waitSpans(page, spans, timeout = 60000) {
  await page.waitForFunction((n) => {
    const el = document.querySelector('[data-testid="app"]');
    return el && el.getAttribute('data-loaded-spans') === String(n);
  }, spans, { timeout });
}

/** Waits for a load error and returns its message. */
export async function waitError(page, timeout = 60000) {
  await page.waitForFunction(() => document.querySelector('[data-testid="app"]')?.hasAttribute('data-load-error'), null, { timeout });
  return page.getAttribute('[data-testid="app"]', 'data-load-error');
}

export const rowCount = (page) => page.locator('[data-testid="span-row"]').count();
export const rowNames = (page) => page.$$eval('[data-testid="span-row"] .op', els => els.map(e => e.textContent));
export const selectedName = (page) => page.$eval('[data-testid="span-row"].selected .op', e => e.textContent).catch(() => null);

/** Opens the app (demo unless a query is given) and waits for the load. */
export async function open(page, base, query = '', spans = 19) {
  await page.goto(base + query);
  await waitSpans(page, spans);
}
