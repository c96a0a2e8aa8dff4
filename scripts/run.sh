#!/usr/bin/env bash
# Installs what is missing, builds the playground (trunk build --release → dist/) and serves
# it on http://127.0.0.1:8080/, opened on a built-in scenario (ReadWriteOncePod preemption).
# PORT=9000 scripts/run.sh serves elsewhere.
#
# With arguments it runs the native CLI instead, e.g.
#   scripts/run.sh builtin:local-pv-wffc --output events
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ "$#" -gt 0 ]; then
  exec cargo run --quiet --release -p bindery -- run "$@"
fi
trunk build --release --skip-version-check
port="${PORT:-8080}"
url="http://127.0.0.1:${port}/?scenario=rwop-preemption"
printf '\n==> Bindery is at %s  (Ctrl+C stops it)\n\n' "$url"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
