# Clew: the two contract commands are `make run` and `make test`.
#   make run    [PORT=8080]  set up tools, build a release dist/ offline, serve it on 127.0.0.1
#   make test                native clippy, native cargo test, wasm-bindgen tests in Chromium, Playwright e2e
#   make bench               e2e/bench.mjs and scripts/bench-cli.sh (10k/100k/1M spans; not a test)
# Tools are pinned (scripts/setup.sh); wasm-opt comes from tools/node_modules (npm binaryen 132),
# never from Debian, so tools/node_modules/.bin goes first on PATH.
SHELL := /bin/bash
PORT ?= 8080
ROOT := $(CURDIR)
export PATH := $(ROOT)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# wasm builds use their own target dir so native builds are not invalidated.
WASM_TARGET_DIR ?= $(ROOT)/target-wasm

.PHONY: setup dist run serve test lint lint-native lint-wasm test-native test-wasm test-e2e bench check-tools clean-dist

setup:
	bash scripts/setup.sh

check-tools:
	@bash scripts/check-tools.sh

dist: setup check-tools
	CARGO_TARGET_DIR=$(WASM_TARGET_DIR) trunk build --release --offline
	node scripts/postbuild.mjs dist
	@test -f dist/index.html && test -f dist/clew-worker_loader.js && test -f dist/public/demo.json

run: dist serve

serve:
	node scripts/serve.mjs --dir dist --port $(PORT)

test: setup check-tools lint-native test-native test-wasm test-e2e

# Clippy with the crate's [lints] (no unwrap/expect/panic outside tests) and every
# warning an error: natively (core, view_model, CLI, tests) and for the wasm32 UI.
# `make test` runs the native half; the wasm32 half is a cold check of every browser
# crate (several minutes on 2 cores), so it runs in `make lint` only.
lint: lint-native lint-wasm

lint-native:
	cargo clippy --all-targets -- -D warnings

lint-wasm:
	CARGO_TARGET_DIR=$(WASM_TARGET_DIR) cargo clippy --target wasm32-unknown-unknown --bins --lib --tests -- -D warnings

test-native:
	cargo test

test-wasm:
	CARGO_TARGET_DIR=$(WASM_TARGET_DIR) \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=/usr/bin/chromedriver \
	WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(ROOT)/scripts/webdriver.json \
	WASM_BINDGEN_TEST_TIMEOUT=120 \
	cargo test --target wasm32-unknown-unknown --test wasm

test-e2e: dist
	cargo build --release --bin clew
	node e2e/run.mjs

bench: dist
	cargo build --release --bin clew
	node e2e/bench.mjs
	bash scripts/bench-cli.sh

clean-dist:
	rm -rf dist
