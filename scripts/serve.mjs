#!/usr/bin/env node
// Static file server for dist/ (wasm needs http, not file://). Binds 127.0.0.1 only.
// Usage: node scripts/serve.mjs [--dir dist] [--port 8080] [--mount /prefix=DIR ...]
// Port 0 picks a free port. Prints "serving DIR at http://127.0.0.1:PORT/" once listening.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.jsonl': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

/** `handle(req, res)`, when given, sees every request first and returns true when it answered it;
 *  `headers` are added to every file served. */
export function startServer({ dir = 'dist', port = 8080, mounts = {}, handle = null, headers = {} } = {}) {
  const root = path.resolve(dir);
  const roots = Object.entries(mounts).map(([p, d]) => [p.replace(/\/$/, ''), path.resolve(d)]);
  const server = http.createServer((req, res) => {
    if (handle && handle(req, res)) return;
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let base = root;
    for (const [prefix, d] of roots) {
      if (urlPath === prefix || urlPath.startsWith(prefix + '/')) {
        base = d;
        urlPath = urlPath.slice(prefix.length) || '/';
        break;
      }
    }
    let file = path.join(base, urlPath);
    if (!file.startsWith(base)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) file = path.join(file, 'index.html');
      fs.stat(file, (err2, st2) => {
        if (err2 || !st2.isFile()) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
          'content-length': st2.size,
          'cache-control': 'no-cache',
          'access-control-allow-origin': '*',
          ...headers,
        });
        if (req.method === 'HEAD') return res.end();
        fs.createReadStream(file).pipe(res);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const args = process.argv.slice(2);
  let dir = 'dist', port = Number(process.env.PORT || 8080);
  const mounts = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dir') dir = args[++i];
    else if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--mount') { const [p, d] = args[++i].split('='); mounts[p] = d; }
  }
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    console.error(`serve: ${dir}/index.html not found; build first (make dist)`);
    process.exit(1);
  }
  const server = await startServer({ dir, port, mounts });
  const p = server.address().port;
  console.log(`serving ${path.resolve(dir)} at http://127.0.0.1:${p}/`);
}
