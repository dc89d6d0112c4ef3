#!/usr/bin/env bash
# Every benchmark in tests/bench/: each prints its own figures (seconds and HTTP requests).
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=src:. DJANGO_SETTINGS_MODULE=tests.settings
status=0
for bench in tests/bench/bench_*.py; do
  echo "== $bench =="
  .venv/bin/python "$bench" || status=1
done
exit $status
