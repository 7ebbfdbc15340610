// LLM tab (issue 6): per-call tokens and table costs on the demo, totals, most
// expensive/slowest, sorting, CSV export, the prices dialog (edit, persist, import,
// errors), unknown models, jump to the waterfall, and prompts/completions as literal text.
import fs from 'node:fs';
import path from 'node:path';
import { eq, ok, waitSpans, open, selectedName, ready } from './assert.mjs';

const PRICES_KEY = 'clew.prices';

/** Opens the app with the built-in price table (stored edits are cleared on the
 * first load of this page only, so a reload keeps them) and shows the LLM tab. */
async function openLlm(page, base, query = '', spans = 19) {
  await page.addInitScript((key) => {
    if (!sessionStorage.getItem('llm-spec-init')) {
      localStorage.removeItem(key);
      sessionStorage.setItem('llm-spec-init', '1');
    }
  }, PRICES_KEY);
  await open(page, base, query, spans);
  await showLlm(page);
}

async function showLlm(page) {
  await page.click('[data-testid="tab-llm"]');
  await ready(page, 'llm');
}

/** Shows a part of the LLM tab: `trace`, `charts` or `tables`. */
async function part(page, name) {
  await page.click(`[data-testid="llm-part-${name}"]`);
  await ready(page, 'llm');
}

/** Removes stored price edits so later tests and specs see the built-in table. */
async function clearPrices(page) {
  await page.evaluate((key) => localStorage.removeItem(key), PRICES_KEY).catch(() => {});
}

const fixtureQuery = (base, name) => '?url=' + encodeURIComponent(base + 'e2e-fixtures/' + name);

/** Rows of a table block as arrays of cell texts. */
const tableRows = (page, testid) => page.$$eval(`[data-testid="${testid}"] tbody tr`, trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)));
const tableHeader = (page, testid) => page.$$eval(`[data-testid="${testid}"] thead th`, ths => ths.map(th => th.textContent.replace(/[ ▲▼]+$/, '')));

