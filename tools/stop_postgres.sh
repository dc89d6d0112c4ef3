#!/usr/bin/env bash
set -euo pipefail
dir="${1:?data dir}"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
run=()
[ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
"${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
