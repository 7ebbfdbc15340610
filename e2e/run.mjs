#!/usr/bin/env node
// E2E runner: serves dist/ on 127.0.0.1, launches Debian Chromium through
// playwright-core, runs every test exported by e2e/*.spec.mjs, and ends with
// the line "N passed, N failed". Exit code 1 when any test failed.
// Usage: node e2e/run.mjs [name-filter]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, serve, launch } from './lib.mjs';

const filter = process.argv[2] || '';
const dir = path.join(ROOT, 'e2e');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-e2e-'));
const { server, base } = await serve({ '/e2e-fixtures': path.join(dir, 'fixtures'), '/e2e-tmp': tmp });
const { context, close } = await launch();
const env = { base, context, tmp, fixtures: path.join(dir, 'fixtures'), root: ROOT };

let passed = 0, failed = 0;
const files = fs.readdirSync(dir).filter(f => f.endsWith('.spec.mjs')).sort();
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(dir, f)).href);
  for (const t of mod.tests) {
    const name = `${f.replace('.spec.mjs', '')} › ${t.name}`;
    if (filter && !name.includes(filter)) continue;
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));
    const t0 = Date.now();
    try {
      await t.fn(page, env);
      if (errors.length) throw new Error('uncaught page error: ' + errors.join(' | '));
      passed++;
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e && e.stack || e}`);
      try { fs.mkdirSync('/tmp/clew-e2e-failures', { recursive: true }); await page.screenshot({ path: `/tmp/clew-e2e-failures/${name.replace(/[^a-z0-9]+/gi, '_')}.png` }); } catch {}
    } finally {
      await page.close().catch(() => {});
    }
  }
}
await close();
server.close();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
