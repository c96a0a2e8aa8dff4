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

# Node runs the wasm tests of the engine.
if ! have node; then
  step "apt-get install nodejs"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
fi

# The Kubernetes OpenAPI schema check for exported YAML.
if ! python3 -m kubernetes_validate --version >/dev/null 2>&1; then
  step "pip install kubernetes-validate"
  python3 -m pip install --quiet kubernetes-validate
fi
