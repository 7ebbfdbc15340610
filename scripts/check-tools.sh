#!/usr/bin/env bash
# Verifies the pinned build tools are the ones on PATH (run after scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
fail() { echo "check-tools: $*" >&2; exit 1; }
trunk --version | grep -q "trunk 0.21.14" || fail "trunk 0.21.14 required, found: $(trunk --version 2>&1)"
wasm-bindgen --version | grep -q "wasm-bindgen 0.2.130" || fail "wasm-bindgen 0.2.130 required, found: $(wasm-bindgen --version 2>&1)"
command -v wasm-bindgen-test-runner >/dev/null || fail "wasm-bindgen-test-runner missing"
WO=$(command -v wasm-opt || true)
[ "$WO" = "$PWD/tools/node_modules/.bin/wasm-opt" ] || fail "wasm-opt must come from tools/node_modules (npm binaryen), found: ${WO:-none}"
wasm-opt --version | grep -q "version 132" || fail "wasm-opt 132 required, found: $(wasm-opt --version 2>&1)"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing"
[ -x /usr/bin/chromedriver ] || fail "/usr/bin/chromedriver missing"
[ -d tools/node_modules/playwright-core ] || fail "playwright-core missing in tools/node_modules"
AXE_WANT=$(node -p 'require("./tools/package.json").dependencies["axe-core"]')
AXE_HAVE=$(node -p 'require("./tools/node_modules/axe-core/package.json").version' 2>/dev/null || echo none)
[ "$AXE_HAVE" = "$AXE_WANT" ] || fail "axe-core $AXE_WANT required in tools/node_modules (the e2e accessibility audit), found: $AXE_HAVE"
echo "check-tools: ok (trunk 0.21.14, wasm-bindgen 0.2.130, wasm-opt 132 from npm, chromium, playwright-core, axe-core $AXE_HAVE)"
