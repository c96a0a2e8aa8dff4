#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, lints, native unit
# and black-box tests (golden logs, fidelity, invariants, schema validation of exports),
# and the engine's determinism tests compiled to wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
step "cargo test (native)"
cargo test --workspace
step "engine in wasm32: byte-identical golden logs (Node)"
cargo test -p bindery-core --target wasm32-unknown-unknown --test wasm
step "all tests passed"
