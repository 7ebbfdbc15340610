#!/usr/bin/env bash
# Idempotent toolchain setup for Clew. Each step checks the installed version first,
# so a warm machine passes through in seconds. Safe to run many times.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

# 1. wasm target
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: chromium + chromedriver for browser tests and screenshots.
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" fonts-dejavu-core >/dev/null
fi

# 3. trunk
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (several minutes on a cold machine)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 4. wasm-bindgen-cli (not --locked: the locked webpki-roots is not in the registry)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 5. node tools: binaryen (wasm-opt), playwright-core and axe-core, pinned in tools/package.json
if [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ] || \
   ! "$ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}" || \
   [ ! -d "$ROOT/tools/node_modules/playwright-core" ] || \
   [ "$(node -p 'require(process.argv[1]).version' "$ROOT/tools/node_modules/axe-core/package.json" 2>/dev/null)" != \
     "$(node -p 'require(process.argv[1]).dependencies["axe-core"]' "$ROOT/tools/package.json")" ]; then
  log "installing node tools (binaryen $BINARYEN_VERSION, playwright-core, axe-core)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
fi
log "toolchain ready"
