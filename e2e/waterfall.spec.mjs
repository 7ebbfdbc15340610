// Waterfall interactions: collapse/expand, find, keyboard, deep links, detail panel, text safety, theme,
// LLM badges on the bars, and jumps from other views.
import path from 'node:path';
import fs from 'node:fs';
import { eq, ok, waitSpans, rowCount, rowNames, selectedName, open, ready } from './assert.mjs';

const row = (page, name) => page.locator('[data-testid="span-row"]', { has: page.locator('.op', { hasText: new RegExp('^' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$') }) });

/** An OTLP file: a root with `n` children; child `llmAt` is an LLM call. */
function wideTrace(n, llmAt) {
  const t0 = 1700000000000000000n;
  const ms = (x) => String(t0 + BigInt(Math.round(x * 1e6)));
  const id = (k) => k.toString(16).padStart(16, '0');
  const spans = [{ traceId: 'ab'.repeat(16), spanId: id(1), name: 'root', kind: 2, startTimeUnixNano: ms(0), endTimeUnixNano: ms(n + 10) }];
  for (let k = 0; k < n; k++) {
    const s = { traceId: 'ab'.repeat(16), spanId: id(k + 2), parentSpanId: id(1), name: k === llmAt ? 'deep llm call' : `step ${k}`,
      kind: 3, startTimeUnixNano: ms(k), endTimeUnixNano: ms(k + 5), attributes: [] };
    if (k === llmAt) {
      s.attributes.push({ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '1000' } }, { key: 'gen_ai.usage.output_tokens', value: { intValue: '100' } });
    }
    spans.push(s);
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'wide' } }] }, scopeSpans: [{ spans }] }] });
}

/** Rects of the badge and of the duration text of each badged row, and whether they overlap. */
const badgeGeometry = (page) => page.$$eval('[data-testid="span-row"]', (rows) => rows.filter(r => r.querySelector('[data-testid="llm-badge"]')).map((r) => {
  const b = r.querySelector('[data-testid="llm-badge"]').getBoundingClientRect();
  const d = r.querySelector('.dur .d').getBoundingClientRect();
  const row = r.getBoundingClientRect();
  const overlap = b.left < d.right && d.left < b.right;
  const badge = r.querySelector('[data-testid="llm-badge"]');
  return { name: r.querySelector('.op').textContent, text: badge.textContent, overlap, inRow: b.left >= row.left && b.right <= row.right + 0.5,
    clipped: badge.scrollWidth > badge.clientWidth + 1 };
}));

