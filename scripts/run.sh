#!/usr/bin/env bash
# Installs what is missing, builds the CLI and runs the default built-in scenario
# (ReadWriteOncePod preemption), printing what a real cluster would do.
# Pass arguments to run something else, e.g. `scripts/run.sh builtin:local-pv-wffc -o events`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "$#" -eq 0 ]; then
  set -- builtin:rwop-preemption --output table
fi
cargo run --quiet --release -p bindery -- run "$@"
