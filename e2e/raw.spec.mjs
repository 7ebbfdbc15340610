// The detail panel's raw JSON: the input tab shows the exact bytes of the span's object in
// the loaded file (computed here from the fixture), markup in it stays literal text, the
// normalized tab shows the span as Clew holds it, the tabs follow the ARIA pattern
// (arrows move), and Copy puts the whole text on the clipboard. With two files loaded, a
// span of the second file is sliced from that file.
import fs from 'node:fs';
import path from 'node:path';
import { eq, ok, open, waitSpans } from './assert.mjs';

const row = (page, name) => page.locator('[data-testid="span-row"]', { has: page.locator('.op', { hasText: name }) });

/** The exact text of the JSON object that opens at the first `{` of `marker` in `file`. */
function objectAt(file, marker) {
  const bytes = fs.readFileSync(file);
  const start = bytes.indexOf(Buffer.from(marker));
  if (start < 0) throw new Error(`${marker} not in ${file}`);
  let depth = 0, inString = false, escaped = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return { text: bytes.subarray(start, i + 1).toString('utf8'), offset: start };
    }
  }
  throw new Error('unterminated object');
}

/** Opens the raw JSON section of the span detail and waits for its text. */
async function openRaw(page) {
  if ((await page.getAttribute('[data-testid="raw-json-toggle"]', 'aria-expanded')) !== 'true') {
    await page.click('[data-testid="raw-json-toggle"]');
  }
  await page.waitForSelector('[data-testid="raw-json"][data-ready="1"] [data-testid="raw-json-text"]');
}

const rawText = (page) => page.textContent('[data-testid="raw-json-text"]');

export const tests = [
  {
    name: 'input and normalized tabs: exact slice, literal markup, arrows, copy',
    fn: async (page, { base, context, fixtures }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
      await open(page, base, '?url=' + encodeURIComponent(base + 'e2e-fixtures/small.json'), 3);
      const markup = '<img src=x onerror="window.__xss=1"><b>bold</b>';
      await row(page, markup).click();
      await page.waitForSelector('[data-testid="detail"]');
      await openRaw(page);
      const want = objectAt(path.join(fixtures, 'small.json'), '{"traceId":"11111111111111111111111111111111","spanId":"1111111111111112"');
      eq(await rawText(page), want.text, 'input tab: the exact bytes of the span object');
      eq(await page.getAttribute('[data-testid="raw-json-tab-input"]', 'aria-selected'), 'true', 'input tab selected');
      const source = await page.textContent('[data-testid="raw-json-source"]');
      ok(source.includes('small.json') && source.includes(`byte ${want.offset}`), `source line: ${source}`);
      ok((await page.textContent('[data-testid="raw-json-note"]')).includes('resourceSpans'), 'says where the resource is');
      eq(await page.locator('[data-testid="detail"] script, [data-testid="detail"] b, [data-testid="detail"] img').count(), 0, 'markup stays text');

      // Copy: the whole text of the active tab.
      await page.click('[data-testid="raw-json-copy"]');
      await page.waitForFunction((t) => navigator.clipboard.readText().then((c) => c === t), want.text);

      // Arrow right moves to the normalized tab (focus and selection).
      await page.focus('[data-testid="raw-json-tab-input"]');
      await page.keyboard.press('ArrowRight');
      eq(await page.getAttribute('[data-testid="raw-json-tab-normalized"]', 'aria-selected'), 'true', 'normalized tab selected');
      eq(await page.evaluate(() => document.activeElement?.dataset.testid), 'raw-json-tab-normalized', 'focus on the tab');
      await page.waitForFunction(() => document.querySelector('[data-testid="raw-json-text"]')?.textContent.includes('"span_id"'));
      const norm = JSON.parse(await rawText(page));
      eq(norm.span_id, '1111111111111112', 'normalized span id');
      eq(norm.name, markup, 'normalized name, literal');
      eq(norm.parent_id, '1111111111111111', 'normalized parent');
      eq(norm.attributes.note, '<script>window.__xss=2</script>', 'normalized attribute, literal');
      eq(await page.locator('[data-testid="detail"] script, [data-testid="detail"] b, [data-testid="detail"] img').count(), 0, 'still no markup');
      await page.click('[data-testid="raw-json-copy"]');
      await page.waitForFunction(() => navigator.clipboard.readText().then((c) => c.includes('"duration_ns": 100000000')));
      await page.focus('[data-testid="raw-json-tab-normalized"]');
      await page.keyboard.press('ArrowLeft');
      eq(await page.getAttribute('[data-testid="raw-json-tab-input"]', 'aria-selected'), 'true', 'back to input');
      eq(await page.evaluate(() => window.__xss), undefined, 'no script ran');
    },
  },
  {
    name: 'a span of the second file of a load is sliced from that file',
    fn: async (page, { base, fixtures }) => {
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', [path.join(fixtures, 'small.json'), path.join(fixtures, 'other.json')]);
      await waitSpans(page, 5);
      await page.click('[data-testid="trace-row"]:has-text("charge")');
      await row(page, 'POST /psp').click();
      await page.waitForSelector('[data-testid="detail"]');
      await openRaw(page);
      const want = objectAt(path.join(fixtures, 'other.json'), '{"traceId":"22222222222222222222222222222222","spanId":"2222222222222223"');
      eq(await rawText(page), want.text, 'the exact bytes in other.json');
      ok((await page.textContent('[data-testid="raw-json-source"]')).startsWith('other.json'), 'names the second file');
    },
  },
];
