// The Content-Security-Policy Clew ships (docs/hosting.md explains each directive).
// - script-src 'self' 'wasm-unsafe-eval': no inline script (scripts/postbuild.mjs moves trunk's
//   start-up script to a file), and WebAssembly may compile;
// - style-src 'unsafe-inline': the views set style attributes (positions, colours); no script;
// - connect-src: Clew itself, plus the trace URLs and backends it fetches; the shipped policy
//   allows any http(s) address, a host narrows it to its backends;
// - frame-ancestors (header only): who may embed Clew; 'self' unless a host lists its origins.

/** The directives, with `connect` and `ancestors` as given. */
export function directives({ connect = "'self' http: https:", ancestors = "'self'" } = {}) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ancestors === null ? null : `frame-ancestors ${ancestors}`,
  ].filter(Boolean);
}

/** The policy for the <meta> tag (no frame-ancestors: a meta tag cannot carry it). */
export const metaPolicy = (opts = {}) => directives({ ...opts, ancestors: null }).join('; ');

/** The policy for an HTTP header. */
export const headerPolicy = (opts = {}) => directives(opts).join('; ');