/** The calls table as objects keyed by column name. */
async function calls(page, testid = 'llm-calls-table') {
  const header = await tableHeader(page, testid);
  const rows = await tableRows(page, testid);
  return rows.map(r => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
const callBySpan = async (page, name) => (await calls(page)).find(c => c.Span === name);

const text = (page, testid) => page.textContent(`[data-testid="${testid}"]`);

async function openPrices(page) {
  await page.click('[data-testid="prices-open"]');
  await page.waitForSelector('[data-testid="prices-dialog"]');
}
async function closePrices(page) {
  await page.click('[data-testid="prices-close"]');
  await page.waitForSelector('[data-testid="prices-dialog"]', { state: 'detached' });
}

/** Waits until the calls-table cost of a span reads `want`. */
async function waitCost(page, span, want) {
  await page.waitForFunction(([span, want]) => {
    const block = document.querySelector('[data-testid="llm-calls-table"]');
    if (!block) return false;
    const names = [...block.querySelectorAll('thead th')].map(th => th.textContent.replace(/[ ▲▼]+$/, ''));
    const si = names.indexOf('Span'), ci = names.indexOf('Cost');
    return [...block.querySelectorAll('tbody tr')].some(tr => {
      const td = tr.querySelectorAll('td');
      return td[si]?.textContent === span && td[ci]?.textContent === want;
    });
  }, [span, want], { timeout: 10000 });
}

export const tests = [
  {
    name: 'demo: per-call tokens, table costs, total, most expensive and slowest',
    fn: async (page, { base }) => {
      await openLlm(page, base);
      const c = await calls(page);
      eq(c.length, 4, 'calls');
      const want = {
        classify: ['156', '43', '$0.0000492', 'gpt-4o-mini'],
        generate: ['2,847', '612', '$0.017721', 'claude-3-5-sonnet-20241022'],
        postprocess: ['674', '124', '$0.000176', 'gpt-4o-mini'],
        embedding: ['312', '0', '$0.0000312', 'text-embedding-ada-002'],
      };
      for (const [span, [input, output, cost, model]] of Object.entries(want)) {
        const r = c.find(x => x.Span === span);
        ok(r, `a row for ${span}`);
        eq(r['Input tokens'], input, `${span} input tokens`);
        eq(r['Output tokens'], output, `${span} output tokens`);
        eq(r.Cost, cost, `${span} cost`);
        eq(r.Model, model, `${span} model`);
        eq(r['Cost source'], 'table', `${span} cost source`);
      }
      eq(await text(page, 'llm-calls-count'), 'LLM calls40 errors, 0 rate-limited', 'calls card');
      const total = await page.textContent('[data-testid="llm-total-cost"] .v');
      eq(total, '$0.017977', 'total cost');
      ok((await text(page, 'llm-total-cost')).includes('all calls priced'), 'all priced');
      eq(await page.textContent('[data-testid="llm-input-tokens"] .v'), '3,989', 'input tokens');
      eq(await page.textContent('[data-testid="llm-output-tokens"] .v'), '779', 'output tokens');
      const exp = await text(page, 'llm-most-expensive');
      ok(exp.startsWith('Most expensive:') && exp.includes('generate') && exp.includes('$0.017721'), `most expensive: ${exp}`);
      const slow = await text(page, 'llm-slowest');
      ok(slow.startsWith('Slowest:') && slow.includes('generate') && slow.includes('2.21 s'), `slowest: ${slow}`);
      await part(page, 'charts');
      ok((await text(page, 'llm-all-totals')).includes('4 calls · $0.017977 priced · 0 unpriced'), 'all-traces totals');
      eq(await page.locator('[data-testid="llm-charts"] svg').count(), 4, 'four charts');
      ok((await text(page, 'llm-prices-as-of')).startsWith('Prices as of 20'), 'price date shown');
    },
  },
  {
    name: 'sorting the calls table by a header click changes the order',
    fn: async (page, { base }) => {
      await openLlm(page, base);
      const spans = async () => (await calls(page)).map(c => c.Span);
      eq((await spans()).join(','), 'embedding,classify,generate,postprocess', 'start order (by start time)');
      const th = (name) => page.locator('[data-testid="llm-calls-table"] thead th', { has: page.locator('button', { hasText: new RegExp('^' + name + '( [▲▼])?$') }) });
      const sortBy = async (name) => { await th(name).locator('button').click(); await ready(page, 'llm'); };
      await sortBy('Cost');
      eq((await spans()).join(','), 'generate,postprocess,classify,embedding', 'cost, largest first');
      eq(await th('Cost').getAttribute('aria-sort'), 'descending', 'aria-sort descending');
      await sortBy('Cost');
      eq((await spans()).join(','), 'embedding,classify,postprocess,generate', 'cost, smallest first');
      eq(await th('Cost').getAttribute('aria-sort'), 'ascending', 'aria-sort ascending');
      await sortBy('Latency');
      eq((await spans()).join(','), 'generate,classify,postprocess,embedding', 'latency, slowest first');
      eq(await th('Cost').getAttribute('aria-sort'), 'none', 'previous column unsorted');
      await sortBy('Span');
      eq((await spans()).join(','), 'classify,embedding,generate,postprocess', 'span name A→Z');
      // An aggregate table sorts too.
      await part(page, 'tables');
      const modelCol = async () => (await tableRows(page, 'llm-table-by-model')).map(r => r[0]);
      eq((await modelCol()).join(','), 'claude-3-5-sonnet-20241022,gpt-4o-mini,text-embedding-ada-002', 'by model, start');
      await page.locator('[data-testid="llm-table-by-model"] thead th button', { hasText: /^Calls( [▲▼])?$/ }).click();
      await ready(page, 'llm');
      eq((await modelCol())[0], 'gpt-4o-mini', 'by model sorted by calls');
    },
  },
  {
    name: 'Export CSV downloads the calls table with a header and 4 rows',
    fn: async (page, { base }) => {
      await openLlm(page, base);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="llm-calls-table-csv"]')]);
      eq(download.suggestedFilename(), 'clew-llm-calls.csv', 'file name');
      const file = await download.path();
      const csv = fs.readFileSync(file, 'utf8');
      const lines = csv.split('\r\n').filter(l => l.length);
      eq(lines.length, 5, 'header + 4 rows');
      const header = lines[0].split(',');
      for (const h of ['Span', 'Model', 'Input tokens', 'Output tokens', 'Cost (USD)', 'Latency (ms)']) ok(header.includes(h), `header has ${h}: ${lines[0]}`);
      const col = (name) => header.indexOf(name);
      const gen = lines.slice(1).map(l => l.split(',')).find(f => f[col('Span')] === 'generate');
      ok(gen, 'a generate row');
      eq(gen[col('Input tokens')], '2847', 'raw input tokens');
      eq(gen[col('Output tokens')], '612', 'raw output tokens');
      eq(Number(gen[col('Cost (USD)')]), 0.017721, 'raw cost');
      eq(gen[col('Model')], 'claude-3-5-sonnet-20241022', 'model');
      // The export follows the sort shown.
      await page.locator('[data-testid="llm-calls-table"] thead th button', { hasText: /^Cost( [▲▼])?$/ }).click();
      await ready(page, 'llm');
      const [d2] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="llm-calls-table-csv"]')]);
      const sorted = fs.readFileSync(await d2.path(), 'utf8').split('\r\n').filter(l => l.length);
      eq(sorted.length, 5, 'sorted export rows');
      eq(sorted[1].split(',')[col('Span')], 'generate', 'most expensive first in the sorted export');
    },
  },
  {
    name: 'prices dialog: an edited price changes the cost and persists across a reload',
    fn: async (page, { base }) => {
      try {
        await openLlm(page, base);
        eq(await page.locator('input[type="file"]').count(), 1, 'one file input before the dialog');
        await openPrices(page);
        eq(await page.locator('[data-testid="prices-dialog"] input[type="file"]').count(), 0, 'no file input in the dialog');
        const out = page.locator('[data-testid="prices-dialog"] input[aria-label="output price of claude-3-5-sonnet"]');
        eq(await out.inputValue(), '15', 'built-in output price');
        await out.fill('30');
        await out.press('Enter');
        // 2847 × $3/M + 612 × $30/M = $0.026901
        await page.waitForFunction((key) => (localStorage.getItem(key) || '').includes('claude-3-5-sonnet'), PRICES_KEY);
        ok((await text(page, 'prices-as-of')).includes('(edited)'), 'marked as edited');
        await closePrices(page);
        eq(await page.locator('input[type="file"]').count(), 1, 'one file input after the dialog closed');
        await waitCost(page, 'generate', '$0.026901');
        eq(await page.textContent('[data-testid="llm-total-cost"] .v'), '$0.027157', 'total follows the edit');
        const stored = JSON.parse(await page.evaluate((key) => localStorage.getItem(key), PRICES_KEY));
        eq(stored.models.find(m => m.model === 'claude-3-5-sonnet').output, 30, 'stored output price');

        await page.reload();
        await waitSpans(page, 19);
        await showLlm(page);
        await waitCost(page, 'generate', '$0.026901');
        eq(await page.textContent('[data-testid="llm-total-cost"] .v'), '$0.027157', 'total after reload');

        // Reset restores the table and forgets the edit.
        await openPrices(page);
        await page.click('[data-testid="prices-reset"]');
        eq(await page.evaluate((key) => localStorage.getItem(key), PRICES_KEY), null, 'stored edit removed');
        await closePrices(page);
        await waitCost(page, 'generate', '$0.017721');
      } finally {
        await clearPrices(page);
      }
    },
  },
  {
    name: 'prices dialog: import by paste, and invalid JSON shows a clear error',
    fn: async (page, { base }) => {
      try {
        await openLlm(page, base);
        await openPrices(page);
        await page.fill('[data-testid="prices-import-text"]', '{"as_of": "2030-01-02", "models": [');
        await page.click('[data-testid="prices-import"]');
        const err = await page.textContent('[data-testid="prices-error"]');
        ok(err.includes('not valid JSON') && err.includes('line 1'), `error says what and where: ${err}`);
        eq(await page.getAttribute('[data-testid="prices-error"]', 'role'), 'alert', 'error is an alert');
        eq(await page.evaluate((key) => localStorage.getItem(key), PRICES_KEY), null, 'nothing stored');
        await page.fill('[data-testid="prices-import-text"]', '{"as_of": "2030-01-02", "models": [{"model": "gpt-4o-mini", "input": "cheap", "output": 1}]}');
        await page.click('[data-testid="prices-import"]');
        const err2 = await page.textContent('[data-testid="prices-error"]');
        ok(err2.includes('gpt-4o-mini') && err2.includes('input'), `shape error names the entry and field: ${err2}`);

        const table = { as_of: '2030-01-02', models: [{ provider: 'anthropic', model: 'claude-3-5-sonnet', input: 1, output: 1 }] };
        await page.fill('[data-testid="prices-import-text"]', JSON.stringify(table));
        await page.click('[data-testid="prices-import"]');
        const notice = await page.textContent('[data-testid="prices-notice"]');
        ok(notice.includes('Imported 1 model') && notice.includes('2030-01-02'), `notice: ${notice}`);
        eq(await page.locator('[data-testid="prices-error"]').count(), 0, 'error cleared');
        eq(await page.locator('[data-testid="prices-table"] tbody tr:not([data-testid="prices-add-row"])').count(), 1, 'one model in the table');
        eq(await page.locator('input[type="file"]').count(), 1, 'still one file input while the dialog is open');
        await closePrices(page);
        // (2847 + 612) × $1/M; the gpt-4o-mini and embedding calls are now unpriced.
        await waitCost(page, 'generate', '$0.003459');
        eq((await callBySpan(page, 'classify')).Cost, 'unknown', 'classify now unpriced');
        ok((await text(page, 'llm-prices-as-of')).includes('2030-01-02'), 'new date shown');
        ok((await text(page, 'llm-total-cost')).includes('+ 3 unpriced calls'), 'unpriced counted');
        eq(await page.locator('input[type="file"]').count(), 1, 'one file input after the dialog closed');
      } finally {
        await clearPrices(page);
      }
    },
  },
  {
    name: 'an unknown model shows cost "unknown" and counts as unpriced',
    fn: async (page, { base }) => {
      await openLlm(page, base, fixtureQuery(base, 'llm-unknown.json'), 3);
      const acme = await callBySpan(page, 'chat acme-mystery-7b');
      eq(acme.Cost, 'unknown', 'unknown cost cell');
      eq(acme['Input tokens'], '1,000', 'tokens still shown');
      eq(acme['Cost source'], 'unknown', 'cost source');
      eq((await callBySpan(page, 'chat gpt-4o-mini')).Cost, '$0.00075', 'known model priced');
      eq(await page.textContent('[data-testid="llm-total-cost"] .v'), '$0.00075', 'total sums priced calls only');
      ok((await text(page, 'llm-total-cost')).includes('+ 1 unpriced call'), 'unpriced call counted');
      await part(page, 'tables');
      ok((await text(page, 'llm-all-totals')).includes('2 calls · $0.00075 priced · 1 unpriced'), 'all-traces totals');
      const byModel = await tableRows(page, 'llm-table-by-model');
      const row = byModel.find(r => r[0] === 'acme-mystery-7b');
      ok(row, 'by-model row for the unknown model');
      eq(row[2], 'unknown', 'by-model cost unknown');
      eq(row[3], '1', 'by-model unpriced calls');
      // The detail panel says why.
      await part(page, 'trace');
      await page.locator('[data-testid="llm-calls-table"] tbody tr', { hasText: 'acme-mystery-7b' }).click();
      await page.waitForSelector('[data-testid="llm-span-cost"]');
      eq(await text(page, 'llm-span-cost'), 'unknown (model not in the price table)', 'detail cost');
    },
  },
  {
    name: 'clicking a call row jumps to the waterfall with the span selected',
    fn: async (page, { base }) => {
      await openLlm(page, base);
      await page.locator('[data-testid="llm-calls-table"] tbody tr', { hasText: 'classify' }).click();
      await page.waitForSelector('[data-testid="waterfall"]');
      eq(await selectedName(page), 'classify', 'selected row');
      eq(await page.getAttribute('[data-testid="tab-llm"]', 'aria-selected'), 'false', 'LLM tab left');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await text(page, 'detail-name'), 'classify', 'detail');
      const facts = await text(page, 'llm-span-facts');
      ok(facts.includes('gpt-4o-mini') && facts.includes('156 in') && facts.includes('43 out'), `LLM section facts: ${facts}`);
      ok((await text(page, 'llm-span-cost')).startsWith('$0.0000492 (price table: gpt-4o-mini'), 'detail cost from the table');
      // The most-expensive button jumps too.
      await showLlm(page);
      await page.click('[data-testid="llm-most-expensive"]');
      await page.waitForSelector('[data-testid="waterfall"]');
      eq(await selectedName(page), 'generate', 'generate selected');
    },
  },
  {
    name: 'prompts and completions with markup show as literal text',
    fn: async (page, { base }) => {
      await openLlm(page, base, fixtureQuery(base, 'llm-markup.json'), 3);
      // A model name with markup stays text in the tables and the SVG charts.
      const injected = () => page.locator('[data-testid="view-llm"] img, [data-testid="view-llm"] script, [data-testid="view-llm"] b').count();
      eq(await injected(), 0, 'no injected elements in the view');
      ok((await text(page, 'llm-calls-table')).includes('<img src=x onerror="window.__xss=5">'), 'markup model shown literally');
      await part(page, 'charts');
      eq(await injected(), 0, 'no injected elements in the charts');
      ok((await text(page, 'llm-chart-latency')).includes('<img src=x'), 'chart label literal');
      await part(page, 'tables');
      eq(await injected(), 0, 'no injected elements in the tables');
      await part(page, 'trace');
      await page.locator('[data-testid="llm-calls-table"] tbody tr', { hasText: 'chat gpt-4o-mini' }).click();
      await page.waitForSelector('[data-testid="llm-span-chat"]');
      const chat = page.locator('[data-testid="llm-span-chat"]');
      const texts = await chat.locator('pre.llm-text').allTextContents();
      eq(texts.length, 3, 'system, user and assistant messages');
      eq(texts[0], 'Answer in <i>plain</i> text & be brief.', 'system text literal');
      eq(texts[1], '<b>hi</b><script>window.__xss=3</script>', 'user text literal');
      eq(texts[2], '<img src=x onerror="window.__xss=4"> done', 'assistant text literal');
      eq(await page.locator('[data-testid="detail"] b, [data-testid="detail"] script, [data-testid="detail"] img, [data-testid="detail"] i').count(), 0, 'no injected elements in detail');
      ok(await chat.locator('pre.llm-text').nth(1).isVisible(), 'short messages open');
      eq(await page.evaluate(() => window.__xss), undefined, 'no script ran');
      fs.mkdirSync('/tmp/shots', { recursive: true });
      await page.locator('[data-testid="detail"]').screenshot({ path: '/tmp/shots/llm-detail-chat.png' });
    },
  },
  {
    name: 'screenshots of the LLM tab on the demo, light and dark',
    fn: async (page, { base }) => {
      await openLlm(page, base);
      fs.mkdirSync('/tmp/shots', { recursive: true });
      const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme') || 'light');
      const shoot = async () => {
        await ready(page, 'llm');
        const t = await theme();
        await page.$eval('[data-testid="view-llm"]', el => { el.scrollTop = 0; });
        await page.screenshot({ path: path.join('/tmp/shots', `llm-${t}.png`) });
        await part(page, 'charts');
        await page.locator('[data-testid="llm-charts"]').screenshot({ path: path.join('/tmp/shots', `llm-${t}-charts.png`) });
        await part(page, 'tables');
        await page.locator('[data-testid="llm-all"]').screenshot({ path: path.join('/tmp/shots', `llm-${t}-tables.png`) });
        await part(page, 'charts');
        await openPrices(page);
        await page.screenshot({ path: path.join('/tmp/shots', `llm-${t}-prices.png`) });
        await closePrices(page);
        return t;
      };
      const first = await shoot();
      await page.click('[data-testid="theme-toggle"]');
      await page.waitForFunction((t) => document.documentElement.getAttribute('data-theme') !== t, first);
      const second = await shoot();
      ok(new Set([first, second]).size === 2 && [first, second].includes('dark'), `both themes shot: ${first}, ${second}`);
      // Chart backgrounds follow the theme (the charts are redrawn for it).
      await ready(page, 'llm');
      const fill = await page.$eval('[data-testid="llm-chart-cost-by-model"] svg rect', r => r.getAttribute('fill'));
      ok(fill && fill.toLowerCase() !== '#ffffff' && fill.toLowerCase() !== 'white', `dark chart background: ${fill}`);
      await page.click('[data-testid="theme-toggle"]');
    },
  },
];
