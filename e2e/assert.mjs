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

/** Waits until the view of tab `name` has painted its data (`data-ready="1"`). */
export async function ready(page, name, timeout = 60000) {
  await page.waitForSelector(`[data-testid="view-${name}"][data-ready="1"]`, { state: 'attached', timeout });
}

/** Every row of the virtual table `testid` as arrays of cell texts: scrolls it from the
 *  top to the bottom, waiting at each step for the rows there to be answered. */
export async function virtualRows(page, testid) {
  const sel = `[data-testid="${testid}"]`;
  const total = Number(await page.getAttribute(sel, 'data-total'));
  const rows = [];
  let i = 0;
  while (i < total) {
    await page.$eval(`${sel} .vt-scroll`, (el, top) => { el.scrollTop = top; }, i * 24);
    await page.waitForSelector(`${sel} tbody tr[data-row="${i}"]:not(.vt-pending)`, { state: 'attached' });
    const got = await page.$$eval(`${sel} tbody tr[data-row]:not(.vt-pending)`,
      (trs) => trs.map((tr) => [Number(tr.dataset.row), [...tr.children].map((td) => td.textContent)]));
    for (const [k, cells] of got) rows[k] = cells;
    while (i < total && rows[i]) i++;
  }
  await page.$eval(`${sel} .vt-scroll`, (el) => { el.scrollTop = 0; });
  return rows;
}

/** The row of virtual table `testid` with a cell reading `text` (the first one), scrolled
 *  into view: a locator for clicking it. */
export async function virtualRow(page, testid, text) {
  const k = (await virtualRows(page, testid)).findIndex((cells) => cells.includes(text));
  ok(k >= 0, `a row with ${text} in ${testid}`);
  const sel = `[data-testid="${testid}"]`;
  await page.$eval(`${sel} .vt-scroll`, (el, top) => { el.scrollTop = top; }, k * 24);
  const row = page.locator(`${sel} tbody tr[data-row="${k}"]:not(.vt-pending)`);
  await row.waitFor({ state: 'attached' });
  return row;
}
