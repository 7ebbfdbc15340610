#!/usr/bin/env node
// After `trunk build`: makes dist/ run under a Content-Security-Policy that forbids inline
// script. Trunk 0.21 starts the wasm with an inline module script; this moves it to a file
// (dist/start-<hash>.js, with an integrity hash), puts the policy in a <meta> tag, and writes
// the header form (with frame-ancestors, which a <meta> cannot carry) to dist/_headers for
// hosts that read that file. Usage: node scripts/postbuild.mjs [dist]
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { metaPolicy, headerPolicy } from './csp.mjs';

const dir = path.resolve(process.argv[2] || 'dist');
const indexPath = path.join(dir, 'index.html');
let html = fs.readFileSync(indexPath, 'utf8');

const inline = /<script type="module">([\s\S]*?)<\/script>/;
const m = html.match(inline);
if (m) {
  const code = m[1].trim() + '\n';
  const name = `start-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
  const sri = 'sha384-' + crypto.createHash('sha384').update(code).digest('base64');
  fs.writeFileSync(path.join(dir, name), code);
  html = html.replace(inline, `<script type="module" src="./${name}" integrity="${sri}"></script>`);
} else if (!/<script type="module" src="\.\/start-[0-9a-f]{16}\.js"/.test(html)) {
  console.error('postbuild: no start-up script found in dist/index.html');
  process.exit(1);
}
if (/<script(?![^>]*\ssrc=)[^>]*>/.test(html)) {
  console.error('postbuild: dist/index.html still has an inline script');
  process.exit(1);
}
const meta = `<meta http-equiv="Content-Security-Policy" content="${metaPolicy()}" />`;
html = html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
html = html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    ${meta}`);
fs.writeFileSync(indexPath, html);
fs.writeFileSync(path.join(dir, '_headers'), `/*\n  Content-Security-Policy: ${headerPolicy()}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n`);

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) console.log(`postbuild: ${path.relative(process.cwd(), indexPath)} starts from a file; CSP set`);
