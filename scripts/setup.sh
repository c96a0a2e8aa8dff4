#!/usr/bin/env bash
# Installs what Bindery needs to build and test, skipping whatever is already there.
# Works on a fresh Debian machine with Rust (rustup), Node and Python; uses only crates.io,
# PyPI, npm and Debian's apt. Safe to run again: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# The engine must also build for the browser.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's test runner, at exactly the version Cargo.lock uses (a mismatch makes
# the tooling try to download binaries from GitHub, which is not reachable).
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q "$wb_version"; then
  step "cargo install wasm-bindgen-cli $wb_version (a few minutes, once)"
  # Not --locked: its lockfile pins a webpki-roots release this registry lacks.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

# Node runs the wasm tests of the engine, wasm-opt and the end-to-end tests.
if ! have node || ! have npm; then
  step "apt-get install nodejs npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

# Headless Chromium and its driver, for the browser tests (Debian's, not a download).
if ! have chromium || ! have chromedriver; then
  step "apt-get install chromium chromium-driver"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

# wasm-opt from npm's binaryen: Debian's (108) cannot read current wasm. Trunk.toml pins
# this version, so trunk never tries to download its own.
if ! wasm-opt --version 2>/dev/null | grep -q "version 132"; then
  step "npm install -g binaryen@132.0.0 (wasm-opt)"
  npm install -g --no-audit --no-fund binaryen@132.0.0
fi

# Trunk builds and serves the playground. 0.22 needs a newer rustc than this machine's.
if ! trunk --version 2>/dev/null | grep -q "0.21.14"; then
  step "cargo install trunk 0.21.14 (about ten minutes, once)"
  cargo install --locked trunk --version 0.21.14
fi

# Playwright's library for the end-to-end tests; it drives the system Chromium and
# downloads no browser.
if [ ! -d tests/e2e/node_modules/playwright-core ]; then
  step "npm ci (tests/e2e: playwright-core)"
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi

# The Kubernetes OpenAPI schema check for exported YAML.
if ! python3 -m kubernetes_validate --version >/dev/null 2>&1; then
  step "pip install kubernetes-validate"
  python3 -m pip install --quiet kubernetes-validate
fi
