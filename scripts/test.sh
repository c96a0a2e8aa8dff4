#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, lints (native and
# wasm32), native unit and black-box tests (golden logs, fidelity, invariants, schema
# validation of exports, the playground's view models and reducer), the engine compiled
# to wasm (Node), the playground's tests in headless Chromium, the release build, and the
# end-to-end run that clicks through it (screenshots and figures in tests/e2e/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -D warnings (native, and the playground for wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p bindery-web --target wasm32-unknown-unknown --all-targets -- -D warnings
step "cargo test (native)"
cargo test --workspace
step "engine in wasm32: byte-identical golden logs (Node)"
cargo test -p bindery-core --target wasm32-unknown-unknown --test wasm
step "playground in headless Chromium (wasm-bindgen-test)"
cargo test -p bindery-web --target wasm32-unknown-unknown --test browser
step "trunk build --release"
trunk build --release --skip-version-check
step "end-to-end (Playwright + Debian's Chromium)"
node tests/e2e/e2e.mjs
step "all tests passed"