export const tests = [
  {
    name: 'collapse and expand a subtree, all, and to a depth',
    fn: async (page, { base }) => {
      await open(page, base);
      const ctx = row(page, 'loadHistory');
      eq(await ctx.getAttribute('aria-expanded'), 'true', 'expanded at start');
      await ctx.locator('[data-testid="toggle"]').click();
      eq(await rowCount(page), 17, 'rows after collapsing loadHistory (2 children hidden)');
      eq(await row(page, 'loadHistory').getAttribute('aria-expanded'), 'false', 'aria-expanded false');
      await row(page, 'loadHistory').locator('[data-testid="toggle"]').click();
      eq(await rowCount(page), 19, 'rows after expanding');
      await page.click('[data-testid="collapse-all"]');
      eq(await rowCount(page), 1, 'collapse all');
      await page.click('[data-testid="expand-all"]');
      eq(await rowCount(page), 19, 'expand all');
      await page.selectOption('[data-testid="depth-select"]', '2');
      eq(await rowCount(page), 8, 'two levels: root + 7 children');
      eq(await page.getAttribute('[data-testid="rows"]', 'role'), 'treegrid', 'treegrid role');
      eq(await page.locator('[role="row"][aria-level="2"]').count(), 7, 'aria-level 2 rows');
    },
  },
  {
    name: 'find with count, next and previous, and only-matching',
    fn: async (page, { base }) => {
      await open(page, base);
      await page.fill('[data-testid="find-input"]', 'service=llm-router');
      await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]').textContent === '4 matches');
      eq(await page.locator('.wf-row.match').count(), 4, 'highlighted rows');
      await page.click('[data-testid="find-next"]');
      eq(await page.textContent('[data-testid="find-count"]'), '1 of 4', 'first');
      eq(await selectedName(page), 'embedding', 'first match selected');
      await page.click('[data-testid="find-next"]');
      eq(await page.textContent('[data-testid="find-count"]'), '2 of 4', 'second');
      eq(await selectedName(page), 'classify', 'second match selected');
      await page.click('[data-testid="find-prev"]');
      eq(await selectedName(page), 'embedding', 'back to first');
      await page.click('[data-testid="find-prev"]');
      eq(await page.textContent('[data-testid="find-count"]'), '4 of 4', 'wraps to last');
      await page.check('[data-testid="find-only"]');
      // 4 matches + ancestors: root, rag-service vectorSearch, llm-orchestrator complete.
      eq(await rowCount(page), 7, 'only matching with ancestors');
      await page.fill('[data-testid="find-input"]', 'duration>1s');
      await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]').textContent === '3 matches');
      await page.fill('[data-testid="find-input"]', 'error');
      await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]').textContent === 'no matches');
    },
  },
  {
    name: 'keyboard navigation: arrows, left/right, Enter, /, Esc, ?',
    fn: async (page, { base }) => {
      await open(page, base);
      await page.click('[data-testid="rows"]', { position: { x: 5, y: 600 } });
      await page.keyboard.press('ArrowDown');
      eq(await selectedName(page), 'POST /api/v1/chat', 'first row selected');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      eq(await selectedName(page), 'GET session:token', 'third row');
      await page.keyboard.press('ArrowLeft');
      eq(await selectedName(page), 'validateJWT', 'left goes to parent');
      await page.keyboard.press('ArrowLeft');
      eq(await rowCount(page), 18, 'left collapses');
      await page.keyboard.press('ArrowRight');
      eq(await rowCount(page), 19, 'right expands');
      await page.keyboard.press('ArrowRight');
      eq(await selectedName(page), 'GET session:token', 'right goes to first child');
      await page.keyboard.press('ArrowUp');
      eq(await selectedName(page), 'validateJWT', 'up');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'validateJWT', 'detail for selection');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="detail"]', { state: 'detached' });
      await page.keyboard.press('?');
      await page.waitForSelector('[data-testid="help-dialog"]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="help-dialog"]', { state: 'detached' });
      await page.keyboard.press('/');
      eq(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'find-input', '/ focuses find');
    },
  },
  {
    name: 'a deep link reopens the selected span, zoom and find',
    fn: async (page, { base, context }) => {
      await open(page, base);
      await row(page, 'generate').click();
      await page.fill('[data-testid="find-input"]', 'llm');
      await page.click('[data-testid="zoom-in"]');
      await page.waitForFunction(() => location.hash.includes('span=') && location.hash.includes('zoom=') && location.hash.includes('find=llm'));
      const url = page.url();
      const p2 = await context.newPage();
      await p2.goto(url);
      await waitSpans(p2, 19);
      await p2.waitForSelector('[data-testid="detail"]');
      eq(await p2.textContent('[data-testid="detail-name"]'), 'generate', 'same span in detail');
      eq(await selectedName(p2), 'generate', 'same row selected');
      eq(await p2.inputValue('[data-testid="find-input"]'), 'llm', 'find restored');
      ok(!(await p2.isDisabled('[data-testid="zoom-reset"]')), 'zoom restored');
      await p2.close();
    },
  },
  {
    name: 'a ?url= deep link reopens the same view after reload',
    fn: async (page, { base }) => {
      await open(page, base, '?url=' + encodeURIComponent(base + 'e2e-fixtures/small.json'), 3);
      await row(page, 'SELECT cart').click();
      await page.waitForFunction(() => location.hash.includes('span=1111111111111113'));
      await page.reload();
      await waitSpans(page, 3);
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'SELECT cart', 'span reopened');
    },
  },
  {
    name: 'detail panel: fields, attribute groups, events, links',
    fn: async (page, { base }) => {
      await open(page, base, '?url=' + encodeURIComponent(base + 'e2e-fixtures/small.json'), 3);
      await row(page, 'GET /cart').click();
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-duration"]'), '200 ms', 'duration');
      eq(await page.textContent('[data-testid="detail-self-time"]'), '30 ms', 'self time');
      eq(await page.textContent('[data-testid="detail-kind"]'), 'server', 'kind');
      ok((await page.textContent('[data-testid="attrs-span"]')).includes('http.route'), 'span attrs');
      ok((await page.textContent('[data-testid="attrs-resource"]')).includes('shop-api'), 'resource attrs');
      ok((await page.textContent('[data-testid="attrs-scope"]')).includes('e2e'), 'scope title');
      eq(await page.locator('[data-testid="link-missing"]').count(), 2, 'links to traces not loaded');
      ok((await page.textContent('[data-testid="detail-links"]')).includes('trace not loaded'), 'says not loaded');
      await row(page, 'SELECT cart').click();
      ok((await page.textContent('[data-testid="detail-status"]')).includes('timeout'), 'status message');
    },
  },
  {
    name: 'a link jumps to a span of another loaded trace',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', [path.join(fixtures, 'small.json'), path.join(fixtures, 'other.json')]);
      await waitSpans(page, 5);
      // Two traces open on the trace list: open the cart one.
      await page.click('[data-testid="trace-row"]:has-text("GET /cart")');
      await row(page, 'GET /cart').click();
      await page.click('[data-testid="link-jump"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="root-operation"]')?.textContent === 'charge');
      eq(await page.textContent('[data-testid="detail-name"]'), 'charge', 'jumped');
    },
  },
  {
    name: 'a markup-laden span name appears as literal text',
    fn: async (page, { base }) => {
      await open(page, base, '?url=' + encodeURIComponent(base + 'e2e-fixtures/small.json'), 3);
      const names = await rowNames(page);
      ok(names.includes('<img src=x onerror="window.__xss=1"><b>bold</b>'), `literal name in ${JSON.stringify(names)}`);
      eq(await page.locator('[data-testid="rows"] b, [data-testid="rows"] img').count(), 0, 'no injected elements');
      await row(page, '<img src=x onerror="window.__xss=1"><b>bold</b>').click();
      ok((await page.textContent('[data-testid="attrs-span"]')).includes('<script>window.__xss=2</script>'), 'attr value literal');
      eq(await page.locator('[data-testid="detail"] script, [data-testid="detail"] b').count(), 0, 'no injected elements in detail');
      eq(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    },
  },
  {
    name: 'theme toggle switches to dark and back',
    fn: async (page, { base }) => {
      await open(page, base);
      const before = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
      await page.click('[data-testid="theme-toggle"]');
      const after = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
      ok(after === 'dark' || after === 'light', 'theme set');
      ok(after !== before, 'theme changed');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      ok(after === 'dark' ? bg !== 'rgb(255, 255, 255)' : bg === 'rgb(255, 255, 255)', `background follows theme: ${bg}`);
      await page.click('[data-testid="theme-toggle"]');
    },
  },
  {
    name: 'zoom by dragging on the ruler, then reset',
    fn: async (page, { base }) => {
      await open(page, base);
      const box = await page.locator('[data-testid="ruler"]').boundingBox();
      await page.mouse.move(box.x + box.width * 0.5, box.y + 5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, box.y + 5, { steps: 4 });
      await page.mouse.up();
      ok(!(await page.isDisabled('[data-testid="zoom-reset"]')), 'zoomed');
      const first = await page.textContent('[data-testid="ruler"] .tick-label');
      ok(first !== '0.0 s', `ruler moved: ${first}`);
      await page.click('[data-testid="zoom-reset"]');
      ok(await page.isDisabled('[data-testid="zoom-reset"]'), 'reset');
    },
  },
  {
    name: 'bars show events, self time, errors, and the critical path on toggle',
    fn: async (page, { base }) => {
      await open(page, base);
      ok((await page.locator('.bar .evt').count()) >= 1, 'event tick (cache hit)');
      ok((await page.locator('.bar .cover').count()) >= 5, 'child-covered shading on parents');
      eq(await page.locator('.wf-row.crit').count(), 0, 'no critical path before the toggle');
      await page.check('[data-testid="critical-path-toggle"]');
      // The path comes from the worker.
      await page.waitForSelector('.wf-row.crit');
      const crit = await page.$$eval('.wf-row.crit .op', els => els.map(e => e.textContent));
      ok(crit.includes('POST /api/v1/chat') && crit.includes('generate'), `critical path rows: ${crit}`);
      ok(!crit.includes('embedding'), 'embedding is not on the critical path');
      await page.uncheck('[data-testid="critical-path-toggle"]');
      eq(await page.locator('.wf-row.crit').count(), 0, 'toggle off');
    },
  },
  {
    name: 'other views mount as tabs over a hidden waterfall that keeps its state',
    fn: async (page, { base }) => {
      await open(page, base);
      await row(page, 'classify').click();
      await page.waitForSelector('[data-testid="detail"]');
      await page.click('[data-testid="zoom-in"]');
      await page.waitForFunction(() => location.hash.includes('zoom='));
      const zoom = await page.evaluate(() => location.hash.match(/zoom=[^&]*/)[0]);
      // The rows and the LLM badges are worked out once; a tab switch must not redo them.
      await page.evaluate(() => { window.__clewTimings.rows_ms = -1; window.__clewTimings.badges_ms = -1; });
      for (const tab of ['critical-path', 'graph', 'patterns', 'stats', 'llm']) {
        await page.click(`[data-testid="tab-${tab}"]`);
        eq(await page.getAttribute(`[data-testid="tab-${tab}"]`, 'aria-selected'), 'true', `${tab} selected`);
        await ready(page, tab);
        eq(await page.locator('[data-testid="waterfall"]').count(), 1, `waterfall mounted on ${tab}`);
        eq(await page.isVisible('[data-testid="waterfall"]'), false, `waterfall hidden on ${tab}`);
        eq(await page.locator('input[type="file"]').count(), 1, `one file input on ${tab}`);
      }
      await page.click('[data-testid="tab-waterfall"]');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await selectedName(page), 'classify', 'selection kept');
      eq(await page.evaluate(() => location.hash.match(/zoom=[^&]*/)?.[0]), zoom, 'zoom kept');
      eq(await page.evaluate(() => [window.__clewTimings.rows_ms, window.__clewTimings.badges_ms].join()), '-1,-1', 'rows and badges not recomputed');
      await row(page, 'generate').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="detail-name"]')?.textContent === 'generate');
    },
  },
  {
    name: 'a clock-skewed span is marked with its warning',
    fn: async (page, { base }) => {
      await open(page, base, '?url=' + encodeURIComponent(base + 'e2e-fixtures/skew.json'), 2);
      const mark = row(page, 'early child').locator('.skew');
      eq(await mark.count(), 1, 'skew mark on the child');
      ok(/skew|before/i.test(await mark.getAttribute('title')), 'mark carries the warning text');
      ok(Number(await page.textContent('[data-testid="trace-warnings"]')) >= 1, 'header counts warnings');
      await page.click('[data-testid="trace-warnings"]');
      await page.waitForSelector('[data-testid="warnings-list"]');
      await row(page, 'early child').click();
      await page.waitForSelector('[data-testid="detail-warnings"]');
    },
  },
  {
    name: 'LLM calls carry a badge with model, tokens and cost, clear of the duration label',
    fn: async (page, { base }) => {
      await open(page, base);
      const g = await badgeGeometry(page);
      const by = Object.fromEntries(g.map(x => [x.name, x]));
      eq(g.length, 4, 'badges on the four LLM calls');
      eq(by.generate.text, 'claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721', 'generate badge');
      ok(by.classify.text.startsWith('gpt-4o-mini · 156→43 tok · $'), `classify badge: ${by.classify.text}`);
      ok(by.postprocess.text.startsWith('gpt-4o-mini · 674→124 tok · $'), `postprocess badge: ${by.postprocess.text}`);
      ok(by.embedding.text.startsWith('text-embedding-ada-002 · 312 tok · $'), `embedding badge: ${by.embedding.text}`);
      for (const x of g) {
        ok(!x.overlap, `${x.name}: badge does not overlap the duration`);
        ok(x.inRow, `${x.name}: badge inside its row`);
        ok(!x.clipped, `${x.name}: badge text not cut at 1400 px`);
      }
      eq(await row(page, 'loadHistory').locator('[data-testid="llm-badge"]').count(), 0, 'no badge on other spans');
      // A narrow window: the model name is shortened, tokens and cost stay whole and uncut.
      await page.setViewportSize({ width: 900, height: 700 });
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="llm-badge"]')].some((b) => b.textContent.includes('…')));
      const narrow = Object.fromEntries((await badgeGeometry(page)).map(x => [x.name, x]));
      ok(narrow.generate.text.endsWith(' · 2,847→612 tok · $0.017721') && narrow.generate.text.includes('…'), `narrow generate badge: ${narrow.generate.text}`);
      ok(!narrow.generate.overlap && !narrow.generate.clipped, 'narrow badge clear and uncut');
      eq(await row(page, 'generate').locator('[data-testid="llm-badge"]').getAttribute('data-full'), 'claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721', 'full text kept');
      await page.setViewportSize({ width: 1400, height: 900 });
      // The detail panel narrows the lane without a window resize: the badges follow.
      await row(page, 'generate').click();
      await page.waitForSelector('[data-testid="detail"]');
      await page.waitForFunction(() => {
        const b = [...document.querySelectorAll('[data-testid="llm-badge"]')];
        return b.length === 4 && b.every((e) => e.scrollWidth <= e.clientWidth + 1);
      });
      const withPanel = Object.fromEntries((await badgeGeometry(page)).map(x => [x.name, x]));
      ok(withPanel.generate.text.endsWith(' · 2,847→612 tok · $0.017721'), `with the panel: ${withPanel.generate.text}`);
      ok(Object.values(withPanel).every((x) => !x.overlap && x.inRow), 'no overlap with the panel open');
      await page.click('[data-testid="detail-close"]');
      // Dark theme keeps it legible: text and background differ.
      await page.click('[data-testid="theme-toggle"]');
      const colors = await row(page, 'generate').locator('[data-testid="llm-badge"]').evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]);
      ok(colors[0] !== colors[1], `badge colors ${colors}`);
      await page.click('[data-testid="theme-toggle"]');
    },
  },
  {
    name: 'an edit in the prices dialog flows into the waterfall badges',
    fn: async (page, { base }) => {
      await open(page, base);
      try {
        await page.click('[data-testid="tab-llm"]');
        await page.click('[data-testid="prices-open"]');
        const add = page.locator('[data-testid="prices-add-row"]');
        await add.locator('input[placeholder="provider"]').fill('anthropic');
        await add.locator('input[placeholder="model"]').fill('claude-3-5-sonnet');
        await add.locator('input[placeholder="input"]').fill('6');
        await add.locator('input[placeholder="output"]').fill('30');
        await page.click('[data-testid="prices-add"]');
        await page.click('[data-testid="prices-close"]');
        await page.click('[data-testid="tab-waterfall"]');
        // 2,847 × $6/M + 612 × $30/M = $0.035442
        eq(await row(page, 'generate').locator('[data-testid="llm-badge"]').textContent(), 'claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.035442', 'repriced badge');
      } finally {
        await page.click('[data-testid="tab-llm"]');
        await page.click('[data-testid="prices-open"]');
        await page.click('[data-testid="prices-reset"]');
        await page.click('[data-testid="prices-close"]');
        await page.click('[data-testid="tab-waterfall"]');
      }
      eq(await row(page, 'generate').locator('[data-testid="llm-badge"]').textContent(), 'claude-3-5-sonnet-20241022 · 2,847→612 tok · $0.017721', 'built-in price again');
    },
  },
  {
    name: 'a jump from another view opens the detail panel and scrolls to the span',
    fn: async (page, { base, tmp }) => {
      const file = path.join(tmp, 'wide.json');
      fs.writeFileSync(file, wideTrace(400, 350));
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', file);
      await waitSpans(page, 401);
      await page.click('[data-testid="collapse-all"]');
      eq(await rowCount(page), 1, 'collapsed to the root');
      await page.click('[data-testid="tab-llm"]');
      await page.click('[data-testid="llm-most-expensive"]');
      await page.waitForSelector('[data-testid="detail"]');
      eq(await page.textContent('[data-testid="detail-name"]'), 'deep llm call', 'detail shows the call');
      eq(await page.getAttribute('[data-testid="tab-waterfall"]', 'aria-selected'), 'true', 'waterfall tab');
      await page.waitForFunction(() => {
        const r = document.querySelector('[data-testid="span-row"].selected');
        const b = document.querySelector('[data-testid="rows"]').getBoundingClientRect();
        if (!r) return false;
        const rr = r.getBoundingClientRect();
        return rr.top >= b.top && rr.bottom <= b.bottom;
      });
      eq(await selectedName(page), 'deep llm call', 'selected row on screen');
      eq(await page.textContent('[data-testid="row-count"]'), '401 rows', 'collapsed root expanded');
      // Closing the panel and jumping again (critical path view) reopens it.
      await page.click('[data-testid="detail-close"]');
      await page.waitForSelector('[data-testid="detail"]', { state: 'detached' });
      await page.evaluate(() => { document.querySelector('[data-testid="rows"]').scrollTop = 0; });
      await page.click('[data-testid="tab-llm"]');
      await page.click('[data-testid="llm-slowest"]');
      await page.waitForSelector('[data-testid="detail"]');
      await page.waitForFunction(() => {
        const r = document.querySelector('[data-testid="span-row"].selected');
        const b = document.querySelector('[data-testid="rows"]').getBoundingClientRect();
        return r && r.getBoundingClientRect().top >= b.top && r.getBoundingClientRect().bottom <= b.bottom;
      });
    },
  },
];
