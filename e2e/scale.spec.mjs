// Scale: a 100k-span trace loads with the DOM node count under the limit, and find on it is
// debounced, sliced and correct.
import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { eq, ok, waitSpans, open } from './assert.mjs';

const DOM_LIMIT = 1400;

/** A generated one-trace OTLP file of `spans` spans (`clew gen`, seed 1 unless given), cached in `tmp`. */
export function generate(root, tmp, spans, seed = 1) {
  const out = path.join(tmp, seed === 1 ? `gen-${spans}.json` : `gen-${spans}-s${seed}.json`);
  if (!fs.existsSync(out)) {
    execFileSync('cargo', ['run', '--quiet', '--release', '--bin', 'clew', '--', 'gen', '--spans', String(spans), '--traces', '1',
      '--format', 'otlp', '--seed', String(seed), '--out', out], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return out;
}

export const tests = [
  {
    name: '100k spans load with the DOM under the node limit, and scrolling shows rows',
    fn: async (page, { base, root, tmp }) => {
      const file = generate(root, tmp, 100000);
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', file);
      await waitSpans(page, 100000, 180000);
      const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      ok(nodes < DOM_LIMIT, `DOM nodes ${nodes} < ${DOM_LIMIT}`);
      const body = page.locator('[data-testid="rows"]');
      // Rows on screen in the scrolled body, and the gap above the first of them.
      const onScreen = () => {
        const b = document.querySelector('[data-testid="rows"]').getBoundingClientRect();
        const rows = [...document.querySelectorAll('[data-testid="span-row"]')].filter(r => {
          const rr = r.getBoundingClientRect();
          return rr.bottom > b.top && rr.top < b.bottom;
        });
        return { n: rows.length, top: rows.length ? rows[0].getBoundingClientRect().top - b.top : 999 };
      };
      for (const frac of [0.5, 0.999, 0.25]) {
        await body.evaluate((el, f) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * f; }, frac);
        // The rows for the new position are drawn after the scroll event: wait until they
        // fill the view (or give up after 10 s and report what is there).
        // A function, not a string: the page's CSP refuses string evaluation when polled.
        await page.waitForFunction(() => {
          const b = document.querySelector('[data-testid="rows"]').getBoundingClientRect();
          const rows = [...document.querySelectorAll('[data-testid="span-row"]')].filter(r => {
            const rr = r.getBoundingClientRect();
            return rr.bottom > b.top && rr.top < b.bottom;
          });
          return rows.length >= 10 && rows[0].getBoundingClientRect().top - b.top <= 0.5;
        }, null, { timeout: 10000 })
          .catch(() => {});
        const visible = await page.evaluate(onScreen);
        ok(visible.n >= 10, `rows on screen at ${frac}: ${visible.n}`);
        ok(visible.top <= 0.5, `no blank gap at the top at ${frac}: ${visible.top}`);
      }
      const nodes2 = await page.evaluate(() => document.getElementsByTagName('*').length);
      ok(nodes2 < DOM_LIMIT, `DOM nodes after scrolling ${nodes2} < ${DOM_LIMIT}`);
      eq(await page.getAttribute('[data-testid="app"]', 'data-loaded-traces'), '1', 'traces');
    },
  },
  {
    name: 'find on 100k spans: typing is debounced, and the count is right',
    fn: async (page, { base, root, tmp }) => {
      const file = generate(root, tmp, 100000);
      // The expected count, by the rule of a free-text term: name, service, attribute
      // key or string value, or event name contains the text (case-insensitive).
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      const needle = 'validate';
      const has = (v) => typeof v === 'string' && v.toLowerCase().includes(needle);
      let expected = 0;
      for (const rs of doc.resourceSpans) {
        const svc = (rs.resource?.attributes || []).find((a) => a.key === 'service.name')?.value?.stringValue || '';
        const resHit = (rs.resource?.attributes || []).some((a) => has(a.key) || has(a.value?.stringValue));
        for (const ss of rs.scopeSpans) for (const sp of ss.spans) {
          if (has(sp.name) || has(svc) || resHit || (sp.attributes || []).some((a) => has(a.key) || has(a.value?.stringValue))
            || (sp.events || []).some((e) => has(e.name))) expected++;
        }
      }
      ok(expected > 1000, `fixture has matches: ${expected}`);
      await open(page, base);
      await page.setInputFiles('[data-testid="file-input"]', file);
      await waitSpans(page, 100000, 180000);
      await page.evaluate(() => {
        window.__counts = [];
        const el = document.querySelector('[data-testid="find-count"]');
        new MutationObserver(() => window.__counts.push(el.textContent)).observe(el, { childList: true, subtree: true, characterData: true });
      });
      await page.click('[data-testid="find-input"]');
      await page.keyboard.type(needle, { delay: 30 });
      const want = `${expected.toLocaleString('en-US')} matches`;
      await page.waitForFunction((w) => document.querySelector('[data-testid="find-count"]').textContent === w, want, { timeout: 60000 });
      const seen = await page.evaluate(() => window.__counts);
      ok(seen.includes('…'), `pending state shown while typing: ${JSON.stringify(seen)}`);
      const numeric = seen.filter((t) => /\d/.test(t));
      ok(numeric.every((t) => t === want), `no count of a partial query was shown: ${JSON.stringify(seen)}`);
      eq(await page.locator('.wf-row.match').count() > 0, true, 'matches highlighted');
      // Enter applies at once and steps to the first match.
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelector('[data-testid="find-count"]').textContent === `1 of ${n}`, expected.toLocaleString('en-US'));
      ok((await page.textContent('[data-testid="span-row"].selected .op')).toLowerCase().includes(needle), 'first match selected');
      // Enter right after a new query (before its debounce) steps through the new matches.
      let byName = 0;
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) for (const sp of ss.spans) if (sp.name.toLowerCase().includes('render')) byName++;
      await page.fill('[data-testid="find-input"]', 'name:render');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelector('[data-testid="find-count"]').textContent === `1 of ${n}`, byName.toLocaleString('en-US'));
      eq(await page.textContent('[data-testid="span-row"].selected .op'), 'render', 'first render span selected');
      // A new query typed over it replaces the result (no mix with the old one).
      await page.fill('[data-testid="find-input"]', 'service=frontend');
      await page.waitForFunction((old) => {
        const t = document.querySelector('[data-testid="find-count"]').textContent;
        return /^[\d,]+ matches$/.test(t) && t !== old;
      }, want);
    },
  },
];
